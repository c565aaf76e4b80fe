"""Sync at the scale of a five-year centre (issue 6): the first full sync of ``instructor-app demo
--scale large`` to the real receiving service, then the incremental sync of one held session.

Steps, each real: the receiving service runs as its own process (``instructor-app server run``,
uvicorn, SQLite file, its default rate limit); the large demo is built by the app's command line
into a fresh data folder (timed on its own); the laptop enrols with a one-time code; the FIRST sync
pushes the whole outbox and pulls the centre's feed (timed: seconds, records, bytes on the wire);
then a facilitator records one held session (the marks of its participants and the session marked
held) and the INCREMENTAL sync sends just that. Bytes are the request and response bodies as they
travel (gzip-compressed above 1 KB), counted by a transport wrapped around httpx's own, plus the
HTTP header lines.

Run: ``make bench`` (or ``.venv/bin/python tests/benchmarks/bench_sync.py``; ``--profile`` writes
a cProfile of the first sync next to the printed table). Targets: first sync < 30 s; incremental
< 1 s and < 8 KB on loopback.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "demo-pass"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CODE_RE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


class _CountedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, counter: CountingTransport) -> None:
        self._inner, self._counter = inner, counter

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._counter.received += len(chunk)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class CountingTransport(httpx.BaseTransport):
    """httpx's own transport, counting the bytes of every request and answer as they travel."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.sent = self.received = self.headers = self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        self.sent += len(request.read())
        self.headers += len(request.method) + len(request.url.raw_path) + 12 + sum(
            len(k) + len(v) + 4 for k, v in request.headers.raw)
        response = self._inner.handle_request(request)
        self.headers += 17 + sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
        assert isinstance(response.stream, httpx.SyncByteStream)
        response.stream = _CountedStream(response.stream, self)
        return response

    def close(self) -> None:
        self._inner.close()

    def total(self) -> int:
        return self.sent + self.received + self.headers

    def reset(self) -> None:
        self.sent = self.received = self.headers = self.requests = 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_cmd(*args: object) -> list[str]:
    return [sys.executable, "-m", "instructor_app.server.cli", *[str(a) for a in args]]


def _run(cmd: list[str], stdin: str = "") -> str:
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, encoding="utf-8", check=False,
                          cwd=tempfile.gettempdir(), timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"{cmd[2:]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def start_server(folder: Path, profile: bool = False) -> tuple[subprocess.Popen[bytes], str, str]:
    db_url = f"sqlite:///{folder / 'server.db'}"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    centre = UUID_RE.findall(_run(_server_cmd("centre", "add", "--db", db_url, "--name", "Ош «Үмүт»",
                                              "--region", "osh_city")))[-1]
    with open(folder / "server.log", "ab") as log:
        cmd = _server_cmd("run", "--db", db_url, "--port", port, "--log-level", "warning")
        if profile:  # cProfile writes its file when uvicorn shuts down on SIGINT
            cmd[1:2] = ["-m", "cProfile", "-o", str(folder / "server.prof"), "-m"]
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=tempfile.gettempdir())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit((folder / "server.log").read_text(errors="replace"))
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    code = CODE_RE.findall(_run(_server_cmd("enrol-code", "--db", db_url, "--centre", centre)))[0]
    return process, url, code


def record_one_session(ws, today: dt.date) -> int:  # noqa: ANN001 - OpenWorkspace
    """A facilitator's evening: today's session of the fullest group meeting today, every member's
    mark, then the session marked held with its times and notes. Returns the records this wrote."""
    from sqlalchemy import func, select

    from instructor_app.storage.models import ChangeLog

    def pending() -> int:
        with ws.db.session() as session:
            return session.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.state == "pending"))

    before = pending()
    today_rows = [s for s in ws.sessions.between(today, today) if s.group_id and s.status == "planned"]
    best = max(today_rows, key=lambda s: len(ws.attendance.register(s.group_id, today).rows))
    register = ws.attendance.register(best.group_id, today)
    column = next(i for i, s in enumerate(register.sessions) if s.id == best.id)
    marked = 0
    for row in register.rows:
        if row.cells[column].enrolled and row.status == "active":
            ws.attendance.record(row.participant_id, best.id, "late" if marked == 3 else "present", today)
            marked += 1
    ws.sessions.mark_held(best.id, today, best.start_time, best.end_time, best.lead.id,
                          best.second.id if best.second else None, "Бардык катышуучулар активдүү катышты.", today)
    return pending() - before


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of another process (Linux /proc), None where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


