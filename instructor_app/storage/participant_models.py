"""ORM models for participants: the person, referrals, enrolments, attendance facts, the status
history, art. 72 cases, follow-up meetings; partner contacts live in their own table."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from instructor_app.storage.models import Base, SyncedRecord


class Participant(SyncedRecord, Base):
    __tablename__ = "participant"
    __table_args__ = (Index("ix_participant_name_birth", "name_key", "birth_date"),
                      Index("ix_participant_status", "status"))

    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))   # casefolded, spaces collapsed: duplicate detection
    birth_date: Mapped[dt.date] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    component: Mapped[str] = mapped_column(String(16))    # mandatory | voluntary
    status: Mapped[str] = mapped_column(String(16))       # participants.lifecycle.Status
    screening: Mapped[str] = mapped_column(String(24), default="not_done")  # participants.intake.Screening
    therapy_certificate: Mapped[str] = mapped_column(String(200), default="")
    contract_signed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    curator_name: Mapped[str] = mapped_column(String(200), default="")
    curator_contact: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class Referral(SyncedRecord, Base):
    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_participant", "participant_id"),)

    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"))
    source: Mapped[str] = mapped_column(String(24))       # participants.intake.ReferralSource
    document_number: Mapped[str] = mapped_column(String(100), default="")
    document_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    received_on: Mapped[dt.date] = mapped_column(Date)
    order_number: Mapped[str] = mapped_column(String(100), default="")
    order_issued_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    order_ends_on: Mapped[dt.date | None] = mapped_column(Date, default=None)


class PartnerContact(SyncedRecord, Base):
    """The victim's / partner's contact, kept apart from the participant's record: never shown on a
    screen the participant could see."""

    __tablename__ = "partner_contact"
    __table_args__ = (Index("ix_partner_contact_participant", "participant_id"),)

    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    relation: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    safe_to_contact: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")


class StatusChange(SyncedRecord, Base):
    """Append-only history of a participant's status."""

    __tablename__ = "status_change"
    __table_args__ = (Index("ix_status_change_participant", "participant_id"),)

    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"))
    from_status: Mapped[str | None] = mapped_column(String(16), default=None)
    to_status: Mapped[str] = mapped_column(String(16))
    changed_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")


class Enrolment(SyncedRecord, Base):
    """A participant in a group from ``joined_on`` to ``left_on``; a transfer or a rejoin is a new row."""

    __tablename__ = "enrolment"
    __table_args__ = (Index("ix_enrolment_group", "group_id"), Index("ix_enrolment_participant", "participant_id"))

    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"))
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programme_group.id"))
    joined_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    left_reason: Mapped[str] = mapped_column(String(24), default="")  # transferred | dropped_out | completed | …
    rejoined_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("enrolment.id"), default=None)


class Attendance(SyncedRecord, Base):
    """One attendance mark: an append-only fact. A correction is a newer row for the same
    participant and session; the newest one counts."""

    __tablename__ = "attendance"
    __table_args__ = (Index("ix_attendance_session", "session_id"),
                      Index("ix_attendance_participant", "participant_id"))

    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"))
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programme_session.id"))
    mark: Mapped[str] = mapped_column(String(16))        # participants.compliance.Mark
    excuse_reason: Mapped[str] = mapped_column(Text, default="")
    concern: Mapped[bool] = mapped_column(default=False)  # present but did not engage
    concern_note: Mapped[str] = mapped_column(Text, default="")


class Art72Case(SyncedRecord, Base):
    """A refusal to undergo the programme (Code of Offences art. 72), to be notified to Probation/police."""

    __tablename__ = "art72_case"
    __table_args__ = (Index("ix_art72_participant", "participant_id"),)

    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"))
    refused_on: Mapped[dt.date] = mapped_column(Date)
    how_expressed: Mapped[str] = mapped_column(String(24))  # participants.intake.RefusalForm
    witnesses: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="")
    contact_attempts: Mapped[str] = mapped_column(Text, default="")
    sent_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    sent_to: Mapped[str] = mapped_column(String(200), default="")


class FollowUpMeeting(SyncedRecord, Base):
    __tablename__ = "follow_up_meeting"
    __table_args__ = (Index("ix_follow_up_participant", "participant_id"), Index("ix_follow_up_due", "due_on"))

    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"))
    number: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date)
    held_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    contact_made: Mapped[bool | None] = mapped_column(default=None)
    new_violence: Mapped[str] = mapped_column(String(64), default="")  # comma-separated keys: participant,partner,police
    notes: Mapped[str] = mapped_column(Text, default="")
