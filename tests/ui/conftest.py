"""UI tests: offscreen Qt, a fresh data folder per test, cheap key derivation, Kyrgyz after each."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest  # noqa: E402
from qt_helpers import CHEAP_KDF, PASSWORD_MAN, PASSWORD_WOMAN  # noqa: E402

from instructor_app.config import Settings  # noqa: E402
from instructor_app.i18n import set_language  # noqa: E402
from instructor_app.paths import DataFolder  # noqa: E402
from instructor_app.services.data import FacilitatorDraft, SetupRequest  # noqa: E402
from instructor_app.services.workspace import Workspace  # noqa: E402


@pytest.fixture
def folder(tmp_path) -> DataFolder:
    return DataFolder(tmp_path / "data")


@pytest.fixture
def workspace(folder) -> Workspace:
    return Workspace(folder, CHEAP_KDF)


@pytest.fixture
def set_up_workspace(workspace) -> tuple[Workspace, str]:
    """A centre set up directly through the service (for tests that start at the unlock screen)."""
    request = SetupRequest("Кризистик борбор «Үмүт»", "osh_city", "ky", (
        FacilitatorDraft("Тынчтык Асанов", "male", PASSWORD_MAN),
        FacilitatorDraft("Гүлнара Токтосунова", "female", PASSWORD_WOMAN),
    ))
    opened, result = workspace.set_up(request)
    opened.close()
    return workspace, result.recovery_key


@pytest.fixture(autouse=True)
def kyrgyz_after_each_test():
    yield
    set_language("ky")


@pytest.fixture
def desktop_factory(qapp):
    """Builds a DesktopApp like run_desktop does (without exec); shuts it down afterwards."""
    from ui import fonts
    from ui.app import DesktopApp
    from ui.translator import install_translator, remove_translator

    created = []

    def make(workspace: Workspace, missing_fonts: list[str] | None = None):
        settings = workspace.settings()
        set_language(settings.language)
        install_translator()
        fonts.load_fonts(qapp)
        desktop = DesktopApp(workspace.folder, settings, workspace.kdf)
        desktop.start(workspace.is_set_up(), missing_fonts)
        created.append(desktop)
        return desktop

    yield make
    for desktop in created:
        desktop.shutdown()
        for window in (desktop.wizard, desktop.unlock_window, desktop.main_window, desktop.font_warning):
            if window is not None:
                window.hide()
                window.deleteLater()
        desktop.deleteLater()
    remove_translator()
    qapp.processEvents()


@pytest.fixture
def settings_default() -> Settings:
    return Settings()


TEST_CATALOG = {
    # source: (ky, ru) — a few entries, so language switching is checked before the real catalogs land
    "Today": ("Бүгүн", "Сегодня"),
    "Participants": ("Катышуучулар", "Участники"),
    "Attendance": ("Катышуу", "Посещаемость"),
    "Groups": ("Топтор", "Группы"),
    "Calendar": ("Календарь", "Календарь"),
    "Programmes": ("Программалар", "Программы"),
    "Reports": ("Отчеттор", "Отчёты"),
    "Settings": ("Жөндөөлөр", "Настройки"),
    "Last sync: never": ("Акыркы шайкештирүү: эч качан", "Последняя синхронизация: никогда"),
    "Cancel": ("Жокко чыгаруу", "Отмена"),
    "&Next >": ("&Кийинки >", "&Далее >"),
    "Welcome to Instructor App": ("Instructor App'ка кош келиңиз", "Добро пожаловать в Instructor App"),
}


def _po(entries: dict[str, str]) -> str:
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    body = "".join(f'msgid "{src}"\nmsgstr "{dst}"\n\n' for src, dst in entries.items())
    return head + body


@pytest.fixture
def test_catalogs(tmp_path, monkeypatch):
    """Small ky/ru catalogs in a temp locale folder, used instead of the real ones for one test."""
    from instructor_app import i18n

    root = tmp_path / "locale"
    for index, language in enumerate(("ky", "ru")):
        folder = root / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        entries = {src: pair[index] for src, pair in TEST_CATALOG.items()}
        (folder / f"{i18n.DOMAIN}.po").write_text(_po(entries), encoding="utf-8")
    monkeypatch.setattr(i18n, "locale_dir", lambda: root)
    i18n.reload_catalogs()
    yield TEST_CATALOG
    monkeypatch.undo()
    i18n.reload_catalogs()
