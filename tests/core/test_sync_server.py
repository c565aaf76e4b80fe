"""Must show: the Probation receiving service, run as a real uvicorn process, enrols a laptop once
per code, applies pushed batches once however often they are sent (also across a SIGKILL), keeps
both versions of a concurrent edit, never mixes centres, serves each laptop the other laptops'
changes by cursor, and refuses bad bodies (other protocol, malformed, oversized, gzip bombs) with
the protocol's error codes without holding them in memory.

Requests go over HTTP with httpx; bodies are made and read with ``instructor_app.sync.protocol``
(responses are read raw, still gzip-compressed, as a client must to keep decode's limits).
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from sqlalchemy import func, select

from instructor_app.server import admin
from instructor_app.server.app import RateLimiter, create_app
from instructor_app.server.db import (
    Batch,
    Conflict,
    Database,
    EnrolCode,
    Record,
    utcnow,
)
from instructor_app.server.store import Version, wins
from instructor_app.sync.protocol import (
    PROTOCOL_HEADER,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    Message,
    Operation,
    Outcome,
    PullPage,
    PushBatch,
    PushResult,
    RecordChange,
    decode,
    encode,
)

from .conftest import BACKENDS, server_database
from .support import REPO

pytestmark = pytest.mark.slow

START_TIMEOUT = 20.0


# --- a real server process ---------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_cli(*args: object, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "instructor_app.server.cli", *map(str, args)], check=False,
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)


class Server:
    """``python -m instructor_app.server.cli run`` on a free port, ready when /api/v1/health answers."""

    def __init__(self, db_url: str, log: Path) -> None:
        self.db_url = db_url
        self.log = log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "instructor_app.server.cli", "run", "--db", self.db_url,
                 "--port", str(self.port), "--log-level", "warning"],
                stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"server exited:\n{self.log.read_text()}"
            try:
                health = httpx.get(f"{self.base}/api/v1/health", timeout=1)
                if health.status_code == 200:
                    assert health.json() == {"protocol": [1]}
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"server did not start:\n{self.log.read_text()}")

    def rss_kib(self) -> int:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Reply:
    status: int
    raw: bytes  # as sent on the wire (gzip-compressed above 1 KB)
    headers: dict[str, str]

    def read(self, model: type[Message]) -> Any:
        return decode(self.raw, self.headers, model)

    def error(self) -> ErrorBody:
        return self.read(ErrorBody)


def call(base: str, method: str, path: str, *, message: Message | None = None, body: bytes | None = None,
         headers: dict[str, str] | None = None, token: str | None = None, params: dict[str, Any] | None = None,
         timeout: httpx.Timeout | float = 10) -> Reply:
    sent: dict[str, str] = {PROTOCOL_HEADER: "1"}
    if message is not None:
        body, sent = encode(message)
    if token:
        sent["Authorization"] = f"Bearer {token}"
    sent.update(headers or {})
    with httpx.Client(timeout=timeout) as client, \
            client.stream(method, base + path, content=body, headers=sent, params=params) as response:
        raw = b"".join(response.iter_raw())
        return Reply(response.status_code, raw, dict(response.headers))


@dataclass
class Laptop:
    """An enrolled device, with a clock of its own and its batch sequence."""

    base: str
    id: uuid.UUID
    token: str
    centre_id: uuid.UUID
    sequence: int = 0
    ticks: int = 0
    node: str = field(default="")

    def hlc(self, wall_ms: int | None = None) -> str:
        self.ticks += 1
        wall = wall_ms if wall_ms is not None else 1_764_000_000_000 + self.ticks
        return f"{wall:015d}-{0:09d}-{self.node or self.id.hex[:16]}"

    def batch(self, *records: RecordChange, sequence: int | None = None) -> PushBatch:
        if sequence is None:
            self.sequence += 1
            sequence = self.sequence
        return PushBatch(batch_id=uuid.uuid4(), device_id=self.id, sequence=sequence, records=list(records))

    def push(self, batch: PushBatch, **kwargs: Any) -> Reply:
        return call(self.base, "POST", "/api/v1/push", message=batch, token=self.token, **kwargs)

    def push_ok(self, *records: RecordChange) -> list[Any]:
        reply = self.push(self.batch(*records))
        assert reply.status == 200, reply
        return reply.read(PushResult).results

    def pull(self, cursor: int = 0, limit: int = 500) -> PullPage:
        reply = call(self.base, "GET", "/api/v1/pull", token=self.token, params={"cursor": cursor, "limit": limit})
        assert reply.status == 200, reply
        return reply.read(PullPage)

    def pull_all(self, cursor: int = 0, limit: int = 500) -> tuple[list[RecordChange], int]:
        found: list[RecordChange] = []
        while True:
            page = self.pull(cursor, limit)
            found += page.records
            assert page.cursor >= cursor
            cursor = page.cursor
            if not page.more:
                return found, cursor


def change(table: str, laptop: Laptop, *, row_id: uuid.UUID | None = None, version: int = 1,
           hlc: str | None = None, data: dict[str, Any] | None = None,
           operation: Operation = Operation.INSERT) -> RecordChange:
    return RecordChange(table=table, id=row_id or uuid.uuid4(), row_version=version, hlc=hlc or laptop.hlc(),
                        operation=operation, data=data if data is not None else {"note": "Ынтымак борбору"})


class Service:
    """A running server plus in-process administration of its database."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.base = server.base
        self.db = Database(server.db_url)

    def centre(self, name: str = "Ош шаардык борбору") -> uuid.UUID:
        return admin.add_centre(self.db, name, "osh")

    def enrol(self, centre_id: uuid.UUID, name: str = "laptop") -> Laptop:
        code = admin.issue_enrol_code(self.db, centre_id)
        device_id = uuid.uuid4()
        reply = call(self.base, "POST", "/api/v1/enrol", message=EnrolRequest(
            code=code, device_id=device_id, device_name=name, app_version="0.1.0"))
        assert reply.status == 200, reply
        answer = reply.read(EnrolResponse)
        assert answer.centre_id == centre_id
        return Laptop(self.base, device_id, answer.device_token, centre_id)

    def count(self, model: Any, *where: Any) -> int:
        with self.db.read() as session:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    def record(self, table: str, row_id: uuid.UUID) -> Record | None:
        with self.db.read() as session:
            return session.get(Record, (table, row_id))


