"""What comes first at start-up and after unlock (issue 8): the unlock screen without the main window's
code, then — after unlock — the Today page read once, its alerts and sessions shown before the worker
computes the month's figures, and the automatic backup (seconds on a big centre) only after those."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from qt_helpers import PASSWORD_MAN, unlock

from instructor_app.services.open_workspace import OpenWorkspace
from ui.views.today import TodayPage

REPO = Path(__file__).resolve().parents[2]


def test_the_unlock_screens_modules_leave_the_main_window_for_later() -> None:
    code = "import json, sys, ui.app; print(json.dumps('ui.main_window' in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) is False


def test_after_unlock_today_is_shown_before_its_month_box_and_the_backup(qtbot, set_up_workspace, desktop_factory,
                                                                        monkeypatch) -> None:
    happened: list[str] = []

    def watch(cls, name: str, label: str) -> None:  # noqa: ANN001
        original = getattr(cls, name)

        def watched(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            happened.append(label)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, watched)

    watch(OpenWorkspace, "alerts", "alerts read")
    watch(TodayPage, "_alerts_loaded", "alerts shown")
    watch(TodayPage, "_loaded", "sessions shown")
    watch(OpenWorkspace, "indicators", "month computed")
    watch(OpenWorkspace, "auto_backup", "backup made")
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)  # waits until the worker is idle
    # each once (the new main window used to read its first page twice), in this order
    assert happened == ["alerts read", "alerts shown", "sessions shown", "month computed", "backup made"]
    today = desktop.main_window.today
    assert today.alerts_loaded and today.loaded and today.month.indicators is not None
    assert desktop.main_window.statusBar().currentMessage()  # "Automatic backup saved (…)"
