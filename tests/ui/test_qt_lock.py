"""Locking: Ctrl+L and idle time; typed forms survive, secrets do not; any facilitator can unlock; the delay."""

from __future__ import annotations

from qt_helpers import PASSWORD_MAN, PASSWORD_WOMAN, type_text, unlock, wait_idle

from instructor_app import errors
from instructor_app.i18n import _
from ui.qt import QApplication, QDialog, QLineEdit, Qt


def test_idle_time_locks_and_half_typed_text_survives(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    window = desktop.main_window
    window.nav.setCurrentRow(window.pages.index(window.settings))
    # a data-entry form open over the main window (the later forms are windows like this one)
    form = QDialog(window)
    note = QLineEdit(form)
    form.show()
    type_text(qtbot, note, "Катышуучу келди, жарым")
    assert form.isVisible()

    assert desktop.idle.is_running()
    desktop.idle.set_interval_ms(150)
    qtbot.waitUntil(lambda: desktop.backend.is_locked, timeout=3000)
    assert not window.isVisible() and not form.isVisible()
    assert desktop.unlock_window.isVisible()
    wait_idle(qtbot, desktop)

    # the other facilitator unlocks: the same window, the same page, the same half-typed text
    unlock(qtbot, desktop, PASSWORD_WOMAN, row=1)
    assert desktop.backend.actor.display_name == "Гүлнара Токтосунова"
    assert window.isVisible() and form.isVisible()
    assert window.stack.currentWidget() is window.settings
    assert note.text() == "Катышуучу келди, жарым"
    assert window.actor_label.text() == _("Unlocked by: {name}").format(name="Гүлнара Токтосунова")
    assert desktop.idle.is_running()


def test_a_half_typed_password_change_is_closed_and_emptied_on_lock(qtbot, set_up_workspace, desktop_factory):
    """Secrets never reach the next facilitator: not A's passwords, not A's name in the dialog, and
    submitting after B's unlock cannot change B's password."""
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    window = desktop.main_window
    window.nav.setCurrentRow(window.pages.index(window.settings))
    qtbot.mouseClick(window.settings.password_button, Qt.MouseButton.LeftButton)
    dialog = window.settings.password_dialog
    assert dialog.isVisible() and "Тынчтык Асанов" in dialog.intro.text()
    qtbot.keyClicks(dialog.old_password, PASSWORD_MAN)
    qtbot.keyClicks(dialog.new_password, "half-typ")
    qtbot.keyClicks(dialog.confirm, "half")
    fields = (dialog.old_password, dialog.new_password, dialog.confirm)

    desktop.idle.set_interval_ms(150)
    qtbot.waitUntil(lambda: desktop.backend.is_locked, timeout=3000)
    assert not dialog.isVisible()
    assert [field.text() for field in fields] == ["", "", ""]
    wait_idle(qtbot, desktop)

    unlock(qtbot, desktop, PASSWORD_WOMAN, row=1)
    assert window.isVisible() and window.stack.currentWidget() is window.settings
    assert not dialog.isVisible()  # gone: not shown again to the other facilitator
    assert [field.text() for field in fields] == ["", "", ""]
    assert dialog not in [w for w in QApplication.topLevelWidgets() if w.isVisible()]

    # a new dialog is the new facilitator's own
    qtbot.mouseClick(window.settings.password_button, Qt.MouseButton.LeftButton)
    again = window.settings.password_dialog
    assert again is not dialog and again.isVisible()
    assert "Гүлнара Токтосунова" in again.intro.text() and "Тынчтык Асанов" not in again.intro.text()


def test_input_restarts_the_idle_timer(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    desktop.idle.set_interval_ms(400)
    for _round in range(6):  # 6 × 150 ms of typing > 400 ms, but never 400 ms without input
        qtbot.wait(150)
        qtbot.keyClick(desktop.main_window.nav, Qt.Key.Key_Shift)  # input that does not switch pages
    assert not desktop.backend.is_locked
    qtbot.waitUntil(lambda: desktop.backend.is_locked, timeout=3000)


def test_lock_action_in_the_menu_and_shortcut(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    window = desktop.main_window
    assert window.lock_action.shortcut().toString() == "Ctrl+L"
    assert window.lock_action in window.file_menu.actions()
    window.lock_button.click()
    assert desktop.backend.is_locked and not window.isVisible()
    wait_idle(qtbot, desktop)
    unlock(qtbot, desktop, PASSWORD_MAN)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert desktop.backend.is_locked


def test_wrong_passwords_disable_unlock_with_a_countdown(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    screen = desktop.unlock_window
    unlock(qtbot, desktop, "wrong-1")
    assert screen.unlock_button.isEnabled()  # the first tries are free
    unlock(qtbot, desktop, "wrong-2")
    assert not screen.unlock_button.isEnabled()
    assert screen.countdown.isVisible()
    assert screen.countdown.text() in {_("Try again in {count} second").format(count=1),
                                       _("Try again in {count} seconds").format(count=2)}
    assert screen.message.text() == errors.WrongPassword().message()
    qtbot.waitUntil(screen.unlock_button.isEnabled, timeout=4000)
    assert not screen.countdown.isVisible()

    # the delay is kept on disk: a new start shows it too
    unlock(qtbot, desktop, "wrong-3")
    assert not screen.unlock_button.isEnabled()
    second = desktop_factory(workspace)
    wait_idle(qtbot, second)
    assert not second.unlock_window.unlock_button.isEnabled()
    qtbot.waitUntil(second.unlock_window.unlock_button.isEnabled, timeout=5000)
    unlock(qtbot, second, PASSWORD_MAN)
    assert not second.backend.is_locked


def test_forgot_password_with_the_recovery_key(qtbot, set_up_workspace, desktop_factory):
    workspace, recovery_key = set_up_workspace
    desktop = desktop_factory(workspace)
    wait_idle(qtbot, desktop)
    screen = desktop.unlock_window
    screen.accounts.setCurrentRow(1)
    qtbot.mouseClick(screen.forgot, Qt.MouseButton.LeftButton)
    dialog = screen.recovery_dialog
    assert dialog.isVisible()
    assert dialog.account.currentText() == "Гүлнара Токтосунова"
    qtbot.keyClicks(dialog.key, "0000-0000-0000-0000-0000-0000-0000-0000")
    qtbot.keyClicks(dialog.new_password, "new-password-1")
    qtbot.keyClicks(dialog.confirm, "new-password-1")
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    assert dialog.key_error.isVisible() and desktop.backend.is_locked

    dialog.key.clear()
    qtbot.keyClicks(dialog.key, recovery_key.lower())
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    assert not desktop.backend.is_locked
    assert desktop.main_window.isVisible()
    assert desktop.backend.actor.display_name == "Гүлнара Токтосунова"
    assert not dialog.isVisible()
    desktop.lock()  # the dialog that held the key and the new password is emptied
    assert [field.text() for field in (dialog.key, dialog.new_password, dialog.confirm)] == ["", "", ""]
    wait_idle(qtbot, desktop)
    unlock(qtbot, desktop, "new-password-1", row=1)
    assert not desktop.backend.is_locked