@pytest.fixture(scope="module", params=BACKENDS)
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One server for the module's tests, on SQLite and then on PostgreSQL."""
    root = tmp_path_factory.mktemp("sync-server")
    with server_database(request, root) as db_url:
        server = Server(db_url, root / "server.log").start()
        running = Service(server)
        yield running
        running.db.dispose()
        server.stop()


# --- enrolment ---------------------------------------------------------------------------------

def test_the_admin_cli_makes_a_centre_and_a_one_time_code(service: Service) -> None:
    made = server_cli("centre", "add", "--db", service.server.db_url, "--name", "Нарын борбору", "--region", "naryn")
    assert made.returncode == 0, made.stderr
    centre_id = uuid.UUID(made.stdout.strip())
    issued = server_cli("enrol-code", "--db", service.server.db_url, "--centre", centre_id)
    assert issued.returncode == 0, issued.stderr
    code = issued.stdout.strip()
    assert len(code) == 14 and "valid 72 hours" in issued.stderr
    with service.db.read() as session:  # only the hash is stored
        assert session.get(EnrolCode, admin.sha256_hex(admin.normalise_code(code))) is not None
        assert session.scalar(select(func.count()).select_from(EnrolCode).where(EnrolCode.code_sha256 == code)) == 0

    request = EnrolRequest(code=code.lower(), device_id=uuid.uuid4(), device_name="Ноутбук 1", app_version="0.1.0")
    first = call(service.base, "POST", "/api/v1/enrol", message=request)
    assert first.status == 200, first
    answer = first.read(EnrolResponse)
    assert answer.centre_id == centre_id and len(answer.device_token) >= 43
    again = call(service.base, "POST", "/api/v1/enrol", message=request.model_copy(update={"device_id": uuid.uuid4()}))
    assert again.status == 403 and again.error().code == "enrol_code_invalid"

    laptop = Laptop(service.base, request.device_id, answer.device_token, centre_id)
    assert laptop.pull().records == []  # the token works
    listed = server_cli("devices", "--db", service.server.db_url)
    assert listed.returncode == 0 and str(request.device_id) in listed.stdout and "active" in listed.stdout


