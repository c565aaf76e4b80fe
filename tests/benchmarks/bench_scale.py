"""Issue 8 — every daily action on the five-year centre (``instructor-app demo --scale large``:
≈2,000 participants, 150 groups), each next to the same action on the small demo centre (34
participants) measured in the same run, and to the issue's target.

- fresh processes running the real app (``scale_app.py``): cold start to the unlock screen as a ratio
  to a bare PySide6 window process (the code of bench_startup.py); from the Unlock press to a usable
  main window (the Today page filled); the peak memory after visiting every page and opening the
  register of the biggest group;
- this process (``scale_pages.py``): the real pages offscreen on the real DB worker — the participant
  list read, a keystroke in its search box, a group's register opened, one mark recorded, the Today page
  filled — and the services alone on the worker, the indicators (figures, and the PDF report).

Both centres are built once per run into a temporary folder (the large one takes tens of seconds);
``--large DIR`` (or INSTRUCTOR_APP_BENCH_LARGE=DIR) reuses a large centre built before with the
password demo-pass: it is copied, never changed.
Run: ``make bench`` or ``.venv/bin/python tests/benchmarks/bench_scale.py [--runs N] [--large DIR]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_startup  # noqa: E402
from scale_pages import Centre, measure_centre  # noqa: E402
from sqlalchemy import text  # noqa: E402

from instructor_app.paths import DataFolder  # noqa: E402
from instructor_app.services.workspace import Workspace  # noqa: E402

PASSWORD = "demo-pass"
BIGGEST_GROUPS = text(  # the two registers with the most cells (participants × sessions)
    "SELECT e.group_id, COUNT(DISTINCT e.participant_id) * (SELECT COUNT(*) FROM programme_session s "
    "WHERE s.group_id = e.group_id AND s.deleted_at IS NULL) AS cells FROM enrolment e "
    "WHERE e.deleted_at IS NULL GROUP BY e.group_id ORDER BY cells DESC, e.group_id LIMIT 2")
COUNTED = ("participant", "programme_group", "programme_session", "attendance", "response", "change_log")


def _canonical(value: str) -> str:
    return str(uuid.UUID(hex=str(value)))


def _describe(opened, label: str, folder: DataFolder) -> tuple[Centre, dict[str, int]]:  # noqa: ANN001
    with opened.db.engine.connect() as connection:
        (first, _n), (second, _m) = connection.execute(BIGGEST_GROUPS).all()
        counts = {table: int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() or 0)
                  for table in COUNTED}
    opened.close()
    return Centre(label, folder, PASSWORD, _canonical(first), _canonical(second)), counts


def build_centres(tmp: Path, reuse: str | None) -> tuple[list[tuple[Centre, dict[str, int]]], str]:
    from instructor_app.demo import create_demo

    small_folder = DataFolder(tmp / "small")
    opened, _result = create_demo(Workspace(small_folder), PASSWORD)
    small = _describe(opened, "small demo centre", small_folder)
    large_folder = DataFolder(tmp / "large")
    if reuse:
        shutil.copytree(reuse, large_folder.root)
        how = f"copied from {reuse}"
        opened = Workspace(large_folder).unlock_any(PASSWORD)
    else:
        from instructor_app.demo_large import create_large_demo

        started = time.perf_counter()
        opened, _result, built = create_large_demo(Workspace(large_folder), PASSWORD)
        how = (f"built in {time.perf_counter() - started:.0f} s (bulk write {built.seconds:.0f} s, "
               f"seed {built.seed})")
    return [small, _describe(opened, "large centre (5 years)", large_folder)], how


def run_app(centre: Centre, runs: int) -> dict[str, list[float]]:
    """The real app in a fresh process per run (scale_app.py): seconds from the Unlock press, peak MiB."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    found: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, str(HERE / "scale_app.py"), str(centre.folder.root), centre.password,
                              centre.group_id], env=env, check=True, text=True, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=600).stdout
        result = json.loads(out.strip().splitlines()[-1])
        for key, value in result.items():
            if key == "pages":
                for page, seconds in value.items():
                    found.setdefault(f"page {page}", []).append(seconds)
            else:
                found.setdefault(key, []).append(value)
    return found


BARE_PEAK = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
window = QLabel("Instructor App")
window.show()
def shown():
    print(open("/proc/self/status").read().split("VmHWM:")[1].split()[0], flush=True)
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""


def machine() -> str:
    import PySide6

    memory = ""
    try:
        kib = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")).split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{os.cpu_count()} cores ({cpu}){memory}, {platform.platform()}, Python {platform.python_version()}, "
            f"PySide6 {PySide6.__version__} (offscreen)")


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms (max {max(values) * 1000:.0f})"


