"""A participant's questionnaires on the facilitator's screen: the self-assessment chart before/after with
the group's average, the table of responses (partial ones without a total), the partner's report with the
red flag when it contradicts the participant, the partner dialog, and ODARA filled in as facilitator.
Real widgets, the shipped instruments, a real encrypted database and the real worker."""

from __future__ import annotations

import datetime as dt
import sys
import time

import pytest
from qt_helpers import PASSWORD_MAN, WAIT_MS, unlock, wait_idle

from instructor_app.i18n import _
from instructor_app.instruments.files import instruments_dir, load_instrument
from instructor_app.instruments.model import FREQUENCY_LABELS, Item, ItemType
from instructor_app.services.participant_data import IntakeDraft
from instructor_app.services.programme_data import GroupDraft
from ui.qt import QApplication, QDialogButtonBox, QLabel, Qt
from ui.translator import switch_language
from ui.views.participant_detail import ParticipantDetailPanel
from instructor_app.instruments.model import Scores
from ui.dialogs.questionnaire_form import saved_text
from ui.views.results import ResultsPanel

NEEDED = ("participant-self-assessment-v1.yaml", "partner-feedback-v1.yaml", "odara-v1.yaml")
TODAY = dt.date.today()


@pytest.fixture(scope="module", autouse=True)
def shipped_instruments():
    """The shipped instruments are being written meanwhile: wait (up to 10 minutes) until they load."""
    deadline = time.monotonic() + 600
    while True:
        try:
            return [load_instrument(instruments_dir() / name).instrument for name in NEEDED]
        except Exception:  # not there yet, or half-written
            if time.monotonic() > deadline:
                raise
            time.sleep(5)


def on_worker(qtbot, desktop, fn):
    box: dict = {}
    desktop.backend.run_open(fn, lambda result: box.setdefault("result", result),
                             lambda exc: box.setdefault("error", exc))
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT_MS)
    if "error" in box:
        raise box["error"]
    return box["result"]


def low(item: Item) -> str:
    """Intake: little progress (2 of 5 once reversed items are flipped), "never" on every behaviour question."""
    if item.type == ItemType.LIKERT5:
        return "4" if item.reverse else "2"
    return {ItemType.FREQUENCY: "0", ItemType.YES_NO: "0"}.get(item.type) or str(int(item.min))


def high(item: Item) -> str:
    """End: progress (4 of 5), still "never"."""
    if item.type == ItemType.LIKERT5:
        return "2" if item.reverse else "4"
    return {ItemType.FREQUENCY: "0", ItemType.YES_NO: "1"}.get(item.type) or str(int(item.max))


def fill(ws, pid: str, time_point: str, pick, only: int | None = None):
    state = ws.instruments.start(pid, "participant-self-assessment", time_point, "kiosk", TODAY)
    items = [i for i in state.instrument.items if i.type != ItemType.TEXT][:only]
    for item in items:
        ws.instruments.answer(state.id, item.key, pick(item))
    return ws.instruments.finish(state.id)


def set_up_data(ws):
    man = next(p for p in ws.facilitators() if p.gender == "male")
    woman = next(p for p in ws.facilitators() if p.gender == "female")
    version = next(c for c in ws.curricula.list() if c.key == "tcp-mandatory" and c.latest)
    group = ws.groups.create(GroupDraft("Милдеттүү топ", version.id, "ky", "male", man.id, woman.id, "", "1",
                                        TODAY.weekday(), "10:00", TODAY), TODAY)
    person = ws.participants.create(IntakeDraft(
        full_name="Алмаз Бекмуратов", birth_date=dt.date(1988, 5, 17), gender="male", language="ky",
        component="mandatory", referral_source="police", received_on=TODAY, order_number="ВОО-2026-0311",
        order_issued_on=TODAY, screening="eligible", contract_signed_on=TODAY), TODAY)
    ws.attendance.enrol(person.id, group.group.id, TODAY, TODAY)
    assert fill(ws, person.id, "intake", low).complete
    assert fill(ws, person.id, "end", high).complete
    return ws.participants.detail(person.id, TODAY)


