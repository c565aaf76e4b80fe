"""Losing versions sent down by the server (docs/sync-protocol.md §5), stored on this laptop.

A pull record of table ``CONFLICT_TABLE`` carries a ``ConflictNotice``; it is kept in
``sync_conflict`` under the server's conflict id, so a page pulled again stores nothing twice. A
conflict is *to review* until a ``conflict_review`` names it (made here or on the other laptop).
"""

from __future__ import annotations

import json

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from instructor_app.storage.conflict_models import ConflictReview, SyncConflict
from instructor_app.sync.protocol import ConflictNotice, RecordChange


def store_conflict(session: Session, record: RecordChange) -> bool:
    """Keep the conflict ``record`` describes; False if it is here already. Raises ValueError (pydantic's
    ValidationError is one) for a notice that does not validate."""
    notice = ConflictNotice.model_validate(record.data)
    if session.get(SyncConflict, record.id) is not None:
        return False
    session.add(SyncConflict(
        id=record.id, table_name=notice.table, row_id=notice.row_id,
        losing_device=notice.losing_device, losing_device_name=notice.losing_device_name,
        losing_hlc=notice.losing_hlc, losing_row_version=notice.losing_row_version,
        losing_operation=notice.losing_operation.value,
        losing_data=json.dumps(notice.losing_data, ensure_ascii=False, separators=(",", ":")),
        winning_device=notice.winning_device, winning_device_name=notice.winning_device_name,
        winning_hlc=notice.winning_hlc, kept_at=notice.kept_at))
    return True


def not_reviewed():  # noqa: ANN201 - a SQL condition on SyncConflict
    """No review of the conflict exists (from either laptop)."""
    return ~exists().where(ConflictReview.conflict_id == SyncConflict.id, ConflictReview.deleted_at.is_(None))


def count_to_review(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SyncConflict).where(not_reviewed())) or 0)


__all__ = ["count_to_review", "not_reviewed", "store_conflict"]
