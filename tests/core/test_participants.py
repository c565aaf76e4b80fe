"""Participants against a real encrypted database: intake and duplicates, enrolment, transfer and
rejoin, the register, art. 72 cases, completion with follow-ups, alerts and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from instructor_app import errors
from instructor_app.participants.compliance import AlertKind
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.participant_data import IntakeDraft, PartnerDraft
from instructor_app.services.participants import DuplicateParticipant
from instructor_app.services.programme_data import GroupDraft
from instructor_app.storage.models import AccessLog

from .conftest import Installed

TODAY = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture
def ws(installed: Installed) -> OpenWorkspace:
    opened = installed.unlock()
    yield opened
    opened.close()


def intake(**changes) -> IntakeDraft:
    values = dict(full_name="Алмаз  Бекмуратов", birth_date=dt.date(1988, 5, 17), gender="male", language="ky",
                  component="mandatory", referral_source="police", received_on=TODAY - dt.timedelta(days=2),
                  document_number="ОВД-114", order_number="ВОО-2026-0311", order_issued_on=TODAY - dt.timedelta(days=3),
                  screening="eligible", contract_signed_on=TODAY, curator_name="Нурбек Осмонов",
                  partner=PartnerDraft("Айгерим Бекмуратова", "wife", "+996 555 000 111", True, ""))
    values.update(changes)
    return IntakeDraft(**values)


def group(ws: OpenWorkspace, key: str, weekday: int = 2, start: dt.date = TODAY):
    man = next(p for p in ws.facilitators() if p.gender == "male")
    woman = next(p for p in ws.facilitators() if p.gender == "female")
    version = next(c for c in ws.curricula.list() if c.key == key and c.latest)
    return ws.groups.create(GroupDraft(f"{key} {weekday}", version.id, "ky", "male", man.id, woman.id, "", "1",
                                       weekday, "10:00", start), start)


def test_intake_creates_the_record_apart_from_the_partner_and_detects_duplicates(ws: OpenWorkspace) -> None:
    created = ws.participants.create(intake(), TODAY)
    assert created.status == "intake" and created.full_name == "Алмаз Бекмуратов"
    assert created.order_ends_on == TODAY - dt.timedelta(days=3) + dt.timedelta(days=29)  # 30 days, issue day included
    detail = ws.participants.detail(created.id, TODAY)
    assert [h.to_status for h in detail.history] == ["referred", "intake"]
    assert "Айгерим" not in repr(detail)  # the partner's contact is not part of the participant's record
    assert ws.participants.partner(created.id).full_name == "Айгерим Бекмуратова"
    with pytest.raises(DuplicateParticipant) as caught:
        ws.participants.create(intake(full_name="алмаз бекмуратов "), TODAY)
    assert caught.value.existing_id == created.id and caught.value.field == "full_name"
    other = ws.participants.create(intake(full_name="Алмаз Бекмуратов", confirm_not_duplicate=True), TODAY)
    assert other.id != created.id
    with ws.db.session() as session:
        events = session.scalars(select(AccessLog.event).where(AccessLog.detail == created.id)).all()
    assert events == ["participant_opened", "partner_contact_opened"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"full_name": " "}, "full_name"),
    ({"birth_date": None}, "birth_date"),
    ({"birth_date": TODAY + dt.timedelta(days=1)}, "birth_date"),
    ({"order_issued_on": TODAY - dt.timedelta(days=3), "order_ends_on": TODAY - dt.timedelta(days=5)}, "order_ends_on"),
    ({"order_issued_on": None}, "order_issued_on"),
    ({"received_on": TODAY + dt.timedelta(days=1)}, "received_on"),
    ({"document_date": TODAY}, "document_date"),
    ({"screening": "therapy_completed", "therapy_certificate": ""}, "therapy_certificate"),
    ({"referral_source": "neighbour"}, "referral_source"),
])
def test_bad_intake_names_the_field_and_saves_nothing(ws: OpenWorkspace, changes: dict, field: str) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        ws.participants.create(intake(**changes), TODAY)
    assert caught.value.field == field
    assert caught.value.message()
    assert ws.participants.list(today=TODAY) == []


def test_register_marks_compliance_and_refuses_sessions_not_yet_held(ws: OpenWorkspace) -> None:
    mandatory = group(ws, "tcp-mandatory", weekday=0)  # Mondays 2 and 9 March
    person = ws.participants.create(intake(), TODAY)
    ws.attendance.enrol(person.id, mandatory.group.id, TODAY, TODAY)
    assert ws.participants.detail(person.id, TODAY).summary.status == "active"
    first, second = mandatory.sessions
    with pytest.raises(errors.InvalidInput) as caught:
        ws.attendance.record(person.id, second.id, "present", TODAY)
    assert caught.value.field == "session"
    with pytest.raises(errors.InvalidInput):
        ws.attendance.record(person.id, first.id, "excused", TODAY)  # an excused absence needs its reason
    row = ws.attendance.record(person.id, first.id, "unexcused", TODAY)
    assert row.compliance.unexcused == 1 and not row.compliance.non_compliant
    row = ws.attendance.record(person.id, first.id, "present", TODAY, concern=True, concern_note="үндөбөй отурду")
    assert row.compliance.unexcused == 0 and row.cells[0].mark == "present" and row.cells[0].concern
    register = ws.attendance.register(mandatory.group.id, TODAY)
    assert register.sessions[0].status == "held"  # marking attendance records the session as held
    assert [r.full_name for r in register.rows] == ["Алмаз Бекмуратов"]


def test_refusal_opens_an_art72_case_that_alerts_until_sent(ws: OpenWorkspace) -> None:
    person = ws.participants.create(intake(), TODAY)
    with pytest.raises(errors.InvalidInput) as caught:
        ws.participants.refuse(person.id, TODAY, "verbal", "", "Программага келбейм деди", "", TODAY)
    assert caught.value.field == "witnesses"
    case = ws.participants.refuse(person.id, TODAY, "verbal", "Гүлзат Ормонова, инструктор",
                                  "Программага келбейм деди", "2 март телефон аркылуу", TODAY)
    detail = ws.participants.detail(person.id, TODAY)
    assert detail.summary.status == "refused" and detail.art72_cases[0].witnesses.startswith("Гүлзат")
    kinds = [(a.participant_id, a.alert.kind) for a in ws.alerts(TODAY)]
    assert (person.id, AlertKind.ART72_TO_SEND) in kinds
    ws.participants.mark_art72_sent(case.id, TODAY, "Пробация департаменти", TODAY)
    assert (person.id, AlertKind.ART72_TO_SEND) not in [(a.participant_id, a.alert.kind) for a in ws.alerts(TODAY)]
    with pytest.raises(errors.InvalidInput):
        ws.participants.change_status(person.id, "active", "", TODAY)  # refused is final


def test_completion_schedules_follow_ups_that_become_overdue(ws: OpenWorkspace) -> None:
    mandatory = group(ws, "tcp-mandatory", weekday=0)
    person = ws.participants.create(intake(language="ru"), TODAY)
    ws.attendance.enrol(person.id, mandatory.group.id, TODAY, TODAY)
    later = TODAY + dt.timedelta(days=8)
    for row in mandatory.sessions:
        ws.attendance.record(person.id, row.id, "present", later)
    with pytest.raises(errors.InvalidInput):  # the two individual sessions are still missing
        ws.participants.change_status(person.id, "completed", "", later)
    version = next(c for c in ws.curricula.list() if c.key == "tcp-mandatory")
    man = next(p for p in ws.facilitators() if p.gender == "male")
    for key, day in (("i1", TODAY + dt.timedelta(days=1)), ("i2", TODAY + dt.timedelta(days=8))):
        individual = ws.sessions.schedule_individual(version.id, key, person.id, day, "09:00", man.id, None, "5",
                                                     TODAY)
        assert individual.language == "ru" and individual.kind == "individual"  # the participant's language
        ws.attendance.record(person.id, individual.id, "present", later)
    ws.participants.change_status(person.id, "completed", "", later)
    detail = ws.participants.detail(person.id, later)
    assert detail.summary.compliance.completed
    assert [(m.number, m.due_on) for m in detail.follow_ups] == [
        (1, dt.date(2026, 6, 10)), (2, dt.date(2026, 12, 10)), (3, dt.date(2027, 9, 10))]
    overdue = [a for a in ws.alerts(dt.date(2026, 7, 1)) if a.participant_id == person.id]
    assert [a.alert.kind for a in overdue] == [AlertKind.FOLLOW_UP_OVERDUE]
    ws.participants.record_follow_up(detail.follow_ups[0].id, dt.date(2026, 6, 12), True, ("partner",),
                                     "Өнөктөшү жаңы кыскартуу жөнүндө айтты", dt.date(2026, 7, 1))
    assert [a for a in ws.alerts(dt.date(2026, 7, 1)) if a.participant_id == person.id] == []


def test_transfer_keeps_history_and_rejoin_continues_at_the_point_reached(ws: OpenWorkspace) -> None:
    first = group(ws, "tcp-voluntary-men", weekday=0)
    second = group(ws, "tcp-voluntary-men", weekday=3)
    person = ws.participants.create(intake(component="voluntary", order_issued_on=None), TODAY)
    ws.attendance.enrol(person.id, first.group.id, TODAY, TODAY)
    day = TODAY + dt.timedelta(days=8)
    ws.attendance.record(person.id, first.sessions[0].id, "present", day)
    ws.attendance.record(person.id, first.sessions[1].id, "present", day)
    ws.attendance.leave(person.id, day, "dropped_out", "Ишке кетти", day)
    with pytest.raises(errors.InvalidInput):  # 12 weeks passed: a new intake
        ws.attendance.enrol(person.id, second.group.id, day + dt.timedelta(weeks=13), day + dt.timedelta(weeks=13))
    back = day + dt.timedelta(days=3)
    ws.attendance.enrol(person.id, second.group.id, back, back)
    detail = ws.participants.detail(person.id, back)
    assert [(e.group_name, e.left_reason) for e in detail.enrolments] == [(first.group.name, "dropped_out"),
                                                                           (second.group.name, "")]
    assert detail.summary.status == "active" and detail.summary.compliance.attended == 2
    assert [h.to_status for h in detail.history][-2:] == ["dropped_out", "active"]
