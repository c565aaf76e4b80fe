"""The compliance engine: pure functions from a participant's facts to their state and alerts.

- Completion: every required session of the programme attended, a make-up counting for the
  session it replaces (same curriculum session), wherever it was held (a group rejoined later).
- Non-compliance: unexcused absences not made up reach the limit for the component.
- The mandatory component must be completed by the protection order's end. If that day is a public
  holiday no session can be held on it, so the deadline is the last working day before it; alerts
  come at 7 and 3 days before that deadline (rule parameters), and once it has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from instructor_app.i18n import N_
from instructor_app.participants.rules import RuleParameters


class Mark(StrEnum):
    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    EXCUSED = "excused"
    UNEXCUSED = "unexcused"


MARK_LABELS = {Mark.PRESENT: N_("Present"), Mark.LATE: N_("Late"), Mark.LEFT_EARLY: N_("Left early"),
               Mark.EXCUSED: N_("Excused absence"), Mark.UNEXCUSED: N_("Unexcused absence")}
MARK_KEYS = {"P": Mark.PRESENT, "L": Mark.LATE, "E": Mark.LEFT_EARLY, "X": Mark.EXCUSED, "U": Mark.UNEXCUSED}
MARK_LETTERS = {mark: letter for letter, mark in MARK_KEYS.items()}
CONCERN_SIGN = "!"  # after the letter: present, but did not engage


def mark_sign(mark: str | None, concern: bool) -> str:
    """A mark as the register shows and prints it: its key letter, "!" for an engagement concern."""
    if mark is None:
        return ""
    letter = MARK_LETTERS.get(Mark(mark), "?")
    return letter + CONCERN_SIGN if concern else letter


class AlertKind(StrEnum):
    ORDER_END_SOON = "order_end_soon"
    ORDER_END_PASSED = "order_end_passed"
    CANNOT_FINISH_IN_TIME = "cannot_finish_in_time"
    NON_COMPLIANT = "non_compliant"
    ART72_TO_SEND = "art72_to_send"
    FOLLOW_UP_DUE = "follow_up_due"
    FOLLOW_UP_OVERDUE = "follow_up_overdue"
    INTAKE_INCOMPLETE = "intake_incomplete"
    HIGH_RISK = "high_risk"


class Severity(StrEnum):
    NOTICE = "notice"
    WARNING = "warning"
    URGENT = "urgent"


@dataclass(frozen=True)
class SessionFact:
    """One session the participant was expected at (or a make-up), with their mark if any."""

    template_key: str
    date: dt.date
    held: bool
    cancelled: bool = False
    mark: Mark | None = None


@dataclass(frozen=True)
class ComplianceInput:
    component: str                   # curricula.model.Component
    required_keys: tuple[str, ...]   # every session of the programme
    sessions: tuple[SessionFact, ...]
    order_end: dt.date | None        # the protection order's end (mandatory component)
    finished: bool = False           # completed, refused, dropped out, transferred: no deadline alerts


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    severity: Severity
    due: dt.date | None = None
    days: int | None = None
    count: int | None = None


@dataclass(frozen=True)
class ComplianceState:
    required: int
    attended: int
    excused: int
    unexcused: int                  # unexcused absences not made up
    missing_keys: tuple[str, ...]   # required sessions not attended yet
    completed: bool
    non_compliant: bool
    deadline: dt.date | None        # the last day a mandatory session can be held
    days_left: int | None
    alerts: tuple[Alert, ...]


def last_working_day(day: dt.date, is_holiday: Callable[[dt.date], bool]) -> dt.date:
    while is_holiday(day):
        day -= dt.timedelta(days=1)
    return day


def evaluate(facts: ComplianceInput, today: dt.date, rules: RuleParameters,
             is_holiday: Callable[[dt.date], bool]) -> ComplianceState:
    attended_marks = rules.attended_marks
    attended_keys = {s.template_key for s in facts.sessions
                     if s.held and not s.cancelled and s.mark is not None and s.mark in attended_marks}
    required = set(facts.required_keys)
    missing = tuple(k for k in facts.required_keys if k not in attended_keys)
    excused = sum(1 for s in facts.sessions if s.mark == Mark.EXCUSED)
    unexcused = sum(1 for s in facts.sessions if s.mark == Mark.UNEXCUSED and s.template_key not in attended_keys)
    completed = not missing
    limit = rules.max_unexcused_absences.get(facts.component, min(rules.max_unexcused_absences.values()))
    non_compliant = unexcused >= limit
    alerts: list[Alert] = []
    if non_compliant and not facts.finished:
        alerts.append(Alert(AlertKind.NON_COMPLIANT, Severity.URGENT, count=unexcused))
    deadline = days_left = None
    if facts.order_end is not None:
        deadline = last_working_day(facts.order_end, is_holiday)
        days_left = (deadline - today).days
        if not completed and not facts.finished:
            alerts.extend(_deadline_alerts(facts, missing, deadline, days_left, rules))
    return ComplianceState(
        required=len(required), attended=len(required & attended_keys), excused=excused, unexcused=unexcused,
        missing_keys=missing, completed=completed, non_compliant=non_compliant, deadline=deadline,
        days_left=days_left, alerts=tuple(alerts),
    )


def _deadline_alerts(facts: ComplianceInput, missing: Sequence[str], deadline: dt.date, days_left: int,
                     rules: RuleParameters) -> list[Alert]:
    if days_left < 0:
        return [Alert(AlertKind.ORDER_END_PASSED, Severity.URGENT, due=deadline, days=-days_left)]
    alerts = []
    thresholds = rules.order_end_alert_days
    if thresholds and days_left <= thresholds[0]:
        urgent = len(thresholds) > 1 and days_left <= thresholds[-1]
        alerts.append(Alert(AlertKind.ORDER_END_SOON, Severity.URGENT if urgent else Severity.WARNING,
                            due=deadline, days=days_left))
    planned = {s.template_key: s.date for s in facts.sessions if not s.held and not s.cancelled}
    late = [key for key in missing if key not in planned or planned[key] > deadline]
    if late:
        alerts.append(Alert(AlertKind.CANNOT_FINISH_IN_TIME, Severity.URGENT, due=deadline, count=len(late)))
    return alerts


@dataclass(frozen=True)
class FollowUpFact:
    number: int
    due: dt.date
    done: bool


def follow_up_dates(completed_on: dt.date, rules: RuleParameters) -> list[dt.date]:
    """Due dates of the follow-up meetings after completion (3, 9 and 18 months by default)."""
    return [add_months(completed_on, months) for months in rules.follow_up_months]


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def follow_up_alerts(meetings: Sequence[FollowUpFact], today: dt.date, rules: RuleParameters) -> list[Alert]:
    alerts = []
    for meeting in meetings:
        if meeting.done:
            continue
        if today > meeting.due + dt.timedelta(days=rules.follow_up_grace_days):
            alerts.append(Alert(AlertKind.FOLLOW_UP_OVERDUE, Severity.URGENT, due=meeting.due,
                                days=(today - meeting.due).days, count=meeting.number))
        elif today >= meeting.due - dt.timedelta(days=rules.follow_up_grace_days):
            alerts.append(Alert(AlertKind.FOLLOW_UP_DUE, Severity.NOTICE, due=meeting.due,
                                days=(meeting.due - today).days, count=meeting.number))
    return alerts
