"""The sync rules of the receiving service (docs/sync-protocol.md §4–6), on an open session.

``apply_batch`` decides every record of a batch inside the caller's single transaction and stores
the answer under the batch id; ``pull`` reads a page of the centre's feed.

Per record, in this order:

1. a table that is not one of the app's synced tables → ``rejected`` ``unknown_table``;
2. a row id already stored under another centre → ``rejected`` ``forbidden_centre``, except for
   programme and instrument versions (``SHARED_TABLES``: the same id on every laptop, derived from
   key and version), which are a ``duplicate``;
3. no stored row → ``accepted``;
4. the stored ``(row_version, hlc)`` again → ``duplicate``;
5. append-only tables (facts: attendance, answers, partner answers, status and schedule changes)
   → a known id is a ``duplicate`` (the app never edits a fact; should a fact ever arrive with a
   higher ``row_version``, it goes through the editable rules below rather than being dropped);
6. editable tables: a higher ``row_version`` than stored → ``accepted`` (the sender had seen the
   stored version, or it is its own); an older version of the sender's own row that was already
   superseded by that same device (lower ``row_version`` *and* earlier ``hlc``: batches arriving
   out of order) → ``duplicate``; anything else is a concurrent edit → ``conflict``: the later
   ``hlc`` wins (wall time, then counter; a tie goes to the greater device id), the losing version
   is kept in ``conflict`` (once, however often it is resent), and when the incoming version wins
   it replaces the stored one.

Every stored write takes a new number from ``feed_counter`` as ``feed_seq``: the centre's feed.
Writers of one centre are serialised by a row lock on the centre (``SELECT … FOR UPDATE``; SQLite
serialises all writers anyway), so within a centre feed numbers become visible in increasing order
and a pull cursor never skips a change committed later with a smaller number.

Every kept loser also becomes a feed entry of the pseudo-table ``CONFLICT_TABLE`` (row id = the
conflict's id, ``data`` = a ``ConflictNotice``), so ``pull`` sends it down with the same cursor to
every laptop of the centre that asks for conflicts (``include=conflicts``), including the two that
made the edits; a resent loser is known and adds nothing. A ``conflict_review`` record (a fact,
pushed by the laptop where the coordinator decided) marks the conflict reviewed here too. A laptop
cannot push ``CONFLICT_TABLE`` (``unknown_table``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from instructor_app.server.db import (
    Batch,
    Centre,
    Conflict,
    Device,
    FeedCounter,
    Record,
    reserve_feed_ids,
    utcnow,
)
from instructor_app.storage.models import SYNCED_TABLES
from instructor_app.sync.protocol import (
    CONFLICT_TABLE,
    MAX_BATCH_BYTES,
    MAX_RECORDS,
    ConflictNotice,
    Operation,
    Outcome,
    PullPage,
    PushBatch,
    PushResult,
    RecordChange,
    RecordResult,
)

KNOWN_TABLES = frozenset(cls.__tablename__ for cls in SYNCED_TABLES)
SHARED_TABLES = frozenset({"curriculum_version", "instrument_version"})
APPEND_ONLY = frozenset({"attendance", "answer", "partner_answer", "status_change", "schedule_change",
                         "conflict_review"})
REVIEW_TABLE = "conflict_review"
assert APPEND_ONLY <= KNOWN_TABLES, APPEND_ONLY - KNOWN_TABLES
assert CONFLICT_TABLE not in KNOWN_TABLES  # made by the server only, never pushed


class BatchIdTaken(Exception):
    """A batch id already used by another device (never by an honest client: ids are UUIDs)."""


@dataclass(frozen=True)
class Version:
    """Who wrote which version of a row, for deciding a concurrent edit."""

    row_version: int
    hlc: str
    device_id: uuid.UUID

    def sort_key(self) -> tuple[int, int, uuid.UUID]:
        wall, counter, _node = self.hlc.split("-", 2)
        return int(wall), int(counter), self.device_id


def wins(a: Version, b: Version) -> bool:
    """Whether ``a`` beats ``b`` in a concurrent edit: later HLC, ties to the greater device id.
    The same answer on every server process, whichever arrived first."""
    return a.sort_key() > b.sort_key()


def _data_json(change: RecordChange) -> str:
    return json.dumps(change.data, ensure_ascii=False, separators=(",", ":"))


def _result(change: RecordChange, outcome: Outcome, **extra: object) -> RecordResult:
    return RecordResult(table=change.table, id=change.id, outcome=outcome, **extra)  # type: ignore[arg-type]


class _Applier:
    def __init__(self, session: Session, device: Device, block: int = 1) -> None:
        self.session = session
        self.device = device
        self.last_feed_id = 0
        self.block = max(1, block)  # feed numbers reserved at once (the batch's size: one statement)
        self._reserved: list[int] = []

    def next_feed_id(self) -> int:
        if not self._reserved:  # taken under the centre's lock, so they still grow per centre
            self._reserved = reserve_feed_ids(self.session, self.block)[::-1]
        feed_id = self._reserved.pop()
        self.last_feed_id = feed_id
        return feed_id

    def load(self, changes: list[RecordChange]) -> dict[tuple[str, uuid.UUID], Record]:
        wanted: dict[str, set[uuid.UUID]] = {}
        for change in changes:
            wanted.setdefault(change.table, set()).add(change.id)
        found: dict[tuple[str, uuid.UUID], Record] = {}
        for table, ids in wanted.items():
            rows = self.session.scalars(select(Record).where(Record.table_name == table, Record.row_id.in_(ids)))
            found.update({(row.table_name, row.row_id): row for row in rows})
        return found

    def store(self, change: RecordChange, row: Record | None) -> Record:
        feed_seq = self.next_feed_id()
        if row is None:
            row = Record(table_name=change.table, row_id=change.id, centre_id=self.device.centre_id)
            self.session.add(row)
        row.row_version = change.row_version
        row.hlc = change.hlc
        row.device_id = self.device.id
        row.operation = change.operation.value
        row.data_json = _data_json(change)
        row.feed_seq = feed_seq
        return row

    def keep_loser(self, table: str, row_id: uuid.UUID, loser: Version, operation: str, data_json: str,
                   winner: Version) -> None:
        """Keep the losing version, and put it in the centre's feed for the laptops to review."""
        feed_seq = self.next_feed_id()
        conflict = Conflict(
            id=uuid.uuid4(), table_name=table, row_id=row_id, centre_id=self.device.centre_id,
            losing_device=loser.device_id, losing_hlc=loser.hlc, losing_row_version=loser.row_version,
            losing_operation=operation, losing_data_json=data_json,
            winning_device=winner.device_id, winning_hlc=winner.hlc, at=utcnow())
        self.session.add(conflict)
        names = dict(self.session.execute(select(Device.id, Device.name).where(
            Device.id.in_({loser.device_id, winner.device_id}))).tuples().all())
        notice = ConflictNotice(
            table=table, row_id=row_id, losing_device=loser.device_id,
            losing_device_name=names.get(loser.device_id, "")[:200], losing_hlc=loser.hlc,
            losing_row_version=loser.row_version, losing_operation=Operation(operation),
            losing_data=json.loads(data_json), winning_device=winner.device_id,
            winning_device_name=names.get(winner.device_id, "")[:200], winning_hlc=winner.hlc, kept_at=conflict.at)
        self.session.add(Record(
            table_name=CONFLICT_TABLE, row_id=conflict.id, centre_id=self.device.centre_id, row_version=1,
            hlc=winner.hlc, device_id=self.device.id, operation=Operation.INSERT.value,
            data_json=notice.model_dump_json(), feed_seq=feed_seq))

    def mark_reviewed(self, change: RecordChange) -> None:
        """A review pushed by a laptop: the conflict it names (of this centre) is reviewed here too."""
        try:
            conflict_id = uuid.UUID(str(change.data.get("conflict_id")))
        except ValueError:
            return
        conflict = self.session.get(Conflict, conflict_id)
        if conflict is not None and conflict.centre_id == self.device.centre_id and conflict.reviewed_at is None:
            conflict.reviewed_at = utcnow()

    def known_loser(self, change: RecordChange) -> bool:
        return self.session.scalar(select(Conflict.id).where(
            Conflict.table_name == change.table, Conflict.row_id == change.id,
            Conflict.losing_device == self.device.id, Conflict.losing_hlc == change.hlc,
            Conflict.losing_row_version == change.row_version).limit(1)) is not None

    def decide(self, change: RecordChange, row: Record | None) -> tuple[RecordResult, Record | None]:
        if change.table not in KNOWN_TABLES:
            return _result(change, Outcome.REJECTED, code="unknown_table",
                           message="this table is not synced"), row
        if row is not None and row.centre_id != self.device.centre_id and change.table in SHARED_TABLES:
            # a programme or instrument version has the same id everywhere (key + version): every centre
            # holds the same shipped files, so another centre's copy is this one's too
            return _result(change, Outcome.DUPLICATE), row
        if row is not None and row.centre_id != self.device.centre_id:
            return _result(change, Outcome.REJECTED, code="forbidden_centre",
                           message="this record id belongs to another centre"), row
        if row is None:
            if change.table == REVIEW_TABLE:
                self.mark_reviewed(change)
            return _result(change, Outcome.ACCEPTED), self.store(change, None)
        if (change.row_version, change.hlc) == (row.row_version, row.hlc):
            return _result(change, Outcome.DUPLICATE), row
        if change.table in APPEND_ONLY and change.row_version <= row.row_version:
            return _result(change, Outcome.DUPLICATE), row
        incoming = Version(change.row_version, change.hlc, self.device.id)
        stored = Version(row.row_version, row.hlc, row.device_id)
        if incoming.row_version > stored.row_version:
            return _result(change, Outcome.ACCEPTED), self.store(change, row)
        if stored.device_id == incoming.device_id and not wins(incoming, stored) \
                and incoming.row_version < stored.row_version:
            # An older version of this device's own row, superseded by its own later edit.
            return _result(change, Outcome.DUPLICATE), row
        if self.known_loser(change):  # a losing version sent again: kept already, same answer
            return _result(change, Outcome.CONFLICT, winner_hlc=row.hlc, winner_device=row.device_id), row
        if wins(incoming, stored):
            self.keep_loser(row.table_name, row.row_id, stored, row.operation, row.data_json, incoming)
            self.store(change, row)
            return _result(change, Outcome.CONFLICT, winner_hlc=incoming.hlc, winner_device=incoming.device_id), row
        self.keep_loser(change.table, change.id, incoming, change.operation.value, _data_json(change), stored)
        return _result(change, Outcome.CONFLICT, winner_hlc=stored.hlc, winner_device=stored.device_id), row


