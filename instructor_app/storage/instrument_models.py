"""ORM models for instruments and answers. Partner reports live in their own tables, apart from the
participant's responses: no participant-facing query ever reads them."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from instructor_app.storage.models import Base, SyncedRecord


class InstrumentVersion(SyncedRecord, Base):
    __tablename__ = "instrument_version"
    __table_args__ = (UniqueConstraint("instrument_key", "version", name="uq_instrument_version"),)

    instrument_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    respondent: Mapped[str] = mapped_column(String(16))
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(260), default="")


class Response(SyncedRecord, Base):
    """One filling of an instrument about a participant (by them in kiosk mode, or by a facilitator).
    ``completed_at`` stays empty for a partial response."""

    __tablename__ = "response"
    __table_args__ = (Index("ix_response_participant", "participant_id"),)

    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"))
    instrument_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("instrument_version.id"))
    time_point: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))          # kiosk | facilitator
    session_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("programme_session.id"), default=None)
    answered_on: Mapped[dt.date] = mapped_column(Date)
    completed_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class Answer(SyncedRecord, Base):
    """One answer, saved the moment it is given (append-only: a changed answer is a newer row)."""

    __tablename__ = "answer"
    __table_args__ = (Index("ix_answer_response", "response_id"),)

    response_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("response.id"))
    item_key: Mapped[str] = mapped_column(String(48))
    value: Mapped[str] = mapped_column(Text)


class PartnerReport(SyncedRecord, Base):
    """The partner's / victim's view, entered by a facilitator after a phone or in-person contact."""

    __tablename__ = "partner_report"
    __table_args__ = (Index("ix_partner_report_participant", "participant_id"),)

    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participant.id"))
    instrument_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("instrument_version.id"))
    time_point: Mapped[str] = mapped_column(String(16))
    contact_mode: Mapped[str] = mapped_column(String(16))  # phone | in_person
    contacted_on: Mapped[dt.date] = mapped_column(Date)
    completed_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class PartnerAnswer(SyncedRecord, Base):
    __tablename__ = "partner_answer"
    __table_args__ = (Index("ix_partner_answer_report", "report_id"),)

    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partner_report.id"))
    item_key: Mapped[str] = mapped_column(String(48))
    value: Mapped[str] = mapped_column(Text)
