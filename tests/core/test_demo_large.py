"""``instructor-app demo --scale large``, built here at 5 % of its size through the same code path:
counts in proportion, every status and every alert of the Today page, the domain rules kept
(calendars skip holidays, mandatory sessions stay inside the protection order, completed people
really completed), deterministic for a seed, every row with its pending outbox entry, and the
services the screens call working on it. The full-size build is timed by tests/benchmarks/bench_sync.py."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from instructor_app.demo_large import FULL, LargeDemoReport, LargeDemoSize, create_large_demo
from instructor_app.participants.compliance import AlertKind
from instructor_app.participants.lifecycle import Status
from instructor_app.paths import DataFolder
from instructor_app.scheduling.holidays import kyrgyz_holidays
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.programme_data import GroupFilter
from instructor_app.services.workspace import Workspace
from instructor_app.storage.models import SYNCED_TABLES, ChangeLog
from instructor_app.storage.participant_models import Attendance, Enrolment, FollowUpMeeting, Participant, Referral
from instructor_app.storage.programme_models import ProgrammeGroup, ProgrammeSession
from instructor_app.sync.hlc import HlcTimestamp
from instructor_app.sync.serialize import change_of, current_rows, to_change

from .support import FAST_KDF, cli, describe

TODAY = dt.date(2026, 11, 25)  # a Wednesday
SCALE = 0.05
PASSWORD = "demo-pass"


@dataclass
class Built:
    ws: OpenWorkspace
    report: LargeDemoReport


def _build(root: Path, seed: int = 2026, today: dt.date = TODAY) -> Built:
    opened, _result, report = create_large_demo(Workspace(DataFolder(root), FAST_KDF), PASSWORD, today=today,
                                                seed=seed, scale=SCALE)
    return Built(opened, report)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    made = _build(tmp_path_factory.mktemp("large") / "data")
    yield made
    made.ws.close()


def _names_in_order(ws: OpenWorkspace) -> list[tuple[str, dt.date, str]]:
    """Participants in the order they were written (the outbox order), with what identifies them."""
    with ws.db.session() as session:
        rows = session.execute(select(Participant.full_name, Participant.birth_date, Participant.status)
                               .join(ChangeLog, ChangeLog.row_id == Participant.id).order_by(ChangeLog.seq)).all()
    return [tuple(r) for r in rows]


def _counts(ws: OpenWorkspace) -> dict[str, int]:
    with ws.db.session() as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in SYNCED_TABLES}


def test_counts_are_the_full_centre_in_proportion(built: Built) -> None:
    size = LargeDemoSize.scaled(SCALE)
    counts = _counts(built.ws)
    assert counts["participant"] == size.participants == round(FULL.participants * SCALE)
    assert counts["programme_group"] == sum(n for _, n in size.groups) >= 4
    assert counts["referral"] == counts["participant"]  # one referral each
    assert counts["facilitator"] == 10  # five pairs
    people = counts["participant"]
    # per participant, what a five-year centre has (full size: about 2.7 sessions, 11 marks, 31 records; the
    # 5 % centre has relatively more groups running now, with fewer marks so far)
    assert 2 <= counts["programme_session"] / people <= 4, counts
    assert 4 <= counts["attendance"] / people <= 16, counts
    assert 20 <= sum(counts.values()) / people <= 45, counts
    assert counts["response"] >= size.self_assessments and counts["answer"] >= 30 * size.self_assessments
    assert built.report.counts == {t: n for t, n in counts.items() if n and t not in (
        "centre", "curriculum_version", "instrument_version")} | {"facilitator": 8}  # set-up made the first pair


def test_every_status_and_every_alert_of_today_is_there(built: Built) -> None:
    with built.ws.db.session() as session:
        statuses = Counter(session.scalars(select(Participant.status)))
    assert set(statuses) >= {s.value for s in Status} - {Status.REFERRED}, statuses  # referred lasts an instant
    assert statuses[Status.COMPLETED] > statuses[Status.DROPPED_OUT] > 0, statuses  # most complete
    kinds = Counter(item.alert.kind for item in built.ws.alerts(TODAY))
    assert set(kinds) >= {AlertKind.ORDER_END_SOON, AlertKind.CANNOT_FINISH_IN_TIME, AlertKind.NON_COMPLIANT,
                          AlertKind.ART72_TO_SEND, AlertKind.FOLLOW_UP_OVERDUE, AlertKind.INTAKE_INCOMPLETE}, kinds
    with built.ws.db.session() as session:
        components = Counter(session.scalars(select(Participant.component)))
        genders = Counter(session.scalars(select(Participant.gender)))
        sources = Counter(session.scalars(select(Referral.source)))
        orders = session.scalar(select(func.count()).select_from(Referral).where(Referral.order_issued_on.is_not(None)))
        held_follow_ups = session.scalar(select(func.count()).select_from(FollowUpMeeting)
                                         .where(FollowUpMeeting.held_on.is_not(None)))
    assert components["mandatory"] and components["voluntary"] and genders["male"] > genders["female"] > 0
    assert sources["police"] and orders and held_follow_ups


def test_the_calendar_keeps_the_domain_rules(built: Built) -> None:
    holidays = kyrgyz_holidays()
    with built.ws.db.session() as session:
        groups = {g.id: g for g in session.scalars(select(ProgrammeGroup))}
        sessions = session.scalars(select(ProgrammeSession)).all()
    by_group: dict = {}
    for row in sessions:
        assert not holidays.is_holiday(row.scheduled_date), row.scheduled_date
        assert (row.status == "held") == (row.held_on is not None)
        assert row.status != "held" or row.scheduled_date < TODAY  # held only in the past
        if row.status == "planned" and row.group_id is not None:
            assert row.scheduled_date >= TODAY
        if row.group_id is not None and not row.is_makeup and row.status != "cancelled":
            by_group.setdefault(row.group_id, []).append(row)
    counts = {"tcp-mandatory": 2, "tcp-voluntary-men": 24, "tcp-voluntary-women": 16, "tcp-extended-6m": 24}
    versions = {c.id: c.key for c in built.ws.curricula.list()}
    for group_id, rows in by_group.items():
        group = groups[group_id]
        cancelled = sum(1 for s in sessions if s.group_id == group_id and s.status == "cancelled")
        assert len(rows) + cancelled == counts[versions[str(group.curriculum_version_id)]], group.name
        assert {r.scheduled_date.weekday() for r in rows} == {group.weekday}, group.name  # weekly, same day
        if group.order_end is not None:
            assert max(r.scheduled_date for r in rows) <= group.order_end
    assert any(row.scheduled_date == TODAY for row in sessions), "a group meets today"


def test_every_mark_is_for_a_held_session_the_participant_was_expected_at(built: Built) -> None:
    with built.ws.db.session() as session:
        sessions = {s.id: s for s in session.scalars(select(ProgrammeSession))}
        spans: dict = {}
        for enrolment in session.scalars(select(Enrolment)):
            spans.setdefault((enrolment.participant_id, enrolment.group_id), []).append(
                (enrolment.joined_on, enrolment.left_on))
        orders = {r.participant_id: r for r in session.scalars(select(Referral))}
        marks = session.scalars(select(Attendance)).all()
    assert marks
    for mark in marks:
        row = sessions[mark.session_id]
        assert row.status == "held" and row.scheduled_date < TODAY
        if row.group_id is None:
            assert row.participant_id == mark.participant_id
        else:
            assert any(a <= row.scheduled_date and (b is None or row.scheduled_date <= b)
                       for a, b in spans[(mark.participant_id, row.group_id)])
        order = orders[mark.participant_id]
        if order.order_ends_on is not None:  # the mandatory component, inside the protection order
            assert order.order_issued_on <= row.scheduled_date <= order.order_ends_on


def test_participants_are_consistent_with_the_compliance_rules(built: Built) -> None:
    people = built.ws.participants.list(today=TODAY)
    assert len(people) == round(FULL.participants * SCALE)
    finished = [p for p in people if p.status == Status.COMPLETED]
    assert finished and all(p.compliance is not None and p.compliance.completed for p in finished)
    for person in people:
        if person.component == "mandatory" and person.status == Status.ACTIVE and person.compliance:
            assert person.order_ends_on is not None  # the mandatory component runs inside the order
    one = next(p for p in finished if p.component == "mandatory")
    detail = built.ws.participants.detail(one.id, TODAY)
    assert [m.number for m in detail.follow_ups] == [1, 2, 3]
    assert [h.to_status for h in detail.history] == ["referred", "intake", "active", "completed"]
    assert detail.referral is not None and detail.referral.order_issued_on is not None


def test_every_row_waits_in_the_outbox_like_a_service_wrote_it(built: Built) -> None:
    with built.ws.db.session() as session:
        entries = session.scalars(select(ChangeLog).order_by(ChangeLog.seq)).all()
        by_row = {(e.table_name, e.row_id): e for e in entries}
        assert len(by_row) == len(entries)  # one entry per row: inserted once
        rows = 0
        for model in SYNCED_TABLES:
            for row in session.scalars(select(model)):
                rows += 1
                entry = by_row[(model.__tablename__, row.id)]
                assert (entry.operation, entry.state, entry.row_version, row.row_version) == ("insert", "pending", 1, 1)
                assert entry.changed_at == row.updated_at and entry.changed_by == row.updated_by
                assert row.deleted_at is None and row.created_at <= row.updated_at
        assert rows == len(entries)
    stamps = [HlcTimestamp.decode(e.hlc) for e in entries]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)  # strictly increasing in write order
    assert built.ws.overview().pending_changes == len(entries)
    assert built.ws.check().ok


def test_a_first_sync_reads_the_rows_as_the_orm_would(built: Built) -> None:
    """The outbox drain reads rows without ORM objects (``current_rows``, in chunks): the records it
    makes are exactly those of the ORM path, for every synced table of the large demo."""
    with built.ws.db.session() as session:
        entries = {(e.table_name, e.row_id): e for e in session.scalars(select(ChangeLog))}
        tables = 0
        for model in SYNCED_TABLES:
            ids = list(session.scalars(select(model.id).order_by(model.id).limit(40)))
            plain = current_rows(session, model, [*ids, uuid.uuid4()], chunk=7)  # an id not stored: left out
            assert set(plain) == set(ids)
            for row_id in ids:
                entry = entries[(model.__tablename__, row_id)]
                assert change_of(model, plain[row_id], entry) == to_change(session.get(model, row_id), entry)
            tables += bool(ids)
    assert tables >= 18


def test_the_screens_services_work_on_it(built: Built) -> None:
    ws = built.ws
    groups = ws.groups.list(GroupFilter(), TODAY)
    running = [g for g in groups if g.sessions_held and g.next_session is not None]
    assert running
    register = ws.attendance.register(running[0].id, TODAY)
    assert register.rows and any(cell.mark for row in register.rows for cell in row.cells)
    week = ws.sessions.between(TODAY, TODAY + dt.timedelta(days=6))
    assert week
    overview = ws.overview()
    assert overview.centre_name and len(overview.facilitators) == 10


def test_the_same_seed_builds_the_same_centre(built: Built, tmp_path: Path) -> None:
    again = _build(tmp_path / "again")
    try:
        assert again.report.counts == built.report.counts
        assert _names_in_order(again.ws) == _names_in_order(built.ws)
    finally:
        again.ws.close()


def test_another_seed_and_another_day_build_another_valid_centre(built: Built, tmp_path: Path) -> None:
    other = _build(tmp_path / "other", seed=7, today=dt.date(2025, 3, 3))
    try:
        assert _names_in_order(other.ws) != _names_in_order(built.ws)
        with other.ws.db.session() as session:
            statuses = set(session.scalars(select(Participant.status)))
            last = session.scalar(select(func.max(ProgrammeSession.held_on)))
        assert statuses >= {Status.COMPLETED, Status.ACTIVE, Status.REFUSED}
        assert last is not None and last < dt.date(2025, 3, 3)
        assert other.ws.check().ok
    finally:
        other.ws.close()


def test_a_bad_day_on_the_command_line_is_refused_in_the_chosen_language(tmp_path: Path) -> None:
    result = cli(tmp_path / "data", "demo", "--scale", "large", "--today", "2026-13-01", "--password-stdin",
                 stdin=PASSWORD + "\n", lang="ru")
    assert result.returncode == 2, describe(result)
    assert "Ошибка в командной строке" in result.stderr and "2026-13-01" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "instructor.db").exists()
