"""Concurrent edits to review (docs/sync-protocol.md §5).

``SyncConflict`` is a losing version the server kept and sent down with the pull (local only: it
arrives on both laptops of the pair by itself). ``ConflictReview`` is a coordinator's decision on
one: a synced fact, so the other laptop stops listing the conflict too.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from instructor_app.storage.models import Base, SyncedRecord, utcnow


class SyncConflict(Base):
    """A version of a record that lost a concurrent edit; ``id`` is the server's conflict id."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_row", "table_name", "row_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID]
    losing_device: Mapped[uuid.UUID]
    losing_device_name: Mapped[str] = mapped_column(String(200), default="")
    losing_hlc: Mapped[str] = mapped_column(String(64))
    losing_row_version: Mapped[int] = mapped_column(Integer)
    losing_operation: Mapped[str] = mapped_column(String(8))
    losing_data: Mapped[str] = mapped_column(Text)  # the row's wire ``data`` (JSON), as the losing laptop sent it
    winning_device: Mapped[uuid.UUID]
    winning_device_name: Mapped[str] = mapped_column(String(200), default="")
    winning_hlc: Mapped[str] = mapped_column(String(64))
    kept_at: Mapped[dt.datetime]                    # when the server decided
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ConflictReview(SyncedRecord, Base):
    """A decision on a ``SyncConflict``: ``kept_current`` or ``restored`` (the losing values were saved
    again as a new edit). Who and when are the record's ``updated_by`` and ``created_at``."""

    __tablename__ = "conflict_review"
    __table_args__ = (Index("ix_conflict_review_conflict", "conflict_id"),)

    conflict_id: Mapped[uuid.UUID]
    decision: Mapped[str] = mapped_column(String(16))


__all__ = ["ConflictReview", "SyncConflict"]
