"""The GUI's start-up path does not import the storage stack on the GUI thread."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_CODE = """
import json, sys
import ui.app, ui.dialogs.unlock, ui.dialogs.setup_wizard, ui.main_window
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'PySide6'})))
"""


def test_gui_modules_leave_sqlalchemy_and_alembic_to_the_worker() -> None:
    done = subprocess.run([sys.executable, "-c", _CODE], capture_output=True, text=True, timeout=60, cwd=REPO,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["PySide6"]
