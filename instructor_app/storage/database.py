"""An open, unlocked store: the SQLCipher engine plus the session factory that writes the outbox.

``Database.open`` upgrades an older schema (after an automatic encrypted backup, made by the
caller-supplied ``before_upgrade`` hook) and refuses a schema newer than this build knows.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from instructor_app import errors
from instructor_app.storage import backup, migrate
from instructor_app.storage.changelog import ACTOR_KEY, CLOCK_KEY, REMOTE_KEY, OutboxSession
from instructor_app.storage.engine import create_store_engine, integrity_problems, key_literal, storage_errors
from instructor_app.storage.models import ChangeLog, Device, SyncState
from instructor_app.sync.hlc import HlcTimestamp, HybridLogicalClock

log = logging.getLogger(__name__)


class Database:
    def __init__(self, path: Path, key: bytes, engine: Engine) -> None:
        self.path = path
        self._key = key
        self.engine = engine
        self.device_id: uuid.UUID = uuid.UUID(int=0)
        self.clock = HybridLogicalClock("0")

    @classmethod
    def open(cls, path: Path, key: bytes, *,
             before_upgrade: Callable[["Database", str | None], None] | None = None,
             create: bool = True, exclusive: bool = False) -> "Database":
        """Open (creating if absent, unless ``create`` is False) and bring the schema to head."""
        with storage_errors(path):
            engine = create_store_engine(path, key, exclusive=exclusive)
            db = cls(path, key, engine)
            try:
                current = migrate.current_revision(engine)
                if current is None and not create:
                    raise errors.StoreDamaged()  # e.g. an emptied file: never start a new store in it
                head = migrate.head_revision()
                if current is not None and current not in migrate.known_revisions():
                    raise errors.NewerSchema()
                if current != head:
                    if current is not None and before_upgrade is not None:
                        before_upgrade(db, current)
                    log.info("upgrading schema %s -> %s", current, head)
                    migrate.upgrade(engine)
                db._load_device()
            except BaseException:
                engine.dispose()
                raise
            return db

    def _load_device(self) -> None:
        with OutboxSession(self.engine) as session, session.begin():
            device = session.scalar(select(Device))
            if device is None:
                device = Device()
                session.add(device)
                session.flush()
            self.device_id = device.id
            last = session.scalar(select(func.max(ChangeLog.hlc)))
            observed = session.scalar(select(SyncState.observed_hlc).where(SyncState.id == 1))
        # the clock resumes after this laptop's own changes and after what it saw from the server
        # (a pulled edit from a laptop whose clock ran ahead): a later local edit sorts after both
        stamps = []
        for stored in filter(None, (last, observed)):
            try:
                stamps.append(HlcTimestamp.decode(stored))
            except ValueError:
                log.warning("an unreadable stored clock value is ignored")
        node = self.device_id.hex[:16]
        self.clock = HybridLogicalClock(node, max(stamps) if stamps else None)

    @contextmanager
    def session(self, actor_id: uuid.UUID | str | None = None) -> Iterator[OutboxSession]:
        """One transaction: commits when the block ends, rolls back on any error."""
        with storage_errors(self.path):
            with OutboxSession(self.engine, info={ACTOR_KEY: actor_id, CLOCK_KEY: self.clock},
                               expire_on_commit=False) as session:
                with session.begin():
                    yield session

    def integrity_problems(self) -> list[str]:
        """SQLCipher's HMAC check of every page, SQLite's page check, and foreign keys."""
        with storage_errors(self.path), self.engine.connect() as conn:
            return integrity_problems(conn)

    def schema_revision(self) -> str | None:
        return migrate.current_revision(self.engine)

    def export_copy(self, dest: Path) -> None:
        """Write a consistent encrypted copy (same key) with SQLCipher's ``sqlcipher_export``."""
        if dest.exists():
            dest.unlink()
        with storage_errors(dest), self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute(f"ATTACH DATABASE ? AS export KEY \"{key_literal(self._key)}\"", (str(dest),))
            try:
                raw.execute("SELECT sqlcipher_export('export')")
                version = raw.execute("PRAGMA main.user_version").fetchone()[0]
                raw.execute(f"PRAGMA export.user_version = {int(version)}")
            finally:
                raw.execute("DETACH DATABASE export")

    def write_backup(self, keystore_path: Path, dest: Path) -> tuple[backup.Manifest, Path]:
        """A verified ``.iabackup`` of this store and its key file; returns its manifest and path."""
        return backup.write_backup(self.export_copy, self._key, keystore_path, self.schema_revision(), dest)

    def checkpoint(self) -> None:
        with storage_errors(self.path), self.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

    def close(self) -> None:
        """Close every connection and drop the key (Python cannot wipe it; nothing refers to it)."""
        self.engine.dispose()
        self._key = b""

    @contextmanager
    def remote_session(self) -> Iterator[OutboxSession]:
        """One transaction that stores rows pulled from the server as they came: no stamps, no
        outbox entries (they would bounce back)."""
        with storage_errors(self.path):
            with OutboxSession(self.engine, info={ACTOR_KEY: None, CLOCK_KEY: self.clock, REMOTE_KEY: True},
                               expire_on_commit=False) as session:
                with session.begin():
                    yield session


__all__ = ["Database"]
