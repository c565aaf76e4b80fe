"""Programmes: the stored curriculum versions, importing a file (good and broken), a version's outline."""

from __future__ import annotations

from pathlib import Path

import pytest
from qt_helpers import PASSWORD_MAN, unlock, wait_idle

from instructor_app.curricula.files import CurriculumInvalid, load_curriculum
from instructor_app.curricula.model import COMPONENT_LABELS, SESSION_KIND_LABELS, TARGET_LABELS
from instructor_app.i18n import _
from ui.qt import QApplication, QFileDialog, Qt
from ui.translator import switch_language
from ui.views.programmes import ProgrammesPage

PILOT = Path(__file__).resolve().parents[1] / "core" / "data" / "pilot-curriculum.yaml"
PILOT_TITLE_KY = "Пилоттук кыска программа"
TITLE_LINE = '    title: {ky: "Зомбулуктун түрлөрү", ru: "Формы насилия"}'


@pytest.fixture
def page(qtbot, set_up_workspace, desktop_factory):
    """The Programmes page on the unlocked app's backend (the man facilitator), its list loaded."""
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    page = ProgrammesPage(desktop.backend, idle_paused=desktop.idle_paused)
    qtbot.addWidget(page)
    page.resize(1130, 680)
    page.show()
    page.refresh()
    wait_idle(qtbot, desktop)
    page.desktop = desktop
    return page


def cell(page: ProgrammesPage, row: int, column: int) -> str:
    return page.model.data(page.model.index(row, column))


def table_rows(page: ProgrammesPage) -> list[tuple[str, ...]]:
    model = page.model
    return [tuple(cell(page, r, c) for c in range(model.columnCount())) for r in range(model.rowCount())]