def test_an_expired_or_unknown_code_is_refused(service: Service) -> None:
    centre_id = service.centre()
    code = admin.issue_enrol_code(service.db, centre_id)
    with service.db.write() as session:
        session.get(EnrolCode, admin.sha256_hex(admin.normalise_code(code))).expires_at = utcnow() - dt.timedelta(
            seconds=1)
    for tried in (code, "AAAA-BBBB-CCCC"):
        reply = call(service.base, "POST", "/api/v1/enrol", message=EnrolRequest(
            code=tried, device_id=uuid.uuid4(), device_name="x", app_version="0.1.0"))
        assert reply.status == 403 and reply.error().code == "enrol_code_invalid"


# --- push --------------------------------------------------------------------------------------

def test_a_batch_is_answered_per_record_and_a_resend_changes_nothing(service: Service) -> None:
    laptop = service.enrol(service.centre())
    records = [change("participant", laptop), change("attendance", laptop), change("answer", laptop),
               change("programme_group", laptop), change("no_such_table", laptop)]
    batch = laptop.batch(*records)
    first = laptop.push(batch)
    assert first.status == 200
    answer = first.read(PushResult)
    assert answer.batch_id == batch.batch_id
    assert [(r.table, r.id) for r in answer.results] == [(r.table, r.id) for r in records]
    assert [r.outcome for r in answer.results] == [Outcome.ACCEPTED] * 4 + [Outcome.REJECTED]
    assert answer.results[-1].code == "unknown_table"
    stored = service.count(Record)

    again = laptop.push(batch)
    assert again.status == 200 and again.raw == first.raw  # the stored answer, byte for byte
    assert service.count(Record) == stored
    assert service.count(Batch, Batch.batch_id == batch.batch_id) == 1
    # row counts on both sides: the four accepted records once each, the refused one nowhere
    assert service.count(Record, Record.centre_id == laptop.centre_id) == 4
    assert service.count(Record, Record.row_id.in_([r.id for r in records[:4]])) == 4


def test_a_concurrent_edit_is_won_by_the_later_clock_and_the_loser_is_kept(service: Service) -> None:
    centre_id = service.centre()
    one, two = service.enrol(centre_id, "one"), service.enrol(centre_id, "two")
    later_second, later_first = uuid.uuid4(), uuid.uuid4()
    assert one.push_ok(change("participant", one, row_id=later_second, data={"v": "original"}),
                       change("participant", one, row_id=later_first, data={"v": "original"}))[0].outcome == "accepted"

    # Both laptops edit both rows offline (row_version 2 each); "one" pushes first.
    t = 1_764_100_000_000
    first = one.push_ok(
        change("participant", one, row_id=later_second, version=2, hlc=one.hlc(t + 10), data={"v": "one"}),
        change("participant", one, row_id=later_first, version=2, hlc=one.hlc(t + 30), data={"v": "one"},
               operation=Operation.UPDATE))
    assert [r.outcome for r in first] == [Outcome.ACCEPTED, Outcome.ACCEPTED]
    losing = change("participant", two, row_id=later_first, version=2, hlc=two.hlc(t + 20), data={"v": "two"})
    second = two.push_ok(
        change("participant", two, row_id=later_second, version=2, hlc=two.hlc(t + 20), data={"v": "two"}),
        losing)
    assert [r.outcome for r in second] == [Outcome.CONFLICT, Outcome.CONFLICT]
    # The answers name the winner: "two" won the row it edited later, "one" the other.
    assert (second[0].winner_device, second[0].winner_hlc) == (two.id, f"{t + 20:015d}-000000000-{two.id.hex[:16]}")
    assert (second[1].winner_device, second[1].winner_hlc) == (one.id, f"{t + 30:015d}-000000000-{one.id.hex[:16]}")
    assert '"v":"two"' in service.record("participant", later_second).data_json
    assert '"v":"one"' in service.record("participant", later_first).data_json

    # Both losing versions are kept, once each, with the winner's stamp.
    with service.db.read() as session:
        kept = {c.row_id: c for c in session.scalars(select(Conflict).where(
            Conflict.row_id.in_([later_second, later_first])))}
    assert kept[later_second].losing_device == one.id and '"v":"one"' in kept[later_second].losing_data_json
    assert kept[later_second].winning_device == two.id
    assert kept[later_first].losing_device == two.id and '"v":"two"' in kept[later_first].losing_data_json
    assert kept[later_first].winning_device == one.id and kept[later_first].reviewed_at is None

    # Each laptop pulls the versions that won against it, consistent with the answers.
    pulled_by_one = {r.id: r.data for r in one.pull_all()[0]}
    pulled_by_two = {r.id: r.data for r in two.pull_all()[0]}
    assert pulled_by_one == {later_second: {"v": "two"}}
    assert pulled_by_two == {later_first: {"v": "one"}}

    # The losing version sent again in a new batch: the same answer, kept only once.
    assert two.push_ok(losing)[0].outcome == Outcome.CONFLICT
    assert service.count(Conflict, Conflict.row_id == later_first) == 1


