"""The programme's indicators: ONE definition for the Today page, the indicators report, the exports
and the Probation receiving service (``GET /api/v1/indicators``), so a figure means the same
everywhere.

Pure functions over plain facts (no database, no Qt): the app reads rows from its SQLCipher store
(``instructor_app.services.indicators``), the receiving service reads the JSON rows laptops pushed
(``instructor_app.server.indicators``); both turn them into ``ParticipantRecord``s with
``records_from_rows`` and call ``compute_indicators``.

CONTRACT (the interface other modules are written against; implementation: see the functions).

Definitions, for a period ``[start, end]`` (both days inclusive). A period not over yet ends, for
every indicator, on the day the figures are taken (``today``; ``Indicators.as_of`` says which day
was used), so the current month's figures are the month so far. Every count except the follow-up
meetings counts *participants*, each at most once per indicator; deleted (tombstoned) rows and the
rows of deleted participants do not count.

- referred   — participants with a referral received (``referral.received_on``) in the period;
- started    — participants whose first attended session falls in the period: the earliest date
               (``held_on``, else ``scheduled_date``) of a group or individual session, not
               cancelled, whose newest mark for them counts as attending in the compliance rules
               (``attended_marks`` of resources/rules/compliance.yaml: present, late, left early);
- attending  — participants whose status on ``end`` was ``active``, from the status history: the
               last status change on or before ``end`` (same day: in the order recorded). Suspended
               participants are not attending;
- completed, dropped_out, refused — participants with a status change to that status in the
               period (refused = refusal under art. 72 of the Code of Offences);
- follow_ups_done    — follow-up *meetings* held (``held_on``) in the period;
- follow_ups_overdue — follow-up *meetings* not held by ``end`` whose due day plus the grace days
               of the compliance rules (``follow_up_grace_days``) is before ``end``: the same rule
               as the Today page's "follow-up overdue" alert;
- completion_rate    — completed / (completed + dropped_out + refused) in the period, None when
               the denominator is 0 (also per component);
- self_assessment_change — mean change (latest minus first complete participant self-assessment
               total, per participant with both) among participants who completed in the period,
               rounded to 2 decimals; None when no such participant has two (the receiving service,
               which does not score questionnaires, leaves it None).

Every count exists for mandatory and voluntary apart and by gender (``Breakdown``). Periods are a
calendar month, quarter or year (``period_for``) or any span of days (``custom_period``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from instructor_app.errors import InvalidInput
from instructor_app.i18n import N_

COMPONENTS = ("mandatory", "voluntary")
GENDERS = ("male", "female")


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: dt.date
    end: dt.date  # inclusive


@dataclass(frozen=True)
class StatusEvent:
    to_status: str      # participants.lifecycle.Status value
    on: dt.date


@dataclass(frozen=True)
class FollowUp:
    due_on: dt.date
    held_on: dt.date | None


@dataclass(frozen=True)
class ParticipantRecord:
    """What the indicators need of one participant (ids only: no names leave the laptop this way)."""

    participant_id: str
    component: str                       # mandatory | voluntary
    gender: str                          # male | female
    referred_on: tuple[dt.date, ...]     # every referral's received_on
    first_attended_on: dt.date | None    # first session marked present or late
    status_events: tuple[StatusEvent, ...]
    follow_ups: tuple[FollowUp, ...] = ()
    self_assessment_change: float | None = None  # last total minus first, when both exist


@dataclass
class Breakdown:
    """One indicator's count, overall and split."""

    total: int = 0
    by_component: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 0))
    by_gender: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GENDERS, 0))
    # component → gender → count
    by_component_gender: dict[str, dict[str, int]] = field(
        default_factory=lambda: {c: dict.fromkeys(GENDERS, 0) for c in COMPONENTS})


INDICATOR_KEYS = ("referred", "started", "attending", "completed", "dropped_out", "refused",
                  "follow_ups_done", "follow_ups_overdue")
INDICATOR_LABELS = {
    "referred": N_("Referred"), "started": N_("Started"), "attending": N_("Attending"),
    "completed": N_("Completed"), "dropped_out": N_("Dropped out"), "refused": N_("Refused (art. 72)"),
    "follow_ups_done": N_("Follow-ups done"), "follow_ups_overdue": N_("Follow-ups overdue"),
}
# The app's tables ``records_from_rows`` reads (its keyword arguments have these names).
INDICATOR_TABLES = ("participant", "referral", "status_change", "attendance", "programme_session",
                    "follow_up_meeting")


@dataclass
class Indicators:
    period: Period
    counts: dict[str, Breakdown]              # INDICATOR_KEYS → Breakdown
    completion_rate: float | None             # 0..1
    completion_rate_by_component: dict[str, float | None]
    self_assessment_change: float | None
    participants: int                         # participants considered (all records passed in)
    as_of: dt.date | None = None              # the day attending and overdue were counted on

    @property
    def empty(self) -> bool:
        """No event of any kind in the period: the report says so instead of a table of zeros."""
        return all(b.total == 0 for b in self.counts.values())


