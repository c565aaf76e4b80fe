"""The one DB worker: every service call (disk I/O) runs here, never on the GUI thread.

``DbWorker`` owns a single ``QThread`` that takes jobs from a queue, one at a time and in order.
Results and errors come back on the GUI thread through a queued signal and are handed to the
job's ``on_success`` / ``on_failure`` callbacks. ``Backend`` pairs the worker with the data
folder's services, locked (``Workspace``) and unlocked (``OpenWorkspace``).
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from instructor_app import errors
from instructor_app.config import Settings
from instructor_app.paths import DataFolder

if TYPE_CHECKING:
    from instructor_app.services.open_workspace import OpenWorkspace
    from instructor_app.services.workspace import Workspace
    from instructor_app.storage.crypto import KdfParams
from ui.qt import QObject, Qt, QThread, Signal, is_alive

log = logging.getLogger(__name__)

Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]


def user_message(exc: BaseException) -> str:
    """What to tell the user about a failed job: the error's own message, or a generic one.

    Anything that is not a ``UserError`` is a bug: it is logged with its traceback (the message
    holds the exception type only; tracebacks carry no form values) and never shown as such.
    """
    if isinstance(exc, errors.UserError):
        return exc.message()
    log.error("unexpected error in a background job: %s", type(exc).__name__,
              exc_info=(type(exc), exc, exc.__traceback__))
    return errors.UserError().message()


@dataclass(eq=False)
class Job:
    fn: Callable[[], Any]
    on_success: Success | None = None
    on_failure: Failure | None = None
    owner: QObject | None = None
    result: Any = None
    error: BaseException | None = field(default=None, repr=False)


class _Thread(QThread):
    def __init__(self, jobs: queue.SimpleQueue, done: Signal) -> None:
        super().__init__()
        self.setObjectName("db-worker")
        self._jobs = jobs
        self._done = done

    def run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                job.result = job.fn()
            except BaseException as exc:  # delivered to the GUI thread, never lost
                job.error = exc
            self._done.emit(job)


class DbWorker(QObject):
    """Runs callables one by one on the DB thread; callbacks run on the GUI thread."""

    job_done = Signal(object)  # emitted by the worker thread, received (queued) on the GUI thread
    idle = Signal()            # no job left to run or deliver

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.pending = 0
        self.job_done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread = _Thread(self._jobs, self.job_done)
        self._thread.start()

    def submit(self, fn: Callable[[], Any], on_success: Success | None = None,
               on_failure: Failure | None = None, owner: QObject | None = None) -> Job:
        """Queue ``fn``. Callbacks are skipped if ``owner`` (a widget) was deleted meanwhile."""
        if not self._thread.isRunning():
            raise RuntimeError("the DB worker is stopped")
        job = Job(fn, on_success, on_failure, owner)
        self.pending += 1
        self._jobs.put(job)
        return job

    def _deliver(self, job: Job) -> None:
        self.pending -= 1
        try:
            if job.owner is not None and not is_alive(job.owner):
                return
            if job.error is None:
                if job.on_success is not None:
                    job.on_success(job.result)
            elif job.on_failure is not None:
                job.on_failure(job.error)
            else:
                user_message(job.error)  # at least logged
        except Exception:
            log.exception("error in a job callback")
        finally:
            if self.pending == 0:
                self.idle.emit()

    def stop(self) -> None:
        """Finish the queued jobs, however long they take (a backup to a slow USB stick), then end the
        thread; their callbacks are not delivered. No timeout: a QThread destroyed while running
        aborts the app, in the middle of a write."""
        if self._thread.isRunning():
            self._jobs.put(None)
            self._thread.wait()


class Backend(QObject):
    """The data folder's services as the GUI reaches them: always through the worker."""

    def __init__(self, folder: DataFolder, worker: DbWorker, settings: Settings,
                 kdf: KdfParams | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.worker = worker
        self.settings = settings  # the GUI's copy; written through save_settings()
        self._kdf = kdf
        self._workspace: Workspace | None = None
        self._open: OpenWorkspace | None = None

    def _locked_services(self) -> Workspace:
        """Runs on the worker: the storage stack (SQLAlchemy, Alembic, Argon2) is imported here,
        off the GUI thread, while the first window is already on screen."""
        if self._workspace is None:
            from instructor_app.services.workspace import Workspace

            self._workspace = Workspace(self.folder, self._kdf)
        return self._workspace

    @property
    def is_locked(self) -> bool:
        return self._open is None

    @property
    def actor(self):
        return None if self._open is None else self._open.actor

    def run(self, fn: Callable[[Workspace], Any], on_success: Success | None = None,
            on_failure: Failure | None = None, owner: QObject | None = None) -> Job:
        """A job on the locked-side services (accounts, unlock, restore, settings)."""
        return self.worker.submit(lambda: fn(self._locked_services()), on_success, on_failure, owner)

    def run_folder(self, fn: Callable[[DataFolder], Any], on_success: Success | None = None,
                   on_failure: Failure | None = None, owner: QObject | None = None) -> Job:
        """A job that needs only the data folder, not the storage stack (e.g. the unlock list)."""
        folder = self.folder
        return self.worker.submit(lambda: fn(folder), on_success, on_failure, owner)

    def preload(self) -> None:
        """Queue the import of the storage stack, so the first unlock does not wait for it."""
        self.worker.submit(self._locked_services)

    def run_open(self, fn: Callable[[OpenWorkspace], Any], on_success: Success | None = None,
                 on_failure: Failure | None = None, owner: QObject | None = None) -> Job | None:
        """A job on the unlocked data; skipped (returns None) while locked.

        The open workspace is taken now, so a job queued before a lock still runs before the
        lock's ``close()`` (jobs run in order).
        """
        current = self._open
        if current is None:
            log.debug("job skipped: the data is locked")
            return None
        return self.worker.submit(lambda: fn(current), on_success, on_failure, owner)

    def defer(self, callback: Callable[[], object], owner: QObject | None = None) -> Job:
        """Call ``callback`` on the GUI thread once every job queued so far has run and its result
        has been shown. For work that can wait (a page's secondary figures, the start-up backup):
        queued then, it neither delays the screen's own jobs nor competes, in Python on the worker,
        with the GUI thread filling the screen."""
        return self.worker.submit(lambda: None, lambda _none: callback(), owner=owner)

    def set_open(self, workspace: OpenWorkspace) -> None:
        self._open = workspace

    def lock(self) -> None:
        """Drop the open workspace now and close it (the key with it) on the worker."""
        current, self._open = self._open, None
        if current is not None:
            self.worker.submit(current.close)  # a failure is logged (user_message in _deliver)

    def save_settings(self, on_failure: Failure | None = None, **changes: Any) -> Settings:
        """Update the GUI's copy now and write settings.json on the worker."""
        self.settings = replace(self.settings, **changes).validated()
        new = self.settings
        self.run(lambda ws: ws.save_settings(new), None, on_failure)
        return new

    def shutdown(self) -> None:
        """Close the data (if open) and stop the worker; called when the app quits."""
        current, self._open = self._open, None
        if current is not None:
            self.worker.submit(current.close)
        self.worker.stop()
