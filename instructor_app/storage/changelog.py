"""Stamps synced records and writes their outbox rows inside the same flush/transaction.

Installed once on the ``Session`` class used by ``Database``. Services change records through the
ORM only: a bulk ``update()``/``delete()`` statement would bypass the outbox, so the session
refuses hard deletes of synced records (use ``soft_delete``).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from instructor_app.storage.models import ChangeLog, SyncedRecord, utcnow

ACTOR_KEY = "actor_id"
CLOCK_KEY = "clock"
REMOTE_KEY = "applying_remote"  # rows pulled from the server: stored as they came, no outbox entry


class HardDeleteRefused(RuntimeError):
    """Synced records are tombstoned, never deleted (they may already be on the server)."""


def soft_delete(record: SyncedRecord) -> None:
    if record.deleted_at is None:
        record.deleted_at = utcnow()


class OutboxSession(Session):
    """A Session that stamps synced records and writes the change log."""


def _actor(session: Session) -> uuid.UUID | None:
    actor = session.info.get(ACTOR_KEY)
    return uuid.UUID(str(actor)) if actor else None


@event.listens_for(OutboxSession, "before_flush")
def _stamp(session: Session, _ctx: Any, _instances: Any) -> None:
    if session.info.get(REMOTE_KEY):
        return  # another device's change keeps its own stamps and version
    now = utcnow()
    actor = _actor(session)
    for obj in session.deleted:
        if isinstance(obj, SyncedRecord):
            raise HardDeleteRefused(f"{type(obj).__name__} rows are soft-deleted; use soft_delete()")
    for obj in session.new:
        if isinstance(obj, SyncedRecord):
            obj.id = obj.id or uuid.uuid4()
            obj.created_at = obj.created_at or now
            obj.updated_at = now
            obj.updated_by = actor
            obj.row_version = 1
    for obj in session.dirty:
        if isinstance(obj, SyncedRecord) and session.is_modified(obj, include_collections=False):
            obj.updated_at = now
            obj.updated_by = actor
            obj.row_version = (inspect(obj).committed_state.get("row_version") or obj.row_version) + 1


@event.listens_for(OutboxSession, "after_flush")
def _record(session: Session, _ctx: Any) -> None:
    if session.info.get(REMOTE_KEY):
        return  # would bounce back to the server
    actor = _actor(session)
    rows: list[dict[str, Any]] = []

    def add(obj: SyncedRecord, operation: str) -> None:
        rows.append({
            "change_id": uuid.uuid4(),
            "table_name": obj.__tablename__,  # type: ignore[attr-defined]
            "row_id": obj.id,
            "operation": operation,
            "row_version": obj.row_version,
            "changed_at": obj.updated_at,
            "changed_by": actor,
            "state": "pending",
        })

    for obj in session.new:
        if isinstance(obj, SyncedRecord):
            add(obj, "insert")
    for obj in session.dirty:
        if not isinstance(obj, SyncedRecord) or not session.is_modified(obj, include_collections=False):
            continue
        tombstoned = inspect(obj).attrs.deleted_at.history.added
        add(obj, "delete" if tombstoned and tombstoned[0] is not None else "update")
    if rows:
        clock = session.info[CLOCK_KEY]
        for row in rows:
            row["hlc"] = clock.now().encode()
        session.connection().execute(insert(ChangeLog.__table__), rows)
