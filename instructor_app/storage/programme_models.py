"""ORM models for programmes: curriculum versions, groups, their sessions and schedule history.

Dates of sessions are local calendar dates and ``HH:MM`` local times (the room's clock), not
instants; ``created_at``/``updated_at`` stay UTC like every synced record.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from instructor_app.storage.models import Base, SyncedRecord


class CurriculumVersion(SyncedRecord, Base):
    """One version of a programme, stored whole (validated JSON) so a group keeps the version it
    started with even after a newer file is imported or shipped."""

    __tablename__ = "curriculum_version"
    __table_args__ = (UniqueConstraint("curriculum_key", "version", name="uq_curriculum_version"),)

    curriculum_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    component: Mapped[str] = mapped_column(String(16))      # curricula.model.Component
    target_gender: Mapped[str] = mapped_column(String(16))  # curricula.model.TargetGender
    title_ky: Mapped[str] = mapped_column(String(300))
    title_ru: Mapped[str] = mapped_column(String(300))
    session_count: Mapped[int] = mapped_column(Integer)
    total_minutes: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)             # JSON of the validated file
    sha256: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16))         # shipped | imported
    file_name: Mapped[str] = mapped_column(String(260), default="")


class ProgrammeGroup(SyncedRecord, Base):
    __tablename__ = "programme_group"
    __table_args__ = (Index("ix_programme_group_centre_start", "centre_id", "start_date"),)

    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    curriculum_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("curriculum_version.id"))
    name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(2))               # ky | ru: the language in the room
    participant_gender: Mapped[str] = mapped_column(String(16))    # domain.facilitators.Gender
    lead_facilitator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("facilitator.id"))
    co_facilitator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("facilitator.id"), default=None)
    pair_exception_reason: Mapped[str] = mapped_column(Text, default="")
    room: Mapped[str] = mapped_column(String(120), default="")
    weekday: Mapped[int] = mapped_column(Integer)                  # 0 = Monday
    start_time: Mapped[str] = mapped_column(String(5))             # HH:MM
    start_date: Mapped[dt.date] = mapped_column(Date)
    order_end: Mapped[dt.date | None] = mapped_column(Date, default=None)  # mandatory: last allowed day
    capacity: Mapped[int] = mapped_column(Integer, default=12)
    status: Mapped[str] = mapped_column(String(16), default="active")     # active | closed


class ProgrammeSession(SyncedRecord, Base):
    """A planned or held session: a group session (``group_id``) or an individual one
    (``participant_id``; participants arrive with the participants issue)."""

    __tablename__ = "programme_session"
    __table_args__ = (
        Index("ix_programme_session_date", "scheduled_date"),
        Index("ix_programme_session_group", "group_id", "sequence"),
        Index("ix_programme_session_participant", "participant_id"),
    )

    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("programme_group.id"), default=None)
    participant_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    curriculum_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("curriculum_version.id"))
    template_key: Mapped[str] = mapped_column(String(32))
    sequence: Mapped[int] = mapped_column(Integer)                 # the template's number in the programme
    kind: Mapped[str] = mapped_column(String(16))                  # individual | group
    scheduled_date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[str] = mapped_column(String(5))
    minutes: Mapped[int] = mapped_column(Integer)
    room: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), default="planned")  # planned | held | cancelled
    status_reason: Mapped[str] = mapped_column(Text, default="")
    lead_facilitator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("facilitator.id"))
    co_facilitator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("facilitator.id"), default=None)
    cover_reason: Mapped[str] = mapped_column(Text, default="")
    is_makeup: Mapped[bool] = mapped_column(default=False)
    replaces_session_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("programme_session.id"), default=None)
    held_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    actual_start: Mapped[str | None] = mapped_column(String(5), default=None)
    actual_end: Mapped[str | None] = mapped_column(String(5), default=None)
    notes: Mapped[str] = mapped_column(Text, default="")


class ScheduleChange(SyncedRecord, Base):
    """Append-only history of what happened to a session's date, status and facilitators."""

    __tablename__ = "schedule_change"
    __table_args__ = (Index("ix_schedule_change_session", "session_id"),)

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programme_session.id"))
    change: Mapped[str] = mapped_column(String(16))  # scheduling.rules.ChangeKind
    old_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    new_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    old_time: Mapped[str | None] = mapped_column(String(5), default=None)
    new_time: Mapped[str | None] = mapped_column(String(5), default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
