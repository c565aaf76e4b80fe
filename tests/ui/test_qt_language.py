"""Runtime language switch: every open window follows, Qt's own buttons included."""

from __future__ import annotations

from qt_helpers import unlock, wait_idle

from instructor_app.i18n import _, set_language
from ui.qt import QApplication, QDialogButtonBox, QWizard
from ui.translator import GettextTranslator, install_translator, remove_translator, switch_language


def test_switch_retranslates_hidden_and_visible_windows(qtbot, set_up_workspace, desktop_factory, test_catalogs):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, "tynchtyk-2024")
    window = desktop.main_window
    assert window.page_labels() == ["Бүгүн", "Катышуучулар", "Катышуу", "Топтор", "Календарь", "Программалар", "Отчеттор", "Жөндөөлөр"]
    assert window.today.last_sync.text() == "Акыркы шайкештирүү: эч качан"

    settings = window.settings
    settings.language.setCurrentIndex(settings.language.findData("ru"))
    qtbot.waitUntil(lambda: window.page_labels() == ["Сегодня", "Участники", "Посещаемость", "Группы", "Календарь", "Программы", "Отчёты", "Настройки"])
    assert window.today.last_sync.text() == "Последняя синхронизация: никогда"
    assert settings.title.text() == "Настройки"
    # the unlock screen is hidden now, and follows too
    assert desktop.unlock_window.language.currentData() == "ru"
    wait_idle(qtbot, desktop)
    assert workspace.settings().language == "ru"

    # ... and back, from the unlock screen's own switch
    desktop.lock()
    lock_screen = desktop.unlock_window
    lock_screen.language.setCurrentIndex(lock_screen.language.findData("ky"))
    qtbot.waitUntil(lambda: window.page_labels() == ["Бүгүн", "Катышуучулар", "Катышуу", "Топтор", "Календарь", "Программалар", "Отчеттор", "Жөндөөлөр"])
    assert settings.language.currentData() == "ky"
    wait_idle(qtbot, desktop)
    assert workspace.settings().language == "ky"


def test_wizard_language_page_switches_immediately(qtbot, workspace, desktop_factory, test_catalogs):
    desktop = desktop_factory(workspace)
    wizard = desktop.wizard
    page = wizard.language_page
    assert page.title() == "Instructor App'ка кош келиңиз"
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "&Кийинки >"
    page.button("ru").setChecked(True)
    qtbot.waitUntil(lambda: page.title() == "Добро пожаловать в Instructor App")
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "&Далее >"
    assert wizard.button(QWizard.WizardButton.CancelButton).text() == "Отмена"


def test_qt_standard_buttons_use_the_catalog_and_fall_back(qtbot, qapp, test_catalogs):
    install_translator()
    try:
        set_language("ru")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        texts = {b.text() for b in box.buttons()}
        assert "Отмена" in texts      # translated by our catalog
        assert "OK" in texts          # not in the catalog: Qt's own text, never blank
        switch_language("ky")
        QApplication.processEvents()
        assert "Жокко чыгаруу" in {b.text() for b in box.buttons()}
    finally:
        remove_translator()


def test_untranslated_text_is_null_not_empty(qapp):
    translator = GettextTranslator()
    assert translator.translate("QPlatformTheme", "Some text Qt has") is None
    assert not translator.isEmpty()


def test_real_catalogs_translate_the_navigation(qtbot, set_up_workspace, desktop_factory):
    """The shipped locale/ky and locale/ru catalogs: the navigation reads Kyrgyz, then Russian."""
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, "tynchtyk-2024")
    window = desktop.main_window
    settings = window.settings
    ky_labels = window.page_labels()
    assert ky_labels == [_("Today"), _("Participants"), _("Attendance"), _("Groups"), _("Calendar"), _("Programmes"), _("Reports"), _("Settings")]
    settings.language.setCurrentIndex(settings.language.findData("ru"))
    qtbot.waitUntil(lambda: window.page_labels() == [_("Today"), _("Participants"), _("Attendance"), _("Groups"), _("Calendar"), _("Programmes"), _("Reports"), _("Settings")] and _("Today") != "" and
                    settings.language.currentData() == "ru")
    ru_labels = window.page_labels()
    assert ky_labels == ["Бүгүн", "Катышуучулар", "Катышуу", "Топтор", "Календарь", "Программалар", "Отчеттор", "Жөндөөлөр"]
    assert ru_labels == ["Сегодня", "Участники", "Посещаемость", "Группы", "Календарь", "Программы", "Отчёты", "Настройки"]
