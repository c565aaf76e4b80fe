"""Concurrent edits come down to both laptops of the pair for review (docs/sync-protocol.md §5), against
the real receiving service in a subprocess and real encrypted data folders (the fixtures of
test_sync_client): listed once on each laptop with the losing values, "restore the losing version"
converges both laptops on it, a review on one laptop clears the other, re-pulling doubles nothing;
and the clock observed from the server survives a lock."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from instructor_app.services.conflict_data import ConflictToReview
from instructor_app.services.sync_conflicts import ConflictAlreadyReviewed
from instructor_app.storage.conflict_models import ConflictReview, SyncConflict
from instructor_app.storage.models import ChangeLog, SyncState
from instructor_app.sync.hlc import HlcTimestamp
from instructor_app.sync.protocol import CONFLICT_TABLE, PROTOCOL_HEADER, PROTOCOL_VERSION, PushBatch, RecordChange

from .test_sync_client import (  # noqa: F401 - fixtures (service, probation, pair) are used by name
    Laptop,
    Probation,
    _admin,
    _group_with_marks,
    _phone,
    _set_phone,
    pair,
    probation,
    service,
)


def _listed(laptop: Laptop) -> list[ConflictToReview]:
    ws = laptop.open()
    try:
        return ws.sync_conflicts.list()
    finally:
        ws.close()


def _stored_conflicts(laptop: Laptop) -> int:
    ws = laptop.open()
    try:
        with ws.db.session() as session:
            return session.scalar(select(func.count()).select_from(SyncConflict))
    finally:
        ws.close()


def _concurrent_phones(a: Laptop, b: Laptop) -> str:
    """Both laptops hold the pair's records; then each edits the same participant's phone offline, B
    later (B wins). Returns the participant's id."""
    _group_id, people = _group_with_marks(a)
    a.sync()
    b.sync()
    person = people[0]
    _set_phone(a, person, "+996 700 111 111")
    time.sleep(0.05)
    _set_phone(b, person, "+996 700 222 222")
    assert a.sync().conflicts == 0
    assert b.sync().conflicts == 1  # B's later edit wins; A's version is kept by the server
    return person


def _unreviewed_on_server(probation: Probation) -> list[str]:
    out = _admin("conflicts", "--db", probation.server.db_url, "--centre", probation.centre_id)
    return [line for line in out.splitlines() if " participant " in f" {line} "]


@pytest.mark.slow
def test_both_laptops_list_the_loser_once_and_restoring_it_converges_both(
        pair: tuple[Laptop, Laptop], probation: Probation) -> None:
    a, b = pair
    person = _concurrent_phones(a, b)
    assert a.sync().to_review == 1  # A pulls the winner and the conflict

    for laptop, mine in ((a, False), (b, True)):
        (conflict,) = _listed(laptop)
        assert (conflict.table, conflict.kind, conflict.subject) == ("participant", "Participant", "Алмаз Бекмуратов")
        assert conflict.on_this_laptop
        assert [(d.field, d.label, d.current, d.losing) for d in conflict.differences] == [
            ("phone", "Phone", "+996 700 222 222", "+996 700 111 111")]
        assert conflict.losing.this_laptop is not mine and conflict.current.this_laptop is mine
        assert conflict.losing.facilitator == conflict.current.facilitator == "Нурлан Асанбеков"
        assert conflict.losing.at < conflict.current.at
        assert conflict.losing.device == "Нурлан Асанбеков"  # the name the laptop enrolled with
    assert _listed(a)[0].id == _listed(b)[0].id  # one conflict, the server's id on both laptops
    assert len(_unreviewed_on_server(probation)) == 1

    # Pulled again (the cursor back to the start): nothing doubles.
    for laptop in (a, b):
        ws = laptop.open()
        try:
            with ws.db.session() as session:
                session.get(SyncState, 1).pull_cursor = 0
        finally:
            ws.close()
        again = laptop.sync()
        assert again.received > 0 and again.to_review == 1
        assert _stored_conflicts(laptop) == 1 and len(_listed(laptop)) == 1

    # A restores its losing version: a new edit, sent like any other; the review travels with it.
    (conflict,) = _listed(a)
    ws = a.open()
    try:
        ws.sync_conflicts.restore_losing(conflict.id)
        with pytest.raises(ConflictAlreadyReviewed):  # decided once
            ws.sync_conflicts.keep_current(conflict.id)
    finally:
        ws.close()
    assert _phone(a, person) == "+996 700 111 111" and _listed(a) == []
    sent = a.sync()
    assert sent.sent == 2 and sent.accepted == 2 and sent.conflicts == 0 and sent.to_review == 0
    done = b.sync()
    assert done.to_review == 0 and done.conflicts == 0
    assert _phone(a, person) == _phone(b, person) == "+996 700 111 111"
    assert _listed(b) == []
    assert a.sync().received == 0  # nothing bounces back
    assert _unreviewed_on_server(probation) == []
    assert a.outbox().get("pending", 0) == b.outbox().get("pending", 0) == 0
    ws = b.open()
    try:
        with ws.db.session() as session:
            (review,) = session.scalars(select(ConflictReview)).all()
            assert review.decision == "restored" and str(review.updated_by) == a.installed.man_id  # A decided
    finally:
        ws.close()