def test_the_winner_of_a_tie_is_the_greater_device_id() -> None:
    low, high = uuid.UUID(int=1), uuid.UUID(int=2)
    same = "001764000000000-000000005-"
    assert wins(Version(2, same + "aa", high), Version(2, same + "ff", low))
    assert not wins(Version(2, same + "ff", low), Version(2, same + "aa", high))
    assert wins(Version(1, "001764000000001-000000000-aa", low), Version(9, same + "ff", high))


def test_facts_are_duplicates_when_sent_again_from_any_laptop(service: Service) -> None:
    centre_id = service.centre()
    one, two = service.enrol(centre_id), service.enrol(centre_id)
    mark = change("attendance", one, data={"mark": "late"})
    assert one.push_ok(mark)[0].outcome == Outcome.ACCEPTED
    assert one.push_ok(mark)[0].outcome == Outcome.DUPLICATE
    assert two.push_ok(mark.model_copy(update={"hlc": two.hlc()}))[0].outcome == Outcome.DUPLICATE
    assert service.count(Record, Record.row_id == mark.id) == 1
    assert service.count(Conflict, Conflict.row_id == mark.id) == 0


def test_batches_out_of_order_are_both_applied(service: Service) -> None:
    laptop = service.enrol(service.centre())
    row = uuid.uuid4()
    five = laptop.push(laptop.batch(change("participant", laptop, row_id=row, version=3, hlc=laptop.hlc(2_000),
                                           data={"v": 3}), sequence=5))
    four = laptop.push(laptop.batch(change("participant", laptop, row_id=row, version=2, hlc=laptop.hlc(1_000),
                                           data={"v": 2}), change("attendance", laptop), sequence=4))
    assert five.status == four.status == 200
    assert [r.outcome for r in five.read(PushResult).results] == [Outcome.ACCEPTED]
    # The older version of its own row is already superseded: nothing to keep, no conflict.
    assert [r.outcome for r in four.read(PushResult).results] == [Outcome.DUPLICATE, Outcome.ACCEPTED]
    assert '"v":3' in service.record("participant", row).data_json
    assert service.count(Batch, Batch.device_id == laptop.id) == 2
    assert service.count(Record, Record.centre_id == laptop.centre_id) == 2  # the row once, the mark
    assert [d.last_sequence for d in admin.list_devices(service.db) if d.id == laptop.id] == [5]


