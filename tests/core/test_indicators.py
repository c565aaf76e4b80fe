"""Must show: the indicator figures are one definition (instructor_app/indicators.py) — periods with
inclusive ends, the status history read on the period's last day, no rate without a denominator — and,
on the demo centre, every figure equals the same count made independently here with plain SQL over the
encrypted database (no call to the builder), with a fixed handful of queries whatever the data."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from sqlalchemy import event, text

from instructor_app import errors
from instructor_app.indicators import (
    COMPONENTS,
    GENDERS,
    INDICATOR_KEYS,
    INDICATOR_LABELS,
    FollowUp,
    ParticipantRecord,
    Period,
    PeriodKind,
    StatusEvent,
    compute_indicators,
    custom_period,
    period_for,
    records_from_rows,
)
from instructor_app.participants.rules import compliance_rules
from instructor_app.paths import DataFolder
from instructor_app.services.indicators import load_indicators
from instructor_app.services.instruments import SELF_ASSESSMENT
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.workspace import Workspace

from .conftest import DEMO_PASSWORD, Demo

D = dt.date


def person(pid: str = "p1", component: str = "mandatory", gender: str = "male", **facts) -> ParticipantRecord:
    return ParticipantRecord(participant_id=pid, component=component, gender=gender,
                             referred_on=facts.pop("referred_on", ()), first_attended_on=facts.pop("started", None),
                             status_events=tuple(StatusEvent(s, d) for s, d in facts.pop("history", ())), **facts)


def totals(found) -> dict[str, int]:
    return {key: found.counts[key].total for key in INDICATOR_KEYS}


MARCH = Period(PeriodKind.MONTH, D(2026, 3, 1), D(2026, 3, 31))


# --- periods -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "day", "start", "end"), [
    ("month", D(2024, 2, 10), D(2024, 2, 1), D(2024, 2, 29)),  # a leap February
    ("month", D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31)),
    ("month", D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 31)),
    ("quarter", D(2026, 1, 1), D(2026, 1, 1), D(2026, 3, 31)),
    ("quarter", D(2026, 5, 31), D(2026, 4, 1), D(2026, 6, 30)),
    ("quarter", D(2026, 9, 30), D(2026, 7, 1), D(2026, 9, 30)),
    ("quarter", D(2026, 12, 31), D(2026, 10, 1), D(2026, 12, 31)),
    ("year", D(2025, 7, 4), D(2025, 1, 1), D(2025, 12, 31)),
])
def test_the_period_containing_a_day(kind: str, day: dt.date, start: dt.date, end: dt.date) -> None:
    assert period_for(kind, day) == Period(PeriodKind(kind), start, end)


def test_a_custom_period_is_any_span_of_days_but_not_backwards() -> None:
    assert custom_period(D(2026, 3, 5), D(2026, 3, 5)) == Period(PeriodKind.CUSTOM, D(2026, 3, 5), D(2026, 3, 5))
    with pytest.raises(errors.InvalidInput) as refused:
        custom_period(D(2026, 3, 5), D(2026, 3, 4))
    assert refused.value.field == "period" and "05.03.2026" in refused.value.message()
    with pytest.raises(ValueError):
        period_for(PeriodKind.CUSTOM, D(2026, 3, 5))


# --- definitions on hand-made records ------------------------------------------------------------------

def test_both_ends_of_a_period_are_inside_it() -> None:
    inside = [person("first", referred_on=(D(2026, 3, 1),), started=D(2026, 3, 1),
                     history=[("completed", D(2026, 3, 1))]),
              person("last", referred_on=(D(2026, 3, 31),), started=D(2026, 3, 31),
                     history=[("completed", D(2026, 3, 31))])]
    outside = [person("before", referred_on=(D(2026, 2, 28),), started=D(2026, 2, 28),
                      history=[("completed", D(2026, 2, 28))]),
               person("after", referred_on=(D(2026, 4, 1),), started=D(2026, 4, 1),
                      history=[("completed", D(2026, 4, 1))])]
    found = compute_indicators(inside + outside, MARCH, follow_up_grace_days=14)
    assert (found.counts["referred"].total, found.counts["started"].total, found.counts["completed"].total) == (2, 2, 2)
    assert found.participants == 4 and found.as_of == D(2026, 3, 31)


def test_attending_is_the_status_on_the_last_day_of_the_period() -> None:
    history = [("referred", D(2026, 2, 20)), ("intake", D(2026, 2, 25)), ("active", D(2026, 3, 5)),
               ("dropped_out", D(2026, 3, 20)), ("active", D(2026, 4, 2))]
    records = [person(history=history)]
    attending = {end: compute_indicators(records, Period(PeriodKind.CUSTOM, D(2026, 3, 1), end),
                                         follow_up_grace_days=14).counts["attending"].total
                 for end in (D(2026, 3, 4), D(2026, 3, 5), D(2026, 3, 19), D(2026, 3, 20), D(2026, 4, 2))}
    assert attending == {D(2026, 3, 4): 0, D(2026, 3, 5): 1, D(2026, 3, 19): 1, D(2026, 3, 20): 0, D(2026, 4, 2): 1}
    # two changes on one day: the later one recorded counts; suspended is not attending
    same_day = [person("a", history=[("intake", D(2026, 3, 9)), ("active", D(2026, 3, 9))]),
                person("b", history=[("active", D(2026, 3, 2)), ("suspended", D(2026, 3, 9))])]
    found = compute_indicators(same_day, MARCH, follow_up_grace_days=14)
    assert found.counts["attending"].total == 1 and found.counts["attending"].by_gender["male"] == 1
    # a month not over yet is counted up to today: the dropout dated after it does not count yet
    so_far = compute_indicators(records, MARCH, today=D(2026, 3, 12), follow_up_grace_days=14)
    assert so_far.as_of == D(2026, 3, 12) and so_far.counts["attending"].total == 1
    assert so_far.counts["dropped_out"].total == 0


def test_a_period_without_events_is_empty_and_has_no_rates() -> None:
    records = [person(referred_on=(D(2025, 1, 3),), started=D(2025, 1, 10),
                      history=[("active", D(2025, 1, 10)), ("completed", D(2025, 3, 1))],
                      follow_ups=(FollowUp(D(2025, 6, 1), D(2025, 6, 2)),), self_assessment_change=4.0)]
    found = compute_indicators(records, MARCH, follow_up_grace_days=14)
    assert found.empty and totals(found) == dict.fromkeys(INDICATOR_KEYS, 0)
    assert found.completion_rate is None and found.completion_rate_by_component == dict.fromkeys(COMPONENTS)
    assert found.self_assessment_change is None and found.participants == 1
    assert compute_indicators([], MARCH, follow_up_grace_days=14).empty


def test_rates_split_by_component_and_none_without_a_denominator() -> None:
    records = [person("m1", history=[("completed", D(2026, 3, 3))], self_assessment_change=6.0),
               person("m2", history=[("completed", D(2026, 3, 4))], self_assessment_change=3.0),
               person("m3", history=[("completed", D(2026, 3, 5))]),  # no pair of self-assessments
               person("m4", history=[("refused", D(2026, 3, 6))], self_assessment_change=-20.0),
               person("v1", "voluntary", "female", history=[("dropped_out", D(2026, 3, 7))])]
    found = compute_indicators(records, MARCH, follow_up_grace_days=14)
    assert found.completion_rate == 3 / 5
    assert found.completion_rate_by_component == {"mandatory": 3 / 4, "voluntary": 0.0}
    assert found.self_assessment_change == 4.5  # completers only
    only_refused = compute_indicators(records[3:4], MARCH, follow_up_grace_days=14)
    assert only_refused.completion_rate == 0.0 and only_refused.completion_rate_by_component["voluntary"] is None
    dropped = found.counts["dropped_out"]
    assert dropped.by_component == {"mandatory": 0, "voluntary": 1} and dropped.by_gender == {"male": 0, "female": 1}
    assert dropped.by_component_gender["voluntary"] == {"male": 0, "female": 1}


def test_quarter_and_year_periods_gather_their_months() -> None:
    records = [person(f"p{month}", "voluntary" if month % 2 else "mandatory", GENDERS[month % 2],
                      referred_on=(D(2026, month, 15),)) for month in range(1, 13)]
    assert compute_indicators(records, period_for("quarter", D(2026, 5, 1)), follow_up_grace_days=0) \
        .counts["referred"].total == 3
    year = compute_indicators(records, period_for("year", D(2026, 5, 1)), follow_up_grace_days=0).counts["referred"]
    assert year.total == 12 and year.by_component == {"mandatory": 6, "voluntary": 6}
    assert compute_indicators(records, period_for("year", D(2025, 5, 1)), follow_up_grace_days=0).empty


def test_follow_ups_held_and_overdue_after_the_grace_days() -> None:
    meetings = (FollowUp(D(2026, 3, 1), None), FollowUp(D(2026, 3, 2), D(2026, 3, 10)),
                FollowUp(D(2026, 3, 3), D(2026, 4, 2)), FollowUp(D(2026, 1, 5), D(2026, 3, 31)))
    records = [person(follow_ups=meetings)]

    def on(end: dt.date) -> tuple[int, int]:
        found = compute_indicators(records, Period(PeriodKind.CUSTOM, D(2026, 3, 1), end), follow_up_grace_days=14)
        return found.counts["follow_ups_done"].total, found.counts["follow_ups_overdue"].total

    assert on(D(2026, 3, 15)) == (1, 1)  # 5 Jan was still open; 1 March is due + 14 days, not overdue yet
    assert on(D(2026, 3, 16)) == (1, 2)  # now 1 March is overdue too
    assert on(D(2026, 3, 18)) == (1, 3)  # and 3 March (held only on 2 April)
    assert on(D(2026, 3, 31)) == (2, 2)  # 5 Jan held on 31 March


def test_records_from_wire_text_and_from_the_store_are_the_same() -> None:
    p, s1, s2, s3 = (uuid.uuid4() for _ in range(4))
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
    rows = {
        "participant": [{"id": p, "component": "voluntary", "gender": "female", "deleted_at": None},
                        {"id": uuid.uuid4(), "component": "voluntary", "gender": "male", "deleted_at": at}],
        "referral": [{"id": uuid.uuid4(), "participant_id": p, "received_on": D(2026, 2, 27), "deleted_at": None},
                     {"id": uuid.uuid4(), "participant_id": p, "received_on": D(2026, 3, 1), "deleted_at": at}],
        "status_change": [{"id": uuid.uuid4(), "participant_id": p, "to_status": "active", "changed_on": D(2026, 3, 2),
                           "created_at": at + dt.timedelta(seconds=1)},
                          {"id": uuid.uuid4(), "participant_id": p, "to_status": "intake", "changed_on": D(2026, 3, 2),
                           "created_at": at}],
        "programme_session": [
            {"id": s1, "status": "held", "scheduled_date": D(2026, 3, 2), "held_on": D(2026, 3, 3)},
            {"id": s2, "status": "cancelled", "scheduled_date": D(2026, 3, 1), "held_on": None},
            {"id": s3, "status": "held", "scheduled_date": D(2026, 2, 28), "held_on": D(2026, 2, 28)}],
        "attendance": [  # s1: absent, corrected to late (counts); s2 cancelled; s3: present, corrected to absent
            {"id": uuid.uuid4(), "participant_id": p, "session_id": s1, "mark": "unexcused", "created_at": at},
            {"id": uuid.uuid4(), "participant_id": p, "session_id": s1, "mark": "late",
             "created_at": at + dt.timedelta(hours=1)},
            {"id": uuid.uuid4(), "participant_id": p, "session_id": s2, "mark": "present", "created_at": at},
            {"id": uuid.uuid4(), "participant_id": p, "session_id": s3, "mark": "present", "created_at": at},
            {"id": uuid.uuid4(), "participant_id": p, "session_id": s3, "mark": "unexcused",
             "created_at": at + dt.timedelta(minutes=5)}],
        "follow_up_meeting": [{"id": uuid.uuid4(), "participant_id": p, "due_on": D(2026, 6, 2), "held_on": None}],
    }

    def wire(value):
        if isinstance(value, uuid.UUID):
            return str(value)
        if isinstance(value, dt.datetime):
            return value.isoformat(timespec="microseconds")
        return value.isoformat() if isinstance(value, dt.date) else value

    as_text = {t: [{k: wire(v) for k, v in row.items()} for row in found] for t, found in rows.items()}
    marks = compliance_rules().attended_marks
    [record] = records_from_rows(**rows, attended_marks=marks, self_assessment_changes={p: 2.5})
    assert records_from_rows(**as_text, attended_marks=marks, self_assessment_changes={str(p): 2.5}) == [record]
    assert record == ParticipantRecord(str(p), "voluntary", "female", (D(2026, 2, 27),), D(2026, 3, 3),
                                       (StatusEvent("intake", D(2026, 3, 2)), StatusEvent("active", D(2026, 3, 2))),
                                       (FollowUp(D(2026, 6, 2), None),), 2.5)


def test_every_indicator_has_a_label() -> None:
    assert set(INDICATOR_LABELS) == set(INDICATOR_KEYS)


# --- the demo centre, counted independently ------------------------------------------------------------

def _unlock(demo: Demo) -> OpenWorkspace:
    workspace = Workspace(DataFolder(demo.root))
    return workspace.unlock(workspace.accounts()[0].id, DEMO_PASSWORD)


def _expected(opened: OpenWorkspace, period: Period, today: dt.date) -> dict:
    """Every figure by plain SQL and loops over the store, following the module docstring's words."""
    end = min(period.end, max(period.start, today))
    start, grace = period.start.isoformat(), compliance_rules().follow_up_grace_days
    marks = sorted(compliance_rules().attended_marks)
    sql = {
        "referred": """SELECT DISTINCT r.participant_id FROM referral r
                       WHERE r.deleted_at IS NULL AND r.received_on BETWEEN :start AND :end""",
        "started": f"""SELECT participant_id FROM (
                          SELECT a.participant_id, MIN(COALESCE(s.held_on, s.scheduled_date)) AS first_day FROM (
                            SELECT participant_id, session_id, mark, ROW_NUMBER() OVER (
                              PARTITION BY participant_id, session_id ORDER BY created_at DESC, id DESC) AS newest
                            FROM attendance WHERE deleted_at IS NULL) a
                          JOIN programme_session s ON s.id = a.session_id
                          WHERE a.newest = 1 AND s.deleted_at IS NULL AND s.status != 'cancelled'
                            AND a.mark IN ({", ".join(f"'{m}'" for m in marks)})
                          GROUP BY a.participant_id)
                       WHERE first_day BETWEEN :start AND :end""",
        "attending": """SELECT participant_id FROM (
                          SELECT participant_id, to_status, ROW_NUMBER() OVER (
                            PARTITION BY participant_id ORDER BY changed_on DESC, created_at DESC, id DESC) AS latest
                          FROM status_change WHERE deleted_at IS NULL AND changed_on <= :end)
                        WHERE latest = 1 AND to_status = 'active'""",
        "follow_ups_done": """SELECT participant_id FROM follow_up_meeting
                              WHERE deleted_at IS NULL AND held_on BETWEEN :start AND :end""",
        "follow_ups_overdue": """SELECT participant_id FROM follow_up_meeting WHERE deleted_at IS NULL
                                 AND due_on < :overdue_before AND (held_on IS NULL OR held_on > :end)""",
    }
    for status in ("completed", "dropped_out", "refused"):
        sql[status] = f"""SELECT DISTINCT participant_id FROM status_change WHERE deleted_at IS NULL
                          AND to_status = '{status}' AND changed_on BETWEEN :start AND :end"""
    params = {"start": start, "end": end.isoformat(),
              "overdue_before": (end - dt.timedelta(days=grace)).isoformat()}
    expected: dict = {}
    with opened.db.engine.connect() as conn:
        people = {pid: (component, gender) for pid, component, gender in conn.execute(text(
            "SELECT id, component, gender FROM participant WHERE deleted_at IS NULL"))}
        for key, query in sql.items():
            counted = {"total": 0, "by_component": dict.fromkeys(COMPONENTS, 0), "by_gender": dict.fromkeys(GENDERS, 0)}
            for (pid,) in conn.execute(text(query), params):
                if pid in people:
                    component, gender = people[pid]
                    counted["total"] += 1
                    counted["by_component"][component] += 1
                    counted["by_gender"][gender] += 1
            expected[key] = counted
        completers = [pid for (pid,) in conn.execute(text(sql["completed"]), params)]
    ended = {c: sum(expected[k]["by_component"][c] for k in ("completed", "dropped_out", "refused"))
             for c in COMPONENTS}
    expected["rate"] = {c: expected["completed"]["by_component"][c] / ended[c] if ended[c] else None
                        for c in COMPONENTS}
    all_ended = sum(ended.values())
    expected["rate_all"] = expected["completed"]["total"] / all_ended if all_ended else None
    changes = []
    for pid in completers:  # through the results screen's own scoring, not the indicators' loader
        results = opened.instruments.results(str(uuid.UUID(hex=pid)))
        totals_ = [row.scores.total for row in results.rows
                   if row.instrument_key == SELF_ASSESSMENT and row.scores.complete]
        if len(totals_) >= 2:
            changes.append(totals_[-1] - totals_[0])
    expected["self_assessment_change"] = round(sum(changes) / len(changes), 2) if changes else None
    expected["participants"] = len(people)
    return expected


