"""Plain data for the programme screens: curricula, groups, sessions (no ORM objects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from instructor_app.curricula.model import SessionTemplate, Text


@dataclass(frozen=True)
class CurriculumSummary:
    id: str            # the stored version's row id
    key: str           # the curriculum id in the file, e.g. tcp-mandatory
    version: int
    title: Text
    component: str
    target_gender: str
    individual_sessions: int
    group_sessions: int
    total_minutes: int
    within_protection_order: bool
    cadence_days: int
    origin: str        # shipped | imported
    latest: bool       # the newest version of its key: offered for new groups
    groups: int        # groups that use this version


@dataclass(frozen=True)
class FacilitatorOption:
    id: str
    display_name: str
    gender: str


@dataclass(frozen=True)
class GroupDraft:
    name: str
    curriculum_version_id: str
    language: str
    participant_gender: str
    lead_facilitator_id: str
    co_facilitator_id: str | None
    pair_exception_reason: str
    room: str
    weekday: int
    start_time: str
    start_date: dt.date
    order_end: dt.date | None = None
    capacity: int = 12


@dataclass(frozen=True)
class GroupFilter:
    text: str = ""
    curriculum_key: str | None = None
    language: str | None = None
    status: str | None = None  # active | finished | None for all


@dataclass(frozen=True)
class HolidaySkip:
    date: dt.date
    name: Text


@dataclass(frozen=True)
class SchedulePreview:
    dates: tuple[dt.date, ...]
    skipped: tuple[HolidaySkip, ...]
    order_end: dt.date | None
    pair_problems: tuple[str, ...]


@dataclass(frozen=True)
class SessionRow:
    id: str
    group_id: str | None
    group_name: str
    participant_id: str | None
    number: int
    template_key: str
    kind: str
    title: Text
    date: dt.date
    start_time: str
    end_time: str
    room: str
    status: str
    status_reason: str
    lead: FacilitatorOption
    second: FacilitatorOption | None
    cover_reason: str
    is_makeup: bool
    replaces_number: int | None
    language: str
    held_on: dt.date | None = None
    actual_start: str | None = None
    actual_end: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class GroupSummary:
    id: str
    name: str
    programme: Text
    curriculum_key: str
    curriculum_version: int
    component: str
    language: str
    participant_gender: str
    lead: FacilitatorOption
    second: FacilitatorOption | None
    pair_exception_reason: str
    pair_problems: tuple[str, ...]
    room: str
    weekday: int
    start_time: str
    start_date: dt.date
    order_end: dt.date | None
    capacity: int
    status: str
    sessions_total: int
    sessions_held: int
    next_session: dt.date | None
    last_session: dt.date | None


@dataclass(frozen=True)
class ChangeEntry:
    session_number: int
    change: str
    at: dt.datetime
    by: str
    old_date: dt.date | None
    new_date: dt.date | None
    reason: str


@dataclass(frozen=True)
class GroupDetail:
    group: GroupSummary
    sessions: tuple[SessionRow, ...]
    history: tuple[ChangeEntry, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SessionPlan:
    session: SessionRow
    template: SessionTemplate
    programme: Text
    curriculum_version: int
    sessions_in_programme: int