@pytest.fixture
def panel(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    detail = on_worker(qtbot, desktop, set_up_data)
    panel = ResultsPanel(desktop.backend)
    qtbot.addWidget(panel)
    panel.resize(1100, 900)
    panel.show()
    panel.set_participant(detail.summary)
    reload(qtbot, panel, desktop)
    panel.desktop, panel.detail = desktop, detail
    return panel


def reload(qtbot, panel, desktop=None) -> None:
    wait_idle(qtbot, desktop or panel.desktop)
    qtbot.waitUntil(lambda: panel.loaded is not None, timeout=WAIT_MS)


def table_rows(panel) -> list[list[str]]:
    table = panel.table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def press_ok(qtbot, panel, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, panel.desktop)
    wait_idle(qtbot, panel.desktop)  # the panel's reload after a save


def flag(what: str, how: int) -> str:
    often = _(FREQUENCY_LABELS[how])
    return _("The participant reported no {what}; the partner reported it happened: {how}").format(
        what=_(what), how=often[:1].lower() + often[1:])


def test_chart_before_and_after_with_the_group_average(qtbot, panel, shipped_instruments):
    own = shipped_instruments[0]
    assert [s.name() for s in panel.subscale_series] == [s.title.get("ky") for s in own.subscales]
    for series in panel.subscale_series:  # intake (x 0) and end (x 2), nothing at mid yet
        assert [p.x() for p in series.points()] == [0, 2]
    behaviour = [n for n, s in enumerate(own.subscales) if not s.higher_is_better]
    better = [n for n, s in enumerate(own.subscales) if s.higher_is_better]
    assert better and all(panel.subscale_series[n].at(1).y() > panel.subscale_series[n].at(0).y() for n in better)
    assert all(panel.subscale_series[n].at(1).y() == 0 for n in behaviour)
    assert len(panel.group_series) == len(own.subscales)  # the only member: the average is his own score
    assert all(g.pen().style() == Qt.PenStyle.DashLine and g.count() == 2 for g in panel.group_series)
    assert [p.y() for p in panel.group_series[0].points()] == [p.y() for p in panel.subscale_series[0].points()]
    assert panel.chart_view.isVisible()

    rows = table_rows(panel)
    assert [r[1] for r in rows] == [_("Intake"), _("End of the programme")]
    assert all(r[3] == _("complete") and r[4] == "" for r in rows)  # no grand total for a questionnaire
    assert panel.risk.text() == _("No risk assessment yet.")

    switch_language("ru")  # the panel follows the app's language, content included
    QApplication.processEvents()
    assert [s.name() for s in panel.subscale_series] == [s.title.get("ru") for s in own.subscales]
    assert all(s.count() == 2 for s in panel.subscale_series) and len(panel.group_series) == len(own.subscales)
    assert table_rows(panel)[0][0] == own.title.get("ru")


def test_a_partial_response_has_no_total_and_no_point(qtbot, panel):
    assert not on_worker(qtbot, panel.desktop, lambda ws: fill(ws, panel.detail.summary.id, "mid", high, 3)).complete
    panel.refresh()
    reload(qtbot, panel)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3, timeout=WAIT_MS)
    partial = next(r for r in table_rows(panel) if r[1] == _("Mid-programme"))
    assert partial[3] == _("partial") and partial[4] == "" and partial[5] == ""
    assert all(s.count() == 2 for s in panel.subscale_series)


def test_the_partner_contradicting_the_participant_is_flagged(qtbot, panel):
    pid = panel.detail.summary.id
    assert panel.partner_list.item(0).text() == _("No partner feedback yet.") and not panel.flags.isVisible()
    on_worker(qtbot, panel.desktop, lambda ws: ws.instruments.partner_report(
        pid, "intake", "phone", TODAY, {"physical_violence": "3", "threats": "0"}, TODAY))
    panel.refresh()
    reload(qtbot, panel)
    qtbot.waitUntil(lambda: panel.flags.isVisible(), timeout=WAIT_MS)
    assert panel.flags.kind == "error"
    assert panel.flags.text() == f"⚑ {_('Intake')}: {flag('physical violence', 3)}"
    assert "often" in flag("physical violence", 3) or _("Often") != "Often"
    assert panel.partner_list.count() == 1 and _("By phone") in panel.partner_list.item(0).text()


def test_the_partner_dialog_saves_apart(qtbot, panel):
    dialog = panel.open_partner()
    wait_idle(qtbot, panel.desktop)
    qtbot.waitUntil(lambda: dialog.items is not None, timeout=WAIT_MS)
    assert dialog.closes_on_lock and dialog.privacy.isVisible()
    assert "never shown to the participant" in dialog.privacy.text() or _("Partner feedback") != "Partner feedback"
    press_ok(qtbot, panel, dialog)  # nothing answered: refused in the dialog
    assert dialog.isVisible() and dialog.error.text() == _("Answer at least one question, or press Cancel.")
    dialog.contact_mode.setCurrentIndex(dialog.contact_mode.findData("in_person"))
    dialog.time_point.setCurrentIndex(dialog.time_point.findData("end"))
    field = dialog.items.field("psychological_violence")
    field.input.setCurrentIndex(field.input.findData("1"))
    press_ok(qtbot, panel, dialog)
    assert not dialog.isVisible(), dialog.error.text()
    assert dialog.result.time_point == "end" and dialog.result.contact_mode == "in_person"
    assert panel.message.text() == _("Partner feedback saved.")
    qtbot.waitUntil(lambda: panel.flags.isVisible(), timeout=WAIT_MS)
    assert flag("psychological violence", 1) in panel.flags.text()
    assert _("In person") in panel.partner_list.item(0).text()


