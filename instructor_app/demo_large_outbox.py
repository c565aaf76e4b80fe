"""Bulk writing for the large demo: many synced rows at once, each with its outbox entry, exactly as
``storage.changelog`` stamps them when a service adds a record through the ORM.

For every row: a new UUID, ``created_at`` (the moment it happened in the demo's story, else now),
``updated_at`` = now, ``updated_by`` = the facilitator who recorded it, ``row_version`` 1, no
tombstone; and one ``change_log`` row: ``insert``, the same version, a fresh HLC from the
database's clock (strictly increasing, in write order), ``changed_at`` = ``updated_at``,
``changed_by`` = ``updated_by``, state ``pending``. Rows go out table by table in the order the
tables refer to each other (parents first), so the outbox drains parents before children, and the
whole build is one transaction: a failure leaves nothing behind.

This bypasses the ORM only for speed (Core ``executemany``); it writes nothing the ORM path would not.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert

from instructor_app.storage.database import Database
from instructor_app.storage.models import ChangeLog, SyncedRecord, utcnow

ENVELOPE = ("id", "created_at", "updated_at", "updated_by", "row_version", "deleted_at")


def _defaults(model: type[SyncedRecord]) -> dict[str, Any]:
    """Each non-envelope column's default as the ORM would fill it (scalars only; NULL for a nullable
    column without one; any other column must be given)."""
    found: dict[str, Any] = {}
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        if column.key in ENVELOPE:
            continue
        default = column.default
        if default is None:
            found[column.key] = None if column.nullable else _REQUIRED
        elif default.is_scalar:
            found[column.key] = default.arg
        else:
            raise TypeError(f"{model.__tablename__}.{column.key}: a callable default is not supported here")
    return found


_REQUIRED = object()


class BulkOutbox:
    """Collects rows per table, then writes them and their outbox entries in one transaction."""

    def __init__(self, db: Database, new_id: Callable[[], uuid.UUID] = uuid.uuid4) -> None:
        self.db = db
        self.now = utcnow()
        self._new_id = new_id
        self._rows: dict[type[SyncedRecord], list[dict[str, Any]]] = {}
        self._by_id: dict[uuid.UUID, dict[str, Any]] = {}
        self._defaults: dict[type[SyncedRecord], dict[str, Any]] = {}

    def add(self, model: type[SyncedRecord], actor: uuid.UUID, at: dt.datetime | None = None,
            **values: Any) -> uuid.UUID:
        """A new row of ``model`` recorded by ``actor`` at ``at`` (UTC); returns its id."""
        defaults = self._defaults.get(model)
        if defaults is None:
            defaults = self._defaults[model] = _defaults(model)
        row = dict(defaults)
        unknown = set(values) - set(defaults)
        if unknown:
            raise TypeError(f"{model.__tablename__}: unknown columns {sorted(unknown)}")
        row.update(values)
        missing = [key for key, value in row.items() if value is _REQUIRED]
        if missing:
            raise TypeError(f"{model.__tablename__}: missing {missing}")
        row_id = self._new_id()
        row.update(id=row_id, created_at=min(at, self.now) if at is not None else self.now, updated_at=self.now,
                   updated_by=actor, row_version=1, deleted_at=None)
        self._rows.setdefault(model, []).append(row)
        self._by_id[row_id] = row
        return row_id

    def set_value(self, model: type[SyncedRecord], row_id: uuid.UUID, **values: Any) -> None:
        """Change a collected row before it is written (its final state is what gets written)."""
        row = self._by_id[row_id]
        unknown = set(values) - set(self._defaults[model])
        if unknown:
            raise TypeError(f"{model.__tablename__}: unknown columns {sorted(unknown)}")
        row.update(values)

    def count(self, model: type[SyncedRecord]) -> int:
        return len(self._rows.get(model, ()))

    def counts(self) -> dict[str, int]:
        return {model.__tablename__: len(rows) for model, rows in self._rows.items()}  # type: ignore[attr-defined]

    def write(self, order: tuple[type[SyncedRecord], ...]) -> int:
        """Every collected row, tables in ``order`` (parents first), with its outbox entry; returns
        the number of rows written."""
        left = set(self._rows) - set(order)
        if left:
            raise ValueError(f"no place in the write order for {sorted(m.__tablename__ for m in left)}")  # type: ignore[attr-defined]
        clock = self.db.clock
        written = 0
        with self.db.session() as session:
            connection = session.connection()
            for model in order:
                rows = self._rows.get(model)
                if not rows:
                    continue
                connection.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
                table = model.__tablename__  # type: ignore[attr-defined]
                connection.execute(insert(ChangeLog.__table__), [
                    {"change_id": uuid.uuid4(), "table_name": table, "row_id": row["id"], "operation": "insert",
                     "row_version": 1, "hlc": clock.now().encode(), "changed_at": row["updated_at"],
                     "changed_by": row["updated_by"], "state": "pending", "reason": None}
                    for row in rows])
                written += len(rows)
        self._rows.clear()
        self._by_id.clear()
        return written


def at_time(day: dt.date, clock: str = "12:00") -> dt.datetime:
    """A local ``HH:MM`` on ``day`` as an aware UTC instant (Kyrgyzstan is UTC+6 all year)."""
    hours, minutes = (int(part) for part in clock.split(":"))
    local = dt.datetime(day.year, day.month, day.day, hours, minutes, tzinfo=KG_TIME)
    return local.astimezone(dt.UTC)


KG_TIME = dt.timezone(dt.timedelta(hours=6))
