"""Plain data of the participant progress / completion report (no ORM objects, nothing translated).

Enum values stay keys (status, component, mark, referral source…) and programme or questionnaire
texts stay ``Text`` in both languages: the layout (reports/progress_pdf.py) translates and picks
the document's language. The partner's contact and reports are never part of this data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from instructor_app.curricula.model import Text
from instructor_app.services.document_data import ReferralFacts


@dataclass(frozen=True)
class ParticipantChoice:
    """One line of the participant chooser of the report."""

    id: str
    name: str
    status: str        # participants.lifecycle.Status key


@dataclass(frozen=True)
class AttendanceLine:
    """One session the participant was expected at (or a make-up) and their mark."""

    date: dt.date
    kind: str                          # curricula.model.SessionKind key
    number: int                        # among the sessions of its kind: group session 1…24
    title: Text
    status: str                        # scheduling.rules.SessionStatus key
    mark: str | None                   # participants.compliance.Mark key; None: not marked
    is_makeup: bool = False
    replaces_number: int | None = None


@dataclass(frozen=True)
class SessionCounts:
    """The compliance engine's figures (participants/compliance.py) and the make-ups."""

    required: int | None               # None: not in a programme yet
    attended: int
    excused: int
    unexcused: int                     # unexcused absences not made up
    still_missing: int                 # required sessions not attended yet
    makeups_attended: int
    makeups_planned: int


@dataclass(frozen=True)
class ScaleChange:
    key: str
    title: Text
    first: float | None
    latest: float | None               # None when only one self-assessment is recorded
    higher_is_better: bool = True

    @property
    def change(self) -> float | None:
        if self.first is None or self.latest is None:
            return None
        return round(self.latest - self.first, 2)


@dataclass(frozen=True)
class SelfAssessmentChange:
    """The first and the latest complete self-assessment of the participant."""

    count: int                         # complete self-assessments recorded
    first_on: dt.date
    first_point: str                   # instruments.model time point key
    latest_on: dt.date | None
    latest_point: str
    scales: tuple[ScaleChange, ...]
    total: ScaleChange


@dataclass(frozen=True)
class FollowUpLine:
    number: int
    months: int | None                 # after completion (3, 9, 18 by the rules)
    due_on: dt.date
    held_on: dt.date | None


@dataclass(frozen=True)
class ProgressReport:
    centre: str
    participant_id: str
    full_name: str
    birth_date: dt.date | None
    gender: str                        # domain.facilitators.Gender key ("" if not recorded)
    language: str                      # ky | ru ("" if not recorded)
    component: str                     # curricula.model.Component key
    status: str                        # participants.lifecycle.Status key
    status_since: dt.date | None
    programme: Text | None             # None: not in a programme yet
    programme_version: int | None
    group_name: str
    joined_on: dt.date | None
    finished_on: dt.date | None        # completed, or left (dropped out, refused, transferred)
    deadline: dt.date | None           # mandatory: the last day a session can be held
    referral: ReferralFacts | None
    counts: SessionCounts
    attendance: tuple[AttendanceLine, ...]
    self_assessment: SelfAssessmentChange | None
    follow_ups: tuple[FollowUpLine, ...]
    lead_facilitator: str
    second_facilitator: str

    @property
    def completed(self) -> bool:
        return self.status == "completed"
