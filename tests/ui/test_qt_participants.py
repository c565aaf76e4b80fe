"""Participants page: search the register, open a record (audited), enrol through the dialog, a refusal
under art. 72 that needs a witness, an individual session, and the partner's contact kept out of the
record. Real widgets, a real encrypted database, the real worker."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest
from qt_helpers import PASSWORD_MAN, WAIT_MS, type_text, unlock, wait_idle
from sqlalchemy import func, select

from instructor_app.i18n import _, format_date, ngettext
from instructor_app.scheduling.holidays import kyrgyz_holidays
from instructor_app.services.participant_data import IntakeDraft, PartnerDraft
from instructor_app.services.programme_data import GroupDraft
from instructor_app.storage.models import AccessLog
from ui.qt import QApplication, QDialog, QDialogButtonBox, QLabel, QListWidget, Qt
from ui.translator import switch_language
from ui.views.participants import ParticipantsPage

PARTNER, PARTNER_PHONE = "Айгерим Бекмуратова", "+996 555 000 111"


def on_worker(qtbot, desktop, fn):
    """Run ``fn(ws)`` on the real DB worker and return its result (test set-up and checks only)."""
    box: dict = {}
    desktop.backend.run_open(fn, lambda result: box.setdefault("result", result),
                             lambda exc: box.setdefault("error", exc))
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT_MS)
    if "error" in box:
        raise box["error"]
    return box["result"]


def intake(today: dt.date, **changes) -> IntakeDraft:
    values = dict(full_name="Алмаз Бекмуратов", birth_date=dt.date(1988, 5, 17), gender="male", language="ky",
                  component="mandatory", referral_source="police", received_on=today - dt.timedelta(days=2),
                  document_number="ОВД-114", order_number="ВОО-2026-0311", order_issued_on=today - dt.timedelta(days=3),
                  screening="eligible", contract_signed_on=today, curator_name="Нурбек Осмонов",
                  partner=PartnerDraft(PARTNER, "wife", PARTNER_PHONE, True, ""))
    values.update(changes)
    return IntakeDraft(**values)


def set_up_data(ws):
    today = dt.date.today()
    man, woman = ws.facilitators()  # men first
    version = next(c for c in ws.curricula.list() if c.key == "tcp-mandatory" and c.latest)
    group = ws.groups.create(GroupDraft("Милдеттүү топ", version.id, "ky", "male", man.id, woman.id, "", "1",
                                        today.weekday(), "10:00", today), today)
    almaz = ws.participants.create(intake(today), today)
    bakyt = ws.participants.create(intake(today, full_name="Бакыт Жумабеков", birth_date=dt.date(1979, 2, 3),
                                          partner=None), today)
    return group, almaz, bakyt


@pytest.fixture
def page(qtbot, set_up_workspace, desktop_factory):
    """The app unlocked, two participants and a running mandatory group; the page showing the list."""
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    group, almaz, bakyt = on_worker(qtbot, desktop, set_up_data)
    page = ParticipantsPage(desktop.backend)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    page.refresh()
    wait_idle(qtbot, desktop)
    page.ids = {"group": group.group.id, "almaz": almaz.id, "bakyt": bakyt.id}
    page.desktop = desktop
    return page


def open_record(qtbot, page, participant_id: str) -> None:
    page.open_participant(participant_id)
    wait_idle(qtbot, page.desktop)
    qtbot.waitUntil(lambda: page.detail.detail is not None and page.detail.detail.summary.id == participant_id,
                    timeout=WAIT_MS)


def run_action(qtbot, page, key: str):
    qtbot.mouseClick(page.detail.buttons[key], Qt.MouseButton.LeftButton)
    dialog = page.detail.dialog
    wait_idle(qtbot, page.desktop)
    assert dialog.isVisible()
    return dialog


def press_ok(qtbot, page, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, page.desktop)
    wait_idle(qtbot, page.desktop)  # the reload after a saved action


def panel_text(panel) -> str:
    """Everything the record shows: labels, list entries and the sessions table."""
    parts = [label.text() for label in panel.findChildren(QLabel)]
    for widget in panel.findChildren(QListWidget):
        parts += [widget.item(i).text() for i in range(widget.count())]
    model = panel.table.model()
    parts += [str(model.index(r, c).data()) for r in range(model.rowCount()) for c in range(model.columnCount())]
    return "\n".join(parts)


def openings(qtbot, page, event: str, participant_id: str) -> int:
    def count(ws):
        with ws.db.session() as session:
            return session.scalar(select(func.count()).select_from(AccessLog).where(
                AccessLog.event == event, AccessLog.detail == participant_id))
    return on_worker(qtbot, page.desktop, count)


def test_search_open_and_enrol_in_a_group(qtbot, page):
    assert [p.full_name for p in page.model.rows] == ["Алмаз Бекмуратов", "Бакыт Жумабеков"]
    assert page.detail.detail is None  # the list loads; no record is opened by itself
    assert openings(qtbot, page, "participant_opened", page.ids["almaz"]) == 0
    type_text(qtbot, page.search, "бакыт")
    qtbot.waitUntil(lambda: [p.full_name for p in page.model.rows] == ["Бакыт Жумабеков"], timeout=WAIT_MS)
    page.search.clear()
    qtbot.waitUntil(lambda: len(page.model.rows) == 2, timeout=WAIT_MS)
    page.status_filter.setCurrentIndex(page.status_filter.findData("active"))
    qtbot.waitUntil(lambda: page.model.rows == [], timeout=WAIT_MS)
    page.status_filter.setCurrentIndex(page.status_filter.findData(None))
    qtbot.waitUntil(lambda: len(page.model.rows) == 2, timeout=WAIT_MS)

    page.table.selectRow(0)  # the facilitator clicks Алмаз
    wait_idle(qtbot, page.desktop)
    detail = page.detail
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=WAIT_MS)
    assert detail.title.text() == "Алмаз Бекмуратов"
    assert detail.status.text() == _("Status: {status}{group}").format(status=_("Intake"), group="")
    assert detail.compliance.text() == _("Not in a group yet: attendance is counted from the first group.")
    assert "ВОО-2026-0311" in detail.facts.text() and "Нурбек Осмонов" in detail.facts.text()
    assert openings(qtbot, page, "participant_opened", page.ids["almaz"]) == 1
    assert not detail.buttons["complete"].isEnabled() and detail.buttons["enrol"].isEnabled()

    dialog = run_action(qtbot, page, "enrol")
    assert [dialog.group.itemData(i) for i in range(dialog.group.count())] == [page.ids["group"]]
    press_ok(qtbot, page, dialog)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: detail.detail.summary.status == "active", timeout=WAIT_MS)
    assert detail.status.text() == _("Status: {status}{group}").format(
        status=_("Attending"), group=_(", group “{group}”").format(group="Милдеттүү топ"))
    sessions = ngettext("{attended} / {required} session", "{attended} / {required} sessions", 4).format(
        attended=0, required=4)  # 2 individual + 2 group
    assert sessions in detail.compliance.text()
    assert detail.sessions.rowCount() == 2 and detail.sessions.index(0, 5).data() == "—"
    assert detail.enrolments.count() == 1 and "Милдеттүү топ" in detail.enrolments.item(0).text()
    row = next(n for n, p in enumerate(page.model.rows) if p.id == page.ids["almaz"])
    assert page.model.index(row, 3).data() == _("Attending")
    assert sessions in page.model.index(row, 6).data()

    dialog = run_action(qtbot, page, "complete")  # not every session attended: the service says so
    press_ok(qtbot, page, dialog)
    assert dialog.isVisible()
    assert dialog.error.text() == _("Not every required session is attended yet ({count} missing); add make-up "
                                    "sessions first.").format(count=4)
    dialog.reject()

    dialog = run_action(qtbot, page, "individual")
    assert dialog.template.count() == 2 and dialog.template.currentData() == "i1"
    type_text(qtbot, dialog.room, "5")
    press_ok(qtbot, page, dialog)
    assert not dialog.isVisible(), dialog.error.text()
    qtbot.waitUntil(lambda: detail.sessions.rowCount() == 3, timeout=WAIT_MS)
    individual = next(r for r in detail.sessions.rows if r.kind == "individual")
    with qtbot.waitSignal(page.open_session, timeout=WAIT_MS) as opened:
        row = detail.sessions.rows.index(individual)
        detail.table.doubleClicked.emit(detail.sessions.index(row, 2))
    assert opened.args == [individual.id]

    first = next(r for r in detail.sessions.rows if r.kind == "group")  # marked in the register meanwhile
    later = first.date + dt.timedelta(days=1)
    on_worker(qtbot, page.desktop, lambda ws: ws.attendance.record(page.ids["almaz"], first.id, "present", later))
    page.refresh()  # the page is shown again: the open record is read again
    wait_idle(qtbot, page.desktop)
    qtbot.waitUntil(lambda: detail.detail.marks.get(first.id) == "present", timeout=WAIT_MS)
    row = detail.sessions.rows.index(next(r for r in detail.sessions.rows if r.id == first.id))
    assert detail.sessions.index(row, 5).data() == _("Present")
    assert ngettext("{attended} / {required} session", "{attended} / {required} sessions", 4).format(
        attended=1, required=4) in detail.compliance.text()

    switch_language("ru")  # the open record follows the language
    QApplication.processEvents()
    assert detail.status.text() == _("Status: {status}{group}").format(
        status=_("Attending"), group=_(", group “{group}”").format(group="Милдеттүү топ"))
    assert page.title.text() == _("Participants")


def test_refusal_needs_a_witness_and_opens_an_art72_case(qtbot, page):
    page.open_participant(page.ids["bakyt"])  # as Today's alert does, then the page is shown (refresh)
    page.refresh()
    wait_idle(qtbot, page.desktop)
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=WAIT_MS)
    assert openings(qtbot, page, "participant_opened", page.ids["bakyt"]) == 1  # one opening, one audit entry
    detail = page.detail
    assert detail.title.text() == "Бакыт Жумабеков"
    dialog = run_action(qtbot, page, "refuse")
    dialog.how.setCurrentIndex(dialog.how.findData("verbal"))
    type_text(qtbot, dialog.details, "Программага келбейм деди")
    press_ok(qtbot, page, dialog)
    assert dialog.isVisible()
    assert dialog.error.text() == _("Name who witnessed the refusal (a refusal in writing needs no witness).")
    assert dialog.details.toPlainText() == "Программага келбейм деди"  # kept for the next try
    assert detail.detail.summary.status == "intake"

    type_text(qtbot, dialog.witnesses, "Гүлзат Ормонова, инструктор")
    press_ok(qtbot, page, dialog)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: detail.detail.summary.status == "refused", timeout=WAIT_MS)
    assert detail.status.text() == _("Status: {status}{group}").format(status=_("Refused (art. 72)"), group="")
    assert detail.cases.count() == 1
    case = detail.cases.item(0).text()
    assert "Гүлзат Ормонова" in case and _("notice not sent yet") in case
    assert not detail.buttons["refuse"].isEnabled() and not detail.buttons["enrol"].isEnabled()
    row = next(n for n, p in enumerate(page.model.rows) if p.id == page.ids["bakyt"])
    assert page.model.index(row, 3).data() == _("Refused (art. 72)")

    dialog = run_action(qtbot, page, "notice")
    type_text(qtbot, dialog.sent_to, "Пробация департаменти")
    press_ok(qtbot, page, dialog)
    qtbot.waitUntil(lambda: "Пробация департаменти" in detail.cases.item(0).text(), timeout=WAIT_MS)
    assert not detail.buttons["notice"].isEnabled()


def test_partner_contact_only_in_its_own_dialog(qtbot, page):
    open_record(qtbot, page, page.ids["almaz"])
    shown = panel_text(page.detail)
    assert "Алмаз Бекмуратов" in shown
    assert PARTNER not in shown and PARTNER_PHONE not in shown
    assert openings(qtbot, page, "partner_contact_opened", page.ids["almaz"]) == 0

    dialog = run_action(qtbot, page, "partner")
    assert dialog.full_name.text() == PARTNER and dialog.phone.text() == PARTNER_PHONE
    assert dialog.safe.isChecked()
    assert dialog.privacy.isVisible() and dialog.privacy.text() == _(
        "Never shown to the participant or on their record. Contact the partner only when it is safe for her or him.")
    assert openings(qtbot, page, "partner_contact_opened", page.ids["almaz"]) == 1
    dialog.phone.clear()
    type_text(qtbot, dialog.phone, "+996 700 123 456")
    press_ok(qtbot, page, dialog)
    assert not dialog.isVisible()
    assert PARTNER not in panel_text(page.detail)

    dialog = run_action(qtbot, page, "partner")
    assert dialog.phone.text() == "+996 700 123 456"
    dialog.reject()


def complete_programme(ws, participant_id: str, group_id: str):
    """Enrol, hold both individual sessions and both group sessions, then record the completion
    (the service takes the later day as "today", so the sessions count as held)."""
    today = dt.date.today()
    holidays = kyrgyz_holidays()
    ws.attendance.enrol(participant_id, group_id, today, today)
    version = next(c for c in ws.curricula.list() if c.key == "tcp-mandatory" and c.latest)
    man = ws.facilitators()[0]
    day = today
    for key in ("i1", "i2"):
        day += dt.timedelta(days=1)
        while holidays.is_holiday(day):
            day += dt.timedelta(days=1)
        ws.sessions.schedule_individual(version.id, key, participant_id, day, "09:00", man.id, None, "5", today)
    sessions = ws.participants.detail(participant_id, today).sessions
    later = max(s.date for s in sessions) + dt.timedelta(days=1)
    for row in sessions:
        ws.attendance.record(participant_id, row.id, "present", later)
    ws.participants.change_status(participant_id, "completed", "", later)


def test_a_completed_participant_gets_follow_up_meetings_recorded(qtbot, page):
    on_worker(qtbot, page.desktop, lambda ws: complete_programme(ws, page.ids["almaz"], page.ids["group"]))
    open_record(qtbot, page, page.ids["almaz"])
    detail = page.detail
    assert detail.detail.summary.status == "completed"
    assert _("Every required session is attended.") in detail.compliance.text()
    assert detail.follow_ups.count() == 3 and detail.buttons["follow_up"].isEnabled()
    assert all(s.status == "held" for s in detail.sessions.rows)
    assert {detail.sessions.index(r, 5).data() for r in range(detail.sessions.rowCount())} == {_("Present")}

    dialog = run_action(qtbot, page, "follow_up")
    assert dialog.meeting.number == 1
    dialog.contact.setChecked(True)
    dialog.violence["partner"].setChecked(True)
    type_text(qtbot, dialog.notes, "Өнөктөшү жаңы кыскартуу жөнүндө айтты")
    press_ok(qtbot, page, dialog)
    assert not dialog.isVisible(), dialog.error.text()
    qtbot.waitUntil(lambda: detail.detail.follow_ups[0].held_on is not None, timeout=WAIT_MS)
    first = detail.follow_ups.item(0).text()
    assert _("contact made") in first and _("by the partner") in first and "кыскартуу" in first
    assert _("Meeting {number}: due {date}, not held yet").format(
        number=2, date=format_date(detail.detail.follow_ups[1].due_on, "short")) == detail.follow_ups.item(1).text()


def test_new_participant_button_shows_the_registered_or_the_existing_record(qtbot, page, monkeypatch):
    """The page's side of the intake: the intake dialog itself has its own tests, so a stand-in with
    the same contract (``created`` set before ``accept()``; ``existing_id`` set before ``reject()``)."""
    today = dt.date.today()
    created = on_worker(qtbot, page.desktop, lambda ws: ws.participants.create(
        intake(today, full_name="Нурлан Сыдыков", birth_date=dt.date(1990, 1, 9), partner=None), today))

    class StandIn(QDialog):
        outcome: tuple = ()

        def __init__(self, backend, parent=None):
            super().__init__(parent)
            self.created, self.existing_id = None, None

        def open(self):
            super().open()
            kind, value = self.outcome
            if kind == "created":
                self.created = value
                self.accept()
            else:
                self.existing_id = value
                self.reject()

    module = types.ModuleType("ui.dialogs.intake")
    module.IntakeDialog = StandIn
    monkeypatch.setitem(sys.modules, "ui.dialogs.intake", module)
    type_text(qtbot, page.search, "бакыт")  # the new person is not in the filtered list: the filter is cleared
    qtbot.waitUntil(lambda: len(page.model.rows) == 1, timeout=WAIT_MS)

    StandIn.outcome = ("created", created)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, page.desktop)
    qtbot.waitUntil(lambda: page.detail.detail is not None and page.detail.detail.summary.id == created.id,
                    timeout=WAIT_MS)
    assert page.search.text() == "" and len(page.model.rows) == 3
    assert page.model.rows[page.table.selectionModel().selectedRows()[0].row()].id == created.id
    assert page.message.text() == _("{name} is registered.").format(name="Нурлан Сыдыков")

    StandIn.outcome = ("existing", page.ids["bakyt"])
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, page.desktop)
    qtbot.waitUntil(lambda: page.detail.detail.summary.id == page.ids["bakyt"], timeout=WAIT_MS)
    assert page.detail.title.text() == "Бакыт Жумабеков"