def test_laptops_pushing_at_the_same_time_all_get_through(service: Service) -> None:
    """Concurrent batches queue for the write lock (SQLite BEGIN IMMEDIATE) instead of failing."""
    centre_id = service.centre()
    laptops = [service.enrol(centre_id) for _ in range(4)]
    reader = service.enrol(centre_id)
    batches = [(laptop, laptop.batch(*[change("attendance", laptop) for _ in range(20)]))
               for laptop in laptops for _ in range(5)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda job: job[0].push(job[1]), batches))
    assert [r.status for r in replies] == [200] * len(batches)
    assert all(r.outcome == Outcome.ACCEPTED for reply in replies for r in reply.read(PushResult).results)
    pulled, _ = reader.pull_all(limit=37)
    assert sorted(r.id for r in pulled) == sorted(c.id for _, b in batches for c in b.records)


# --- pull --------------------------------------------------------------------------------------

def test_pull_pages_the_other_laptops_changes_by_cursor(service: Service) -> None:
    centre_id = service.centre()
    one, two = service.enrol(centre_id), service.enrol(centre_id)
    other_centre = service.enrol(service.centre("Баткен"))
    own = [change("participant", one) for _ in range(3)]
    one.push_ok(*own)
    mine = {r.id for r in own}
    theirs = [change("attendance", two, data={"n": n}) for n in range(7)]
    two.push_ok(*theirs)
    other_centre.push_ok(change("participant", other_centre))

    first = one.pull(0, limit=3)
    assert [r.id for r in first.records] == [r.id for r in theirs[:3]] and first.more
    pulled, cursor = one.pull_all(first.cursor, limit=3)
    assert [r.id for r in first.records + pulled] == [r.id for r in theirs]  # in order, none twice
    assert not mine & {r.id for r in pulled}
    assert pulled[-1].data == {"n": 6} and pulled[-1].hlc == theirs[-1].hlc
    last = one.pull(cursor)
    assert (last.records, last.cursor, last.more) == ([], cursor, False)

    later = change("participant", two)
    two.push_ok(later)
    assert [r.id for r in one.pull(cursor).records] == [later.id]
    assert {r.id for r in two.pull_all()[0]} == mine  # and "two" gets only what "one" wrote


# --- refusals ----------------------------------------------------------------------------------

def test_a_revoked_or_unknown_device_is_refused(service: Service) -> None:
    laptop = service.enrol(service.centre())
    assert laptop.push_ok(change("participant", laptop))[0].outcome == Outcome.ACCEPTED
    revoked = server_cli("revoke", "--db", service.server.db_url, "--device", laptop.id)
    assert revoked.returncode == 0 and "revoked" in revoked.stdout, revoked.stderr
    for reply in (laptop.push(laptop.batch(change("participant", laptop))),
                  call(service.base, "GET", "/api/v1/pull", token=laptop.token),
                  call(service.base, "GET", "/api/v1/pull", token="x" * 43),
                  call(service.base, "GET", "/api/v1/pull")):
        assert reply.status == 401 and reply.error().code == "device_revoked"
    assert service.count(Record, Record.centre_id == laptop.centre_id) == 1  # only what came before
    assert service.count(Batch, Batch.device_id == laptop.id) == 1


def test_a_laptop_cannot_touch_another_centres_records(service: Service) -> None:
    here, there = service.enrol(service.centre()), service.enrol(service.centre("Талас"))
    row = change("participant", here, data={"v": "here"})
    here.push_ok(row)
    results = there.push_ok(row.model_copy(update={"row_version": 5, "hlc": there.hlc(9_999_999_999_999),
                                                   "data": {"v": "there"}}),
                            change("attendance", there))
    assert results[0].outcome == Outcome.REJECTED and results[0].code == "forbidden_centre"
    assert results[1].outcome == Outcome.ACCEPTED  # one refused record does not block the rest
    assert '"v":"here"' in service.record("participant", row.id).data_json
    assert row.id not in {r.id for r in there.pull_all()[0]}
    assert service.count(Record, Record.centre_id == here.centre_id) == 1  # row counts of both centres
    assert service.count(Record, Record.centre_id == there.centre_id) == 1

    # A batch naming another device than the token's is refused whole.
    forged = PushBatch(batch_id=uuid.uuid4(), device_id=here.id, sequence=1, records=[change("attendance", there)])
    reply = there.push(forged)
    assert reply.status == 403 and reply.error().code == "forbidden_centre"