def row(label: str, large: list[float], small: list[float] | None, target: float | None, unit: str = "ms",
        every: bool = False) -> str:
    """A table row; the target is judged on the median, or on the worst run (``every``, and memory)."""
    if unit == "MiB":
        shown = f"{statistics.median(large):.0f} MiB (max {max(large):.0f})"
        baseline = f"{statistics.median(small):.0f} MiB" if small else "—"
        met = max(large) <= target if target else None
        goal = f"≤ {target:.0f} MiB" if target else "—"
    else:
        shown, baseline = ms(large), ms(small) if small else "—"
        met = (max(large) if every else statistics.median(large)) * 1000 <= target if target else None
        goal = (f"≤ {target:.0f} ms" + (" each" if every else "")) if target else "—"
    verdict = "—" if met is None else ("met" if met else "**not met**")
    return f"| {label} | {shown} | {baseline} | {goal} | {verdict} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each in-process measure (default 5)")
    parser.add_argument("--app-runs", type=int, default=3, help="fresh app processes per centre (default 3)")
    parser.add_argument("--large", default=os.environ.get("INSTRUCTOR_APP_BENCH_LARGE"),
                        help="a large centre built before (password demo-pass), copied")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        centres, how = build_centres(Path(tmp), args.large)
        (small, small_counts), (large, large_counts) = centres
        bare = bench_startup._stamps(bench_startup.BARE)[0]
        shown, _listed = bench_startup._stamps(bench_startup.APP, str(large.folder.root))
        bare_peak = [float(subprocess.run(
            [sys.executable, "-c", BARE_PEAK], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True,
            text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.split()[0]) / 1024
            for _ in range(3)]
        app = {c.label: run_app(c, args.app_runs) for c in (small, large)}
        pages = {c.label: measure_centre(c, args.runs) for c in (small, large)}
    s, big = pages[small.label], pages[large.label]
    a_small, a_big = app[small.label], app[large.label]
    print(f"Machine: {machine()}. Date {dt.date.today().isoformat()}.")
    print(f"Large centre {how}: " + ", ".join(f"{n} {t}" for t, n in large_counts.items())
          + f"; small demo: {small_counts['participant']} participants.")
    print(f"Register opened: {big['register_size'][0]:.0f} participants × {big['register_size'][1]:.0f} sessions "
          f"(small: {s['register_size'][0]:.0f} × {s['register_size'][1]:.0f}); Today alerts: "
          f"{big['alerts'][0]:.0f} (small {s['alerts'][0]:.0f}). Medians of {args.runs} runs in this process, "
          f"{args.app_runs} app processes per centre, 7 cold starts.\n")
    print("| measure | large centre: median (max) | small demo centre (baseline) | target | |")
    print("|---|---|---|---|---|")
    print(f"| cold start to the unlock screen (large centre) | {shown * 1000:.0f} ms = {shown / bare:.1f}× | bare "
          f"PySide6 window {bare * 1000:.0f} ms | ≤ 3× | {'met' if shown / bare <= 3 else '**not met**'} |")
    print(row("Unlock press → main window shown", a_big["main_window_shown"], a_small["main_window_shown"], None))
    print(row("Unlock press → Today page filled (alerts, sessions)", a_big["today_usable"], a_small["today_usable"],
              None))
    print(row("Unlock press → Today's month box filled", a_big["today_month_box"], a_small["today_month_box"], None))
    print(row("Unlock press → DB worker idle (automatic backup done)", a_big["worker_idle"], a_small["worker_idle"],
              None))
    print(row("participant list shown (read on the worker + table filled)", big["list_shown"], s["list_shown"], None))
    print(row("… of which the service (ws.participants.list with compliance)", big["list_service"],
              s["list_service"], None))
    print(row(f"filter as you type: a keystroke → table updated ({len(big['keystroke'])} keys)", big["keystroke"],
              s["keystroke"], 50, every=True))
    print(row("open a group's register (page)", big["register_open"], s["register_open"], 150))
    print(row("… of which the service", big["register_service"], s["register_service"], None))
    print(row("mark one cell: key P → row updated (page)", big["mark"], s["mark"], 150))
    print(row("… of which the service", big["mark_service"], s["mark_service"], None))
    print(row("Today page: refresh → alerts and sessions shown", big["today_usable"], s["today_usable"], 150))
    print(row("Today page: … and the month box filled", big["today_full"], s["today_full"], None))
    print(row("… the alerts service", big["alerts_service"], s["alerts_service"], None))
    print(row("… the week's sessions service", big["week_service"], s["week_service"], None))
    print(row("… the month's indicators service", big["month_service"], s["month_service"], None))
    print(row("indicators of the year: load_indicators", big["indicators_load"], s["indicators_load"], 3000))
    print(row("indicators report (PDF): make_indicators", big["indicators_pdf"], s["indicators_pdf"], 3000))
    for key in sorted(k for k in a_big if k.startswith("page ")):
        print(row(f"app: {key[5:]} shown (worker idle)", a_big[key], a_small.get(key), None))
    print(row("app: register of the biggest group opened", a_big["register_of_big_group"],
              a_small["register_of_big_group"], 150))
    print(row("peak memory (VmHWM) after every page", a_big["peak_mib"], a_small["peak_mib"], 300, unit="MiB"))
    print(f"\nBare PySide6 window process peak memory: {statistics.median(bare_peak):.0f} MiB.")


if __name__ == "__main__":
    main()
