"""One process at a time on a data folder.

While the data is open (or being set up or restored) the process holds an exclusive OS lock on
``instructor.lock`` (fcntl/msvcrt through ``filelock``). A second app window, or a CLI ``restore``
run while the app is open, is refused with ``DataInUse`` instead of replacing a database that
another process is still writing to. The OS releases the lock when a process dies, so a crash never
leaves the folder locked.
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from instructor_app import errors
from instructor_app.storage.engine import storage_errors

LOCK_NAME = "instructor.lock"


class FolderLock:
    def __init__(self, root: Path) -> None:
        self._lock = FileLock(root / LOCK_NAME, timeout=0, thread_local=False,
                              fallback_to_soft=False, preserve_lock_file=True)

    def acquire(self) -> "FolderLock":
        with storage_errors(self._lock.lock_file and Path(self._lock.lock_file).parent):
            try:
                self._lock.acquire()
            except Timeout:
                raise errors.DataInUse() from None
        return self

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def __enter__(self) -> "FolderLock":
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()
