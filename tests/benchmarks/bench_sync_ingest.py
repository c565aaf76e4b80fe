"""Server ingest on PostgreSQL (issue 6): 20 enrolled laptops pushing at once to the real receiving
service, in records per second, next to a bare SQLAlchemy Core bulk insert of the same rows into an
empty ``record`` table of the same PostgreSQL, in the same run. Target: ingest ≥ ¼ of the bare rate.

Steps, each real: a throwaway PostgreSQL cluster (tests/core/pg.py, fsync on like production);
``instructor-app demo --scale large`` builds a laptop's outbox (≈61,000 records of every synced
table); the laptop's own client code (``SyncClient._drain`` and ``protocol.batches``) turns it into
batches of ≤ 500 records / 256 KB, dealt round-robin to 20 devices (two per centre, ten centres) and
gzip-encoded as the client sends them; ``--workers`` server processes (``instructor-app server run``,
uvicorn) on one database; the devices enrol with one-time codes, then push all their batches at once
(one thread each, its batches one after the other). Timed: from the first request to the last answer;
every answer is then checked (all records ``accepted``) and the records are counted in the database.
The baseline inserts the same rows (as the server stores them: JSON data, feed numbers) with one
``insert(Record)`` executemany in one transaction into a fresh database.

Run: ``make bench`` (or ``.venv/bin/python tests/benchmarks/bench_sync_ingest.py [--workers N]``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # tests.core.pg: the throwaway PostgreSQL of the test suite

from tests.core.pg import start_postgres

PASSWORD = "demo-pass"
DEVICES = 20
PER_CENTRE = 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def laptop_batches(folder: Path) -> list:  # list[RecordChange]
    """The large demo's outbox as the client drains it (one record per row, parents first), without the
    programme and instrument versions (shared by every centre: the same ids on every laptop)."""
    from instructor_app.paths import DataFolder
    from instructor_app.server.store import SHARED_TABLES
    from instructor_app.services.workspace import Workspace
    from instructor_app.sync.client import SyncClient

    done = subprocess.run([sys.executable, "-m", "instructor_app", "--data-dir", str(folder), "demo", "--scale",
                           "large", "--password-stdin"], input=PASSWORD + "\n", capture_output=True, text=True,
                          encoding="utf-8", check=False, cwd=tempfile.gettempdir(), timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"demo --scale large failed:\n{done.stdout}\n{done.stderr}")
    ws = Workspace(DataFolder(folder)).unlock_any(PASSWORD)
    try:
        records, _covers = SyncClient(ws.db, ws.db.device_id)._drain()
    finally:
        ws.close()
    return [r for r in records if r.table not in SHARED_TABLES]


class Servers:
    """``workers`` receiving-service processes on one database, each on its own port."""

    def __init__(self, db_url: str, workers: int, folder: Path) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []
        self.urls: list[str] = []
        for n in range(workers):
            port = _free_port()
            with open(folder / f"server-{n}.log", "ab") as log:
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-m", "instructor_app.server.cli", "run", "--db", db_url, "--port", str(port),
                     "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT, cwd=tempfile.gettempdir()))
            self.urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        for process, url in zip(self.processes, self.urls, strict=True):
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"a server did not start; see {folder}")
                try:
                    if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def enrol(url: str, code: str) -> tuple[uuid.UUID, str]:
    from instructor_app.sync.protocol import EnrolRequest, EnrolResponse, decode, encode

    device_id = uuid.uuid4()
    body, headers = encode(EnrolRequest(code=code, device_id=device_id, device_name="bench", app_version="0.1.0"))
    reply = httpx.post(f"{url}/api/v1/enrol", content=body, headers=headers, timeout=30)
    if reply.status_code != 200:
        raise SystemExit(f"enrolment refused: {reply.status_code} {reply.text}")
    return device_id, decode(reply.content, dict(reply.headers), EnrolResponse).device_token


def ingest(db_url: str, records: list, workers: int, folder: Path) -> tuple[float, int, int]:
    """Seconds for 20 devices to push ``records`` (dealt round-robin) through ``workers`` processes;
    with the number of batches and of records found stored afterwards."""
    from sqlalchemy import func, select

    from instructor_app.server import admin
    from instructor_app.server.db import Database, Record
    from instructor_app.sync.protocol import Outcome, PushResult, batches, encode

    db = Database(db_url)
    db.upgrade()  # once, before several processes start on the database
    centres = [admin.add_centre(db, f"Борбор {n + 1}", "osh") for n in range(DEVICES // PER_CENTRE)]
    codes = [admin.issue_enrol_code(db, centres[n // PER_CENTRE]) for n in range(DEVICES)]
    servers = Servers(db_url, workers, folder)
    try:
        jobs = []  # per device: (server url, token, [(body, headers, records in the batch)])
        for n, code in enumerate(codes):
            url = servers.urls[n % workers]
            device_id, token = enrol(url, code)
            mine = records[n::DEVICES]
            encoded = []
            for batch in batches(mine, device_id, first_sequence=1):
                body, headers = encode(batch)
                encoded.append((body, {**headers, "Authorization": f"Bearer {token}"}, len(batch.records)))
            jobs.append((url, encoded))
        answers: list[list[tuple[int, bytes]]] = [[] for _ in jobs]
        start = threading.Barrier(len(jobs) + 1)

        def device(n: int) -> None:
            url, encoded = jobs[n]
            with httpx.Client(timeout=httpx.Timeout(120)) as client:
                start.wait()
                for body, headers, _count in encoded:
                    reply = client.post(f"{url}/api/v1/push", content=body, headers=headers)
                    answers[n].append((reply.status_code, reply.content))  # (httpx has gunzipped it)

        threads = [threading.Thread(target=device, args=(n,)) for n in range(len(jobs))]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - began
    finally:
        servers.stop()
    sent = 0
    for (_url, encoded), replies in zip(jobs, answers, strict=True):
        assert len(replies) == len(encoded)
        for (status, raw), (_body, _h, count) in zip(replies, encoded, strict=True):
            assert status == 200, (status, raw[:200])
            result = PushResult.model_validate_json(raw)
            assert [r.outcome for r in result.results] == [Outcome.ACCEPTED] * count, "not all accepted"
            sent += count
    with db.read() as session:
        stored = session.scalar(select(func.count()).select_from(Record)) or 0
    db.dispose()
    assert sent == len(records) == stored, (sent, len(records), stored)
    return seconds, sum(len(e) for _u, e in jobs), stored


def bare_insert(db_url: str, records: list) -> float:
    """Seconds for one ``insert(Record)`` executemany of the same rows (as stored: JSON data, feed
    numbers, the devices of the ingest's layout) into an empty ``record`` table, committed."""
    from sqlalchemy import func, insert, select

    from instructor_app.server import admin
    from instructor_app.server.db import Database, Device, Record

    db = Database(db_url)
    db.upgrade()
    centres = [admin.add_centre(db, f"Борбор {n + 1}", "osh") for n in range(DEVICES // PER_CENTRE)]
    devices = [uuid.uuid4() for _ in range(DEVICES)]
    with db.write() as session:
        for n, device_id in enumerate(devices):
            session.add(Device(id=device_id, centre_id=centres[n // PER_CENTRE], name="bench", app_version="0.1.0",
                               token_sha256=admin.sha256_hex(str(device_id)), last_sequence=0))
    rows = []
    for n, change in enumerate(records):
        device = n % DEVICES
        rows.append({"table_name": change.table, "row_id": change.id, "centre_id": centres[device // PER_CENTRE],
                     "row_version": change.row_version, "hlc": change.hlc, "device_id": devices[device],
                     "operation": change.operation.value, "feed_seq": n + 1,
                     "data_json": json.dumps(change.data, ensure_ascii=False, separators=(",", ":"))})
    began = time.perf_counter()
    with db.engine.begin() as conn:
        conn.execute(insert(Record), rows)
    seconds = time.perf_counter() - began
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Record)) == len(rows)
    db.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2, one per core here)")
    parser.add_argument("--no-fsync", action="store_true", help="PostgreSQL with fsync off (as in the tests)")
    options = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    postgres = start_postgres(fsync=not options.no_fsync)
    try:
        records = laptop_batches(tmp / "laptop")
        tables = sorted({r.table for r in records})
        ingest_s, batch_count, stored = ingest(postgres.create_database("ia_bench"), records, options.workers, tmp)
        bare_s = bare_insert(postgres.create_database("ia_bench"), records)
        with postgres._connect() as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
    finally:
        postgres.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    ingest_rate, bare_rate = stored / ingest_s, len(records) / bare_s
    print(f"Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, PostgreSQL {version} "
          f"(throwaway cluster, unix socket, fsync {'off' if options.no_fsync else 'on'}); {dt.date.today()}")
    print(f"Rows: {len(records):,} records of {len(tables)} tables from `demo --scale large`, "
          f"{batch_count} batches, {DEVICES} devices in {DEVICES // PER_CENTRE} centres, "
          f"{options.workers} server process(es)")
    print()
    print("| measure | result | baseline in the same run |")
    print("|---|---|---|")
    print(f"| ingest, {DEVICES} devices pushing at once (HTTP, gzip, per-record decisions, one "
          f"transaction per batch) | {ingest_rate:,.0f} records/s ({stored:,} in {ingest_s:.1f} s) | "
          f"bare `insert(Record)` executemany {bare_rate:,.0f} records/s ({bare_s:.1f} s) |")
    ratio = ingest_rate / bare_rate
    print(f"| ratio ingest / bare insert | {ratio:.2f} (target ≥ 0.25) | — |")
    if ratio < 0.25:
        print("BELOW TARGET", file=sys.stderr)


if __name__ == "__main__":
    main()