def test_demo_figures_equal_an_independent_count(demo_folder: Demo) -> None:
    today = dt.date.today()
    opened = _unlock(demo_folder)
    try:
        periods = [period_for(kind, today) for kind in ("month", "quarter", "year")]
        periods += [custom_period(today - dt.timedelta(days=365), today), period_for("year", today.replace(
            year=today.year - 1))]
        for period in periods:
            found = opened.indicators(period, today)
            expected = _expected(opened, period, today)
            for key in INDICATOR_KEYS:
                counts = found.counts[key]
                shown = {"total": counts.total, "by_component": counts.by_component, "by_gender": counts.by_gender}
                assert shown == expected[key], (period, key)
                assert sum(counts.by_component_gender[c][g] for c in COMPONENTS for g in GENDERS) == counts.total
            assert found.completion_rate == expected["rate_all"], period
            assert found.completion_rate_by_component == expected["rate"], period
            assert found.self_assessment_change == expected["self_assessment_change"], period
            assert found.participants == expected["participants"]
        last_year = opened.indicators(custom_period(today - dt.timedelta(days=365), today), today)
        assert all(last_year.counts[key].total > 0 for key in INDICATOR_KEYS), totals(last_year)  # not vacuous
        assert last_year.self_assessment_change is not None
    finally:
        opened.close()


def test_a_fixed_handful_of_queries_and_the_time_it_takes(demo_folder: Demo) -> None:
    opened = _unlock(demo_folder)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(opened.db.engine, "before_cursor_execute", count)
    try:
        month = period_for("month", dt.date.today())
        started = time.perf_counter()
        load_indicators(opened, month)
        elapsed = time.perf_counter() - started
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) <= 9, selects  # one per table and two for the self-assessments: no query per person
        assert elapsed < 1.0, f"{elapsed:.3f} s for the demo centre"
    finally:
        event.remove(opened.db.engine, "before_cursor_execute", count)
        opened.close()
