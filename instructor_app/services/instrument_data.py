"""Plain data for the instrument screens (no ORM objects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from instructor_app.instruments.model import Contradiction, Instrument, Scores


@dataclass(frozen=True)
class InstrumentSummary:
    id: str
    key: str
    version: int
    kind: str
    respondent: str
    instrument: Instrument
    latest: bool


@dataclass(frozen=True)
class ResponseState:
    """A questionnaire being filled: where it stands, for the kiosk to continue from."""

    id: str
    participant_id: str
    instrument: Instrument
    time_point: str
    answers: dict[str, str] = field(default_factory=dict)
    completed: bool = False


@dataclass(frozen=True)
class ResultRow:
    response_id: str
    instrument_key: str
    instrument: Instrument
    time_point: str
    answered_on: dt.date
    scores: Scores


@dataclass(frozen=True)
class PartnerRow:
    report_id: str
    time_point: str
    contacted_on: dt.date
    contact_mode: str
    scores: Scores
    contradictions: tuple[Contradiction, ...]


@dataclass(frozen=True)
class ParticipantResults:
    participant_id: str
    rows: tuple[ResultRow, ...]          # the participant's own and the facilitators' instruments
    risk: ResultRow | None               # the latest complete risk assessment


@dataclass(frozen=True)
class GroupAverage:
    time_point: str
    subscale: str
    mean: float
    count: int
