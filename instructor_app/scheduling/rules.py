"""Pure scheduling rules: weekly slots that skip public holidays, fitting a mandatory group inside
the protection-order window, and cascading a postponement. No storage here: services apply them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from instructor_app.errors import InvalidInput
from instructor_app.i18n import N_
from instructor_app.scheduling.holidays import Holiday, HolidayCalendar

ORDER_DAYS = 30  # a temporary protection order runs up to 30 days
MAX_SKIPPED_SLOTS = 26


class SessionStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class ChangeKind(StrEnum):
    SCHEDULED = "scheduled"
    RESCHEDULED = "rescheduled"
    POSTPONED = "postponed"
    SHIFTED = "shifted"          # moved by a cascade started at another session
    CANCELLED = "cancelled"
    MAKEUP_ADDED = "makeup_added"
    FACILITATORS = "facilitators"
    HELD = "held"


STATUS_LABELS = {SessionStatus.PLANNED: N_("Planned"), SessionStatus.HELD: N_("Held"),
                 SessionStatus.CANCELLED: N_("Cancelled")}
CHANGE_LABELS = {
    ChangeKind.SCHEDULED: N_("Scheduled"), ChangeKind.RESCHEDULED: N_("Moved"),
    ChangeKind.POSTPONED: N_("Postponed (later sessions shifted)"), ChangeKind.SHIFTED: N_("Shifted by a postponement"),
    ChangeKind.CANCELLED: N_("Cancelled"), ChangeKind.MAKEUP_ADDED: N_("Make-up session added"),
    ChangeKind.FACILITATORS: N_("Facilitators changed"), ChangeKind.HELD: N_("Marked as held"),
}
WEEKDAY_LABELS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
                  N_("Saturday"), N_("Sunday"))


def parse_time(text: str, field: str = "start_time") -> str:
    """``H:MM`` / ``HH:MM`` → ``HH:MM``; anything else is refused with a message."""
    try:
        hours, minutes = (int(part) for part in text.strip().split(":"))
        return dt.time(hours, minutes).strftime("%H:%M")
    except (ValueError, TypeError):
        raise InvalidInput(field, N_("Enter the time as hours and minutes, for example 14:00.")) from None


def end_time(start: str, minutes: int) -> str:
    hours, mins = (int(p) for p in start.split(":"))
    total = hours * 60 + mins + minutes
    return f"{(total // 60) % 24:02d}:{total % 60:02d}"


def first_on_weekday(start: dt.date, weekday: int) -> dt.date:
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


@dataclass(frozen=True)
class SlotPlan:
    dates: tuple[dt.date, ...]
    skipped: tuple[Holiday, ...]  # holidays passed over, in order


def slots(first: dt.date, cadence_days: int, holidays: HolidayCalendar) -> Iterator[tuple[dt.date, Holiday | None]]:
    """Every slot from ``first`` on, with the holiday that blocks it (or None)."""
    day = first
    while True:
        yield day, holidays.holiday(day)
        day += dt.timedelta(days=cadence_days)


def plan_slots(count: int, first: dt.date, cadence_days: int, holidays: HolidayCalendar) -> SlotPlan:
    """``count`` slot dates from ``first`` (itself a slot), skipping holidays."""
    dates: list[dt.date] = []
    skipped: list[Holiday] = []
    for day, holiday in slots(first, cadence_days, holidays):
        if len(dates) == count:
            break
        if holiday is not None:
            skipped.append(holiday)
            if len(skipped) > MAX_SKIPPED_SLOTS:
                raise RuntimeError("holiday calendar blocks every slot")
            continue
        dates.append(day)
    return SlotPlan(tuple(dates), tuple(skipped))


def next_slot(after: dt.date, cadence_days: int, holidays: HolidayCalendar) -> dt.date:
    """The first non-holiday slot strictly after ``after`` in the same rhythm."""
    for day, holiday in slots(after + dt.timedelta(days=cadence_days), cadence_days, holidays):
        if holiday is None:
            return day
    raise AssertionError("unreachable")


def check_fits_order(last_date: dt.date, order_end: dt.date | None) -> None:
    if order_end is not None and last_date > order_end:
        raise InvalidInput(
            "order_end",
            N_("The sessions do not fit before the protection order ends on {end}: the last one would be on "
               "{last}. Choose an earlier start date or another weekday, or check the order's end date."),
            end=order_end, last=last_date,
        )


@dataclass(frozen=True)
class Placed:
    """A session's current place in the calendar, as the cascade sees it."""

    id: object
    date: dt.date
    status: SessionStatus
    is_makeup: bool = False


def cascade(sessions: Sequence[Placed], start_id: object, cadence_days: int,
            holidays: HolidayCalendar) -> dict[object, dt.date]:
    """Postpone ``start_id`` by one slot and shift every later planned session by one slot.

    Held and cancelled sessions never move, nor do make-ups (they have their own agreed dates).
    Returns the new date of each session that moves.
    """
    start = next(s for s in sessions if s.id == start_id)
    if start.status != SessionStatus.PLANNED:
        raise InvalidInput("session", N_("Only a planned session can be postponed."))
    moving = sorted((s for s in sessions if s.status == SessionStatus.PLANNED and not s.is_makeup
                     and (s.date, str(s.id)) >= (start.date, str(start.id))), key=lambda s: s.date)
    moved: dict[object, dt.date] = {}
    for item in moving:
        moved[item.id] = next_slot(item.date, cadence_days, holidays)
    return moved
