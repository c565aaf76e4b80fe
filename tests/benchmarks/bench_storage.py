"""Storage benchmarks for the foundation: unlock cost, commit latency by ``synchronous`` level,
backup and integrity check of a populated store. Run: ``make bench`` (prints a Markdown table).

Each figure is the median of several runs, next to its baseline measured in the same run.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from instructor_app.paths import DataFolder
from instructor_app.services.data import FacilitatorDraft, SetupRequest
from instructor_app.services.workspace import Workspace
from instructor_app.storage.crypto import KdfParams
from instructor_app.storage.engine import create_store_engine
from instructor_app.storage.models import Facilitator


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_unlock(root: Path) -> list[tuple[str, str, str]]:
    workspace = Workspace(DataFolder(root / "unlock"))
    opened, _ = workspace.set_up(SetupRequest("Centre", "osh_city", "ky", (
        FacilitatorDraft("A", "male", "password-1"), FacilitatorDraft("B", "female", "password-2"))))
    opened.close()
    account = workspace.accounts()[0].id
    argon, full = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        workspace._keystore().unlock(account, "password-1")
        argon.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        workspace.unlock(account, "password-1").close()
        full.append(time.perf_counter() - t0)
    return [
        ("Argon2id unwrap of the data key (64 MiB, t=3, p=4)", f"{_median_ms(argon):.0f} ms", "—"),
        ("unlock: unwrap + open + schema check + audit row", f"{_median_ms(full):.0f} ms",
         f"unwrap alone {_median_ms(argon):.0f} ms"),
    ]


def bench_commits(root: Path, commits: int = 200) -> list[tuple[str, str, str]]:
    key = os.urandom(32)
    results = {}
    for level in ("FULL", "NORMAL"):
        engine = create_store_engine(root / f"commit-{level}.db", key)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT)")
        samples = []
        raw = engine.raw_connection()  # autocommit DBAPI connection: explicit BEGIN/COMMIT below
        raw.execute(f"PRAGMA synchronous = {level}")
        for _ in range(commits):
            t0 = time.perf_counter()
            raw.execute("BEGIN")
            raw.execute("INSERT INTO t VALUES (?, ?)", (uuid.uuid4().hex, "x" * 200))
            raw.execute("COMMIT")
            samples.append(time.perf_counter() - t0)
        raw.close()
        engine.dispose()
        results[level] = samples
    return [(
        f"one-row commit, WAL + synchronous=FULL (chosen), median of {commits}",
        f"{_median_ms(results['FULL']):.2f} ms",
        f"synchronous=NORMAL {_median_ms(results['NORMAL']):.2f} ms",
    )]


def bench_backup(root: Path, rows: int = 20_000) -> list[tuple[str, str, str]]:
    kdf = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
    workspace = Workspace(DataFolder(root / "backup"), kdf=kdf)
    opened, _ = workspace.set_up(SetupRequest("Centre", "osh_city", "ky", (
        FacilitatorDraft("A", "male", "password-1"), FacilitatorDraft("B", "female", "password-2"))))
    centre_id = opened.db.device_id  # any uuid; rows below reference the real centre
    with opened.db.session(opened.actor.id) as session:
        centre_id = session.get(Facilitator, uuid.UUID(opened.actor.id)).centre_id
        session.add_all(Facilitator(centre_id=centre_id, display_name=f"Person {i}", gender="male")
                        for i in range(rows))
    t0 = time.perf_counter()
    info = opened.backup_to(root / "b.iabackup")
    backup_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = opened.check()
    check_s = time.perf_counter() - t0
    opened.close()
    size_mb = info.size_bytes / 1e6
    return [
        (f"verified backup of a store with {report.records:,} records ({size_mb:.1f} MB)", f"{backup_s:.2f} s", "—"),
        ("integrity check (SQLite + SQLCipher HMAC of every page + foreign keys)", f"{check_s:.2f} s", "—"),
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        rows = bench_unlock(root) + bench_commits(root) + bench_backup(root)
    print("| measure | result | baseline in the same run |")
    print("|---|---|---|")
    for name, value, baseline in rows:
        print(f"| {name} | {value} | {baseline} |")


if __name__ == "__main__":
    main()
