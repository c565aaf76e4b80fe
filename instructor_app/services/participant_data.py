"""Plain data for the participant screens (no ORM objects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from instructor_app.participants.compliance import Alert, ComplianceState
from instructor_app.services.programme_data import SessionRow


@dataclass(frozen=True)
class PartnerDraft:
    full_name: str = ""
    relation: str = ""
    phone: str = ""
    safe_to_contact: bool = False
    notes: str = ""


@dataclass(frozen=True)
class IntakeDraft:
    full_name: str
    birth_date: dt.date | None
    gender: str
    language: str
    component: str
    referral_source: str
    received_on: dt.date | None
    phone: str = ""
    address: str = ""
    document_number: str = ""
    document_date: dt.date | None = None
    order_number: str = ""
    order_issued_on: dt.date | None = None
    order_ends_on: dt.date | None = None
    screening: str = "not_done"
    therapy_certificate: str = ""
    contract_signed_on: dt.date | None = None
    curator_name: str = ""
    curator_contact: str = ""
    notes: str = ""
    partner: PartnerDraft | None = None
    confirm_not_duplicate: bool = False


@dataclass(frozen=True)
class ParticipantName:
    """A participant as a pick list shows them (the reports' subject list)."""

    id: str
    full_name: str
    language: str


@dataclass(frozen=True)
class ParticipantSummary:
    id: str
    full_name: str
    birth_date: dt.date
    gender: str
    language: str
    component: str
    status: str
    group_id: str | None
    group_name: str
    order_ends_on: dt.date | None
    compliance: ComplianceState | None
    alerts: tuple[Alert, ...] = ()


@dataclass(frozen=True)
class ReferralInfo:
    source: str
    document_number: str
    document_date: dt.date | None
    received_on: dt.date
    order_number: str
    order_issued_on: dt.date | None
    order_ends_on: dt.date | None


@dataclass(frozen=True)
class StatusEntry:
    from_status: str | None
    to_status: str
    changed_on: dt.date
    reason: str
    by: str


@dataclass(frozen=True)
class EnrolmentInfo:
    id: str
    group_id: str
    group_name: str
    curriculum_key: str
    joined_on: dt.date
    left_on: dt.date | None
    left_reason: str


@dataclass(frozen=True)
class Art72Info:
    id: str
    refused_on: dt.date
    how_expressed: str
    witnesses: str
    details: str
    contact_attempts: str
    sent_on: dt.date | None
    sent_to: str


@dataclass(frozen=True)
class FollowUpInfo:
    id: str
    number: int
    due_on: dt.date
    held_on: dt.date | None
    contact_made: bool | None
    new_violence: tuple[str, ...]
    notes: str


@dataclass(frozen=True)
class ParticipantDetail:
    summary: ParticipantSummary
    phone: str
    address: str
    screening: str
    therapy_certificate: str
    contract_signed_on: dt.date | None
    curator_name: str
    curator_contact: str
    notes: str
    referral: ReferralInfo | None
    history: tuple[StatusEntry, ...]
    enrolments: tuple[EnrolmentInfo, ...]
    sessions: tuple[SessionRow, ...]          # individual and group sessions expected of them
    marks: dict[str, str] = field(default_factory=dict)  # session id → mark
    art72_cases: tuple[Art72Info, ...] = ()
    follow_ups: tuple[FollowUpInfo, ...] = ()


@dataclass(frozen=True)
class AlertItem:
    participant_id: str
    participant_name: str
    alert: Alert


@dataclass(frozen=True)
class RegisterCell:
    mark: str | None
    concern: bool = False
    concern_note: str = ""
    excuse_reason: str = ""
    recorded_by: str = ""
    recorded_at: dt.datetime | None = None
    enrolled: bool = True   # False: the participant was not in the group on that date


@dataclass(frozen=True)
class RegisterRow:
    participant_id: str
    full_name: str
    status: str
    cells: tuple[RegisterCell, ...]      # one per session, in the order of RegisterData.sessions
    compliance: ComplianceState


@dataclass(frozen=True)
class RegisterData:
    group_id: str
    group_name: str
    sessions: tuple[SessionRow, ...]
    rows: tuple[RegisterRow, ...]
