"""A new laptop: the set-up wizard's first page restores a backup (USB stick + recovery key) instead
of setting up; then the unlock screen lists the backup's facilitators and the data opens."""

from __future__ import annotations

import pytest
from qt_helpers import CHEAP_KDF, PASSWORD_MAN, PASSWORD_WOMAN, unlock, wait_idle

from instructor_app import errors
from instructor_app.i18n import _, current_language, format_datetime
from instructor_app.paths import DataFolder
from instructor_app.services.data import FacilitatorDraft, SetupRequest
from instructor_app.services.workspace import Workspace
from instructor_app.storage.backup import read_backup
from ui.dialogs.unlock import account_text
from ui.qt import QFileDialog, Qt, QWizard, is_alive

OLD_CENTRE = "Нарын шаардык кризистик борбору"
MAN, WOMAN = "Бакыт Жумабеков", "Айпери Сыдыкова"


@pytest.fixture
def usb_backup(tmp_path):
    """A backup file made on the old laptop, and the recovery key printed there."""
    old = Workspace(DataFolder(tmp_path / "old-laptop"), CHEAP_KDF)
    opened, result = old.set_up(SetupRequest(OLD_CENTRE, "naryn", "ky", (
        FacilitatorDraft(MAN, "male", PASSWORD_MAN), FacilitatorDraft(WOMAN, "female", PASSWORD_WOMAN))))
    accounts = old.accounts()
    usb = tmp_path / "usb"
    usb.mkdir()
    try:
        info = opened.backup_to(usb / "naryn.iabackup")
    finally:
        opened.close()
    return info.path, result.recovery_key, accounts


def pick_file(monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))


def nav(wizard, which):
    return wizard.button(getattr(QWizard.WizardButton, which))


def test_restore_from_the_wizard_on_a_new_laptop(qtbot, tmp_path, usb_backup, desktop_factory, monkeypatch):
    backup_path, recovery_key, accounts = usb_backup
    new = Workspace(DataFolder(tmp_path / "new-laptop"), CHEAP_KDF)
    desktop = desktop_factory(new)
    wizard = desktop.wizard
    assert wizard is not None and wizard.isVisible() and wizard.currentPage() is wizard.language_page
    option = wizard.restore_option
    assert option.isVisible() and option.button.isEnabled()
    wizard.language_page.button("ru").setChecked(True)  # the facilitator reads Russian
    assert current_language() == "ru"
    qtbot.waitUntil(lambda: option.button.text() == _("&Restore from a backup…"))

    # the file picker, then the prompt for a password or the recovery key
    pick_file(monkeypatch, backup_path)
    qtbot.mouseClick(option.button, Qt.MouseButton.LeftButton)
    prompt = option.prompt
    assert prompt is not None and prompt.isVisible()
    assert backup_path.name in prompt.explanation.text()
    assert prompt.field_label.text() == _("Password or recovery key of the backup:")

    # a wrong secret: said in the prompt, which stays open; nothing is written in the new folder
    qtbot.keyClicks(prompt.secret, "not-the-key-at-all")
    qtbot.mouseClick(prompt.action, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    assert prompt.isVisible() and prompt.error.kind == "error"
    assert prompt.error.text() == _("Neither a facilitator's password in this backup nor its recovery key matches.")
    assert prompt.action.isEnabled() and prompt.secret.isEnabled()
    assert not new.folder.keystore.exists() and not new.folder.database.exists()
    assert not new.is_set_up()
    assert desktop.wizard is wizard and wizard.isVisible()
    assert nav(wizard, "NextButton").isEnabled() and nav(wizard, "CancelButton").isEnabled()

    # the recovery key (typed in lower case, as people do): while it runs nothing can be clicked away
    prompt.secret.clear()
    qtbot.keyClicks(prompt.secret, recovery_key.lower())
    prompt.action.click()  # no event processing here: the busy state is seen before the result
    assert option.busy and not option.button.isEnabled()
    assert option.message.text() == _("Restoring the backup…")
    assert not nav(wizard, "NextButton").isEnabled() and not nav(wizard, "CancelButton").isEnabled()
    assert not prompt.action.isEnabled() and not prompt.buttons.button(prompt.buttons.StandardButton.Cancel).isEnabled()
    wizard.reject()  # Esc / the window's close button: ignored while restoring
    prompt.reject()
    assert wizard.isVisible() and prompt.isVisible()
    wait_idle(qtbot, desktop)

    # the wizard is gone; the unlock screen lists the backup's facilitators and says what happened
    assert desktop.wizard is None and not is_alive(wizard)  # closed and deleted
    screen = desktop.unlock_window
    assert screen is not None and screen.isVisible()
    manifest, _keys = read_backup(backup_path)
    assert screen.message.kind == "info"
    assert screen.message.text() == _("The backup made on {when} is restored. Unlock with a password from "
                                      "that backup.").format(when=format_datetime(manifest.created, "short"))
    listed = [screen.accounts.item(i).text() for i in range(screen.accounts.count())]
    assert listed == [account_text(a) for a in accounts]
    assert new.is_set_up()
    assert new.settings().language == "ru"  # the language chosen in the wizard is kept

    # a facilitator's password from the backup opens the old laptop's data
    unlock(qtbot, desktop, PASSWORD_WOMAN, row=1)
    window = desktop.main_window
    assert not desktop.backend.is_locked and window is not None and window.isVisible()
    assert not screen.isVisible()
    assert window.today.centre.text() == OLD_CENTRE
    assert OLD_CENTRE in window.windowTitle()
    assert desktop.backend.actor.display_name == WOMAN


def test_a_damaged_file_is_said_and_the_set_up_goes_on(qtbot, tmp_path, desktop_factory, monkeypatch):
    damaged = tmp_path / "usb" / "broken.iabackup"
    damaged.parent.mkdir()
    damaged.write_bytes(b"PK\x03\x04 not really a zip file" * 40)
    new = Workspace(DataFolder(tmp_path / "new-laptop"), CHEAP_KDF)
    desktop = desktop_factory(new)
    wizard = desktop.wizard
    option = wizard.restore_option

    # cancelling the file picker does nothing
    pick_file(monkeypatch, "")
    qtbot.mouseClick(option.button, Qt.MouseButton.LeftButton)
    assert option.prompt is None

    pick_file(monkeypatch, damaged)
    qtbot.mouseClick(option.button, Qt.MouseButton.LeftButton)
    prompt = option.prompt
    qtbot.keyClicks(prompt.secret, PASSWORD_MAN)
    qtbot.mouseClick(prompt.action, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    assert prompt.isVisible()
    assert prompt.error.text() == errors.BackupInvalid(path=str(damaged)).message()
    assert not new.folder.root.exists() or sorted(p.name for p in new.folder.root.iterdir()) == []

    # Cancel closes the prompt; the wizard goes on to the normal set-up
    qtbot.mouseClick(prompt.buttons.button(prompt.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert not prompt.isVisible() and wizard.isVisible() and desktop.wizard is wizard
    qtbot.mouseClick(nav(wizard, "NextButton"), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.centre_page
