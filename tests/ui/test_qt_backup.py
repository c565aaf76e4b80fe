"""Backups from Settings onto a chosen file, and restoring one (lock → restore → unlock)."""

from __future__ import annotations

import threading

from qt_helpers import PASSWORD_MAN, PASSWORD_WOMAN, WAIT_MS, unlock, wait_idle

from instructor_app.i18n import _
from instructor_app.services.workspace import Workspace
from ui.qt import QFileDialog, Qt


def open_settings(qtbot, desktop):
    window = desktop.main_window
    window.nav.setCurrentRow(window.pages.index(window.settings))
    wait_idle(qtbot, desktop)
    return window.settings


def unlocked_settings(qtbot, set_up_workspace, desktop_factory):
    """The app unlocked by the man facilitator, on its Settings page: (workspace, desktop, settings)."""
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    return workspace, desktop, open_settings(qtbot, desktop)


def backup_through_settings(qtbot, desktop, settings, monkeypatch, target) -> None:
    """Click "Make a backup…" and pick ``target`` in the save dialog; wait for the job."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.mouseClick(settings.backup_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)


def change_password(qtbot, desktop, settings, old: str, new: str) -> None:
    qtbot.mouseClick(settings.password_button, Qt.MouseButton.LeftButton)
    dialog = settings.password_dialog
    qtbot.keyClicks(dialog.old_password, old)
    qtbot.keyClicks(dialog.new_password, new)
    qtbot.keyClicks(dialog.confirm, new)
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)


def test_backup_to_usb_then_restore_it(qtbot, set_up_workspace, desktop_factory, tmp_path, monkeypatch):
    workspace, desktop, settings = unlocked_settings(qtbot, set_up_workspace, desktop_factory)
    wait_idle(qtbot, desktop)
    assert settings.backups.count() >= 1  # the automatic backup made after unlock

    usb = tmp_path / "usb"
    usb.mkdir()
    target = usb / "centre-backup.iabackup"
    backup_through_settings(qtbot, desktop, settings, monkeypatch, target)
    assert target.exists() and target.stat().st_size > 0
    assert settings.backup_message.kind == "info"
    assert str(target) in settings.backup_message.text()

    # a change after the backup: a new password
    change_password(qtbot, desktop, settings, PASSWORD_MAN, "changed-after-backup")
    assert settings.password_message.kind == "info"

    # restore: wrong secret first → nothing changes, message on the unlock screen
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.mouseClick(settings.restore_button, Qt.MouseButton.LeftButton)
    prompt = settings.restore_prompt
    assert prompt.isVisible() and target.name in prompt.explanation.text()
    qtbot.keyClicks(prompt.secret, "not-a-password")
    qtbot.mouseClick(prompt.action, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    screen = desktop.unlock_window
    assert desktop.backend.is_locked and screen.isVisible()
    assert screen.message.kind == "error"
    unlock(qtbot, desktop, "changed-after-backup")
    assert not desktop.backend.is_locked

    # now with the password the backup knows
    qtbot.mouseClick(settings.restore_button, Qt.MouseButton.LeftButton)
    prompt = settings.restore_prompt
    qtbot.keyClicks(prompt.secret, PASSWORD_MAN)
    qtbot.mouseClick(prompt.action, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    assert desktop.backend.is_locked
    assert screen.message.kind == "info"
    assert any(p.name.startswith("pre-restore-") for p in workspace.folder.backups.iterdir())
    unlock(qtbot, desktop, "changed-after-backup")
    assert desktop.backend.is_locked  # that password came after the backup
    qtbot.waitUntil(screen.unlock_button.isEnabled, timeout=5000)
    unlock(qtbot, desktop, PASSWORD_MAN)
    assert not desktop.backend.is_locked
    assert desktop.main_window.isVisible()


def test_password_dialog_shows_errors_next_to_fields(qtbot, set_up_workspace, desktop_factory):
    workspace, desktop, settings = unlocked_settings(qtbot, set_up_workspace, desktop_factory)
    change_password(qtbot, desktop, settings, "wrong-current", "long-enough-1")
    dialog = settings.password_dialog
    assert dialog.isVisible() and dialog.old_error.isVisible() and not dialog.new_error.isVisible()
    dialog.old_password.clear()
    qtbot.keyClicks(dialog.old_password, PASSWORD_MAN)
    dialog.new_password.clear()
    dialog.confirm.clear()
    qtbot.keyClicks(dialog.new_password, "short")
    qtbot.keyClicks(dialog.confirm, "short")
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    assert dialog.new_error.isVisible() and not dialog.old_error.isVisible()


def test_settings_changes_are_saved(qtbot, set_up_workspace, desktop_factory):
    workspace, desktop, settings = unlocked_settings(qtbot, set_up_workspace, desktop_factory)
    settings.idle_minutes.setValue(3)
    settings.kept.setValue(7)
    wait_idle(qtbot, desktop)
    saved = workspace.settings()
    assert (saved.idle_lock_minutes, saved.auto_backups_kept) == (3, 7)
    assert desktop.idle.interval_ms == 3 * 60_000
    assert settings.folder.text() == str(workspace.folder.root) and settings.folder.isReadOnly()


def test_the_unlock_screen_is_busy_while_a_restore_runs(qtbot, set_up_workspace, desktop_factory, tmp_path,
                                                        monkeypatch):
    workspace, desktop, settings = unlocked_settings(qtbot, set_up_workspace, desktop_factory)
    target = tmp_path / "centre-backup.iabackup"
    backup_through_settings(qtbot, desktop, settings, monkeypatch, target)

    gate = threading.Event()  # the restore runs until the test lets it finish (a slow USB stick)
    real_restore = Workspace.restore
    monkeypatch.setattr(Workspace, "restore", lambda self, *a, **k: (gate.wait(WAIT_MS / 1000),
                                                                     real_restore(self, *a, **k))[1])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.mouseClick(settings.restore_button, Qt.MouseButton.LeftButton)
    prompt = settings.restore_prompt
    qtbot.keyClicks(prompt.secret, PASSWORD_MAN)
    qtbot.mouseClick(prompt.action, Qt.MouseButton.LeftButton)
    screen = desktop.unlock_window
    try:
        # the lock and the unlock screen's reload are done; only the restore is left on the worker
        qtbot.waitUntil(lambda: desktop.worker.pending == 1 and screen.accounts.count() == 2, timeout=WAIT_MS)
        qtbot.wait(300)  # the countdown tick, if any, has had its say too
        assert desktop.backend.is_locked and screen.isVisible()
        assert screen.message.text() == _("Restoring the backup…")
        assert not screen.unlock_button.isEnabled()
        assert not screen.password.isEnabled()
        assert not screen.forgot.isEnabled()
        screen.open_recovery()  # even called directly: nothing opens
        assert getattr(screen, "recovery_dialog", None) is None
    finally:
        gate.set()
    wait_idle(qtbot, desktop)
    assert screen.message.kind == "info"
    assert screen.unlock_button.isEnabled() and screen.password.isEnabled() and screen.forgot.isEnabled()
    unlock(qtbot, desktop, PASSWORD_MAN)
    assert not desktop.backend.is_locked


def test_a_lock_during_the_save_dialog_leaves_backups_usable(qtbot, set_up_workspace, desktop_factory, tmp_path,
                                                              monkeypatch):
    workspace, desktop, settings = unlocked_settings(qtbot, set_up_workspace, desktop_factory)
    target = tmp_path / "centre-backup.iabackup"
    idle_during_dialog = []

    def save_dialog_then_lock(*_args, **_kwargs):
        idle_during_dialog.append(desktop.idle.is_running())
        desktop.lock()  # e.g. the idle lock where the dialog's input does not reach the app
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog_then_lock))
    qtbot.mouseClick(settings.backup_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    assert idle_during_dialog == [False]  # no idle lock while a modal file dialog is open
    assert desktop.backend.is_locked and not desktop.idle.is_running()
    assert settings.backup_button.isEnabled()
    assert settings.backup_message.text() != _("Making the backup…")
    assert not target.exists()

    unlock(qtbot, desktop, PASSWORD_MAN)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *a, **k: (idle_during_dialog.append(desktop.idle.is_running()), (str(target), ""))[1]))
    qtbot.mouseClick(settings.backup_button, Qt.MouseButton.LeftButton)
    assert idle_during_dialog == [False, False]
    assert desktop.idle.is_running()  # counting again once the dialog is closed
    wait_idle(qtbot, desktop)
    assert target.exists() and settings.backup_message.kind == "info"


def test_a_lock_during_the_open_dialog_opens_no_restore_prompt(qtbot, set_up_workspace, desktop_factory,
                                                                tmp_path, monkeypatch):
    workspace, desktop, settings = unlocked_settings(qtbot, set_up_workspace, desktop_factory)
    source = tmp_path / "some.iabackup"
    source.write_bytes(b"not opened")
    idle_during_dialog = []

    def open_dialog_then_lock(*_args, **_kwargs):
        idle_during_dialog.append(desktop.idle.is_running())
        desktop.lock()
        return str(source), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(open_dialog_then_lock))
    qtbot.mouseClick(settings.restore_button, Qt.MouseButton.LeftButton)
    assert desktop.backend.is_locked and desktop.unlock_window.isVisible()
    assert getattr(settings, "restore_prompt", None) is None  # no prompt over the unlock screen
    assert idle_during_dialog == [False] and not desktop.idle.is_running()


def test_a_half_typed_restore_prompt_is_closed_and_emptied_on_lock(qtbot, set_up_workspace, desktop_factory,
                                                                    tmp_path, monkeypatch):
    workspace, desktop, settings = unlocked_settings(qtbot, set_up_workspace, desktop_factory)
    source = tmp_path / "some.iabackup"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(source), "")))
    qtbot.mouseClick(settings.restore_button, Qt.MouseButton.LeftButton)
    prompt = settings.restore_prompt
    qtbot.keyClicks(prompt.secret, PASSWORD_MAN[:5])
    desktop.lock()
    assert not prompt.isVisible() and prompt.secret.text() == ""
    unlock(qtbot, desktop, PASSWORD_WOMAN, row=1)
    assert desktop.main_window.isVisible() and not prompt.isVisible()
