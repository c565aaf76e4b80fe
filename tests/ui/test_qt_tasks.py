"""The DB worker: one background thread, in order, results and errors back on the GUI thread."""

from __future__ import annotations

import logging
import threading

import pytest

from instructor_app import errors
from ui.qt import QWidget
from ui.tasks import DbWorker, user_message


@pytest.fixture
def worker(qapp):
    worker = DbWorker()
    yield worker
    worker.stop()


def test_jobs_run_in_order_on_one_other_thread(qtbot, worker):
    gui = threading.get_ident()
    ran_on, results, delivered_on = [], [], []

    def job(n):
        ran_on.append(threading.get_ident())
        return n

    for n in range(5):
        worker.submit(lambda n=n: job(n), lambda r: (results.append(r), delivered_on.append(threading.get_ident())))
    with qtbot.waitSignal(worker.idle, timeout=5000):
        pass
    assert results == [0, 1, 2, 3, 4]
    assert len(set(ran_on)) == 1 and ran_on[0] != gui
    assert set(delivered_on) == {gui}
    assert worker.pending == 0


def test_user_errors_and_bugs_reach_the_failure_callback(qtbot, worker, caplog):
    failures = []
    worker.submit(lambda: (_ for _ in ()).throw(errors.DiskFull()), None, failures.append)
    worker.submit(lambda: 1 / 0, None, failures.append)
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=5000)
    assert user_message(failures[0]) == errors.DiskFull().message()
    with caplog.at_level(logging.ERROR):
        generic = user_message(failures[1])
    assert generic == errors.UserError().message()
    assert "ZeroDivisionError" in caplog.text and "Traceback" in caplog.text


def test_callbacks_of_a_deleted_widget_are_skipped(qtbot, worker):
    widget = QWidget()
    called = []
    gate = threading.Event()
    worker.submit(gate.wait, called.append, owner=widget)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not _alive(widget), timeout=2000)
    gate.set()
    qtbot.waitUntil(lambda: worker.pending == 0, timeout=5000)
    assert called == []


def _alive(widget) -> bool:
    from ui.qt import is_alive

    return is_alive(widget)


def test_stop_finishes_queued_jobs(worker):
    done = []
    for n in range(3):
        worker.submit(lambda n=n: done.append(n))
    worker.stop()
    assert done == [0, 1, 2]
    with pytest.raises(RuntimeError):
        worker.submit(lambda: None)


def test_emitting_signals_does_not_eat_references_to_true(qapp):
    """Guards the PySide6 pin (docs/decisions.md §11): PySide6 6.12.0 on Python 3.11 drops a
    reference to True per emit and CPython aborts ("bool_dealloc: deallocating True or False")."""
    import sys

    from ui.qt import QObject, Signal

    class Source(QObject):
        fired = Signal(object)

    source = Source()
    received = []
    source.fired.connect(received.append)
    before = sys.getrefcount(True)
    for n in range(5000):
        source.fired.emit(n)
    assert len(received) == 5000
    assert abs(sys.getrefcount(True) - before) < 50