def import_through_page(qtbot, page: ProgrammesPage, monkeypatch, path: Path) -> None:
    """Click "Import curriculum file…" and pick ``path`` in the (OS) file dialog; wait for the jobs."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, page.desktop)
    wait_idle(qtbot, page.desktop)  # the reload and the outline are queued by the import's callback


def outline_rows(page: ProgrammesPage) -> list[tuple[str, ...]]:
    model = page.outline_model
    return [tuple(model.data(model.index(r, c)) for c in range(model.columnCount())) for r in range(model.rowCount())]


def version_text(version: int) -> str:
    return _("{key}, version {version}").format(key="pilot-short", version=version)


def pilot_row(page: ProgrammesPage, version: int = 2) -> int:
    return next(r for r in range(page.model.rowCount()) if version_text(version) in cell(page, r, 0).splitlines())


def test_import_a_curriculum_file_shows_the_new_version_selected(qtbot, page, monkeypatch):
    before = page.model.rowCount()
    import_through_page(qtbot, page, monkeypatch, PILOT)

    assert page.message.kind == "info"
    assert page.message.text() == _("Imported: {title}, version {version}").format(title=PILOT_TITLE_KY, version=2)
    assert page.import_button.isEnabled()
    assert page.model.rowCount() == before + 1
    row = pilot_row(page)
    assert page.table.currentIndex().row() == row  # the new row is selected
    assert cell(page, row, 0).splitlines() == [PILOT_TITLE_KY, version_text(2)]
    assert cell(page, row, 1).splitlines() == [_(COMPONENT_LABELS["voluntary"]), _(TARGET_LABELS["any"])]
    assert cell(page, row, 2).splitlines() == [
        _("{individual} individual + {group} group").format(individual=1, group=2), _("{hours} h").format(hours="4")]
    assert cell(page, row, 3) == _("imported")
    assert cell(page, row, 4) == "0"  # groups using it
    assert page.model.data(page.model.index(row, 0), Qt.ItemDataRole.ForegroundRole) is None  # the newest

    # the same file again: refused, nothing changes
    rows = table_rows(page)
    import_through_page(qtbot, page, monkeypatch, PILOT)
    assert page.message.kind == "error"
    assert table_rows(page) == rows


def test_the_outline_of_the_selected_version_lists_its_sessions(qtbot, page, monkeypatch):
    import_through_page(qtbot, page, monkeypatch, PILOT)
    assert page.curriculum is not None and page.curriculum.id == "pilot-short"
    assert page.sessions.isVisible()
    assert page.outline_title.text() == PILOT_TITLE_KY
    assert page.description.text() == "Бир жеке жана эки топтук сабак."
    assert "Борбордун пилоттук долбоору" in page.basis.text()
    individual, group = _(SESSION_KIND_LABELS["individual"]), _(SESSION_KIND_LABELS["group"])
    theme = _("Theme: {theme}").format(theme="Зомбулуксуз жашоо")
    assert outline_rows(page) == [
        ("1", "Таанышуу маеги", individual, "60"),
        ("2", "Зомбулуктун түрлөрү\n" + theme, group, "90"),
        ("3", "Тайм-аут\n" + theme, group, "90"),
    ]

    # the content in Russian, whatever the app's language
    page.content_language.setCurrentIndex(page.content_language.findData("ru"))
    assert page.outline_title.text() == "Пилотная короткая программа"
    assert [r[1].splitlines()[0] for r in outline_rows(page)] == ["Вводная беседа", "Формы насилия", "Тайм-аут"]


def test_a_broken_file_is_refused_naming_file_and_line(qtbot, page, monkeypatch, tmp_path):
    import_through_page(qtbot, page, monkeypatch, PILOT)
    rows, selected = table_rows(page), page.table.currentIndex().row()

    text = PILOT.read_text(encoding="utf-8")
    assert TITLE_LINE in text
    line = text.splitlines().index(TITLE_LINE) + 1
    broken = tmp_path / "pilot-v3-broken.yaml"
    broken.write_text(text.replace("version: 2", "version: 3").replace(
        TITLE_LINE, '    title: {ky: "Зомбулуктун түрлөрү"}'), encoding="utf-8")
    import_through_page(qtbot, page, monkeypatch, broken)

    shown = page.message.text()
    assert page.message.kind == "error" and page.message.isVisible()
    assert "pilot-v3-broken.yaml" in shown and str(line) in shown
    with pytest.raises(CurriculumInvalid) as refused:
        load_curriculum(broken)
    assert refused.value.problems[0].line == line
    assert shown == refused.value.message()
    assert table_rows(page) == rows and page.table.currentIndex().row() == selected
    assert page.import_button.isEnabled()


def test_an_older_version_is_greyed_and_kept(qtbot, page, monkeypatch, tmp_path):
    import_through_page(qtbot, page, monkeypatch, PILOT)
    newer = tmp_path / "pilot-v3.yaml"
    newer.write_text(PILOT.read_text(encoding="utf-8").replace("version: 2", "version: 3"), encoding="utf-8")
    import_through_page(qtbot, page, monkeypatch, newer)

    imported = _("Imported: {title}, version {version}")
    assert page.message.text() == imported.format(title=PILOT_TITLE_KY, version=3)
    old, new = pilot_row(page, 2), pilot_row(page, 3)
    assert page.table.currentIndex().row() == new
    assert cell(page, new, 0).splitlines() == [PILOT_TITLE_KY, version_text(3)]
    assert cell(page, old, 0).splitlines() == [
        PILOT_TITLE_KY, version_text(2), _("(older version — kept for the groups that use it)")]
    assert page.model.data(page.model.index(old, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert page.model.data(page.model.index(new, 0), Qt.ItemDataRole.ForegroundRole) is None

    page.table.selectRow(old)  # the older version's outline is still there
    wait_idle(qtbot, page.desktop)
    assert page.curriculum is not None and page.curriculum.version == 2
    assert len(outline_rows(page)) == 3


def test_language_switch_retranslates_the_list_and_outline(qtbot, page, monkeypatch):
    import_through_page(qtbot, page, monkeypatch, PILOT)
    assert switch_language("ru")  # as Settings does: a LanguageChange event to every widget
    QApplication.processEvents()
    row = pilot_row(page)
    assert cell(page, row, 0).startswith("Пилотная короткая программа\n")  # the title in the UI language
    assert page.title.text() == _("Programmes")
    assert page.outline_title.text() == "Пилотная короткая программа"  # the texts follow until a choice is made
    assert page.content_language.currentData() == "ru"


def test_a_questionnaire_file_is_imported_and_a_broken_one_refused(qtbot, set_up_workspace, desktop_factory,
                                                                    monkeypatch, tmp_path):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    window = desktop.main_window
    window.nav.setCurrentRow(window.pages.index(window.programmes))
    wait_idle(qtbot, desktop)
    page = window.programmes
    source = Path(__file__).parents[1] / "core" / "data" / "pilot-instrument.yaml"
    broken = tmp_path / "pilot-instrument-broken.yaml"
    broken.write_text(source.read_text(encoding="utf-8").replace("type: frequency", "type: slider"), encoding="utf-8")
    for path in (broken, source):
        monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, p=path, **k: (str(p), "")))
        qtbot.mouseClick(page.instrument_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, desktop)
        if path is broken:
            assert "pilot-instrument-broken.yaml" in page.message.text() and "slider" in page.message.text()
    assert page.message.text() == _("Imported: {title}, version {version}").format(title="Кыска сурамжылоо",
                                                                                   version=1)
