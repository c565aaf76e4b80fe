"""Backups from Settings onto a chosen file, and restoring one (lock → restore → unlock)."""

from __future__ import annotations

from qt_helpers import PASSWORD_MAN, unlock, wait_idle

from ui.qt import QFileDialog, Qt


def open_settings(qtbot, desktop):
    window = desktop.main_window
    window.nav.setCurrentRow(1)
    wait_idle(qtbot, desktop)
    return window.settings


def change_password(qtbot, desktop, settings, old: str, new: str) -> None:
    qtbot.mouseClick(settings.password_button, Qt.MouseButton.LeftButton)
    dialog = settings.password_dialog
    qtbot.keyClicks(dialog.old_password, old)
    qtbot.keyClicks(dialog.new_password, new)
    qtbot.keyClicks(dialog.confirm, new)
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)


def test_backup_to_usb_then_restore_it(qtbot, set_up_workspace, desktop_factory, tmp_path, monkeypatch):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    settings = open_settings(qtbot, desktop)
    wait_idle(qtbot, desktop)
    assert settings.backups.count() >= 1  # the automatic backup made after unlock

    usb = tmp_path / "usb"
    usb.mkdir()
    target = usb / "centre-backup.iabackup"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.mouseClick(settings.backup_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
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
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    settings = open_settings(qtbot, desktop)
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
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    settings = open_settings(qtbot, desktop)
    settings.idle_minutes.setValue(3)
    settings.kept.setValue(7)
    wait_idle(qtbot, desktop)
    saved = workspace.settings()
    assert (saved.idle_lock_minutes, saved.auto_backups_kept) == (3, 7)
    assert desktop.idle.interval_ms == 3 * 60_000
    assert settings.folder.text() == str(workspace.folder.root) and settings.folder.isReadOnly()
