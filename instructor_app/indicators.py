"""The programme's indicators: ONE definition for the Today page, the indicators report, the exports
and the Probation receiving service (``GET /api/v1/indicators``), so a figure means the same
everywhere.

Pure functions over plain facts (no database, no Qt): the app builds ``ParticipantRecord``s from its
SQLCipher store (``instructor_app.services.indicators``), the receiving service from the JSON rows
laptops pushed (``instructor_app.server.indicators``); both call ``compute_indicators``.

CONTRACT (the interface other modules are written against; implementation: see the functions).

Definitions, for a period ``[start, end]`` (both inclusive):

- referred   — a referral received (``referral.received_on``) in the period;
- started    — the first group or individual session the participant attended (mark present or
               late) falls in the period;
- attending  — on ``end`` the participant's status was ``active`` (from the status history:
               the last status change on or before ``end``);
- completed, dropped_out, refused — a status change to that status in the period (refused =
               refusal under art. 72 of the Code of Offences);
- follow_ups_done    — follow-up meetings held in the period;
- follow_ups_overdue — follow-up meetings due on or before ``end`` and not held by ``end``;
- completion_rate    — completed / (completed + dropped_out + refused) in the period, None when
               the denominator is 0;
- self_assessment_change — mean change (last minus first, per participant with both) of the
               self-assessment total among participants who completed in the period; None when no
               pair exists (the receiving service leaves it None).

Every count exists for mandatory and voluntary apart and by gender (``Breakdown``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

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


@dataclass
class Indicators:
    period: Period
    counts: dict[str, Breakdown]              # INDICATOR_KEYS → Breakdown
    completion_rate: float | None             # 0..1
    completion_rate_by_component: dict[str, float | None]
    self_assessment_change: float | None
    participants: int                         # participants considered (all records passed in)

    @property
    def empty(self) -> bool:
        """No event of any kind in the period: the report says so instead of a table of zeros."""
        return all(b.total == 0 for b in self.counts.values())
