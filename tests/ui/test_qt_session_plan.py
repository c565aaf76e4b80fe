"""The session plan window and "Mark as held": real widgets, a real encrypted database, the real worker."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from qt_helpers import PASSWORD_MAN, WAIT_MS, unlock, wait_idle

from instructor_app.i18n import _
from instructor_app.reports.session_plan import BASE_PT, LARGE_PT
from instructor_app.services.programme_data import GroupDraft
from ui.dialogs.mark_held import MarkHeldDialog
from ui.qt import QTime, Qt
from ui.translator import switch_language
from ui.views.session_plan import SessionPlanWindow, open_session_plan

PILOT = Path(__file__).parents[1] / "core" / "data" / "pilot-curriculum.yaml"
KY_TITLE, RU_TITLE = "Зомбулуктун түрлөрү", "Формы насилия"


def on_worker(qtbot, desktop, fn):
    """Run ``fn(ws)`` on the real DB worker and return its result (test set-up only)."""
    box: dict = {}
    desktop.backend.run_open(fn, lambda result: box.setdefault("result", result),
                             lambda exc: box.setdefault("error", exc))
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT_MS)
    if "error" in box:
        raise box["error"]
    return box["result"]


def make_group(ws, today: dt.date):
    summary = ws.curricula.import_file(PILOT)
    man, woman = ws.facilitators()  # men first
    draft = GroupDraft(name="Эркектер тобу <бейшемби>", curriculum_version_id=summary.id, language="ky",
                       participant_gender="male", lead_facilitator_id=man.id, co_facilitator_id=woman.id,
                       pair_exception_reason="", room="Зал 2", weekday=today.weekday(), start_time="17:30",
                       start_date=today)
    return ws.groups.create(draft, today)


@pytest.fixture
def plan_window(qtbot, set_up_workspace, desktop_factory):
    """The app unlocked, a group created, the plan of its first session open: (workspace, desktop, window)."""
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    wait_idle(qtbot, desktop)
    detail = on_worker(qtbot, desktop, lambda ws: make_group(ws, dt.date.today()))
    window = open_session_plan(desktop.backend, detail.sessions[0].id, desktop.main_window)
    qtbot.addWidget(window)
    wait_idle(qtbot, desktop)
    assert window.plan is not None, window.message.text()
    return workspace, desktop, window


def shown(window: SessionPlanWindow) -> str:
    return window.browser.toPlainText()


def test_plan_opens_in_the_group_language_and_switches_to_russian(qtbot, plan_window):
    _workspace, _desktop, window = plan_window
    assert window.isVisible() and not window.isModal()
    assert window.language.currentData() == "ky"
    text = shown(window)
    assert KY_TITLE in text and RU_TITLE not in text
    for label in (_("Objectives"), _("Agenda"), _("Materials"), _("Take-home task"), _("Facilitator notes")):
        assert label in text
    assert "17:30–19:00" in text  # the agenda from the session's start time
    assert "Тынчтык Асанов" in text and "Гүлнара Токтосунова" in text
    assert "Эркектер тобу <бейшемби>" in text  # the group's name shown as text, not markup
    assert window.status_label.text() == _("Status: {status}").format(status=_("Planned"))

    window.language.setCurrentIndex(window.language.findData("ru"))
    text = shown(window)
    assert RU_TITLE in text and KY_TITLE not in text
    assert "Пилотная короткая программа" in text and "Вести дневник." in text

    switch_language("ru")  # the app's language: labels retranslate, the chosen content language stays
    qtbot.waitUntil(lambda: window.status_label.text() == "Статус: Запланировано")
    assert window.language.currentData() == "ru" and RU_TITLE in shown(window)


def test_large_text_is_saved_in_settings(qtbot, plan_window):
    workspace, desktop, window = plan_window
    assert not window.large_text.isChecked()
    assert f"font-size: {BASE_PT}pt" in window.html()
    qtbot.mouseClick(window.large_text, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    assert window.large_text.isChecked()
    assert desktop.backend.settings.large_text is True
    assert workspace.settings().large_text is True  # written to settings.json
    assert f"font-size: {LARGE_PT}pt" in window.html()

    again = open_session_plan(desktop.backend, window.session_id, desktop.main_window)  # a new window keeps it
    qtbot.addWidget(again)
    wait_idle(qtbot, desktop)
    assert again.large_text.isChecked()
    qtbot.mouseClick(again.large_text, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    assert workspace.settings().large_text is False


def open_mark_dialog(qtbot, desktop, window) -> MarkHeldDialog:
    assert window.mark_button.isEnabled()
    qtbot.mouseClick(window.mark_button, Qt.MouseButton.LeftButton)
    dialog = window.mark_dialog
    wait_idle(qtbot, desktop)
    assert dialog.isVisible() and dialog.submit.isEnabled()
    return dialog


def test_mark_as_held_through_the_dialog(qtbot, plan_window):
    _workspace, desktop, window = plan_window
    session = window.plan.session
    dialog = open_mark_dialog(qtbot, desktop, window)
    today = dt.date.today()
    assert dialog.held_on.date().toPython() == min(session.date, today)
    assert dialog.held_on.maximumDate().toPython() == today
    assert dialog.start.time().toString("HH:mm") == "17:30" and dialog.end.time().toString("HH:mm") == "19:00"
    assert dialog.lead.currentText() == "Тынчтык Асанов"
    assert dialog.second.currentText() == "Гүлнара Токтосунова"
    assert dialog.second.itemText(0) == _("— none —")

    dialog.start.setTime(QTime(17, 40))
    dialog.end.setTime(QTime(19, 10))
    dialog.notes.setPlainText("Баары келди.")
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    wait_idle(qtbot, desktop)  # the plan reloads after the dialog closed
    assert not dialog.isVisible() and dialog.result() == MarkHeldDialog.DialogCode.Accepted
    assert window.plan.session.status == "held"
    assert window.status_label.text() == _("Status: {status}").format(status=_("Held"))
    assert "17:40–19:10" in shown(window)
    assert window.plan.session.notes == "Баары келди."


def test_wrong_time_range_keeps_the_dialog_open(qtbot, plan_window):
    _workspace, desktop, window = plan_window
    dialog = open_mark_dialog(qtbot, desktop, window)
    dialog.start.setTime(QTime(19, 0))
    dialog.end.setTime(QTime(18, 0))
    dialog.notes.setPlainText("Эскертүү")
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    assert dialog.isVisible()
    assert dialog.time_error.isVisible()
    assert dialog.time_error.text() == _("The end time must be after the start time.")
    assert dialog.end.time() == QTime(18, 0) and dialog.notes.toPlainText() == "Эскертүү"
    assert dialog.submit.isEnabled()
    assert window.plan.session.status == "planned"

    dialog.end.setTime(QTime(20, 0))  # corrected: now it saves
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    wait_idle(qtbot, desktop)
    assert not dialog.isVisible()
    assert window.plan.session.status == "held"


def test_cancelled_session_cannot_be_marked_held(qtbot, plan_window):
    _workspace, desktop, window = plan_window
    on_worker(qtbot, desktop, lambda ws: ws.sessions.cancel(window.session_id, "Жарык жок болду"))
    window.reload()
    wait_idle(qtbot, desktop)
    assert window.status_label.text() == _("Status: {status}").format(status=_("Cancelled"))
    assert not window.mark_button.isEnabled()
    assert "Жарык жок болду" in shown(window)


def test_prints_the_same_plan(qtbot, plan_window, tmp_path):
    _workspace, _desktop, window = plan_window
    from ui.qt import print_support

    printing = print_support()
    printer = printing.QPrinter(printing.QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(printing.QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "plan.pdf"
    printer.setOutputFileName(str(target))
    assert KY_TITLE in window.print_document().toPlainText()
    window.print_to(printer)
    assert target.read_bytes().startswith(b"%PDF") and target.stat().st_size > 1000
