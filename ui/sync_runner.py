"""Sync in the background: at unlock, every few minutes while the server answers, and on "Sync now".

All work runs on the DB worker (``ws.sync_now``); the GUI thread only schedules it and shows the
state. After a failure the next try waits longer (a random 0–2 s start, doubling, capped at 10
minutes); a success goes back to the normal interval. The queue itself is kept by the core: a
failure never marks anything as sent.
"""

from __future__ import annotations

import datetime as dt
import random

from instructor_app.i18n import _, ngettext
from ui.qt import QObject, QTimer, Signal
from ui.dialogs.sync_conflicts import count_text
from ui.tasks import Backend, user_message

INTERVAL_MS = 5 * 60 * 1000
MAX_DELAY_S = 600


def backoff_seconds(attempt: int, rng: random.Random) -> float:
    return min(MAX_DELAY_S, rng.uniform(0.0, 2.0) * 2 ** attempt)


class SyncRunner(QObject):
    state_changed = Signal(str)   # a line for the status bar
    synced = Signal(object)       # SyncSummary: the overview should be re-read

    def __init__(self, backend: Backend, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.enrolled = False
        self.running = False
        self.failures = 0
        self._rng = random.Random()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)

    def start(self) -> None:
        """After an unlock: find out whether this laptop is enrolled, then sync once and keep going."""
        self.backend.run_open(lambda ws: ws.sync_link(), self._link_loaded, lambda exc: None, owner=self)

    def _link_loaded(self, link: tuple[str, bool]) -> None:
        _url, self.enrolled = link
        if self.enrolled:
            self.sync_now()
        else:
            self.state_changed.emit(_("Not connected to the Probation server yet (Settings)."))

    def stop(self) -> None:
        self.timer.stop()

    def sync_now(self) -> None:
        if self.running or self.backend.is_locked:
            return
        self.running = True
        self.timer.stop()
        self.state_changed.emit(_("Syncing with the Probation Department…"))
        today = dt.date.today()
        job = self.backend.run_open(lambda ws: ws.sync_now(today), self._done, self._failed, owner=self)
        if job is None:
            self.running = False

    def _done(self, summary) -> None:  # noqa: ANN001 - SyncSummary
        self.running, self.failures, self.enrolled = False, 0, True
        text = _("Synced: {sent} sent, {received} received.").format(sent=summary.sent, received=summary.received)
        if summary.rejected:
            text += " " + ngettext("{count} change was refused by the server and set aside; the others went through.",
                                   "{count} changes were refused by the server and set aside; the others went through.",
                                   summary.rejected).format(count=summary.rejected)
        if summary.to_review:  # concurrent edits: reviewed in Settings → Probation server
            text += " " + _("{changes} (Settings).").format(changes=count_text(summary.to_review))
        self.state_changed.emit(text)
        self.synced.emit(summary)
        self.timer.start(INTERVAL_MS)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.failures += 1
        self.state_changed.emit(user_message(exc))
        if self.enrolled:
            self.timer.start(int(backoff_seconds(self.failures, self._rng) * 1000) + 1000)