# --- periods -----------------------------------------------------------------------------------

def period_for(kind: PeriodKind | str, day: dt.date) -> Period:
    """The calendar month, quarter or year containing ``day``."""
    kind = PeriodKind(kind)
    if kind is PeriodKind.MONTH:
        start = day.replace(day=1)
        following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    elif kind is PeriodKind.QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
        start = dt.date(day.year, first_month, 1)
        following = dt.date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    elif kind is PeriodKind.YEAR:
        start, following = dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1)
    else:
        raise ValueError("a custom period is made by custom_period(start, end)")
    return Period(kind, start, following - dt.timedelta(days=1))


def custom_period(start: dt.date, end: dt.date) -> Period:
    """Any span of days, both inclusive; an end before the start is refused."""
    if end < start:
        raise InvalidInput("period", N_("The period ends before it starts ({start} – {end})."), start=start, end=end)
    return Period(PeriodKind.CUSTOM, start, end)


# --- computing ---------------------------------------------------------------------------------

def _add(breakdown: Breakdown, record: ParticipantRecord, count: int = 1) -> None:
    if not count:
        return
    breakdown.total += count
    component, gender = record.component, record.gender
    if component in breakdown.by_component:
        breakdown.by_component[component] += count
    if gender in breakdown.by_gender:
        breakdown.by_gender[gender] += count
    if component in breakdown.by_component_gender and gender in breakdown.by_component_gender[component]:
        breakdown.by_component_gender[component][gender] += count


def status_on(events: Iterable[StatusEvent], day: dt.date) -> str | None:
    """The status after the last change on or before ``day`` (same day: the last recorded)."""
    found = None
    for event in sorted(events, key=lambda e: e.on):  # stable: same-day changes keep their order
        if event.on > day:
            break
        found = event.to_status
    return found


def _rate(done: int, ended: int) -> float | None:
    return done / ended if ended else None


def compute_indicators(records: Iterable[ParticipantRecord], period: Period, *, today: dt.date | None = None,
                       follow_up_grace_days: int | None = None) -> Indicators:
    """Every indicator of the module docstring for ``period``, over ``records``.

    ``today``: a period not over yet counts attending and overdue on ``today`` (None: on its end).
    ``follow_up_grace_days``: None reads it from the compliance rules (resources/rules/compliance.yaml).
    """
    if follow_up_grace_days is None:
        from instructor_app.participants.rules import compliance_rules

        follow_up_grace_days = compliance_rules().follow_up_grace_days
    start = period.start
    end = period.end if today is None else max(start, min(period.end, today))
    overdue_before = end - dt.timedelta(days=follow_up_grace_days)
    counts = {key: Breakdown() for key in INDICATOR_KEYS}
    considered = 0
    changes: list[float] = []
    for record in records:
        considered += 1
        if any(start <= day <= end for day in record.referred_on):
            _add(counts["referred"], record)
        if record.first_attended_on is not None and start <= record.first_attended_on <= end:
            _add(counts["started"], record)
        if status_on(record.status_events, end) == "active":
            _add(counts["attending"], record)
        ended = {event.to_status for event in record.status_events if start <= event.on <= end}
        for key in ("completed", "dropped_out", "refused"):
            if key in ended:
                _add(counts[key], record)
        if "completed" in ended and record.self_assessment_change is not None:
            changes.append(record.self_assessment_change)
        _add(counts["follow_ups_done"], record,
             sum(1 for f in record.follow_ups if f.held_on is not None and start <= f.held_on <= end))
        _add(counts["follow_ups_overdue"], record,
             sum(1 for f in record.follow_ups if f.due_on < overdue_before and (f.held_on is None or f.held_on > end)))

    def ended_count(part: str | None) -> tuple[int, int]:
        def pick(key: str) -> int:
            return counts[key].total if part is None else counts[key].by_component[part]
        return pick("completed"), pick("completed") + pick("dropped_out") + pick("refused")

    return Indicators(
        period=period, counts=counts, completion_rate=_rate(*ended_count(None)),
        completion_rate_by_component={c: _rate(*ended_count(c)) for c in COMPONENTS},
        self_assessment_change=round(sum(changes) / len(changes), 2) if changes else None,
        participants=considered, as_of=end,
    )


# --- building records from rows (the app's store and the receiving service alike) -------------

Row = Mapping[str, Any]


def _key(value: Any) -> str:
    """An id as 32 lower-case hex digits, whether it came as a UUID, as its text (the wire) or as the
    hex SQLite stores: rows from different sources always meet."""
    if isinstance(value, uuid.UUID):
        return value.hex
    return str(value).replace("-", "").lower()


