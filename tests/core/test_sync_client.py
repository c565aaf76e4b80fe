"""The device side of sync: rows to and from the wire for every synced table, the retry delay, and —
against the real receiving service in a subprocess, on real encrypted data folders of a facilitator
pair — push and pull, a concurrent edit, a server killed while a batch is in flight, a server that
cannot be reached and a revoked laptop. Nothing is stubbed: requests go over TCP to uvicorn."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from instructor_app import i18n
from instructor_app.storage.changelog import soft_delete
from instructor_app.storage.crypto import new_data_key
from instructor_app.storage.database import Database
from instructor_app.storage.models import SYNCED_TABLES, ChangeLog, Device, SyncState
from instructor_app.sync import errors as sync_errors
from instructor_app.sync.client import (
    SyncClient,
    SyncSummary,
    check_server_url,
    next_delay,
)
from instructor_app.server.store import SHARED_TABLES
from instructor_app.sync.protocol import Operation, PushBatch, RecordChange
from instructor_app.sync.serialize import MODELS, apply_change, row_data, to_change

from .conftest import BACKENDS, Installed, server_database, set_up_folder
from .pg import query as server_query
from .support import REPO, assert_one_clear_line, cli, describe, language
from .test_store_conventions import EDITS, FACTORIES

ACTOR = uuid.uuid4()


# --- rows to and from the wire (every synced table) --------------------------------------------------

@pytest.fixture
def two_stores(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    a = Database.open(tmp_path / "a.db", new_data_key())
    b = Database.open(tmp_path / "b.db", new_data_key())
    yield a, b
    a.close()
    b.close()


def _outgoing(db: Database) -> list[RecordChange]:
    """What the outbox would send: each pending row's current state, stamped by its latest entry."""
    with db.session() as session:
        entries = session.scalars(select(ChangeLog).where(ChangeLog.state == "pending").order_by(ChangeLog.seq)).all()
        latest: dict[tuple[str, uuid.UUID], ChangeLog] = {}
        for entry in entries:
            latest.pop((entry.table_name, entry.row_id), None)
            latest[(entry.table_name, entry.row_id)] = entry
        changes = []
        for (table, row_id), entry in latest.items():
            changes.append(to_change(session.get(MODELS[table], row_id), entry))
        session.execute(ChangeLog.__table__.update().values(state="synced"))
        return changes


def _over_the_wire(change: RecordChange) -> RecordChange:
    return RecordChange.model_validate_json(change.model_dump_json())


@pytest.mark.parametrize("model", SYNCED_TABLES, ids=lambda m: m.__tablename__)
def test_every_synced_table_round_trips_through_the_wire(two_stores: tuple[Database, Database], model: type) -> None:
    a, b = two_stores
    record = FACTORIES[model](a)
    with a.session(ACTOR) as session:
        session.add(record)
    row_id = record.id

    changes = [_over_the_wire(c) for c in _outgoing(a)]  # the record and the rows it refers to
    mine = next(c for c in changes if c.id == row_id)
    assert mine.table == model.__tablename__ and mine.operation == Operation.INSERT and mine.row_version == 1
    assert "id" not in mine.data and "row_version" not in mine.data
    json.dumps(mine.data)  # plain JSON: text, numbers, booleans, null
    with b.remote_session() as session:
        for change in changes:
            assert apply_change(session, change) is True
            session.flush()
    with a.session() as sa, b.session() as sb:
        original, copy = sa.get(model, row_id), sb.get(model, row_id)
        for column in model.__table__.columns:
            assert getattr(copy, column.key) == getattr(original, column.key), column.key
        assert copy.updated_by == ACTOR and copy.updated_at == original.updated_at  # the remote stamps kept
        assert sb.scalar(select(func.count()).select_from(ChangeLog)) == 0  # nothing to bounce back

    with a.session(ACTOR) as session:  # an edit, then a tombstone: the current state travels each time
        row = session.get(model, row_id)
        for n in (7, 8):  # (one of two values differs from the factory's)
            EDITS[model](row, n)
            if session.is_modified(row):
                break
    (edit,) = [_over_the_wire(c) for c in _outgoing(a)]
    assert (edit.operation, edit.row_version) == (Operation.UPDATE, 2)
    with b.remote_session() as session:
        assert apply_change(session, edit) is True
    with b.remote_session() as session:
        assert apply_change(session, edit) is False  # the same version again changes nothing
    with a.session(ACTOR) as session:
        soft_delete(session.get(model, row_id))
    (tombstone,) = [_over_the_wire(c) for c in _outgoing(a)]
    assert tombstone.operation == Operation.DELETE and tombstone.data["deleted_at"]
    with b.remote_session() as session:
        apply_change(session, tombstone)
    with a.session() as sa, b.session() as sb:
        assert row_data(sb.get(model, row_id)) == row_data(sa.get(model, row_id))
        assert sb.get(model, row_id).row_version == 3 and sb.get(model, row_id).deleted_at is not None


