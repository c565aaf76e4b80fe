"""Daily actions on the demo centre and a full register: open a group's register (12 participants ×
26 sessions), record one mark, compute the Today alerts, a participant's record, a week of the
calendar. Run: ``make bench`` (prints a Markdown table). Medians of several runs; the baseline is
the same query's bare SQL row fetch in the same run, so the cost of the domain work is visible.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from instructor_app.demo import create_demo
from instructor_app.paths import DataFolder
from instructor_app.services.participant_data import IntakeDraft
from instructor_app.services.programme_data import GroupDraft
from instructor_app.services.workspace import Workspace
from instructor_app.storage.crypto import KdfParams

KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)


def median_ms(fn, runs: int = 7) -> float:  # noqa: ANN001
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def full_register(ws, today: dt.date) -> str:  # noqa: ANN001
    """A men's group that started 25 weeks ago (24 sessions held) with 12 participants and every mark."""
    version = next(c for c in ws.curricula.list() if c.key == "tcp-voluntary-men" and c.latest)
    man = next(p for p in ws.facilitators() if p.gender == "male")
    woman = next(p for p in ws.facilitators() if p.gender == "female")
    start = today - dt.timedelta(weeks=25)
    detail = ws.groups.create(GroupDraft("Бенчмарк тобу", version.id, "ky", "male", man.id, woman.id, "", "1",
                                         start.weekday(), "18:00", start), start)
    for makeup_of in detail.sessions[:2]:
        ws.sessions.add_makeup(makeup_of.id, makeup_of.date + dt.timedelta(days=2), "10:00", "жарык өчтү",
                               makeup_of.date)
    for n in range(12):
        person = ws.participants.create(IntakeDraft(f"Катышуучу {n:02d}", dt.date(1980 + n, 1, 5), "male", "ky",
                                                    "voluntary", "self", start, screening="eligible",
                                                    contract_signed_on=start), start)
        ws.attendance.enrol(person.id, detail.group.id, start, start)
        for index, row in enumerate(s for s in ws.attendance.register(detail.group.id, today).sessions
                                    if s.date < today):
            ws.attendance.record(person.id, row.id, "unexcused" if (n + index) % 9 == 0 else "present", today)
    return detail.group.id


def main() -> None:
    today = dt.date.today()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(DataFolder(Path(tmp) / "demo"), KDF)
        opened, _result = create_demo(workspace, "demo-pass")
        group_id = full_register(opened, today)
        register = opened.attendance.register(group_id, today)
        person, session = register.rows[0].participant_id, register.sessions[-3].id
        participant = opened.participants.list(today=today)[0].id
        def fetch_all() -> None:
            with opened.db.engine.connect() as connection:
                connection.execute(text("SELECT * FROM attendance JOIN programme_session "
                                        "ON programme_session.id = attendance.session_id")).all()

        bare = median_ms(fetch_all)
        rows = [
            ("open the register of a group, 12 participants × 26 sessions", median_ms(
                lambda: opened.attendance.register(group_id, today))),
            ("record one mark and get the participant's row back", median_ms(
                lambda: opened.attendance.record(person, session, "late", today))),
            ("Today: every alert of the demo centre + the register group", median_ms(lambda: opened.alerts(today))),
            ("a participant's record (audited opening)", median_ms(
                lambda: opened.participants.detail(participant, today))),
            ("a week of the calendar", median_ms(lambda: opened.sessions.between(today, today + dt.timedelta(6)))),
            ("participant list with compliance (34 people)", median_ms(lambda: opened.participants.list(today=today))),
        ]
        opened.close()
    print("| action | median | baseline in the same run |")
    print("|---|---|---|")
    for label, value in rows:
        print(f"| {label} | {value:.0f} ms | bare SQL fetch of all attendance rows {bare:.1f} ms |")


if __name__ == "__main__":
    main()