def _canonical(key: str) -> str:
    """The usual text of an id (8-4-4-4-12) for the records handed out."""
    try:
        return str(uuid.UUID(hex=key))
    except ValueError:
        return key


def _day(value: Any) -> dt.date | None:
    """A ``date`` (a datetime's date) or ISO-8601 text as a date; None stays None."""
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _instant(value: Any) -> dt.datetime:
    """When a row was made (for "the newest counts"): a datetime or ISO-8601 text, aware UTC."""
    if value is None:
        return _EARLIEST
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def _live(rows: Iterable[Row]) -> Iterable[Row]:
    return (row for row in rows if row.get("deleted_at") is None)


def records_from_rows(*, participant: Iterable[Row], referral: Iterable[Row] = (), status_change: Iterable[Row] = (),
                      attendance: Iterable[Row] = (), programme_session: Iterable[Row] = (),
                      follow_up_meeting: Iterable[Row] = (), self_assessment_changes: Mapping[Any, float] | None = None,
                      attended_marks: Collection[str] | None = None) -> list[ParticipantRecord]:
    """One ``ParticipantRecord`` per live participant, from plain rows of the app's tables.

    Each argument is named after its table and takes mappings with the table's column names
    (``id`` included); ids may be UUIDs or text, dates ``date`` objects or ISO-8601 text, as the
    app's store and the sync wire (instructor_app.sync.serialize) have them. Rows with a
    ``deleted_at`` are left out. ``self_assessment_changes``: participant id → latest minus first
    total. ``attended_marks``: None reads them from the compliance rules.
    """
    if attended_marks is None:
        from instructor_app.participants.rules import compliance_rules

        attended_marks = compliance_rules().attended_marks
    people = {_key(row["id"]): row for row in _live(participant)}
    referred: dict[str, list[dt.date]] = {pid: [] for pid in people}
    for row in _live(referral):
        day, pid = _day(row.get("received_on")), _key(row["participant_id"])
        if day is not None and pid in referred:
            referred[pid].append(day)
    history: dict[str, list[tuple[dt.date, dt.datetime, str, str]]] = {pid: [] for pid in people}
    for row in _live(status_change):
        pid = _key(row["participant_id"])
        if pid in history:
            history[pid].append((_day(row["changed_on"]), _instant(row.get("created_at")), _key(row["id"]),  # type: ignore[arg-type]
                                 str(row["to_status"])))
    first_attended = _first_attended(people, attendance, programme_session, frozenset(attended_marks))
    meetings: dict[str, list[FollowUp]] = {pid: [] for pid in people}
    for row in _live(follow_up_meeting):
        pid = _key(row["participant_id"])
        if pid in meetings:
            meetings[pid].append(FollowUp(_day(row["due_on"]), _day(row.get("held_on"))))  # type: ignore[arg-type]
    changes = {_key(k): v for k, v in (self_assessment_changes or {}).items()}
    records = []
    for pid, row in people.items():
        events = tuple(StatusEvent(to_status, on) for on, _at, _id, to_status in sorted(history[pid]))
        records.append(ParticipantRecord(
            participant_id=_canonical(pid), component=str(row.get("component", "")), gender=str(row.get("gender", "")),
            referred_on=tuple(sorted(referred[pid])), first_attended_on=first_attended.get(pid),
            status_events=events, follow_ups=tuple(sorted(meetings[pid], key=lambda f: f.due_on)),
            self_assessment_change=changes.get(pid)))
    return records


def _first_attended(people: Mapping[str, Row], attendance: Iterable[Row], programme_session: Iterable[Row],
                    attended_marks: frozenset[str]) -> dict[str, dt.date]:
    """Participant id → the date of the first session whose newest mark for them is an attending one."""
    dates: dict[str, dt.date] = {}
    for row in _live(programme_session):
        if row.get("status") != "cancelled":
            day = _day(row.get("held_on")) or _day(row.get("scheduled_date"))
            if day is not None:
                dates[_key(row["id"])] = day
    newest: dict[tuple[str, str], Row] = {}  # (participant, session) → the newest mark
    for row in _live(attendance):
        pid = _key(row["participant_id"])
        if pid not in people:
            continue
        key = (pid, _key(row["session_id"]))
        held = newest.get(key)
        if held is None or _made_later(row, held):  # (a correction is rare: times are read only then)
            newest[key] = row
    first: dict[str, dt.date] = {}
    for (pid, session_id), row in newest.items():
        day = dates.get(session_id)
        if row["mark"] in attended_marks and day is not None and (pid not in first or day < first[pid]):
            first[pid] = day
    return first


def _made_later(row: Row, other: Row) -> bool:
    return (_instant(row.get("created_at")), _key(row["id"])) > (_instant(other.get("created_at")), _key(other["id"]))