def test_wire_values_are_typed_text(two_stores: tuple[Database, Database]) -> None:
    from instructor_app.storage.participant_models import Participant

    a, _b = two_stores
    record = FACTORIES[Participant](a)
    with a.session(ACTOR) as session:
        session.add(record)
    change = next(c for c in _outgoing(a) if c.table == "participant")
    assert change.data["birth_date"] == "1993-07-08"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", change.data["created_at"])
    assert uuid.UUID(change.data["centre_id"]) and change.data["updated_by"] == str(ACTOR)
    assert change.data["deleted_at"] is None and change.data["full_name"] == "Жылдыз Асанова"


def test_a_value_of_the_wrong_type_or_an_unknown_table_is_not_stored(two_stores: tuple[Database, Database]) -> None:
    from instructor_app.storage.models import Centre
    from instructor_app.sync.serialize import UnknownTable

    a, b = two_stores
    centre = FACTORIES[Centre](a)
    with a.session(ACTOR) as session:
        session.add(centre)
    (change,) = _outgoing(a)
    broken = change.model_copy(update={"data": {**change.data, "created_at": "yesterday"}})
    with pytest.raises(ValueError), b.remote_session() as session:
        apply_change(session, broken)
    with pytest.raises(TypeError), b.remote_session() as session:
        apply_change(session, change.model_copy(update={"data": {**change.data, "name": 12}}))
    with pytest.raises(UnknownTable), b.remote_session() as session:
        apply_change(session, change.model_copy(update={"table": "salary"}))


# --- retry delay and addresses ----------------------------------------------------------------------------

def test_the_retry_delay_starts_random_under_two_seconds_doubles_and_stops_at_ten_minutes() -> None:
    rng = random.Random(7)
    first = [next_delay(0, rng) for _ in range(500)]
    assert all(0 <= d <= 2 for d in first) and max(first) > 1.9 and min(first) < 0.1
    for attempt in range(1, 9):
        delays = [next_delay(attempt, rng) for _ in range(300)]
        assert all(0 <= d <= 2 * 2 ** attempt for d in delays)
        assert max(delays) > 1.8 * 2 ** attempt  # it does double
    assert all(next_delay(attempt, rng) <= 600 for attempt in (9, 10, 50, 10_000))
    assert max(next_delay(12, rng) for _ in range(50)) == 600
    assert next_delay(3, random.Random(1)) == next_delay(3, random.Random(1))  # pure: the rng decides


@pytest.mark.parametrize(("url", "ok"), [
    ("https://probation.example.kg", True), ("https://probation.example.kg/sync/", True),
    ("http://127.0.0.1:8765", True), ("http://localhost:8765", True), ("http://[::1]:8765", True),
    ("http://probation.example.kg", False), ("ftp://probation.example.kg", False), ("probation", False),
    ("", False), ("https://user:pw@probation.example.kg", False),
])
def test_the_server_address_is_https_or_this_computer(url: str, ok: bool) -> None:
    if ok:
        assert check_server_url(url) == url.rstrip("/")
    else:
        with pytest.raises(sync_errors.BadServerAddress):
            check_server_url(url)


def test_not_enrolled_is_said_before_any_network(two_stores: tuple[Database, Database]) -> None:
    a, _b = two_stores
    with pytest.raises(sync_errors.NotEnrolled):
        SyncClient(a, a.device_id).sync_once(dt.date.today())


SYNC_MESSAGES = [sync_errors.ServerUnreachable(), sync_errors.ServerBusy(), sync_errors.NotEnrolled(), sync_errors.DeviceRevoked(),
                 sync_errors.EnrolCodeInvalid(), sync_errors.ProtocolMismatch(), sync_errors.SyncRefused("x_y"),
                 sync_errors.BadServerAddress(), sync_errors.SyncError()]


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_every_sync_error_is_translated(lang: str) -> None:
    for error in SYNC_MESSAGES:
        with language(lang):
            text = error.message()
        assert re.search("[\u0400-\u04ff]{4,}", text), f"{lang}: not translated: {error.msgid!r}"
        assert "{" not in text


# --- against the real receiving service ------------------------------------------------------------------

SERVER_CLI = REPO / "instructor_app" / "server" / "cli.py"
SERVER_WAIT_S = float(os.environ.get("INSTRUCTOR_APP_SERVER_WAIT", "0"))
TODAY = dt.date(2026, 3, 2)  # a Monday
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CODE_RE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


def _server_cmd(*args: object) -> list[str]:
    return [sys.executable, "-m", "instructor_app.server.cli", *[str(a) for a in args]]


def _admin(*args: object) -> str:
    done = subprocess.run(_server_cmd(*args), check=False, capture_output=True, text=True, encoding="utf-8", timeout=120,
                          cwd=tempfile.gettempdir())
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_usable() -> bool:
    """The other half of the sync issue is built in parallel: wait until its CLI exists and answers."""
    deadline = time.monotonic() + SERVER_WAIT_S
    while True:
        if SERVER_CLI.exists():
            done = subprocess.run(_server_cmd("--help"), check=False, capture_output=True, text=True, timeout=120,
                                  cwd=tempfile.gettempdir())
            if done.returncode == 0 and "run" in done.stdout:
                return True
        if time.monotonic() > deadline:
            return False
        time.sleep(15)