@pytest.mark.slow
def test_keeping_the_current_version_on_one_laptop_clears_it_on_the_other_and_on_the_server(
        pair: tuple[Laptop, Laptop], probation: Probation) -> None:
    a, b = pair
    person = _concurrent_phones(a, b)
    a.sync()
    assert len(_unreviewed_on_server(probation)) == 1
    ws = b.open()
    try:
        (conflict,) = ws.sync_conflicts.list()
        ws.sync_conflicts.keep_current(conflict.id)
        assert ws.sync_conflicts.count() == 0
    finally:
        ws.close()
    assert b.sync().to_review == 0
    assert len(_listed(a)) == 1  # until A syncs
    assert a.sync().to_review == 0 and _listed(a) == []
    assert _phone(a, person) == _phone(b, person) == "+996 700 222 222"  # nothing changed but the review
    assert _unreviewed_on_server(probation) == []

    # On the wire: conflicts come only to an app that asks (an older one never sees the table), and
    # no laptop can push one.
    state = a.state()
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {state.device_token}"}

    def tables(**params: object) -> list[str]:
        """The tables of the whole feed, page by page."""
        found, cursor = [], 0
        while True:
            answer = httpx.get(f"{state.server_url}/api/v1/pull", params={"cursor": cursor, **params},
                               headers=headers)
            assert answer.status_code == 200
            page = answer.json()
            found += [r["table"] for r in page["records"]]
            if not page["more"]:
                return found
            cursor = page["cursor"]

    assert CONFLICT_TABLE not in tables()  # an older app, which does not ask, never sees them
    assert tables(include="conflicts").count(CONFLICT_TABLE) == 1
    ws = a.open()
    try:
        device_id = ws.db.device_id
    finally:
        ws.close()
    forged = RecordChange(table=CONFLICT_TABLE, id=uuid.uuid4(), row_version=1,
                          hlc=f"{time.time_ns() // 1_000_000:015d}-000000000-{device_id.hex[:16]}",
                          operation="insert", data={})
    batch = PushBatch(batch_id=uuid.uuid4(), device_id=device_id, sequence=state.push_sequence + 1, records=[forged])
    answer = httpx.post(f"{state.server_url}/api/v1/push", content=batch.model_dump_json(),
                        headers={**headers, "Content-Type": "application/json"})
    assert answer.status_code == 200
    (result,) = answer.json()["results"]
    assert (result["outcome"], result["code"]) == ("rejected", "unknown_table")


@pytest.mark.slow
def test_after_a_lock_a_new_edit_still_sorts_after_a_pulled_edit_from_a_clock_ahead(
        pair: tuple[Laptop, Laptop]) -> None:
    from instructor_app.storage.participant_models import Participant

    a, b = pair
    _group_id, people = _group_with_marks(a)
    a.sync()
    b.sync()
    ws = a.open()
    try:  # A's clock runs five hours fast
        wall = ws.db.clock._wall
        ws.db.clock._wall = lambda: wall() + 5 * 3600 * 1000
        with ws.db.session(ws.actor.id) as session:
            session.get(Participant, uuid.UUID(people[0])).phone = "+996 700 555 555"
        with ws.db.session() as session:
            ahead = HlcTimestamp.decode(session.scalar(select(func.max(ChangeLog.hlc))))
    finally:
        ws.close()
    a.sync()
    assert b.sync().received >= 1  # B's clock observes A's: then B is locked (the workspace closed)

    ws = b.open()  # unlocked again: the clock is rebuilt
    try:
        with ws.db.session() as session:
            own_latest = HlcTimestamp.decode(session.scalar(select(func.max(ChangeLog.hlc))))
        assert own_latest < ahead  # B's own changes alone would restart the clock before A's edit
        with ws.db.session(ws.actor.id) as session:
            session.get(Participant, uuid.UUID(people[1])).address = "Ош ш., Ленин көч. 5"
        with ws.db.session() as session:
            edit = session.scalars(select(ChangeLog).where(ChangeLog.row_id == uuid.UUID(people[1]))
                                   .order_by(ChangeLog.seq.desc())).first()
    finally:
        ws.close()
    assert HlcTimestamp.decode(edit.hlc) > ahead
    assert edit.hlc > ahead.encode()  # the stored text sorts the same way
