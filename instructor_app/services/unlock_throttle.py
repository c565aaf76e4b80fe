"""A growing delay after wrong passwords (1, 2, 4 … 60 s), kept on disk across restarts.

This slows guessing at the keyboard; the real protection against offline guessing is Argon2id.
The state file holds counts and times only.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from instructor_app.fileio import atomic_write_json

FREE_ATTEMPTS = 2
MAX_DELAY_S = 60.0


def delay_after(failures: int) -> float:
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(2.0 ** (failures - FREE_ATTEMPTS), MAX_DELAY_S)


class UnlockThrottle:
    def __init__(self, path: Path, clock=time.time) -> None:
        self._path = path
        self._clock = clock

    def _read(self) -> tuple[int, float]:
        try:
            data = json.loads(self._path.read_text(encoding="ascii"))
            return int(data["failures"]), float(data["last_failure"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0.0

    def retry_after(self) -> float:
        failures, last = self._read()
        delay = delay_after(failures)
        return min(delay, max(0.0, last + delay - self._clock()))  # capped: the clock may have been set back

    def failed(self) -> float:
        """Record a failure; returns the seconds to wait before the next try."""
        failures, _ = self._read()
        failures += 1
        try:
            atomic_write_json(self._path, {"failures": failures, "last_failure": self._clock()})
        except OSError:
            pass  # a read-only folder must not turn a wrong password into a crash
        return delay_after(failures)

    def succeeded(self) -> None:
        try:
            self._path.unlink()
        except OSError:
            pass
