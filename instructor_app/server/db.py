"""The receiving service's tables and database connection (its own metadata, never the app's Base).

Portable between SQLite (the default, ``sqlite:///path`` or a plain file path) and PostgreSQL
(``postgresql+psycopg://…``): no SQLite-only SQL, timestamps are aware UTC (``timestamptz`` on
PostgreSQL, naive UTC text on SQLite, made aware again on reading), change numbers come from an
ordinary autoincrement table (``feed_counter``: its rows on SQLite, its sequence on PostgreSQL), a
batch's worth in one statement (``reserve_feed_ids``). Both databases run every server test.

Write transactions on SQLite start with ``BEGIN IMMEDIATE`` (the write lock is taken before the
first read, so two concurrent batches queue instead of failing with "database is locked" on
upgrading a read lock); on PostgreSQL the per-centre row lock in ``store.apply_batch`` does the same.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    Uuid,
    create_engine,
    event,
    func,
    insert,
    make_url,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

# BIGINT on PostgreSQL; INTEGER on SQLite, where only an INTEGER primary key autoincrements.
FeedId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCTimestamp(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC datetimes only")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCTimestamp, uuid.UUID: Uuid(as_uuid=True)}


class ServerMeta(ServerBase):
    """One row: this server's identity, made by the first migration (sent to devices at enrolment)."""

    __tablename__ = "server_meta"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    server_id: Mapped[uuid.UUID]
    created_at: Mapped[dt.datetime]


class Centre(ServerBase):
    __tablename__ = "centre"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Device(ServerBase):
    """An enrolled laptop; ``id`` is the app's own device id. Only the token's SHA-256 is kept."""

    __tablename__ = "device"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    app_version: Mapped[str] = mapped_column(String(40))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)  # the highest batch sequence received


class EnrolCode(ServerBase):
    """A one-time enrolment code (only its SHA-256 is kept)."""

    __tablename__ = "enrol_code"

    code_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    used_by: Mapped[uuid.UUID | None] = mapped_column(default=None)


class Batch(ServerBase):
    """Every batch received (the audit), with the exact answer given: a resend gets it again."""

    __tablename__ = "batch"
    __table_args__ = (Index("ix_batch_device_sequence", "device_id", "sequence"),)

    batch_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    record_count: Mapped[int] = mapped_column(Integer)
    result_json: Mapped[str] = mapped_column(Text)


class Record(ServerBase):
    """The current version of every synced row, numbered in the centre's feed by ``feed_seq``."""

    __tablename__ = "record"
    __table_args__ = (Index("ix_record_centre_feed", "centre_id", "feed_seq"),)

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    row_version: Mapped[int] = mapped_column(Integer)
    hlc: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    operation: Mapped[str] = mapped_column(String(8))
    data_json: Mapped[str] = mapped_column(Text)
    feed_seq: Mapped[int] = mapped_column(FeedId, unique=True)


class Conflict(ServerBase):
    """A version that lost a concurrent edit, kept with the winner's stamp for a person to review."""

    __tablename__ = "conflict"
    __table_args__ = (Index("ix_conflict_row", "table_name", "row_id"),
                      Index("ix_conflict_centre_reviewed", "centre_id", "reviewed_at"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID]
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"))
    losing_device: Mapped[uuid.UUID]
    losing_hlc: Mapped[str] = mapped_column(String(64))
    losing_row_version: Mapped[int] = mapped_column(Integer)
    losing_operation: Mapped[str] = mapped_column(String(8))
    losing_data_json: Mapped[str] = mapped_column(Text)
    winning_device: Mapped[uuid.UUID]
    winning_hlc: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class FeedCounter(ServerBase):
    """Numbers changes: each accepted write takes a number from here as ``record.feed_seq``
    (``reserve_feed_ids``).

    AUTOINCREMENT on SQLite (ids never reused, even after old rows are pruned): numbers are new rows.
    On PostgreSQL only the column's sequence is used (no rows are written, nothing to prune).
    """

    __tablename__ = "feed_counter"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(FeedId, primary_key=True, autoincrement=True)


class Viewer(ServerBase):
    """A Probation reader of the indicators of every centre (``GET /api/v1/indicators``), e.g. the
    department's analyst; only the token's SHA-256 is kept (revision s0002)."""

    __tablename__ = "viewer"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)


def reserve_feed_ids(session: Session, count: int) -> list[int]:
    """``count`` new feed numbers, increasing, in one statement (a batch of 500 records is not 500 round
    trips): ``nextval`` of ``feed_counter``'s sequence on PostgreSQL, new ``feed_counter`` rows on SQLite.
    Numbers never come back; a reserved number left unused is a gap, which the feed allows."""
    if session.get_bind().dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(FeedCounter.__tablename__, "id")
        found = session.scalars(select(func.nextval(sequence)).select_from(func.generate_series(1, count))).all()
    else:
        table = FeedCounter.__table__
        found = session.scalars(insert(table).values([{"id": None}] * count).returning(table.c.id)).all()
    return sorted(found)


# --- connection --------------------------------------------------------------------------------

def normalise_url(db: str) -> str:
    """A database URL; a plain file path means a SQLite file there."""
    if "://" not in db:
        return f"sqlite:///{Path(db).expanduser().resolve()}"
    return db


SQLITE_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",  # a committed batch survives a power cut (docs/decisions.md §2)
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 30000",
)


def make_engine(db: str) -> Engine:
    url = make_url(normalise_url(db))
    # hide_parameters: an SQL error never carries record values into logs (docs/decisions.md §7)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, hide_parameters=True, pool_pre_ping=True)
    engine = create_engine(url, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # SQLAlchemy's recipe: we emit BEGIN ourselves
        cursor = dbapi_conn.cursor()
        try:
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """The engine with a reading and a writing session factory."""

    def __init__(self, db: str) -> None:
        self.url = normalise_url(db)
        self.engine = make_engine(self.url)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction, committed when the block ends normally, rolled back otherwise."""
        with self._writer.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    def upgrade(self) -> None:
        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


# --- migrations (Alembic, driven from code like instructor_app/storage/migrate.py) -------------

_SCRIPTS = Path(__file__).resolve().parent / "migrations"


def _alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_SCRIPTS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class UnknownRevision(Exception):
    """The database was made by a newer server version: it is refused, not touched."""


def upgrade(engine: Engine) -> None:
    """Bring the schema to this build's head in one transaction (a no-op when it is there)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    current = current_revision(engine)
    known = {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}
    if current is not None and current not in known:
        raise UnknownRevision(f"database schema revision {current} is newer than this server")
    with engine.execution_options(sqlite_immediate=True).begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
