"""ORM models. Every record that can leave the device is a ``SyncedRecord``:

- a UUID primary key made on the device (safe to re-send: the server upserts by id);
- ``created_at`` / ``updated_at`` in UTC and ``updated_by`` (the facilitator's id);
- ``row_version``, an integer bumped on every update (SQLAlchemy's version counter, so a stale
  in-memory copy can never overwrite a newer row);
- ``deleted_at``, a tombstone: such records are never deleted from the table;
- an outbox row in ``change_log`` written in the same transaction as the change (changelog.py).

Local-only tables (``device``, ``change_log``, ``access_log``) are not synced records.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, TypeDecorator, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes stored as ISO-8601 text that sorts correctly; naive values are refused."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC datetimes only")
        return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return dt.datetime.fromisoformat(value).astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime, uuid.UUID: Uuid(as_uuid=True)}


class SyncedRecord:
    """Columns every synced table carries (see the module docstring)."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        # The application sets the version (changelog._stamp: 1 on insert, +1 on update), so a row pulled
        # from the server keeps the version it has there; SQLAlchemy still checks it on every UPDATE.
        return {"version_id_col": cls.__table__.c.row_version,  # type: ignore[attr-defined]
                "version_id_generator": False}


class Centre(SyncedRecord, Base):
    """A crisis centre, NGO or probation office where programmes are delivered."""

    __tablename__ = "centre"

    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(32))  # domain.regions.Region key

    facilitators: Mapped[list[Facilitator]] = relationship(back_populates="centre")


class Facilitator(SyncedRecord, Base):
    """An instructor. Their id is also their account id in the key file."""

    __tablename__ = "facilitator"

    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    display_name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str] = mapped_column(String(16))  # domain.facilitators.Gender key
    active: Mapped[bool] = mapped_column(default=True)

    centre: Mapped[Centre] = relationship(back_populates="facilitators")


class Device(Base):
    """This installation (exactly one row): its id names it in the change log and in sync."""

    __tablename__ = "device"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    centre_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("centre.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class ChangeLog(Base):
    """The outbox: one row per insert/update/delete of a synced record, in the same transaction.

    ``seq`` orders changes on this device; sync drains pending rows in that order and marks them
    only after the server answered for them.
    """

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_state_seq", "state", "seq"),
        Index("ix_change_log_row", "table_name", "row_id"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID]
    operation: Mapped[str] = mapped_column(String(8))  # insert | update | delete
    row_version: Mapped[int] = mapped_column(Integer)
    hlc: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[dt.datetime]
    changed_by: Mapped[uuid.UUID | None]
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | synced | rejected
    reason: Mapped[str | None] = mapped_column(Text, default=None)     # the server's code and message if rejected


class SyncState(Base):
    """This device's link to the Probation server (one row, local only; inside the encrypted DB)."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    server_url: Mapped[str] = mapped_column(String(300), default="")
    device_token: Mapped[str] = mapped_column(String(200), default="")
    remote_centre_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    push_sequence: Mapped[int] = mapped_column(Integer, default=0)   # the last batch sequence sent
    pull_cursor: Mapped[int] = mapped_column(Integer, default=0)     # the last server change applied
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(String(64), default="")  # an error code, never a message with data
    pending_batch: Mapped[str] = mapped_column(Text, default="")  # the batch sent but not answered: resent as is
    observed_hlc: Mapped[str] = mapped_column(String(64), default="")  # the clock after the last pull: kept across a lock


class AccessLog(Base):
    """Append-only local audit trail: unlocks, locks, backups, restores, password changes.

    ``detail`` never holds personal data (it is written by code, not typed by users).
    """

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_at", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    facilitator_id: Mapped[uuid.UUID | None]
    event: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")


# Every model module registers its tables on Base before the list below is built.
from instructor_app.storage import programme_models as _programme_models  # noqa: E402,F401
from instructor_app.storage import participant_models as _participant_models  # noqa: E402,F401
from instructor_app.storage import instrument_models as _instrument_models  # noqa: E402,F401
from instructor_app.storage import conflict_models as _conflict_models  # noqa: E402,F401

SYNCED_TABLES = tuple(
    mapper.class_ for mapper in Base.registry.mappers if issubclass(mapper.class_, SyncedRecord)
)


class IssuedDocument(Base):
    """Every printed document (PDF) or export made on this laptop, with its number: the register of
    outgoing papers a court or the Probation Department may ask about. Local only; ``subject`` is an
    id (group, participant, case) or a period, never a name."""

    __tablename__ = "issued_document"
    __table_args__ = (Index("ix_issued_document_kind_year", "kind", "year"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(24))      # reports.catalog.DocumentKind value
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)    # 1, 2, … per kind and year on this laptop
    subject: Mapped[str] = mapped_column(String(80), default="")
    language: Mapped[str] = mapped_column(String(2))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
