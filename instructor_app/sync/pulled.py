"""Storing what a pull brought (the laptop's side of §5 of docs/sync-protocol.md): each page's rows
in one transaction, rows the database refuses for now tried again after the later rows of the page,
the cursor moved only past what is stored, and the clock advanced past every pulled timestamp (kept
in ``sync_state``, so an unlock resumes from it)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from instructor_app.storage.database import Database
from instructor_app.storage.models import ChangeLog, SyncState
from instructor_app.sync.conflicts import store_conflict
from instructor_app.sync.hlc import HlcTimestamp
from instructor_app.sync.protocol import CONFLICT_TABLE, RecordChange
from instructor_app.sync.serialize import UnknownTable, apply_change

log = logging.getLogger("instructor_app.sync.client")


@dataclass
class Counts:
    """What one sync did, counted as it goes (the summary is made from it)."""

    sent: int = 0
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    received: int = 0
    not_stored: int = 0
    batches: int = 0
    kept_local: int = 0
    skipped_tables: set[str] = field(default_factory=set)


def store_page(db: Database, records: list[RecordChange], outstanding: list[RecordChange], cursor: int,
               counts: Counts, *, final: bool) -> list[RecordChange]:
    """A page's rows, and the cursor when nothing before it is outstanding, in one transaction."""
    for record in records:
        try:
            db.clock.observe(HlcTimestamp.decode(record.hlc))
        except ValueError:
            log.warning("a pulled record carries an unreadable clock value")
    with db.remote_session() as session:
        pending = {(t, r) for t, r in session.execute(
            select(ChangeLog.table_name, ChangeLog.row_id).where(ChangeLog.state == "pending").distinct())}
        retry: list[RecordChange] = []
        for record in [*outstanding, *records]:
            if (record.table, record.id) in pending:
                counts.kept_local += 1  # its local change goes out next; the server resolves it
                continue
            if apply_one(session, record, counts) is None:
                retry.append(record)
        while retry:  # a row may refer to one stored later in the same page
            again = [r for r in retry if apply_one(session, r, counts) is None]
            progress = len(again) < len(retry)
            retry = again
            if not progress:
                break
        state = session.get(SyncState, 1)
        assert state is not None
        if records:  # the clock after this page's timestamps, so that an unlock resumes from it
            state.observed_hlc = db.clock.last.encode()
        if final and retry:
            counts.not_stored += len(retry)
            log.warning("%s pulled records could not be stored (a row they refer to is missing or a unique "
                        "value clashes: %s); they stay on the server", len(retry),
                        sorted({r.table for r in retry}))
            retry = []
        if not retry:
            state.pull_cursor = cursor
    return retry


def apply_one(session: Any, record: RecordChange, counts: Counts) -> bool | None:
    """True/False: stored (changed or not); None: refused by the database, to try again."""
    try:
        with session.begin_nested():
            if record.table == CONFLICT_TABLE:  # a losing version kept by the server, to review here
                changed = store_conflict(session, record)
            else:
                changed = apply_change(session, record)
            session.flush()
    except UnknownTable:
        counts.skipped_tables.add(record.table)
        counts.not_stored += 1
        return False
    except (ValueError, TypeError):
        counts.not_stored += 1
        log.warning("a pulled %s record has a value of the wrong type; not stored", record.table)
        return False
    except (IntegrityError, StaleDataError):
        return None
    counts.received += 1
    return changed