def test_odara_as_facilitator_partial_then_high_risk(qtbot, panel, shipped_instruments):
    odara = shipped_instruments[2]
    chooser = panel.choose_form()
    labels = [chooser.instrument_combo.itemText(i) for i in range(chooser.instrument_combo.count())]
    chooser.instrument_combo.setCurrentIndex(next(n for n, t in enumerate(labels) if t == odara.title.get("ky")))
    assert chooser.restricted.isVisible() and chooser.restricted.text() == odara.restricted_note.get("ky")
    chooser.time_point_combo.setCurrentIndex(chooser.time_point_combo.findData("intake"))
    qtbot.mouseClick(chooser.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    form = panel.dialog
    assert form is not chooser and form.isVisible() and form.instrument.id == "odara"
    for field in form.items.fields[:3]:
        field.input.setCurrentIndex(field.input.findData("1"))
    press_ok(qtbot, panel, form)
    assert not form.isVisible() and panel.message.kind == "note"
    assert panel.message.text() == saved_text(Scores(False, 3, 13, {}, None, None))
    qtbot.waitUntil(lambda: any(r[3] == _("partial") for r in table_rows(panel)), timeout=WAIT_MS)

    form = panel.open_form(odara, "intake")  # the same time point again: continued
    wait_idle(qtbot, panel.desktop)
    assert [f.value() for f in form.items.fields[:4]] == ["1", "1", "1", ""]
    for n, field in enumerate(form.items.fields):
        field.input.setCurrentIndex(field.input.findData("1" if n < 5 else "0"))
    press_ok(qtbot, panel, form)
    assert not form.isVisible() and panel.message.text() == _("Saved.")
    category = next(c for c in odara.categories if c.min <= 5 <= c.max)
    assert category.high
    qtbot.waitUntil(lambda: category.title.get("ky") in panel.risk.text(), timeout=WAIT_MS)
    assert panel.risk.kind == "error"  # high risk: red
    assert panel.risk_note.text() == odara.restricted_note.get("ky")
    odara_rows = [r for r in table_rows(panel) if r[0] == odara.title.get("ky")]
    assert len(odara_rows) == 1 and odara_rows[0][4] == "5" and odara_rows[0][5] == category.title.get("ky")


def test_kiosk_button_without_the_kiosk_module(qtbot, panel, monkeypatch):
    monkeypatch.setitem(sys.modules, "ui.views.kiosk", None)  # import fails as if the module were missing
    chooser = panel.choose_kiosk()
    assert chooser.time_point_combo.count() == 4 and not chooser.instrument_combo.isVisible()
    chooser.time_point_combo.setCurrentIndex(chooser.time_point_combo.findData("mid"))
    qtbot.mouseClick(chooser.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert panel.message.kind == "error"
    assert panel.message.text() == _("Kiosk mode is not available in this version of the app.")


def test_the_record_has_a_questionnaires_tab(qtbot, panel):
    record = ParticipantDetailPanel(panel.desktop.backend)
    qtbot.addWidget(record)
    record.show()
    record.set_detail(panel.detail)
    assert record.results.loaded is None  # read only when its tab is opened
    titles = [record.tabs.tabText(i) for i in range(record.tabs.count())]
    record.tabs.setCurrentIndex(titles.index(_("Questionnaires")))
    reload(qtbot, record.results, panel.desktop)
    assert record.results.table.rowCount() == 2
    assert any(label.text() == _("Questionnaires: {name}").format(name="Алмаз Бекмуратов")
               for label in record.results.findChildren(QLabel))


def test_kiosk_mode_hands_over_the_self_assessment_and_comes_back(qtbot, panel):
    chooser = panel.choose_kiosk()
    assert chooser.time_point() == "mid"  # intake and end are answered: the first open time point is offered
    qtbot.mouseClick(chooser.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    kiosk = panel.kiosk
    wait_idle(qtbot, panel.desktop)
    assert kiosk.isVisible() and not panel.isVisible()
    assert kiosk.request[:3] == (panel.detail.summary.id, "participant-self-assessment", "mid")
    kiosk.ask_facilitator()
    qtbot.keyClicks(kiosk.prompt.secret, PASSWORD_MAN)
    qtbot.mouseClick(kiosk.prompt.action, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, panel.desktop)
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT_MS)
    wait_idle(qtbot, panel.desktop)  # the panel reads the results again
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3, timeout=WAIT_MS)
    assert table_rows(panel)[2][1:4:2] == [_("Mid-programme"), _("partial")]
