"""The coordinator's review of concurrent edits (docs/sync-protocol.md §5).

The server resolves a concurrent edit by the later clock and keeps the losing version; both laptops
of the pair receive it (``sync_conflict``). Here it is listed with the fields in which it differs from
the version on this laptop now, and decided: **keep the current version**, or **restore the losing
version** — its values are saved again as a new edit, through the outbox like any edit, so it syncs
and wins by being newer. Either decision is a ``conflict_review`` record, which syncs too: the other
laptop stops listing the conflict.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from instructor_app.errors import UserError
from instructor_app.i18n import N_
from instructor_app.services.conflict_data import ConflictToReview, Decision, EditBy, FieldDifference
from instructor_app.services.conflict_fields import (
    KIND_LABELS,
    NOT_SHOWN,
    STAMPS,
    facilitator_name,
    field_label,
    shown,
    subject,
)
from instructor_app.storage.conflict_models import ConflictReview, SyncConflict
from instructor_app.storage.database import Database
from instructor_app.storage.models import ChangeLog
from instructor_app.sync.conflicts import count_to_review, not_reviewed
from instructor_app.sync.serialize import MODELS, attribute_values

log = logging.getLogger(__name__)


class ConflictAlreadyReviewed(UserError):
    default_msgid = N_("This change was already reviewed (on this laptop or the other one).")


class LosingVersionNotRestorable(UserError):
    default_msgid = N_("The losing version cannot be restored: the record is not on this laptop. "
                       "Sync, then try again. Nothing was changed.")


def _losing_values(conflict: SyncConflict) -> dict[str, Any] | None:
    """The losing version as attribute values (None: a table this build does not know, or broken data)."""
    if conflict.table_name not in MODELS:
        return None
    try:
        return attribute_values(conflict.table_name, json.loads(conflict.losing_data))
    except (ValueError, TypeError):
        log.warning("a kept losing version of %s cannot be read", conflict.table_name)
        return None


class SyncConflictService:
    def __init__(self, db: Database, actor_id: str | uuid.UUID | None) -> None:
        self.db = db
        self.actor_id = actor_id

    def count(self) -> int:
        """Conflicts nobody has reviewed yet, on either laptop."""
        with self.db.session(self.actor_id) as session:
            return count_to_review(session)

    def list(self) -> list[ConflictToReview]:
        """The conflicts to review, the latest first."""
        with self.db.session(self.actor_id) as session:
            conflicts = session.scalars(select(SyncConflict).where(not_reviewed())
                                        .order_by(SyncConflict.kept_at.desc(), SyncConflict.id)).all()
            return [self._describe(session, conflict) for conflict in conflicts]

    def _describe(self, session: Any, conflict: SyncConflict) -> ConflictToReview:
        own = self.db.device_id
        losing = _losing_values(conflict) or {}
        model = MODELS.get(conflict.table_name)
        row = session.get(model, conflict.row_id) if model is not None else None
        current = {key: getattr(row, key) for key in losing} if row is not None else {}
        differences = tuple(
            FieldDifference(key, field_label(key), shown(session, conflict.table_name, key, current.get(key)),
                            shown(session, conflict.table_name, key, value))
            for key, value in losing.items()
            if key not in NOT_SHOWN and (row is None or current.get(key) != value))
        name, day = subject(session, conflict.table_name, {**losing, **current})
        names = {conflict.losing_device: conflict.losing_device_name, conflict.winning_device: conflict.winning_device_name}
        # the version here now was made here if this laptop's outbox holds it (a pulled row keeps the
        # other laptop's stamp, and both laptops may have written the same row_version)
        mine = row is not None and session.scalar(select(ChangeLog.seq).where(
            ChangeLog.table_name == conflict.table_name, ChangeLog.row_id == conflict.row_id,
            ChangeLog.row_version == row.row_version, ChangeLog.changed_at == row.updated_at).limit(1)) is not None
        current_by = EditBy(
            facilitator=facilitator_name(session, row.updated_by) if row is not None else "",
            device=names.get(own, "") if mine else (conflict.winning_device_name if conflict.winning_device != own else ""),
            this_laptop=mine, at=row.updated_at if row is not None else None)
        losing_by = EditBy(facilitator=facilitator_name(session, losing.get("updated_by")),
                           device=conflict.losing_device_name, this_laptop=conflict.losing_device == own,
                           at=losing.get("updated_at"))
        return ConflictToReview(
            id=str(conflict.id), table=conflict.table_name,
            kind=KIND_LABELS.get(conflict.table_name, conflict.table_name), subject=name, subject_date=day,
            differences=differences, current=current_by, losing=losing_by, kept_at=conflict.kept_at,
            on_this_laptop=row is not None)

    @staticmethod
    def _to_review(session: Any, conflict_id: str) -> SyncConflict:
        try:
            key = uuid.UUID(str(conflict_id))
        except ValueError:
            raise ConflictAlreadyReviewed() from None
        conflict = session.scalar(select(SyncConflict).where(SyncConflict.id == key, not_reviewed()))
        if conflict is None:
            raise ConflictAlreadyReviewed()
        return conflict

    def keep_current(self, conflict_id: str) -> None:
        """The version on this laptop stays; the conflict is reviewed (on both laptops after sync)."""
        with self.db.session(self.actor_id) as session:
            conflict = self._to_review(session, conflict_id)
            session.add(ConflictReview(conflict_id=conflict.id, decision=Decision.KEPT_CURRENT.value))

    def restore_losing(self, conflict_id: str) -> None:
        """Save the losing version's values again as a new edit (it syncs and wins by being newer),
        and mark the conflict reviewed — in one transaction."""
        try:
            with self.db.session(self.actor_id) as session:
                conflict = self._to_review(session, conflict_id)
                values = _losing_values(conflict)
                row = session.get(MODELS[conflict.table_name], conflict.row_id) if values is not None else None
                if row is None:
                    raise LosingVersionNotRestorable()
                for key, value in values.items():  # type: ignore[union-attr]
                    if key not in STAMPS and getattr(row, key) != value:
                        setattr(row, key, value)
                session.add(ConflictReview(conflict_id=conflict.id, decision=Decision.RESTORED.value))
        except IntegrityError:  # e.g. it refers to a record that is gone: nothing was saved
            raise LosingVersionNotRestorable() from None


__all__ = ["ConflictAlreadyReviewed", "LosingVersionNotRestorable", "SyncConflictService"]