def apply_batch(session: Session, device: Device, batch: PushBatch) -> PushResult:
    """Apply a batch and store its answer, in the caller's transaction (commit it once, after this).

    A batch id already stored returns the stored answer unchanged and applies nothing.
    """
    if batch.device_id != device.id:
        raise ValueError("the batch names another device")
    # Serialise this centre's writers (a no-op on SQLite, whose writers are serialised already).
    session.execute(select(Centre.id).where(Centre.id == device.centre_id).with_for_update())
    stored = session.get(Batch, batch.batch_id)
    if stored is not None:
        if stored.device_id != device.id:
            raise BatchIdTaken(str(batch.batch_id))
        return PushResult.model_validate_json(stored.result_json)

    applier = _Applier(session, device, block=len(batch.records))
    rows = applier.load(batch.records)
    results = []
    for change in batch.records:
        key = (change.table, change.id)
        result, row = applier.decide(change, rows.get(key))
        if row is not None:
            rows[key] = row
        results.append(result)
    answer = PushResult(batch_id=batch.batch_id, results=results)
    session.add(Batch(batch_id=batch.batch_id, device_id=device.id, sequence=batch.sequence,
                      received_at=utcnow(), record_count=len(batch.records), result_json=answer.model_dump_json()))
    device.last_sequence = max(device.last_sequence, batch.sequence)
    if applier.last_feed_id:
        # Only the newest counter row matters (the ids are never reused); keep the table small.
        session.execute(delete(FeedCounter).where(FeedCounter.id < applier.last_feed_id))
    session.flush()
    return answer