class Timed:
    """Wall time, this process's CPU time and the server process's CPU time of a block: on a busy
    machine the wall time varies a lot, the CPU times much less."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.wall = self.client_cpu = 0.0
        self.server_cpu: float | None = None

    def __enter__(self) -> Timed:
        self._wall, self._cpu, self._server = time.perf_counter(), time.process_time(), cpu_seconds(self.server_pid)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.client_cpu = time.process_time() - self._cpu
        after = cpu_seconds(self.server_pid)
        self.server_cpu = after - self._server if after is not None and self._server is not None else None

    def text(self, unit: str = "s") -> str:
        scale = 1000 if unit == "ms" else 1
        server = f"{self.server_cpu * scale:.1f} {unit}" if self.server_cpu is not None else "n/a"
        return (f"{self.wall * scale:.1f} {unit} (CPU: laptop {self.client_cpu * scale:.1f} {unit}, "
                f"server {server})")


def timed_sync(ws, transport: CountingTransport, today: dt.date, server_pid: int,  # noqa: ANN001, ANN201
               profile: Path | None = None):
    from instructor_app.sync.client import SyncClient

    transport.reset()
    client = SyncClient(ws.db, ws.db.device_id, transport=transport)
    profiler = cProfile.Profile() if profile else None
    with Timed(server_pid) as timed:
        if profiler:
            profiler.enable()
        summary = client.sync_once(today)
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
    return summary, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="write a cProfile of the first sync (client side) "
                        "and of the server process, and print their top entries")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (printed)")
    options = parser.parse_args()
    from instructor_app.paths import DataFolder
    from instructor_app.services.workspace import Workspace

    today = dt.date.today()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    server, url, code = start_server(tmp, options.profile)
    try:
        data = tmp / "laptop"
        began = time.perf_counter()
        _run([sys.executable, "-m", "instructor_app", "--data-dir", str(data), "--lang", "ru", "demo", "--scale",
                    "large", "--password-stdin"], PASSWORD + "\n")
        build_s = time.perf_counter() - began
        ws = Workspace(DataFolder(data)).unlock_any(PASSWORD)
        try:
            records = ws.overview().pending_changes
            ws.sync_enrol(url, code)
            transport = CountingTransport()
            profile = tmp / "first-sync.prof" if options.profile else None
            first, first_t = timed_sync(ws, transport, today, server.pid, profile)
            first_bytes, first_requests = transport.total(), transport.requests
            first_split = (transport.sent, transport.received, transport.headers)
            written = record_one_session(ws, today)
            again, again_t = timed_sync(ws, transport, today, server.pid)
            again_bytes = transport.total()
            again_split = (transport.sent, transport.received, transport.headers)
        finally:
            ws.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    kb = lambda n: f"{n / 1024:,.1f} KB"  # noqa: E731
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Machine: {os.cpu_count()} CPUs (load average {load:.1f} at the end), Python {sys.version.split()[0]}; "
          f"server: SQLite file, loopback, default rate limit; {dt.date.today()}")
    print()
    print("| measure | result | target |")
    print("|---|---|---|")
    print(f"| build `demo --scale large` (CLI, incl. Argon2 set-up) | {build_s:.1f} s, {records:,} records | < 60 s |")
    print(f"| FIRST full sync: time | {first_t.text()} | < 30 s |")
    print(f"| FIRST full sync: records sent / accepted / received | {first.sent:,} / {first.accepted:,} / "
          f"{first.received:,} in {first.batches} batches, {first_requests} requests; waiting after: "
          f"{first.waiting} | — |")
    print(f"| FIRST full sync: bytes on the wire (sent + received + headers) | {kb(first_bytes)} "
          f"({kb(first_split[0])} + {kb(first_split[1])} + {kb(first_split[2])}) | — |")
    print(f"| one held session recorded | {written} records | ≈ 15 |")
    print(f"| INCREMENTAL sync: time | {again_t.text('ms')} | < 1 s |")
    print(f"| INCREMENTAL sync: records sent / received | {again.sent} / {again.received} | — |")
    print(f"| INCREMENTAL sync: bytes on the wire | {kb(again_bytes)} ({kb(again_split[0])} + "
          f"{kb(again_split[1])} + {kb(again_split[2])}) | < 8 KB |")
    if options.profile and profile is not None:
        print()
        for name in ("first-sync.prof", "server.prof"):
            if (tmp / name).exists():
                print(f"--- {name}")
                pstats.Stats(str(tmp / name)).sort_stats("tottime").print_stats(20)
    if options.keep or options.profile:
        print(f"\nkept: {tmp}")
    else:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