def test_bodies_the_server_refuses(service: Service) -> None:
    laptop = service.enrol(service.centre())
    json_headers = {"Content-Type": "application/json"}

    wrong_version = laptop.push(laptop.batch(change("attendance", laptop)), headers={PROTOCOL_HEADER: "2"})
    assert wrong_version.status == 426
    assert wrong_version.error().code == "protocol_version" and wrong_version.error().supported == [1]

    for body in (b"{not json", b'{"batch_id": "x"}', b"\x1f\x8b garbage"):
        extra = {"Content-Encoding": "gzip"} if body.startswith(b"\x1f\x8b") else {}
        reply = call(service.base, "POST", "/api/v1/push", body=body, token=laptop.token,
                     headers={**json_headers, **extra})
        assert reply.status == 400 and reply.error().code == "malformed", body
    bad_cursor = call(service.base, "GET", "/api/v1/pull", token=laptop.token, params={"cursor": "x"})
    assert bad_cursor.status == 400 and bad_cursor.error().code == "malformed"

    big = b'{"pad": "' + b"x" * (300 * 1024) + b'"}'
    for body, extra in ((big, {}), (os.urandom(300 * 1024), {"Content-Encoding": "gzip"})):
        reply = call(service.base, "POST", "/api/v1/push", body=body, token=laptop.token,
                     headers={**json_headers, **extra})
        assert reply.status == 413 and reply.error().code == "payload_too_large"

    before = service.server.rss_kib()
    bomb = gzip.compress(b"0" * (200 * 1024 * 1024), compresslevel=9)  # 200 MB of zeros in ~200 KB
    assert len(bomb) < 256 * 1024
    for _ in range(3):
        reply = call(service.base, "POST", "/api/v1/push", body=bomb, token=laptop.token,
                     headers={**json_headers, "Content-Encoding": "gzip"})
        assert reply.status == 413 and reply.error().code == "payload_too_large"
    assert service.server.rss_kib() - before < 40 * 1024, "the bomb was expanded in memory"
    assert service.count(Record, Record.centre_id == laptop.centre_id) == 0  # nothing refused went in
    assert service.count(Batch, Batch.device_id == laptop.id) == 0
    assert laptop.push_ok(change("attendance", laptop))[0].outcome == Outcome.ACCEPTED  # still serving
    assert service.count(Record, Record.centre_id == laptop.centre_id) == 1


def test_openapi_is_published(service: Service) -> None:
    schema = httpx.get(f"{service.base}/openapi.json").json()
    assert {"/api/v1/enrol", "/api/v1/push", "/api/v1/pull", "/api/v1/health"} <= set(schema["paths"])
    assert {"PushBatch", "RecordChange", "PushResult", "PullPage", "ErrorBody"} <= set(schema["components"]["schemas"])
    body = schema["paths"]["/api/v1/push"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PushBatch"}


def test_a_device_over_its_rate_is_told_to_wait(tmp_path: Path) -> None:
    clock = [0.0]
    bucket = RateLimiter(rate=1.0, burst=2, clock=lambda: clock[0])
    assert [bucket.take("a"), bucket.take("a"), bucket.take("b")] == [0, 0, 0]
    assert bucket.take("a") == pytest.approx(1.0)
    clock[0] += 1.0
    assert bucket.take("a") == 0

    app = create_app(f"sqlite:///{tmp_path / 'rate.db'}", rate=0.001, burst=2)
    db = app.state.db
    code = admin.issue_enrol_code(db, admin.add_centre(db, "Ош", "osh"))

    async def scenario() -> tuple[list[int], httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://server") as client:
            body, headers = encode(EnrolRequest(code=code, device_id=uuid.uuid4(), device_name="x",
                                                app_version="0.1.0"))
            enrolled = await client.post("/api/v1/enrol", content=body, headers=headers)
            token = decode(enrolled.content, {PROTOCOL_HEADER: "1"}, EnrolResponse).device_token
            auth = {PROTOCOL_HEADER: "1", "Authorization": f"Bearer {token}"}
            statuses = [(await client.get("/api/v1/pull", headers=auth)).status_code for _ in range(3)]
            return statuses, await client.get("/api/v1/pull", headers=auth)

    try:
        statuses, refused = anyio.run(scenario)
    finally:
        db.dispose()
    assert statuses == [200, 200, 429]
    assert refused.json()["code"] == "rate_limited" and int(refused.headers["Retry-After"]) >= 1


def test_without_postgresql_its_tests_skip_but_fail_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``make test`` in CI must run the PostgreSQL half of these tests: there a missing server is an
    error that says why; on a developer's machine those tests are skipped with the same reason."""
    from .pg import PG_URL_ENV, start_postgres_or_skip

    monkeypatch.setenv(PG_URL_ENV, f"postgresql+psycopg://nobody@/postgres?host={tmp_path}&port=1")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=f"CI=true and no PostgreSQL.*{PG_URL_ENV} does not answer"):
        start_postgres_or_skip()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match=f"no PostgreSQL: {PG_URL_ENV} does not answer"):
        start_postgres_or_skip()