def pull(session: Session, device: Device, cursor: int, limit: int = MAX_RECORDS, *,
         conflicts: bool = False) -> PullPage:
    """The centre's changes after ``cursor``, except those whose current version this device wrote.
    With ``conflicts`` (a device that asks ``include=conflicts``) the feed's conflicts to review come
    too, to every device of the centre; without, they are passed over (an older app does not ask).

    At most ``limit`` (≤ 500) records and about MAX_BATCH_BYTES of JSON (always at least one record);
    ``cursor`` in the answer is the last change returned (the input cursor when none), ``more`` says
    whether another page is waiting.
    """
    limit = max(1, min(limit, MAX_RECORDS))
    rows = session.scalars(
        select(Record)
        .where(or_(Record.centre_id == device.centre_id, Record.table_name.in_(SHARED_TABLES)),  # reference data
               Record.feed_seq > cursor,
               # no echo of this device's own writes, but every conflict goes to every laptop that asks
               or_(Record.device_id != device.id, Record.table_name == CONFLICT_TABLE) if conflicts
               else and_(Record.device_id != device.id, Record.table_name != CONFLICT_TABLE))
        .order_by(Record.feed_seq)
        .limit(limit + 1)
    ).all()
    records: list[RecordChange] = []
    size = 0
    last = cursor
    more = False
    for row in rows:
        if len(records) == limit:
            more = True
            break
        change = RecordChange(table=row.table_name, id=row.row_id, row_version=row.row_version, hlc=row.hlc,
                              operation=Operation(row.operation), data=json.loads(row.data_json))
        change_size = len(change.model_dump_json())
        if records and size + change_size > MAX_BATCH_BYTES:
            more = True
            break
        records.append(change)
        size += change_size
        last = row.feed_seq
    return PullPage(records=records, cursor=last, more=more)
