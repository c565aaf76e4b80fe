"""Quitting: the queued jobs end however long they take, the data is closed, the key leaves the clipboard."""

from __future__ import annotations

import time

from qt_helpers import CHEAP_KDF, PASSWORD_MAN, reach_the_key_page, unlock, wait_idle

from instructor_app.services.workspace import Workspace
from ui.qt import QGuiApplication, Qt, QThread
from ui.tasks import _Thread


def impatient_waits(monkeypatch) -> None:
    """Any finite wait for the DB thread becomes 50 ms: as if the job took longer than any timeout
    (a backup to a slow USB stick). A wait without a deadline is left alone."""
    real_wait = QThread.wait
    monkeypatch.setattr(_Thread, "wait", lambda self, *deadline: real_wait(self, 50) if deadline else real_wait(self))


def reopen(workspace: Workspace) -> None:
    """Open the data as another run of the app would: refused (DataInUse) while it is still open here."""
    again = Workspace(workspace.folder, CHEAP_KDF)
    account = again.accounts()[0]
    again.unlock(account.id, PASSWORD_MAN).close()


def test_a_slow_job_queued_before_quitting_ends_and_the_data_is_closed(qtbot, set_up_workspace, desktop_factory,
                                                                        tmp_path, monkeypatch):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    wait_idle(qtbot, desktop)
    target = tmp_path / "usb" / "slow.iabackup"
    target.parent.mkdir()

    def slow_backup(ws):
        time.sleep(0.5)
        return ws.backup_to(target)

    desktop.backend.run_open(slow_backup)
    impatient_waits(monkeypatch)
    try:
        desktop.shutdown()  # what QApplication.aboutToQuit runs
        assert target.exists() and target.stat().st_size > 0
    finally:
        QThread.wait(desktop.worker._thread)  # never leave the thread running after a failed check
    assert desktop.backend.is_locked
    reopen(workspace)


def test_quitting_on_the_recovery_key_page_closes_the_new_data_and_clears_the_key(qtbot, workspace,
                                                                                  desktop_factory):
    desktop = desktop_factory(workspace)
    page = reach_the_key_page(qtbot, desktop)
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == page.key
    desktop.shutdown()
    assert QGuiApplication.clipboard().text() == ""
    reopen(workspace)
    desktop.shutdown()  # a second call (the fixture's) does nothing
