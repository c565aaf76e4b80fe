"""A losing version of a record, stored exactly as the sync client stores one it pulls: for the
screenshots of the review dialog and the UI test that drives it (a real conflict needs two laptops
and a server; this is the same row in the same table, written by the same code)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from instructor_app.storage.database import Database
from instructor_app.sync.conflicts import store_conflict
from instructor_app.sync.protocol import CONFLICT_TABLE, ConflictNotice, Operation, RecordChange
from instructor_app.sync.serialize import row_data


def _hlc(device: uuid.UUID, ms: int) -> str:
    return f"{ms:015d}-000000000-{device.hex[:16]}"


def store_losing_version(db: Database, model: type, row_id: uuid.UUID, changes: dict[str, Any], *,
                         losing_name: str, winning_name: str) -> None:
    """Record that another laptop's edit of ``row_id`` (this row with ``changes``) lost a minute ago
    to this laptop's current version."""
    other_laptop = uuid.uuid4()
    with db.session() as session:
        losing = {**row_data(session.get(model, row_id)), **changes}
    now = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    notice = ConflictNotice(
        table=model.__tablename__, row_id=row_id, losing_device=other_laptop, losing_device_name=losing_name,
        losing_hlc=_hlc(other_laptop, now - 60_000), losing_row_version=2, losing_operation=Operation.UPDATE,
        losing_data=losing, winning_device=db.device_id, winning_device_name=winning_name,
        winning_hlc=_hlc(db.device_id, now), kept_at=dt.datetime.now(dt.UTC))
    change = RecordChange(table=CONFLICT_TABLE, id=uuid.uuid4(), row_version=1, hlc=notice.winning_hlc,
                          operation=Operation.INSERT, data=notice.model_dump(mode="json"))
    with db.remote_session() as session:
        store_conflict(session, change)
