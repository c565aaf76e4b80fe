"""Rows of synced tables to and from the wire (docs/sync-protocol.md §3).

A change on the wire is the row's current state: ``data`` holds every mapped column except the
envelope's ``id`` and ``row_version``; UUIDs travel as text, dates and datetimes as ISO-8601 text
(datetimes aware UTC, as they are stored), booleans, integers and text as JSON has them.

``apply_change`` stores a pulled row as it came (it runs in ``Database.remote_session``: no stamps,
no outbox entry), keeping the remote ``row_version``, ``updated_at`` and ``updated_by``.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Date, Integer, Uuid, inspect, select
from sqlalchemy.orm import Session

from instructor_app.storage.models import (
    SYNCED_TABLES,
    ChangeLog,
    SyncedRecord,
    UTCDateTime,
)
from instructor_app.sync.protocol import Operation, RecordChange

log = logging.getLogger(__name__)

ENVELOPE = ("id", "row_version")  # carried by RecordChange itself, not in ``data``

MODELS: dict[str, type[SyncedRecord]] = {model.__tablename__: model for model in SYNCED_TABLES}  # type: ignore[attr-defined]


class UnknownTable(ValueError):
    """A table this build does not sync (a newer server's table): the record is not stored here."""


@cache
def _columns(model: type[SyncedRecord]) -> tuple[tuple[str, str, Any], ...]:
    """(attribute key, column name, column type) of every mapped column but the envelope."""
    found = []
    for attr in inspect(model).column_attrs:
        column = attr.columns[0]
        if attr.key in ENVELOPE:
            continue
        found.append((attr.key, column.name, column.type))
    return tuple(found)


def _to_wire(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a synced row")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return value
    raise TypeError(f"cannot put a {type(value).__name__} on the wire")


def _from_wire(value: Any, column_type: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, UTCDateTime):
        parsed = dt.datetime.fromisoformat(str(value))
        if parsed.tzinfo is None:
            raise ValueError("naive datetime on the wire")
        return parsed.astimezone(dt.UTC)
    if isinstance(column_type, Date):
        return dt.date.fromisoformat(str(value))
    if isinstance(column_type, Uuid):
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    if isinstance(column_type, Boolean):
        if not isinstance(value, bool):
            raise TypeError("a boolean column got a non-boolean value")
        return value
    if isinstance(column_type, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("an integer column got a non-integer value")
        return value
    if not isinstance(value, str):
        raise TypeError("a text column got a non-text value")
    return value


def _uuid_to_wire(value: Any) -> Any:
    return None if value is None else str(value)


def _date_to_wire(value: Any) -> Any:
    return None if value is None else _to_wire(value)


@cache
def _writers(model: type[SyncedRecord]) -> tuple[tuple[str, str, Callable[[Any], Any]], ...]:
    """(attribute key, column name, value → wire form) of every column but the envelope: the same
    result as ``_to_wire``, with the type test done once per column instead of once per value (a
    first sync serialises every row of the laptop)."""
    found = []
    for key, name, column_type in _columns(model):
        writer: Callable[[Any], Any] = _to_wire
        if isinstance(column_type, Uuid):
            writer = _uuid_to_wire
        elif isinstance(column_type, (UTCDateTime, Date)):
            writer = _date_to_wire
        found.append((key, name, writer))
    return tuple(found)


def row_data(row: SyncedRecord) -> dict[str, Any]:
    """The ``data`` of a row: every mapped column but the envelope, in wire form."""
    return _data(type(row), row)


def _data(model: type[SyncedRecord], row: Any) -> dict[str, Any]:
    return {name: write(getattr(row, key)) for key, name, write in _writers(model)}


def to_change(row: SyncedRecord, log_entry: ChangeLog, operation: Operation | str | None = None) -> RecordChange:
    """The row's current state as a RecordChange, stamped with ``log_entry``'s clock.

    ``operation`` defaults to the entry's, except that a tombstoned row always travels as ``delete``.
    """
    return change_of(type(row), row, log_entry, operation)


def change_of(model: type[SyncedRecord], row: Any, log_entry: Any, operation: Operation | str | None = None
              ) -> RecordChange:
    """``to_change`` for an ORM object of ``model`` or a row read by ``current_rows`` (the same
    attributes); ``log_entry`` needs ``operation`` and ``hlc``."""
    op = Operation(operation or log_entry.operation)
    if row.deleted_at is not None:
        op = Operation.DELETE
    return RecordChange(table=model.__tablename__, id=row.id, row_version=row.row_version,  # type: ignore[attr-defined]
                        hlc=log_entry.hlc, operation=op, data=_data(model, row))


def current_rows(session: Session, model: type[SyncedRecord], ids: list[uuid.UUID],
                 chunk: int = 500) -> dict[uuid.UUID, Any]:
    """The stored rows of ``model`` with these ids, as plain rows (no ORM objects: cheap for tens of
    thousands) whose attributes are the model's attribute keys, for ``change_of``."""
    table = model.__table__  # type: ignore[attr-defined]
    columns = [attr.columns[0].label(attr.key) for attr in inspect(model).column_attrs]
    found: dict[uuid.UUID, Any] = {}
    for start in range(0, len(ids), chunk):
        for row in session.execute(select(*columns).where(table.c.id.in_(ids[start:start + chunk]))).all():
            found[row.id] = row
    return found


def model_for(table: str) -> type[SyncedRecord]:
    try:
        return MODELS[table]
    except KeyError:
        raise UnknownTable(table) from None


def values_from(change: RecordChange) -> dict[str, Any]:
    """The attribute values of ``change`` for its ORM class (unknown keys ignored: a newer peer's
    columns; missing keys left out: the column keeps its default or its current value)."""
    return attribute_values(change.table, change.data)


def attribute_values(table: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` in wire form (e.g. a losing version kept by the server) as attribute values of ``table``'s
    ORM class; the same rules as ``values_from``."""
    model = model_for(table)
    values: dict[str, Any] = {}
    for key, name, column_type in _columns(model):
        if name in data:
            values[key] = _from_wire(data[name], column_type)
    return values


def apply_change(session: Session, change: RecordChange) -> bool:
    """Upsert ``change`` by id in a ``remote_session``; True if the local row was created or changed.

    The row keeps the remote ``row_version``, ``updated_at`` and ``updated_by`` (a remote session
    writes no stamps and no outbox entry). Raises ``UnknownTable`` for a table this build does not
    sync, ValueError or TypeError for a value that does not fit its column.
    """
    model = model_for(change.table)
    values = values_from(change)
    row = session.get(model, change.id)
    if row is None:
        session.add(model(id=change.id, row_version=change.row_version, **values))
        return True
    changed = row.row_version != change.row_version
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    if row.row_version != change.row_version:
        row.row_version = change.row_version
    return changed


__all__ = ["MODELS", "UnknownTable", "apply_change", "attribute_values", "change_of", "current_rows", "model_for",
           "row_data", "to_change", "values_from"]
