"""Sync protocol v1 messages and bodies: round trips, batching limits, and the bodies a server must
refuse — another protocol version, malformed JSON, oversized bodies and a decompression bomb."""

from __future__ import annotations

import gzip
import uuid

import pytest

from instructor_app.sync.hlc import HybridLogicalClock
from instructor_app.sync.protocol import (MAX_DECOMPRESSED_BYTES, MAX_RECORDS, Operation, ProtocolError, PushBatch,
                                          PushResult, RecordChange, batches, decode, encode)

DEVICE = uuid.uuid4()
CLOCK = HybridLogicalClock(DEVICE.hex[:16])


def change(n: int, note: str = "") -> RecordChange:
    return RecordChange(table="attendance", id=uuid.uuid4(), row_version=1, hlc=CLOCK.now().encode(),
                        operation=Operation.INSERT, data={"mark": "late", "concern_note": note or f"эскертүү {n}"})


def test_a_batch_round_trips_compressed_with_cyrillic_intact() -> None:
    batch = PushBatch(batch_id=uuid.uuid4(), device_id=DEVICE, sequence=1, records=[change(n) for n in range(40)])
    body, headers = encode(batch)
    assert headers["Content-Encoding"] == "gzip" and len(body) < len(batch.model_dump_json().encode())
    assert decode(body, headers, PushBatch) == batch
    small = PushResult(batch_id=batch.batch_id, results=[])
    body, headers = encode(small)
    assert "Content-Encoding" not in headers and decode(body, headers, PushResult) == small


def test_records_are_cut_into_bounded_batches_with_growing_sequence() -> None:
    records = [change(n) for n in range(1203)]
    cut = batches(records, DEVICE, first_sequence=7)
    assert [len(b.records) for b in cut] == [500, 500, 203]
    assert [b.sequence for b in cut] == [7, 8, 9] and len({b.batch_id for b in cut}) == 3
    assert [r for b in cut for r in b.records] == records  # order kept, nothing lost or doubled
    big = [change(n, "ы" * 3000) for n in range(200)]  # ~6 KB each: the byte limit cuts first
    assert all(len(b.model_dump_json()) <= 256 * 1024 + 7000 for b in batches(big, DEVICE, 1))
    assert sum(len(b.records) for b in batches(big, DEVICE, 1)) == 200


@pytest.mark.parametrize(("body", "headers", "code"), [
    (b"{}", {"X-Instructor-Protocol": "2"}, "protocol_version"),
    (b"{}", {}, "protocol_version"),
    (b"{not json", {"X-Instructor-Protocol": "1"}, "malformed"),
    (b'{"batch_id": "x"}', {"X-Instructor-Protocol": "1"}, "malformed"),
    (b"\x1f\x8b garbage", {"X-Instructor-Protocol": "1", "Content-Encoding": "gzip"}, "malformed"),
    (b"x" * (600 * 1024), {"X-Instructor-Protocol": "1"}, "payload_too_large"),
])
def test_bodies_a_server_refuses(body: bytes, headers: dict, code: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode(body, headers, PushBatch)
    assert caught.value.code == code


def test_a_decompression_bomb_is_refused_without_expanding_it() -> None:
    bomb = gzip.compress(b"0" * (64 * 1024 * 1024))  # 64 MB of zeros in ~64 KB
    assert len(bomb) < 256 * 1024
    with pytest.raises(ProtocolError) as caught:
        decode(bomb, {"X-Instructor-Protocol": "1", "Content-Encoding": "gzip"}, PushBatch)
    assert caught.value.code == "payload_too_large"
    assert MAX_DECOMPRESSED_BYTES < 64 * 1024 * 1024


def test_too_many_records_or_a_bad_clock_are_malformed() -> None:
    records = [change(n) for n in range(MAX_RECORDS + 1)]
    body = PushBatch.model_construct(batch_id=uuid.uuid4(), device_id=DEVICE, sequence=1, records=records)
    raw = body.model_dump_json().encode()
    with pytest.raises(ProtocolError):
        decode(gzip.compress(raw), {"X-Instructor-Protocol": "1", "Content-Encoding": "gzip"}, PushBatch)
    with pytest.raises(ValueError):
        RecordChange(table="attendance", id=uuid.uuid4(), row_version=1, hlc="yesterday", operation="insert", data={})


def test_a_clock_set_years_ahead_pulls_ours_at_most_a_day() -> None:
    from instructor_app.sync.hlc import MAX_SKEW_MS, HlcTimestamp

    wall = 1_795_000_000_000
    clock = HybridLogicalClock("aa", wall=lambda: wall)
    merged = clock.observe(HlcTimestamp(wall + 5 * 365 * 86_400_000, 3, "bb"))  # a laptop set to five years on
    assert merged.wall_ms == wall + MAX_SKEW_MS
    assert clock.now() > merged  # and local time still moves forward
    near = HybridLogicalClock("aa", wall=lambda: wall).observe(HlcTimestamp(wall + 60_000, 4, "bb"))
    assert (near.wall_ms, near.counter) == (wall + 60_000, 5)  # a minute ahead is simply followed


def test_rows_stored_from_the_server_keep_their_stamps_and_write_no_outbox(tmp_path) -> None:
    import datetime as dt

    from sqlalchemy import func, select

    from instructor_app.storage.crypto import new_data_key
    from instructor_app.storage.database import Database
    from instructor_app.storage.models import Centre, ChangeLog

    db = Database.open(tmp_path / "instructor.db", new_data_key())
    try:
        stamp = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)
        with db.remote_session() as session:
            session.add(Centre(id=uuid.uuid4(), name="Нарын", region="naryn", created_at=stamp, updated_at=stamp,
                               row_version=3, updated_by=DEVICE))
        with db.session() as session:
            centre = session.scalars(select(Centre)).one()
            assert (centre.updated_at, centre.row_version, centre.updated_by) == (stamp, 3, DEVICE)
            assert session.scalar(select(func.count()).select_from(ChangeLog)) == 0
    finally:
        db.close()