class Server:
    """``instructor-app server run`` as a real process on a free port, restartable on the same database."""

    def __init__(self, db_url: str, log: Path) -> None:
        self.db_url = db_url
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(_server_cmd("run", "--db", self.db_url, "--port", self.port),
                                            stdout=out, stderr=subprocess.STDOUT, cwd=tempfile.gettempdir())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("the server did not start:\n" + self.log.read_text(errors="replace"))

    def ensure_running(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.start()

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, whatever was in flight is cut."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None


@dataclass
class Probation:
    server: Server
    centre_id: str

    def code(self, hours: float = 72) -> str:
        out = _admin("enrol-code", "--db", self.server.db_url, "--centre", self.centre_id, "--hours", hours)
        found = CODE_RE.findall(out)
        assert len(found) == 1, out
        return found[0]

    def query(self, sql: str, *params: object) -> list[tuple]:
        """Raw SQL (``?`` placeholders) on the server's database, SQLite or PostgreSQL."""
        return server_query(self.server.db_url, sql, *params)

    def stored(self) -> dict[str, list[uuid.UUID]]:
        """The ids of the centre's rows on the server, by table, sorted, one per stored row (the laptops'
        tables only: shared programme/instrument versions and the server's own entries left out)."""
        found: dict[str, list[uuid.UUID]] = {}
        for table, row_id in self.query("SELECT table_name, row_id FROM record WHERE centre_id = ?",
                                        uuid.UUID(self.centre_id).hex):
            if table in LAPTOP_TABLES:
                found.setdefault(table, []).append(uuid.UUID(str(row_id)))
        return {table: sorted(ids) for table, ids in found.items()}


@dataclass
class Service:
    server: Server


@pytest.fixture(scope="module", params=BACKENDS)
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One receiving service for this module (a real uvicorn process), on SQLite, then on PostgreSQL."""
    if not _server_usable():
        pytest.fail(f"instructor_app/server/cli.py did not appear (or does not run) within {SERVER_WAIT_S:.0f} s")
    folder = tmp_path_factory.mktemp("probation")
    with server_database(request, folder) as db_url:
        server = Server(db_url, folder / "server.log")
        # the app's own command line hands 'server …' to the service's (which makes the schema here)
        result = cli(folder / "no-app-data", "server", "centre", "list", "--db", server.db_url)
        assert result.returncode == 0 and "No centres yet" in result.stdout, describe(result)
        assert not (folder / "no-app-data").exists()  # the service never touches an app data folder
        server.start()
        yield Service(server)
        server.stop()


# Tests of the laptop's side (its messages, its enrolment, its own storage), not of a server fault:
# run on SQLite only, to keep the suite short.
sqlite_only = pytest.mark.parametrize("service", ["sqlite"], indirect=True)


def _new_centre(service: Service, name: str = "Кара-Балта борбору", region: str = "chui") -> Probation:
    out = _admin("centre", "add", "--db", service.server.db_url, "--name", name, "--region", region)
    return Probation(service.server, UUID_RE.findall(out)[-1])


@pytest.fixture
def probation(service: Service) -> Probation:
    """A centre of its own for each test (its laptops see only each other's records)."""
    service.server.ensure_running()  # (a failed test may have left it killed)
    return _new_centre(service)


@dataclass
class Laptop:
    installed: Installed

    def open(self):
        return self.installed.unlock()

    def sync(self, transport=None) -> SyncSummary:
        ws = self.open()
        try:
            return SyncClient(ws.db, ws.db.device_id, transport=transport).sync_once(TODAY)
        finally:
            ws.close()

    def state(self) -> SyncState:
        ws = self.open()
        try:
            with ws.db.session() as session:
                return session.get(SyncState, 1)
        finally:
            ws.close()

    def outbox(self) -> dict[str, int]:
        ws = self.open()
        try:
            with ws.db.session() as session:
                return dict(session.execute(select(ChangeLog.state, func.count()).group_by(ChangeLog.state)).all())
        finally:
            ws.close()

    def counts(self) -> dict[str, int]:
        ws = self.open()
        try:
            with ws.db.session() as session:
                return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in SYNCED_TABLES}
        finally:
            ws.close()

    def ids(self, table: str) -> set[uuid.UUID]:
        ws = self.open()
        try:
            with ws.db.session() as session:
                return set(session.scalars(select(MODELS[table].id)))
        finally:
            ws.close()

    def rows(self) -> dict[str, list[uuid.UUID]]:
        """The ids of every synced row, by table, sorted, one per row (shared programme/instrument
        versions and empty tables left out)."""
        ws = self.open()
        try:
            with ws.db.session() as session:
                found = {m.__tablename__: sorted(session.scalars(select(m.id))) for m in SYNCED_TABLES
                         if m.__tablename__ in LAPTOP_TABLES}
        finally:
            ws.close()
        return {table: ids for table, ids in found.items() if ids}


LAPTOP_TABLES = frozenset(m.__tablename__ for m in SYNCED_TABLES) - SHARED_TABLES


def _same_rows_on_both_sides(probation: Probation, *laptops: Laptop) -> None:
    """Row counts on both sides after a fault: the laptops hold the same rows, and the server holds
    each of them once under their centre — nothing lost, nothing duplicated."""
    held = [laptop.rows() for laptop in laptops]
    stored = probation.stored()
    expected = {table: len(ids) for table, ids in held[0].items()}
    for other in held[1:]:
        assert {table: len(ids) for table, ids in other.items()} == expected
        assert other == held[0]
    assert {table: len(ids) for table, ids in stored.items()} == expected
    assert stored == held[0]


def _laptop(root: Path, probation: Probation) -> Laptop:
    laptop = Laptop(set_up_folder(root))
    ws = laptop.open()
    try:
        ws.sync_enrol(probation.server.url, probation.code())
    finally:
        ws.close()
    return laptop


@pytest.fixture
def pair(tmp_path: Path, probation: Probation) -> tuple[Laptop, Laptop]:
    """Two laptops of one facilitator pair, each set up on its own and enrolled in the same centre."""
    return _laptop(tmp_path / "a", probation), _laptop(tmp_path / "b", probation)


def _group_with_marks(laptop: Laptop) -> tuple[str, list[str]]:
    """A group on the mandatory programme, two participants enrolled, the first session marked."""
    from instructor_app.services.participant_data import IntakeDraft, PartnerDraft
    from instructor_app.services.programme_data import GroupDraft

    ws = laptop.open()
    try:
        man = next(p for p in ws.facilitators() if p.gender == "male")
        woman = next(p for p in ws.facilitators() if p.gender == "female")
        version = next(c for c in ws.curricula.list() if c.key == "tcp-mandatory" and c.latest)
        group = ws.groups.create(GroupDraft("Дүйшөмбү тобу", version.id, "ky", "male", man.id, woman.id, "", "1",
                                            0, "10:00", TODAY), TODAY)
        people = []
        for n, name in enumerate(("Алмаз Бекмуратов", "Бакыт Жумабеков")):
            person = ws.participants.create(IntakeDraft(
                full_name=name, birth_date=dt.date(1985 + n, 5, 17), gender="male", language="ky",
                component="mandatory", referral_source="police", received_on=TODAY - dt.timedelta(days=2),
                document_number=f"ОВД-11{n}", order_number=f"ВОО-2026-031{n}",
                order_issued_on=TODAY - dt.timedelta(days=3), screening="eligible", contract_signed_on=TODAY,
                curator_name="Нурбек Осмонов", phone=f"+996 555 00 00 0{n}",
                partner=PartnerDraft("Айгерим", "wife", "+996 555 000 111", True, "")), TODAY)
            ws.attendance.enrol(person.id, group.group.id, TODAY, TODAY)
            people.append(person.id)
        first = group.sessions[0]
        ws.attendance.record(people[0], first.id, "present", TODAY)
        ws.attendance.record(people[1], first.id, "unexcused", TODAY)
        return group.group.id, people
    finally:
        ws.close()


def _set_phone(laptop: Laptop, participant_id: str, phone: str) -> None:
    from instructor_app.storage.participant_models import Participant

    ws = laptop.open()
    try:
        with ws.db.session(ws.actor.id) as session:
            session.get(Participant, uuid.UUID(participant_id)).phone = phone
    finally:
        ws.close()


def _phone(laptop: Laptop, participant_id: str) -> str:
    from instructor_app.storage.participant_models import Participant

    ws = laptop.open()
    try:
        with ws.db.session() as session:
            return session.get(Participant, uuid.UUID(participant_id)).phone
    finally:
        ws.close()


@pytest.mark.slow
def test_a_pair_shares_its_records_through_the_server(pair: tuple[Laptop, Laptop], probation: Probation) -> None:
    a, b = pair
    group_id, people = _group_with_marks(a)
    waiting = a.outbox()["pending"]

    sent = a.sync()
    assert sent.sent > 0 and sent.accepted == sent.sent and sent.rejected == sent.conflicts == 0
    assert sent.waiting == 0 and a.outbox() == {"synced": waiting}
    state = a.state()
    assert state.pending_batch == "" and state.last_error == "" and state.last_attempt_at is not None

    received = b.sync()
    assert received.received >= sent.sent and received.not_stored == 0
    assert uuid.UUID(group_id) in b.ids("programme_group")
    assert {uuid.UUID(p) for p in people} <= b.ids("participant")
    assert a.ids("attendance") <= b.ids("attendance") and len(a.ids("attendance")) == 2
    for table in ("participant", "enrolment", "attendance", "programme_session", "referral", "partner_contact"):
        assert a.ids(table) <= b.ids(table), table
    ws = b.open()
    try:  # the other laptop sees the register as it was taken
        register = ws.attendance.register(group_id, TODAY)
        assert sorted(r.full_name for r in register.rows) == ["Алмаз Бекмуратов", "Бакыт Жумабеков"]
        assert register.sessions[0].status == "held"
        with ws.db.session() as session:
            assert session.scalars(select(Device)).one().last_sync_at is not None
    finally:
        ws.close()
    assert b.outbox().get("pending", 0) == received.waiting  # pulled rows wrote no outbox entries

    back = a.sync()  # B's first sync sent its own set-up (its centre and facilitator pair): A gets it
    assert back.sent == 0 and back.received == 3 and b.sync().received == 0
    again_a, again_b = a.sync(), b.sync()  # nothing new: nothing sent, nothing received, nothing doubled
    assert again_a.sent == again_b.sent == again_a.received == again_b.received == 0
    for laptop in (a, b):  # both sides count the same batches [Anki's sanity check]
        ws = laptop.open()
        device_id = ws.db.device_id
        ws.close()
        (server_side,) = probation.query("SELECT last_sequence FROM device WHERE id = ?", device_id.hex)
        assert server_side[0] == laptop.state().push_sequence > 0
    stored = probation.query("SELECT table_name, row_id, count(*) FROM record GROUP BY table_name, row_id "
                             "HAVING count(*) > 1")
    assert stored == []
    _same_rows_on_both_sides(probation, a, b)


@pytest.mark.slow
def test_concurrent_offline_edits_converge_on_the_later_one_and_the_loser_is_kept(
        pair: tuple[Laptop, Laptop], probation: Probation) -> None:
    a, b = pair
    _group_id, people = _group_with_marks(a)
    a.sync()
    b.sync()
    person = people[0]
    _set_phone(a, person, "+996 700 111 111")  # both laptops offline, the same person's phone
    time.sleep(0.05)
    _set_phone(b, person, "+996 700 222 222")  # the later edit

    first = a.sync()
    assert first.accepted == first.sent and first.conflicts == 0
    second = b.sync()
    assert second.conflicts == 1 and second.rejected == 0 and second.waiting == 0
    a.sync()
    assert _phone(a, person) == _phone(b, person) == "+996 700 222 222"
    kept = probation.query("SELECT table_name, row_id, losing_data_json FROM conflict WHERE row_id = ?",
                           uuid.UUID(person).hex) or probation.query(
        "SELECT table_name, row_id, losing_data_json FROM conflict WHERE row_id = ?", person)
    assert len(kept) == 1 and kept[0][0] == "participant" and "+996 700 111 111" in kept[0][2]
    assert a.outbox().get("pending", 0) == b.outbox().get("pending", 0) == 0
    b.sync()  # (A's set-up rows come to B)
    _same_rows_on_both_sides(probation, a, b)


@pytest.mark.slow
def test_concurrent_edits_also_converge_when_the_first_to_sync_made_the_later_edit(
        pair: tuple[Laptop, Laptop], probation: Probation) -> None:
    a, b = pair
    _group_id, people = _group_with_marks(a)
    a.sync()
    b.sync()
    person = people[1]
    _set_phone(b, person, "+996 700 333 333")
    time.sleep(0.05)
    _set_phone(a, person, "+996 700 444 444")  # later, and synced first: B's edit loses
    a.sync()
    lost = b.sync()
    assert lost.conflicts == 1
    assert _phone(b, person) == "+996 700 444 444"  # the winner came down in the same sync
    a.sync()
    assert _phone(a, person) == "+996 700 444 444"
    b.sync()
    _same_rows_on_both_sides(probation, a, b)


@pytest.mark.slow
def test_laptop_clocks_hours_apart_still_converge_deterministically_and_lose_nothing(
        pair: tuple[Laptop, Laptop], probation: Probation) -> None:
    """A's clock runs five hours fast. The later clock wins (the protocol's rule), so A's earlier edit
    beats B's later one — deterministically on both laptops — and B's version is kept, not lost."""
    from instructor_app.storage.participant_models import Participant

    a, b = pair
    _group_id, people = _group_with_marks(a)
    a.sync()
    b.sync()
    person = people[0]
    ws = a.open()
    try:
        wall = ws.db.clock._wall
        ws.db.clock._wall = lambda: wall() + 5 * 3600 * 1000  # the laptop's clock: five hours fast
        with ws.db.session(ws.actor.id) as session:
            session.get(Participant, uuid.UUID(person)).phone = "+996 700 555 555"
    finally:
        ws.close()
    time.sleep(0.05)
    _set_phone(b, person, "+996 700 666 666")  # later in real time, earlier by the clocks
    a.sync()
    lost = b.sync()
    assert lost.conflicts == 1 and lost.rejected == 0
    a.sync()
    assert _phone(a, person) == _phone(b, person) == "+996 700 555 555"
    kept = probation.query("SELECT losing_data_json FROM conflict WHERE row_id = ? OR row_id = ?",
                           uuid.UUID(person).hex, person)
    assert len(kept) == 1 and "+996 700 666 666" in kept[0][0]
    # B now edits on top of the version it pulled: not a concurrent edit, it simply replaces it
    _set_phone(b, person, "+996 700 777 777")
    b.sync()
    a.sync()
    assert _phone(a, person) == _phone(b, person) == "+996 700 777 777"
    assert a.outbox().get("pending", 0) == b.outbox().get("pending", 0) == 0
    b.sync()
    _same_rows_on_both_sides(probation, a, b)


class _KillAfterSending(httpx.BaseTransport):
    """A real HTTP transport that, once, lets a push reach the server and be answered, then SIGKILLs
    the server and loses the answer — the laptop sees a dropped connection."""

    def __init__(self, server: Server, *, before_request: bool = False) -> None:
        self.inner = httpx.HTTPTransport()
        self.server = server
        self.before_request = before_request  # killed while the request is on its way: nothing applied
        self.fired = False
        self.pushed: list[uuid.UUID] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/push"):
            body = request.read()
            if request.headers.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
            self.pushed.append(PushBatch.model_validate_json(body).batch_id)
        if request.url.path.endswith("/push") and not self.fired and self.before_request:
            self.fired = True
            self.server.kill()
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/push") and not self.fired:
            self.fired = True
            response.read()  # the server has applied the batch and answered ...
            self.server.kill()  # ... and dies; the answer never reaches the laptop
            raise httpx.ReadError("connection reset by peer", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["after_applying", "before_receiving"])
def test_a_server_killed_mid_sync_gets_the_same_batch_again_and_nothing_doubles(
        pair: tuple[Laptop, Laptop], probation: Probation, moment: str) -> None:
    a, b = pair
    _group_with_marks(a)
    waiting = a.outbox()["pending"]
    transport = _KillAfterSending(probation.server, before_request=moment == "before_receiving")
    with pytest.raises(sync_errors.ServerUnreachable):
        a.sync(transport)
    assert transport.fired and len(transport.pushed) == 1
    assert a.outbox() == {"pending": waiting}  # the lost answer marked nothing [AnkiDroid]
    state = a.state()
    saved = PushBatch.model_validate_json(json.loads(state.pending_batch)["batch"])
    assert saved.batch_id == transport.pushed[0] and state.last_error == "unreachable"
    stored_before = probation.query("SELECT count(*) FROM record WHERE centre_id = ? AND table_name NOT IN ('curriculum_version', 'instrument_version')",
                                    uuid.UUID(probation.centre_id).hex)[0][0]
    # killed after applying: the batch is stored, its answer lost; killed before: nothing is stored
    # (programme and instrument versions are shared by every centre: an earlier test's centre may hold them)
    own = [r for r in saved.records if r.table not in SHARED_TABLES]
    assert stored_before == (len(own) if moment == "after_applying" else 0)

    probation.server.start()  # the same database, a new process
    watch = _KillAfterSending(probation.server)
    watch.fired = True  # only watch this time
    resent = a.sync(watch)
    assert watch.pushed[0] == saved.batch_id  # the same batch, byte for byte, first
    assert resent.rejected == 0 and resent.accepted + resent.duplicates == resent.sent  # the stored answer
    assert a.outbox() == {"synced": waiting} and a.state().pending_batch == ""
    assert probation.query("SELECT count(*) FROM batch WHERE batch_id = ? OR batch_id = ?",
                           saved.batch_id.hex, str(saved.batch_id))[0][0] == 1
    rows_a = sum(len(a.ids(m.__tablename__)) for m in SYNCED_TABLES if m.__tablename__ not in SHARED_TABLES)
    assert probation.query("SELECT count(*) FROM record WHERE centre_id = ? AND table_name NOT IN ('curriculum_version', 'instrument_version')",
                           uuid.UUID(probation.centre_id).hex)[0][0] == rows_a  # every row of A, stored once
    assert stored_before <= rows_a

    b.sync()
    a.sync()  # (B's own set-up rows come to A)
    counts_a, counts_b = a.counts(), b.counts()
    a.sync()
    b.sync()
    assert a.counts() == counts_a and b.counts() == counts_b  # nothing doubled on either laptop
    for model in SYNCED_TABLES:  # both laptops hold the same rows, each once
        assert a.ids(model.__tablename__) == b.ids(model.__tablename__), model.__tablename__
    assert counts_a == counts_b
    assert probation.query("SELECT count(*) FROM record WHERE centre_id = ? AND table_name NOT IN ('curriculum_version', 'instrument_version')",
                           uuid.UUID(probation.centre_id).hex)[0][0] == sum(
        n for table, n in counts_a.items() if table not in SHARED_TABLES)
    doubled = probation.query("SELECT table_name, row_id FROM record GROUP BY table_name, row_id HAVING count(*) > 1")
    assert doubled == []
    _same_rows_on_both_sides(probation, a, b)


class _AnswerLostProxy:
    """A TCP relay between a laptop and the server that passes everything on, except the answer to the
    first push: when the server starts answering it (so the batch is committed), the laptop's connection
    is closed instead — the link dropped after the server committed, before the laptop got the answer.
    The server keeps running."""

    PUSH = b"POST /api/v1/push"

    def __init__(self, server_port: int) -> None:
        self.server_port = server_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.armed = True
        self.dropped: list[bytes] = []  # the first bytes of each answer that never reached the laptop
        self.pushes = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                laptop, _ = self.listener.accept()
            except OSError:  # closed
                return
            server = socket.create_connection(("127.0.0.1", self.server_port))
            push_in_flight = threading.Event()
            threading.Thread(target=self._requests, args=(laptop, server, push_in_flight), daemon=True).start()
            threading.Thread(target=self._answers, args=(server, laptop, push_in_flight), daemon=True).start()

    def _requests(self, laptop: socket.socket, server: socket.socket, push_in_flight: threading.Event) -> None:
        try:
            while data := laptop.recv(65536):
                if data.startswith(self.PUSH):  # a new request on this connection: headers come first
                    with self._lock:
                        self.pushes += 1
                        if self.armed:
                            self.armed = False
                            push_in_flight.set()
                server.sendall(data)
        except OSError:
            pass
        finally:
            self._close(server)

    def _answers(self, server: socket.socket, laptop: socket.socket, push_in_flight: threading.Event) -> None:
        try:
            while data := server.recv(65536):
                if push_in_flight.is_set():  # the server answers: it has committed the batch
                    self.dropped.append(data[:12])
                    break
                laptop.sendall(data)
        except OSError:
            pass
        finally:
            self._close(laptop)
            self._close(server)

    @staticmethod
    def _close(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def close(self) -> None:
        self.listener.close()


@pytest.mark.slow
def test_an_answer_lost_after_the_server_committed_is_fetched_again_and_nothing_doubles(
        pair: tuple[Laptop, Laptop], probation: Probation) -> None:
    a, b = pair
    _group_with_marks(a)
    waiting = a.outbox()["pending"]
    proxy = _AnswerLostProxy(probation.server.port)
    try:
        ws = a.open()
        try:  # laptop A reaches the server through the relay
            with ws.db.session() as session:
                session.get(SyncState, 1).server_url = proxy.url
        finally:
            ws.close()
        with pytest.raises(sync_errors.ServerUnreachable):
            a.sync()
        assert proxy.dropped == [b"HTTP/1.1 200"]  # the server did answer; the laptop never heard it
        assert a.outbox() == {"pending": waiting} and a.state().last_error == "unreachable"
        saved = PushBatch.model_validate_json(json.loads(a.state().pending_batch)["batch"])
        own = sorted((r.table, r.id) for r in saved.records if r.table not in SHARED_TABLES)
        stored = probation.stored()
        assert sorted((t, i) for t, ids in stored.items() for i in ids) == own  # committed on the server

        resent = a.sync()  # the same batch again (answered from the server's store), then the rest
        assert proxy.pushes >= 2 and resent.rejected == resent.conflicts == 0
        assert resent.accepted + resent.duplicates == resent.sent  # (programme versions: shared, maybe known)
        assert a.outbox() == {"synced": waiting} and a.state().pending_batch == ""
        assert probation.query("SELECT count(*) FROM batch WHERE batch_id = ? OR batch_id = ?",
                               saved.batch_id.hex, str(saved.batch_id))[0][0] == 1
        assert probation.stored() == a.rows()  # that batch once, then the rest of the outbox
    finally:
        proxy.close()
    b.sync()
    a.sync()
    b.sync()
    _same_rows_on_both_sides(probation, a, b)
    assert a.counts() == b.counts()


@pytest.mark.slow
@sqlite_only
def test_a_server_that_cannot_be_reached_keeps_the_queue(tmp_path: Path, probation: Probation) -> None:
    laptop = _laptop(tmp_path / "a", probation)
    _group_with_marks(laptop)
    before = laptop.outbox()
    ws = laptop.open()
    try:
        with ws.db.session() as session:  # the same laptop, pointed at a port where nothing listens
            session.get(SyncState, 1).server_url = f"http://127.0.0.1:{_free_port()}"
    finally:
        ws.close()
    with pytest.raises(sync_errors.ServerUnreachable) as caught:
        laptop.sync()
    assert laptop.outbox() == before and laptop.state().last_error == "unreachable"
    with language("ru"):
        assert caught.value.message() == i18n._(sync_errors.ServerUnreachable.default_msgid)
    # the command line says it in one translated line and exits 1
    result = cli(laptop.installed.root, "sync", "--password-stdin", stdin="Jazgy-Tang-2026\n", lang="ru")
    line = assert_one_clear_line(result, 1)
    with language("ru"):
        assert line == i18n._(sync_errors.ServerUnreachable.default_msgid)
    assert laptop.outbox() == before


@pytest.mark.slow
def test_a_revoked_laptop_is_told_so_and_keeps_its_queue(tmp_path: Path, probation: Probation) -> None:
    laptop = _laptop(tmp_path / "a", probation)
    laptop.sync()
    _group_with_marks(laptop)
    before = laptop.outbox()
    ws = laptop.open()
    device_id = ws.db.device_id
    ws.close()
    stored = probation.stored()
    _admin("revoke", "--db", probation.server.db_url, "--device", device_id)
    with pytest.raises(sync_errors.DeviceRevoked) as caught:
        laptop.sync()
    assert laptop.outbox() == before and laptop.state().last_error == "device_revoked"
    assert probation.stored() == stored  # nothing of the revoked laptop's went in
    with language("ky"):
        assert caught.value.message() == i18n._(sync_errors.DeviceRevoked.default_msgid)
    # a new code connects it again; the queue then goes out whole
    ws = laptop.open()
    try:
        ws.sync_enrol(probation.server.url, probation.code())
    finally:
        ws.close()
    done = laptop.sync()
    assert done.sent > 0 and done.rejected == 0 and done.accepted + done.duplicates == done.sent
    assert laptop.outbox().get("pending", 0) == 0
    _same_rows_on_both_sides(probation, laptop)


@pytest.mark.slow
@sqlite_only
def test_a_used_code_and_the_command_line_enrolment(tmp_path: Path, probation: Probation) -> None:
    installed = set_up_folder(tmp_path / "a")
    code = probation.code()
    result = cli(installed.root, "sync-enrol", "--server", probation.server.url, "--code", code,
                 "--password-stdin", stdin="Jazgy-Tang-2026\n", lang="ru")
    assert_one_clear_line(result, 0, stream="stdout")
    result = cli(installed.root, "sync", "--password-stdin", stdin="Jazgy-Tang-2026\n", lang="ru")
    line = assert_one_clear_line(result, 0, stream="stdout")
    assert re.findall(r"\d+", line)[:3] == ["3", "3", "0"]  # sent 3 (the centre and the pair), all accepted
    other = set_up_folder(tmp_path / "b")
    result = cli(other.root, "sync-enrol", "--server", probation.server.url, "--code", code,
                 "--password-stdin", stdin="Jazgy-Tang-2026\n", lang="ky")
    line = assert_one_clear_line(result, 1)
    with language("ky"):
        assert line == i18n._(sync_errors.EnrolCodeInvalid.default_msgid)


@pytest.mark.slow
def test_a_record_the_server_rejects_is_set_aside_and_the_rest_goes_through(
        tmp_path: Path, probation: Probation) -> None:
    from instructor_app.storage.models import Centre

    a = _laptop(tmp_path / "a", probation)
    a.sync()
    (a_centre,) = a.ids("centre")
    other = _new_centre(Service(probation.server), "Ош борбору", "osh")
    c = _laptop(tmp_path / "c", other)  # a laptop of another centre ...
    ws = c.open()
    try:  # ... holding a row whose id is already the first centre's
        with ws.db.session(ws.actor.id) as session:
            session.add(Centre(id=a_centre, name="Көчүрмө", region="osh"))
    finally:
        ws.close()
    waiting = c.outbox()["pending"]
    done = c.sync()
    assert done.rejected == 1 and done.accepted + done.duplicates == done.sent - 1 and done.waiting == 0
    assert c.outbox() == {"synced": waiting - 1, "rejected": 1}
    ws = c.open()
    try:
        with ws.db.session() as session:
            (entry,) = session.scalars(select(ChangeLog).where(ChangeLog.state == "rejected")).all()
            assert entry.row_id == a_centre and entry.reason.startswith("forbidden_centre: ")
    finally:
        ws.close()
    assert c.sync().sent == 0  # set aside: never sent again, never blocking the queue
    # row counts on both sides: each centre holds its own laptop's rows, the refused one stays the first's
    held_c = c.rows()
    held_c["centre"].remove(a_centre)
    assert other.stored() == held_c
    _same_rows_on_both_sides(probation, a)


@pytest.mark.slow
@sqlite_only
def test_a_laptop_that_opened_its_programmes_before_the_first_pull_gets_the_other_laptops_groups(
        pair: tuple[Laptop, Laptop]) -> None:
    a, b = pair
    group_id, _people = _group_with_marks(a)
    ws = b.open()
    try:
        ws.curricula.list()  # what the Today and Programmes pages do at every start
    finally:
        ws.close()
    a.sync()
    pulled = b.sync()
    assert pulled.not_stored == 0
    assert uuid.UUID(group_id) in b.ids("programme_group")


@pytest.mark.slow
@sqlite_only
def test_an_expired_code_and_another_protocol_version_are_said_and_keep_the_queue(
        tmp_path: Path, probation: Probation, monkeypatch: pytest.MonkeyPatch) -> None:
    from instructor_app.sync import client as client_module

    installed = set_up_folder(tmp_path / "a")
    code = probation.code(hours=0.0003)  # about a second
    time.sleep(2)
    ws = installed.unlock()
    try:
        with pytest.raises(sync_errors.EnrolCodeInvalid):
            ws.sync_enrol(probation.server.url, code)
        assert ws.sync_link() == ("", False)  # nothing stored from a refused enrolment
        ws.sync_enrol(probation.server.url, probation.code())
        assert ws.sync_link() == (probation.server.url, True)
    finally:
        ws.close()
    laptop = Laptop(installed)
    before = laptop.outbox()
    from instructor_app.sync import protocol

    monkeypatch.setattr(client_module, "PROTOCOL_VERSION", 2)  # an app a version ahead of this server
    monkeypatch.setattr(protocol, "PROTOCOL_VERSION", 2)
    with pytest.raises(sync_errors.ProtocolMismatch):
        laptop.sync()
    assert laptop.outbox() == before and laptop.state().last_error == "protocol_version"
    monkeypatch.undo()
    assert laptop.sync().accepted == sum(before.values())
