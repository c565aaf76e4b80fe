"""Must show: a process killed mid-write (SIGKILL: power cut, crash, task manager) loses no
committed record and leaves nothing half-written.

A real writer process unlocks the data and commits a burst of transactions, printing each one only
after its commit returned. The test kills it at an arbitrary moment, reopens the data and checks.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from instructor_app.storage.models import SYNCED_TABLES, Centre, ChangeLog, Facilitator

from .conftest import MAN_PASSWORD, Installed

WRITER = r"""
import sys
from sqlalchemy import select
from instructor_app.paths import DataFolder
from instructor_app.services.workspace import Workspace
from instructor_app.storage.models import Centre, Facilitator

root, account, password = sys.argv[1:4]
opened = Workspace(DataFolder.resolve(root)).unlock(account, password)
db = opened.db
with db.session(account) as session:
    centre_id = session.scalar(select(Centre.id))
print("ready", flush=True)
regions = ("osh", "naryn", "talas", "batken", "chui")
i = 0
while True:
    i += 1
    if i % 4 == 0:
        with db.session(account) as session:
            centre = session.get(Centre, centre_id)
            centre.region = regions[i % len(regions)]
        print(f"centre {centre_id} {centre.row_version}", flush=True)  # after the commit
    else:
        with db.session(account) as session:
            person = Facilitator(centre_id=centre_id, display_name=f"Катышуучу {i}",
                                 gender="female" if i % 2 else "male")
            session.add(person)
        print(f"facilitator {person.id} 1", flush=True)  # after the commit
"""


class Writer:
    def __init__(self, root: Path, account: str, log: Path) -> None:
        self._stderr = open(log, "ab")
        self.proc = subprocess.Popen([sys.executable, "-c", WRITER, str(root), account, MAN_PASSWORD],
                                     stdout=subprocess.PIPE, stderr=self._stderr, text=True, bufsize=1)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, deadline: float) -> str:
        try:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError("the writer stopped printing commits") from None
        if line is None:
            raise AssertionError(f"the writer exited early with {self.proc.wait()}")
        return line

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._stderr.close()


def _state(installed: Installed) -> tuple[dict[tuple[str, uuid.UUID], int], dict[tuple[str, uuid.UUID], list[int]]]:
    """Every synced row's version, and the row versions its change_log rows record."""
    opened = installed.unlock()
    try:
        report = opened.check()
        assert report.ok, report.problems
        with opened.db.session() as session:
            rows = {(model.__tablename__, r.id): r.row_version
                    for model in SYNCED_TABLES for r in session.scalars(select(model))}
            changes: dict[tuple[str, uuid.UUID], list[int]] = {}
            for change in session.scalars(select(ChangeLog).order_by(ChangeLog.seq)):
                changes.setdefault((change.table_name, change.row_id), []).append(change.row_version)
        return rows, changes
    finally:
        opened.close()


@pytest.mark.slow
def test_killed_writer_loses_no_committed_record(installed: Installed, tmp_path: Path) -> None:
    committed: dict[tuple[str, uuid.UUID], int] = {}  # what the writer saw committed
    for kill_after in (60, 150, 240):
        writer = Writer(installed.root, installed.man_id, tmp_path / "writer.err")
        try:
            deadline = time.monotonic() + 60
            assert writer.next_line(deadline) == "ready"
            for _ in range(kill_after):
                kind, row_id, version = writer.next_line(deadline).split()
                key = ("centre" if kind == "centre" else "facilitator", uuid.UUID(row_id))
                committed[key] = max(committed.get(key, 0), int(version))
        finally:
            writer.kill()  # mid-burst: the writer is inside its next transaction
        assert writer.proc.returncode == -signal.SIGKILL
        wal = installed.folder.database.with_name("instructor.db-wal")
        assert wal.exists() and wal.stat().st_size > 0, "the kill should leave un-checkpointed commits"

        rows, changes = _state(installed)
        missing = [key for key in committed if key not in rows]
        assert missing == [], f"{len(missing)} committed records lost after kill at {kill_after}"
        for key, version in committed.items():
            assert rows[key] >= version, f"{key} went back to version {rows[key]} < {version}"
        for key, version in rows.items():
            # every row has exactly its changes: versions 1..N, nothing half-written
            assert changes.get(key) == list(range(1, version + 1)), key
        assert set(changes) == set(rows)
    facilitators = sum(1 for table, _ in committed if table == "facilitator")
    assert facilitators >= 0.7 * (60 + 150 + 240)


def test_writer_output_matches_the_database_for_a_clean_exit(installed: Installed) -> None:
    """Control for the kill test: the version the writer prints is the committed version."""
    opened = installed.unlock()
    try:
        with opened.db.session(installed.man_id) as session:
            centre = session.get(Centre, session.scalar(select(Centre.id)))
            centre.region = "naryn"
            session.add(Facilitator(centre_id=centre.id, display_name="Тест", gender="male"))
        printed = centre.row_version
        with opened.db.session() as session:
            assert session.get(Centre, centre.id).row_version == printed == 2
    finally:
        opened.close()
