"""The participant lifecycle and every compliance rule, table-driven, on pure data."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from instructor_app import errors
from instructor_app.participants.compliance import (AlertKind, ComplianceInput, FollowUpFact, Mark, SessionFact,
                                                    Severity, add_months, evaluate, follow_up_alerts, follow_up_dates)
from instructor_app.i18n import _
from instructor_app.participants.lifecycle import ALLOWED, FINAL, STATUS_LABELS, Status, check_transition
from instructor_app.participants.rules import compliance_rules
from instructor_app.scheduling.holidays import kyrgyz_holidays

RULES = compliance_rules()
HOLIDAYS = kyrgyz_holidays()
MANDATORY_KEYS = ("i1", "g1", "g2", "i2")

ALLOWED_MOVES = [
    ("referred", "intake"), ("referred", "refused"), ("intake", "active"), ("intake", "refused"),
    ("intake", "dropped_out"), ("active", "completed"), ("active", "dropped_out"), ("active", "refused"),
    ("active", "transferred"), ("active", "suspended"), ("suspended", "active"), ("suspended", "dropped_out"),
    ("dropped_out", "active"),
]
REFUSED_MOVES = [
    ("referred", "active"), ("referred", "completed"), ("intake", "completed"), ("completed", "active"),
    ("completed", "refused"), ("refused", "active"), ("refused", "intake"), ("transferred", "active"),
    ("dropped_out", "completed"), ("active", "intake"), ("suspended", "completed"), ("active", "active"),
]


@pytest.mark.parametrize(("current", "target"), ALLOWED_MOVES)
def test_allowed_transitions(current: str, target: str) -> None:
    assert check_transition(current, target) == Status(target)


@pytest.mark.parametrize(("current", "target"), REFUSED_MOVES)
def test_refused_transitions_name_both_statuses(current: str, target: str) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        check_transition(current, target)
    assert caught.value.field == "status"
    message = caught.value.message()  # both statuses named, in the user's language
    assert _(STATUS_LABELS[Status(current)]) in message and _(STATUS_LABELS[Status(target)]) in message


def test_every_status_is_covered_and_final_ones_are_final() -> None:
    assert set(ALLOWED) == set(Status)
    assert FINAL == {Status.COMPLETED, Status.REFUSED, Status.TRANSFERRED}
    moves = {(a, b) for a, targets in ALLOWED.items() for b in targets}
    assert moves == {(Status(a), Status(b)) for a, b in ALLOWED_MOVES} | {
        (Status.REFERRED, Status.TRANSFERRED), (Status.INTAKE, Status.TRANSFERRED),
        (Status.SUSPENDED, Status.REFUSED), (Status.SUSPENDED, Status.TRANSFERRED)}


def facts(*sessions: SessionFact, component: str = "mandatory", order_end: dt.date | None = None,
          keys: tuple[str, ...] = MANDATORY_KEYS) -> ComplianceInput:
    return ComplianceInput(component, keys, tuple(sessions), order_end)


def held(key: str, day: dt.date, mark: Mark | None) -> SessionFact:
    return SessionFact(key, day, True, False, mark)


def planned(key: str, day: dt.date) -> SessionFact:
    return SessionFact(key, day, False)


D = dt.date(2026, 4, 1)  # a Wednesday


def test_completion_needs_every_session_and_counts_make_ups() -> None:
    sessions = [held("i1", D, Mark.PRESENT), held("g1", D + dt.timedelta(7), Mark.UNEXCUSED),
                held("g2", D + dt.timedelta(14), Mark.LATE), held("i2", D + dt.timedelta(21), Mark.LEFT_EARLY)]
    state = evaluate(facts(*sessions), D + dt.timedelta(22), RULES, HOLIDAYS.is_holiday)
    assert not state.completed and state.missing_keys == ("g1",) and state.unexcused == 1
    makeup = held("g1", D + dt.timedelta(16), Mark.PRESENT)  # the make-up of g1 counts in its place
    state = evaluate(facts(*sessions, makeup), D + dt.timedelta(22), RULES, HOLIDAYS.is_holiday)
    assert state.completed and state.attended == 4 and state.unexcused == 0  # made up: no longer held against
    excused = evaluate(facts(held("i1", D, Mark.EXCUSED)), D, RULES, HOLIDAYS.is_holiday)
    assert excused.excused == 1 and excused.unexcused == 0 and excused.missing_keys == MANDATORY_KEYS


@pytest.mark.parametrize(("component", "absences", "non_compliant"), [
    ("mandatory", 1, False), ("mandatory", 2, True), ("voluntary", 2, False), ("voluntary", 3, True),
])
def test_unexcused_absences_make_a_participant_non_compliant(component: str, absences: int, non_compliant: bool) -> None:
    keys = tuple(f"g{n}" for n in range(1, 7))
    sessions = [held(keys[n], D + dt.timedelta(7 * n), Mark.UNEXCUSED) for n in range(absences)]
    state = evaluate(facts(*sessions, component=component, keys=keys), D + dt.timedelta(60), RULES,
                     HOLIDAYS.is_holiday)
    assert state.non_compliant is non_compliant
    assert (AlertKind.NON_COMPLIANT in {a.kind for a in state.alerts}) is non_compliant


@pytest.mark.parametrize(("days_before_end", "severity"), [(8, None), (7, Severity.WARNING), (4, Severity.WARNING),
                                                            (3, Severity.URGENT), (0, Severity.URGENT)])
def test_order_end_alerts_at_7_and_3_days(days_before_end: int, severity: Severity | None) -> None:
    order_end = dt.date(2026, 4, 30)
    today = order_end - dt.timedelta(days=days_before_end)
    state = evaluate(facts(held("i1", D, Mark.PRESENT), planned("g1", today), planned("g2", today),
                           planned("i2", today), order_end=order_end), today, RULES, HOLIDAYS.is_holiday)
    soon = [a for a in state.alerts if a.kind == AlertKind.ORDER_END_SOON]
    assert (soon[0].severity if soon else None) == severity
    assert state.days_left == days_before_end


def test_order_ending_on_a_holiday_moves_the_deadline_to_the_working_day_before() -> None:
    order_end = dt.date(2026, 5, 9)  # Victory Day; 4–8 May 2026 are decreed days off (2–3 May a weekend)
    state = evaluate(facts(planned("i1", dt.date(2026, 4, 29)), order_end=order_end), dt.date(2026, 4, 30), RULES,
                     HOLIDAYS.is_holiday)
    assert state.deadline == dt.date(2026, 5, 3)  # groups may meet at weekends; holidays they may not
    assert state.days_left == 3 and state.alerts[0].severity == Severity.URGENT
    new_year = evaluate(facts(order_end=dt.date(2026, 1, 12)), dt.date(2025, 12, 29), RULES, HOLIDAYS.is_holiday)
    assert new_year.deadline == dt.date(2026, 1, 11)  # 12 January 2026 was a decreed day off


def test_a_session_on_the_last_day_is_in_time_and_one_after_it_is_not() -> None:
    order_end = dt.date(2026, 4, 30)
    base = [held("i1", D, Mark.PRESENT), held("g1", D + dt.timedelta(7), Mark.PRESENT),
            held("g2", D + dt.timedelta(14), Mark.PRESENT)]
    on_time = evaluate(facts(*base, planned("i2", order_end), order_end=order_end), D + dt.timedelta(20), RULES,
                       HOLIDAYS.is_holiday)
    assert AlertKind.CANNOT_FINISH_IN_TIME not in {a.kind for a in on_time.alerts}
    late = evaluate(facts(*base, planned("i2", order_end + dt.timedelta(1)), order_end=order_end),
                    D + dt.timedelta(20), RULES, HOLIDAYS.is_holiday)
    assert AlertKind.CANNOT_FINISH_IN_TIME in {a.kind for a in late.alerts}
    passed = evaluate(facts(*base, order_end=order_end), order_end + dt.timedelta(2), RULES, HOLIDAYS.is_holiday)
    assert [a.kind for a in passed.alerts] == [AlertKind.ORDER_END_PASSED]
    done = evaluate(facts(*base, held("i2", order_end, Mark.PRESENT), order_end=order_end),
                    order_end + dt.timedelta(2), RULES, HOLIDAYS.is_holiday)
    assert done.completed and done.alerts == ()


def test_finished_participants_raise_no_deadline_alerts() -> None:
    data = replace(facts(order_end=D), finished=True)
    assert evaluate(data, D + dt.timedelta(10), RULES, HOLIDAYS.is_holiday).alerts == ()


def test_follow_up_meetings_at_3_9_and_18_months_and_overdue() -> None:
    completed = dt.date(2026, 1, 31)
    assert follow_up_dates(completed, RULES) == [dt.date(2026, 4, 30), dt.date(2026, 10, 31), dt.date(2027, 7, 31)]
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    meetings = [FollowUpFact(n, d, False) for n, d in enumerate(follow_up_dates(completed, RULES), 1)]
    assert follow_up_alerts(meetings, dt.date(2026, 3, 1), RULES) == []
    due = follow_up_alerts(meetings, dt.date(2026, 4, 20), RULES)
    assert [(a.kind, a.count) for a in due] == [(AlertKind.FOLLOW_UP_DUE, 1)]
    overdue = follow_up_alerts(meetings, dt.date(2026, 5, 20), RULES)
    assert [(a.kind, a.count) for a in overdue] == [(AlertKind.FOLLOW_UP_OVERDUE, 1)]
    assert follow_up_alerts([FollowUpFact(1, dt.date(2026, 4, 30), True)], dt.date(2026, 6, 1), RULES) == []