def test_the_migrations_build_the_models_schema(tmp_path: Path, server_db: str) -> None:
    """The migrations and the models agree, on SQLite and PostgreSQL (a model change needs a revision)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from instructor_app.server.db import (
        ServerBase,
        ServerMeta,
        current_revision,
        head_revision,
    )

    # a plain path means a SQLite file
    db = Database(str(tmp_path / "fresh.db") if server_db.startswith("sqlite") else server_db)
    try:
        db.upgrade()
        db.upgrade()  # a no-op the second time
        assert current_revision(db.engine) == head_revision()
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), ServerBase.metadata) == []
        with db.read() as session:
            meta = session.get(ServerMeta, 1)
            assert meta is not None and meta.created_at.tzinfo == dt.timezone.utc
    finally:
        db.dispose()


# --- a server killed while it applies a batch ----------------------------------------------------

@pytest.mark.parametrize("when", ["while applying", "after committing"])
def test_a_batch_survives_a_server_killed_before_answering(tmp_path: Path, server_db: str, when: str) -> None:
    """The laptop never reads the answer (it times out), the server is SIGKILLed — while it applies
    the batch (500 records take ~0.25 s) or once the batch is committed — and restarted on the same
    database; the resent batch is then applied once, or answered from the stored result."""
    server = Server(server_db, tmp_path / "server.log").start()
    db = Database(server.db_url)
    try:
        centre_id = admin.add_centre(db, "Жалал-Абад", "jalal_abad")
        running = Service(server)
        laptop, peer = running.enrol(centre_id), running.enrol(centre_id)
        records = [change("attendance" if n % 2 else "participant", laptop, data={"n": n, "note": "ы" * 200})
                   for n in range(500)]
        batch = laptop.batch(*records)
        with pytest.raises(httpx.ReadTimeout):  # the answer is never read: the laptop marks nothing
            laptop.push(batch, timeout=httpx.Timeout(10, read=0.02))
        if when == "after committing":
            deadline = time.monotonic() + 10
            while running.count(Batch, Batch.batch_id == batch.batch_id) == 0:
                assert time.monotonic() < deadline, "the batch was never committed"
                time.sleep(0.01)
        server.kill()
        if when == "after committing":
            assert running.count(Batch, Batch.batch_id == batch.batch_id) == 1
        assert running.count(Record) in (0, 500)  # one transaction: all or nothing
        server.start()  # the same database, a new process

        reply = laptop.push(batch)  # the laptop resends the pending batch unchanged
        assert reply.status == 200
        results = reply.read(PushResult).results
        assert [(r.id, r.outcome) for r in results] == [(r.id, Outcome.ACCEPTED) for r in records]
        ids = [r.id for r in records]
        assert running.count(Record, Record.row_id.in_(ids)) == 500  # nothing lost
        assert running.count(Batch, Batch.batch_id == batch.batch_id) == 1  # applied once
        pulled, _ = peer.pull_all()
        assert sorted(r.id for r in pulled) == sorted(ids)  # each change in the feed exactly once
        assert laptop.pull_all()[0] == []
        running.db.dispose()
    finally:
        db.dispose()
        server.stop()
