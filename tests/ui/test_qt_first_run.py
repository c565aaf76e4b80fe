"""Issue "Must show": the first run through the UI, lock and unlock, and the language switch."""

from __future__ import annotations

from qt_helpers import type_text, unlock, wait_idle

from instructor_app.domain.facilitators import PAIR_NOTICE_TEXT, PairNotice
from instructor_app.i18n import _, current_language, set_language
from instructor_app.services.workspace import Workspace
from ui.qt import QApplication, Qt, QWizard

CENTRE = "Кризистик борбор «Үмүт»"


def click_wizard(qtbot, wizard, which) -> None:
    qtbot.mouseClick(wizard.button(which), Qt.MouseButton.LeftButton)


def fill_facilitator(qtbot, row, name: str, gender_index: int, password: str) -> None:
    type_text(qtbot, row.name, name)
    row.gender.setCurrentIndex(gender_index)
    qtbot.keyClicks(row.password, password)
    qtbot.keyClicks(row.confirm, password)


def run_wizard(qtbot, desktop) -> str:
    wizard = desktop.wizard
    assert wizard.isVisible()
    click_wizard(qtbot, wizard, QWizard.WizardButton.NextButton)
    centre = wizard.centre_page
    assert wizard.currentPage() is centre
    type_text(qtbot, centre.name, CENTRE)
    centre.region.setCurrentIndex(centre.region.findData("osh_city"))
    click_wizard(qtbot, wizard, QWizard.WizardButton.NextButton)
    page = wizard.facilitators_page
    assert wizard.currentPage() is page
    man, woman = page.rows
    fill_facilitator(qtbot, man, "Тынчтык Асанов", 1, "tynchtyk-2024")
    fill_facilitator(qtbot, woman, "Гүлнара Токтосунова", 1, "gulnara-2024")
    # two men: the live note appears, and the pair is still accepted once corrected
    assert page.pair_note.isVisible()
    assert page.pair_note.text() == _(PAIR_NOTICE_TEXT[PairNotice.SAME_GENDER])
    woman.gender.setCurrentIndex(2)
    assert not page.pair_note.isVisible()
    click_wizard(qtbot, wizard, QWizard.WizardButton.CustomButton1)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.key_page, timeout=15000)
    key_page = wizard.key_page
    assert len(key_page.key_label.text()) >= 32
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # the recovery key must be confirmed first
    key_page.confirmed.setChecked(True)
    assert finish.isEnabled()
    click_wizard(qtbot, wizard, QWizard.WizardButton.FinishButton)
    return key_page.key


def test_first_run_lock_unlock_and_language(qtbot, workspace, desktop_factory):
    desktop = desktop_factory(workspace)
    run_wizard(qtbot, desktop)

    # the main window, unlocked, with the centre
    wait_idle(qtbot, desktop)
    window = desktop.main_window
    assert window is not None and window.isVisible()
    assert CENTRE in window.windowTitle()
    assert window.today.centre.text() == CENTRE
    assert window.today.last_sync.text() == _("Last sync: never")
    assert Workspace(workspace.folder).is_set_up()

    # lock with Ctrl+L
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()
    lock_screen = desktop.unlock_window
    assert lock_screen.isVisible()
    assert desktop.backend.is_locked

    # a wrong password: a clear message, still locked
    unlock(qtbot, desktop, "not-the-password")
    assert lock_screen.message.isVisible()
    assert lock_screen.message.text() == _(
        "The password is not correct. Check the keyboard layout and Caps Lock, then try again.")
    assert desktop.backend.is_locked and not window.isVisible()

    # the right one: the same main window comes back
    unlock(qtbot, desktop, "tynchtyk-2024")
    assert not desktop.backend.is_locked
    assert desktop.main_window is window and window.isVisible()
    assert not lock_screen.isVisible()

    # switch ky -> ru -> ky in Settings; labels follow each language
    settings = window.settings
    window.nav.setCurrentRow(window.pages.index(window.settings))
    assert current_language() == "ky"
    ky_labels = window.page_labels()
    ky_title = settings.title.text()
    settings.language.setCurrentIndex(settings.language.findData("ru"))
    qtbot.waitUntil(lambda: window.page_labels() == [_("Today"), _("Participants"), _("Attendance"), _("Groups"), _("Calendar"), _("Programmes"), _("Reports"), _("Settings")])
    assert current_language() == "ru"
    assert settings.title.text() == _("Settings")
    assert window.today.last_sync.text() == _("Last sync: never")
    ru_labels = window.page_labels()
    wait_idle(qtbot, desktop)
    assert Workspace(workspace.folder).settings().language == "ru"

    settings.language.setCurrentIndex(settings.language.findData("ky"))
    qtbot.waitUntil(lambda: current_language() == "ky" and window.page_labels() == ky_labels)
    assert settings.title.text() == ky_title
    set_language("ru")
    assert ru_labels == [_("Today"), _("Participants"), _("Attendance"), _("Groups"), _("Calendar"), _("Programmes"), _("Reports"), _("Settings")]
    assert ky_labels != ru_labels  # the visible labels really changed language
