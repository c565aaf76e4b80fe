"""The real app in a fresh process, driven like a facilitator would (bench_scale.py starts it).

``python scale_app.py DATA_FOLDER PASSWORD GROUP_ID``: start the app (``ui.app.run_desktop``), wait for
the facilitator list, type the password and press Unlock; then note when the main window is usable (the
Today page shows its alerts and sessions), when its month box is filled and when the DB worker is idle
(the automatic backup included). Then show every page in turn (each until the worker is idle), open
the register of GROUP_ID, and print one JSON line: the seconds from the Unlock press, each page's
seconds, and the process's peak resident memory (VmHWM, MiB).
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import ui.app  # noqa: E402
from instructor_app.paths import DataFolder  # noqa: E402


def peak_memory_mib() -> float:
    """The process's peak resident set size (VmHWM), in MiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # not on Windows; ru_maxrss is in KiB on Linux

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Driver:
    def __init__(self, desktop: ui.app.DesktopApp, password: str, group_id: str) -> None:
        self.desktop, self.password, self.group_id = desktop, password, group_id
        self.result: dict = {"pages": {}}
        self.steps = iter(())
        self.t0 = 0.0
        self.waiting = None
        desktop.worker.job_done.connect(self.job_delivered, Qt.ConnectionType.QueuedConnection)

    def seconds(self) -> float:
        return time.perf_counter() - self.t0

    def wait(self, condition, then) -> None:  # noqa: ANN001
        """Call ``then`` once ``condition`` holds, checked now and after each job the worker delivers
        (no polling timer: waking the GUI thread would take the GIL from the worker)."""
        if condition():
            then()
        else:
            self.waiting = (condition, then)

    def job_delivered(self, _job) -> None:  # noqa: ANN001
        if self.waiting is not None and self.waiting[0]():
            _condition, then = self.waiting
            self.waiting = None
            then()

    def idle(self) -> bool:
        return self.desktop.worker.pending == 0

    def start(self) -> None:
        window = self.desktop.unlock_window
        self.wait(lambda: window.accounts.count() > 0 and self.idle(), self.unlock)

    def unlock(self) -> None:
        window = self.desktop.unlock_window
        window.accounts.setCurrentRow(0)
        window.password.setText(self.password)
        self.t0 = time.perf_counter()
        window.unlock_button.click()
        self.wait(lambda: self.desktop.main_window is not None and self.desktop.main_window.isVisible(),
                  self.shown)

    def shown(self) -> None:
        self.result["main_window_shown"] = self.seconds()
        today = self.desktop.main_window.today
        self.wait(lambda: today.loaded and today.alerts_loaded, lambda: self.usable(today))

    def usable(self, today) -> None:  # noqa: ANN001
        QApplication.processEvents()  # the filled page painted
        self.result["today_usable"] = self.seconds()
        self.wait(lambda: today.month.indicators is not None, self.month)

    def month(self) -> None:
        self.result["today_month_box"] = self.seconds()
        self.wait(self.idle, self.worker_idle)

    def worker_idle(self) -> None:
        self.result["worker_idle"] = self.seconds()
        window = self.desktop.main_window
        self.steps = iter(range(window.nav.count()))
        self.next_page()

    def next_page(self) -> None:
        window = self.desktop.main_window
        row = next(self.steps, None)
        if row is None:
            self.open_register()
            return
        started = time.perf_counter()
        window.nav.setCurrentRow(row)
        name = type(window.pages[row]).__name__
        self.wait(self.idle, lambda: self.page_done(name, started))

    def page_done(self, name: str, started: float) -> None:
        QApplication.processEvents()
        self.result["pages"][name] = time.perf_counter() - started
        self.next_page()

    def open_register(self) -> None:
        window = self.desktop.main_window
        started = time.perf_counter()
        window.nav.setCurrentRow(window.pages.index(window.register))
        window.register.show_group(self.group_id)
        self.wait(self.idle, lambda: self.finish(started))

    def finish(self, started: float) -> None:
        QApplication.processEvents()
        self.result["register_of_big_group"] = time.perf_counter() - started
        self.result["register_rows"] = self.desktop.main_window.register.model.rowCount()
        self.result["peak_mib"] = peak_memory_mib()
        print(json.dumps(self.result), flush=True)
        QApplication.quit()


def main() -> None:
    folder, password, group_id = sys.argv[1:4]
    started = ui.app.DesktopApp.start

    def start_and_drive(desktop: ui.app.DesktopApp, *args) -> None:  # noqa: ANN002
        started(desktop, *args)
        desktop.driver = Driver(desktop, password, group_id)
        desktop.driver.start()

    ui.app.DesktopApp.start = start_and_drive
    ui.app.run_desktop(DataFolder.resolve(folder))


if __name__ == "__main__":
    main()
