"""Cold start to the unlock screen, next to a bare PySide6 window process in the same run.

Each sample is a fresh process (``python -c``), timed from spawn to the moment the first window has
been shown and painted (the child prints a wall-clock stamp); for the app, also to the moment the
facilitator list is filled (the key file read on the DB worker). Median of 7 runs each.
Run: ``make bench``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
import time
app = QApplication([])
window = QLabel("Instructor App")
window.show()
def shown():
    print(time.time(), flush=True)
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""

APP = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from instructor_app.paths import DataFolder
import ui.app

import time
started = ui.app.DesktopApp.start
def start_and_watch(self, *args):
    started(self, *args)
    QTimer.singleShot(0, lambda: print(time.time(), flush=True))  # first window shown
    def listed():
        if self.unlock_window.accounts.count():
            print(time.time(), flush=True)
            QApplication.quit()
        else:
            QTimer.singleShot(5, listed)
    listed()
ui.app.DesktopApp.start = start_and_watch
ui.app.run_desktop(DataFolder.resolve(sys.argv[1]))
"""


def _stamps(code: str, *args: str, runs: int = 7) -> list[float]:
    """Median seconds from spawn to each stamp the child prints."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    per_stamp: list[list[float]] = []
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", code, *args], env=env, check=True, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.split()
        for index, stamp in enumerate(out):
            if len(per_stamp) <= index:
                per_stamp.append([])
            per_stamp[index].append(float(stamp) - t0)
    return [statistics.median(samples) for samples in per_stamp]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        subprocess.run([sys.executable, "-m", "instructor_app", "--data-dir", str(folder), "demo",
                        "--password-stdin"], input="demo-pass\n", text=True, check=True,
                       stdout=subprocess.DEVNULL)
        (bare,) = _stamps(BARE)
        shown, listed = _stamps(APP, str(folder))
    print("| measure | result | baseline in the same run |")
    print("|---|---|---|")
    print(f"| cold start to the unlock screen shown (median of 7 processes) | {shown * 1000:.0f} ms "
          f"({shown / bare:.1f}× the baseline) | bare PySide6 window shown {bare * 1000:.0f} ms |")
    print(f"| cold start until the facilitators are listed (key file read on the DB worker) | "
          f"{listed * 1000:.0f} ms ({listed / bare:.1f}×) | same baseline |")


if __name__ == "__main__":
    main()
