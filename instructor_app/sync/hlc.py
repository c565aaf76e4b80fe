"""Hybrid logical clock (Kulkarni et al. 2014): timestamps that follow wall time but never go
backwards on one device and always move past any timestamp the device has seen from another.

Sync resolves concurrent edits of the same record by the later HLC, so laptops whose clocks are
hours apart still order edits consistently. Encoded as a fixed-width string that sorts correctly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class HlcTimestamp:
    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        return f"{self.wall_ms:015d}-{self.counter:09d}-{self.node}"

    @classmethod
    def decode(cls, text: str) -> "HlcTimestamp":
        wall, counter, node = text.split("-", 2)
        return cls(int(wall), int(counter), node)


MAX_SKEW_MS = 24 * 3600 * 1000  # docs/sync-protocol.md §3


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class HybridLogicalClock:
    def __init__(self, node: str, last: HlcTimestamp | None = None,
                 wall: Callable[[], int] = _wall_ms) -> None:
        self._node = node
        self._wall = wall
        self._last = last or HlcTimestamp(0, 0, node)
        self._lock = threading.Lock()

    @property
    def last(self) -> HlcTimestamp:
        """The latest timestamp given out or merged (what a restarted clock resumes from)."""
        with self._lock:
            return self._last

    def now(self) -> HlcTimestamp:
        """A timestamp for a local event (a change written on this device)."""
        with self._lock:
            wall = self._wall()
            if wall > self._last.wall_ms:
                self._last = HlcTimestamp(wall, 0, self._node)
            else:
                self._last = HlcTimestamp(self._last.wall_ms, self._last.counter + 1, self._node)
            return self._last

    def observe(self, remote: HlcTimestamp) -> HlcTimestamp:
        """Merge a timestamp received from another device; the next local one sorts after it.

        A remote clock far in the future (a laptop set to the wrong year) pulls this one at most
        ``MAX_SKEW_MS`` ahead of the local wall clock; the remote record keeps its own timestamp.
        """
        with self._lock:
            wall = self._wall()
            if remote.wall_ms > wall + MAX_SKEW_MS:
                remote = HlcTimestamp(wall + MAX_SKEW_MS, 0, remote.node)
            top = max(wall, self._last.wall_ms, remote.wall_ms)
            if top == self._last.wall_ms == remote.wall_ms:
                counter = max(self._last.counter, remote.counter) + 1
            elif top == self._last.wall_ms:
                counter = self._last.counter + 1
            elif top == remote.wall_ms:
                counter = remote.counter + 1
            else:
                counter = 0
            self._last = HlcTimestamp(top, counter, self._node)
            return self._last
