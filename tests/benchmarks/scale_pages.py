"""The daily pages at scale, in this process: offscreen Qt, the real pages on the real DB worker
(bench_scale.py calls ``measure_centre``).

Every GUI figure runs from the user's action (a key pressed, a group chosen, the page refreshed) to
the page updated and painted: the worker's job, the queued callback, the model reset, layout and
paint. Every service figure is timed inside the job, on the worker thread, as the page calls it.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest  # noqa: E402

from instructor_app.config import load_settings  # noqa: E402
from instructor_app.indicators import PeriodKind, period_for  # noqa: E402
from instructor_app.paths import DataFolder  # noqa: E402
from instructor_app.scheduling.rules import SessionStatus  # noqa: E402
from ui.qt import QApplication, QEventLoop, Qt  # noqa: E402
from ui.tasks import Backend, DbWorker  # noqa: E402

Samples = dict[str, list[float]]
_APP: list[QApplication] = []  # the application of this process, kept for its lifetime


@dataclass(frozen=True)
class Centre:
    label: str
    folder: DataFolder
    password: str
    group_id: str        # the group with the most participants: its register is opened
    other_group_id: str  # another group, opened in between (each opening is a real switch)


def _process() -> None:
    for _ in range(3):  # the queued callbacks, then the layout and paint requests they posted
        QApplication.processEvents()


def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def settle(worker: DbWorker) -> None:
    _until(lambda: worker.pending == 0)
    _process()


def on_worker(backend: Backend, fn: Callable[[Any], Any]) -> tuple[Any, float]:
    """``fn(ws)`` run on the DB worker as a page runs it: its result and its seconds on the worker."""
    box: dict = {}

    def job(ws: Any) -> tuple[Any, float]:
        started = time.perf_counter()
        result = fn(ws)
        return result, time.perf_counter() - started

    backend.run_open(job, lambda done: box.setdefault("done", done), lambda exc: box.setdefault("error", exc))
    _until(lambda: bool(box))
    if "error" in box:
        raise box["error"]
    return box["done"]


def _gui(action: Callable[[], None], worker: DbWorker) -> float:
    started = time.perf_counter()
    action()
    settle(worker)
    return time.perf_counter() - started


def measure_centre(centre: Centre, runs: int) -> Samples:
    from ui.views.participants import ParticipantsPage
    from ui.views.register import RegisterPage
    from ui.views.today import TodayPage

    if QApplication.instance() is None:  # the pages need it; the worker's callbacks come through its loop
        _APP.append(QApplication([]))
    samples: Samples = {}
    worker = DbWorker()
    backend = Backend(centre.folder, worker, load_settings(centre.folder.config))
    box: dict = {}
    backend.run(lambda ws: ws.unlock_any(centre.password), lambda opened: box.setdefault("ws", opened),
                lambda exc: box.setdefault("error", exc))
    _until(lambda: bool(box))
    if "error" in box:
        raise box["error"]
    backend.set_open(box["ws"])
    pages = []
    try:
        participants = ParticipantsPage(backend)
        register = RegisterPage(backend)
        today_page = TodayPage(backend)
        for page in (participants, register, today_page):
            pages.append(page)
            page.resize(1060, 700)
            page.show()
        _process()
        _participants(samples, participants, backend, runs)
        _register(samples, register, backend, centre, runs)
        _today(samples, today_page, backend, runs)
        _indicators(samples, backend, runs)
    finally:
        for page in pages:
            page.hide()
            page.deleteLater()
        backend.shutdown()
        _process()
    return samples


def _participants(samples: Samples, page, backend: Backend, runs: int) -> None:  # noqa: ANN001
    worker, today = backend.worker, dt.date.today()
    for _ in range(runs):
        samples.setdefault("list_shown", []).append(_gui(page.refresh, worker))
        _result, seconds = on_worker(backend, lambda ws: ws.participants.list("", None, today))
        samples.setdefault("list_service", []).append(seconds)
    people = page.everyone
    names = [people[n * len(people) // 3].full_name for n in range(3)]
    keys = samples.setdefault("keystroke", [])
    for name in names:  # type the first letters of a name, then take them back one by one
        typed = name[:6]
        page.search.setFocus()
        for char in typed:
            keys.append(_keystroke(lambda c=char: QTest.sendKeyEvent(
                QTest.KeyAction.Click, page.search, Qt.Key.Key_unknown, c, Qt.KeyboardModifier.NoModifier)))
        assert page.model.rowCount() >= 1, "the typed name is found"
        for _ in typed:
            keys.append(_keystroke(lambda: QTest.keyClick(page.search, Qt.Key.Key_Backspace)))
        assert page.model.rowCount() == len(people), "the whole list is back"


def _keystroke(press: Callable[[], None]) -> float:
    started = time.perf_counter()
    press()
    _process()
    return time.perf_counter() - started


def _markable(model, today: dt.date) -> tuple[int, int]:  # noqa: ANN001
    """A cell that takes a mark: an enrolled participant, the latest session held by today."""
    columns = [n for n, s in enumerate(model.sessions) if s.date <= today and s.status != SessionStatus.CANCELLED]
    for column in reversed(columns):
        for row in range(model.rowCount()):
            cell = model.cell(row, column)
            if cell is not None and cell.enrolled:
                return row, column
    raise RuntimeError("no markable cell in the register")


def _register(samples: Samples, page, backend: Backend, centre: Centre, runs: int) -> None:  # noqa: ANN001
    worker, today = backend.worker, dt.date.today()
    _gui(page.refresh, worker)  # the running groups, and the first register
    for _ in range(runs):
        _gui(lambda: page.show_group(centre.other_group_id), worker)
        samples.setdefault("register_open", []).append(_gui(lambda: page.show_group(centre.group_id), worker))
        _result, seconds = on_worker(backend, lambda ws: ws.attendance.register(centre.group_id, today))
        samples.setdefault("register_service", []).append(seconds)
    model = page.model
    samples["register_size"] = [float(model.rowCount()), float(len(model.sessions))]
    row, column = _markable(model, today)
    participant_id, session_id = model.rows[row].participant_id, model.sessions[column].id
    for n in range(runs):
        page.table.setFocus()
        page.table.setCurrentIndex(model.index(row, column))
        key = Qt.Key.Key_P if n % 2 else Qt.Key.Key_L  # present / late: each press is a new fact
        samples.setdefault("mark", []).append(_gui(lambda k=key: QTest.keyClick(page.table, k), worker))
        _result, seconds = on_worker(backend, lambda ws: ws.attendance.record(participant_id, session_id, "present",
                                                                              today))
        samples.setdefault("mark_service", []).append(seconds)


def _today(samples: Samples, page, backend: Backend, runs: int) -> None:  # noqa: ANN001
    worker, today = backend.worker, dt.date.today()
    sunday = today + dt.timedelta(days=6 - today.weekday())
    month = period_for(PeriodKind.MONTH, today)
    for _ in range(runs):
        page.loaded = page.alerts_loaded = False
        page.month.indicators = None
        started = time.perf_counter()
        page.refresh()
        _until(lambda: page.loaded and page.alerts_loaded)
        _process()
        samples.setdefault("today_usable", []).append(time.perf_counter() - started)
        _until(lambda: page.month.indicators is not None)
        _process()
        samples.setdefault("today_full", []).append(time.perf_counter() - started)
        settle(worker)
        for name, fn in (("alerts_service", lambda ws: ws.alerts(today)),
                         ("week_service", lambda ws: ws.sessions.between(today, sunday)),
                         ("month_service", lambda ws: ws.indicators(month, today))):
            samples.setdefault(name, []).append(on_worker(backend, fn)[1])
    samples["alerts"] = [float(len(page.alerts.entries))]


def _indicators(samples: Samples, backend: Backend, runs: int) -> None:
    from instructor_app.services.documents_indicators import make_indicators
    from instructor_app.services.indicators import load_indicators

    today = dt.date.today()
    year = period_for(PeriodKind.YEAR, today)
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(runs):
            samples.setdefault("indicators_load", []).append(
                on_worker(backend, lambda ws: load_indicators(ws, year, today))[1])
            out = Path(tmp) / f"indicators-{n}.pdf"
            samples.setdefault("indicators_pdf", []).append(
                on_worker(backend, lambda ws, out=out: make_indicators(ws, year, language="ky", out=out,
                                                                       today=today))[1])
