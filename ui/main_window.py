"""The shell: navigation on the left, one page at a time, the sync state in the status bar.

Pages are plain widgets listed in ``MainWindow.pages``; each has a ``nav_label`` (marked with
``N_``), a ``retranslate_ui()`` and, if it needs data, ``set_overview()`` / ``refresh()``. Pages
that show sessions emit ``open_session``; Today's alerts emit ``open_participant``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from instructor_app.i18n import _
from instructor_app.services.data import Overview
from ui.qt import (QAction, QHBoxLayout, QKeySequence, QLabel, QListWidget, QMainWindow, QSize, QSizePolicy,
                   QStackedWidget, QStatusBar, Qt, QToolButton, QVBoxLayout, QWidget, Signal, is_alive)
from ui.sync_runner import SyncRunner
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.views.calendar import CalendarPage
from ui.views.groups import GroupsPage
from ui.views.participants import ParticipantsPage
from ui.views.programmes import ProgrammesPage
from ui.views.register import RegisterPage
from ui.views.reports import ReportsPage
from ui.views.session_plan import open_session_plan
from ui.views.settings import SettingsPage
from ui.views.today import TodayPage, last_sync_text, pending_text

if TYPE_CHECKING:
    from ui.app import DesktopApp

STATUS_TIMEOUT_MS = 8000


class MainWindow(Retranslating, QMainWindow):
    overview_changed = Signal(object)  # Overview

    def __init__(self, backend: Backend, desktop: "DesktopApp") -> None:
        super().__init__()
        self.backend = backend
        self.overview: Overview | None = None
        self.today = TodayPage(backend)
        self.participants = ParticipantsPage(backend)
        self.register = RegisterPage(backend)
        self.groups = GroupsPage(backend)
        self.calendar = CalendarPage(backend)
        self.programmes = ProgrammesPage(backend, idle_paused=desktop.idle_paused)
        self.reports = ReportsPage(backend)
        self.settings = SettingsPage(backend, desktop)
        self.pages: list[QWidget] = [self.today, self.participants, self.register, self.groups, self.calendar,
                                     self.programmes, self.reports, self.settings]
        self.overview_changed.connect(self.today.set_overview)
        self.plan_windows: list[QWidget] = []
        for page in (self.today, self.participants, self.groups, self.calendar):
            page.open_session.connect(self.open_session_plan)
        self.today.open_participant.connect(self.show_participant)

        self.lock_action = QAction(self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(desktop.lock)
        self.sync_action = QAction(self)
        self.sync_action.setShortcut(QKeySequence("F5"))
        self.sync_runner = SyncRunner(backend, self)
        self.sync_action.triggered.connect(self.sync_runner.sync_now)
        self.sync_runner.state_changed.connect(self.show_sync_state)
        self.sync_runner.synced.connect(lambda _summary: self.refresh())
        self.settings.sync_box.enrolled.connect(self.sync_runner.start)
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.addAction(self.sync_action)
        self.file_menu.addAction(self.lock_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(0, 0))
        self.nav.setFixedWidth(210)
        self.nav.setStyleSheet("QListWidget#navigation::item { padding: 10px 12px; }")
        self.stack = QStackedWidget()
        for page in self.pages:
            self.nav.addItem("")
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.show_page)
        self.lock_button = QToolButton()
        self.lock_button.setDefaultAction(self.lock_action)
        self.lock_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.lock_button.setMinimumHeight(36)
        self.lock_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        side = QVBoxLayout()
        side.addWidget(self.nav, 1)
        side.addWidget(self.lock_button)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addLayout(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)

        self.actor_label, self.last_sync_label, self.pending_label = QLabel(), QLabel(), QLabel()
        self.sync_state = QLabel()
        status = QStatusBar()
        for widget in (self.sync_state, self.actor_label, self.last_sync_label, self.pending_label):
            widget.setContentsMargins(10, 0, 10, 0)
            status.addPermanentWidget(widget)
        self.setStatusBar(status)
        self.nav.blockSignals(True)  # the page is read by refresh(), after unlock: not twice
        self.nav.setCurrentRow(0)
        self.nav.blockSignals(False)
        self.resize(1280, 720)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        centre = self.overview.centre_name if self.overview else ""
        self.setWindowTitle(_("{centre} — Instructor App").format(centre=centre) if centre else _("Instructor App"))
        self.file_menu.setTitle(_("&File"))
        self.lock_action.setText(_("&Lock"))
        self.lock_action.setToolTip(_("Lock the app now (Ctrl+L); unlock with a password"))
        self.quit_action.setText(_("&Quit"))
        self.sync_action.setText(_("&Sync now"))
        self.sync_action.setToolTip(_("Send the changes waiting and receive the centre's changes (F5)"))
        for row, page in enumerate(self.pages):
            self.nav.item(row).setText(_(page.nav_label))
        actor = self.backend.actor
        self.actor_label.setText(_("Unlocked by: {name}").format(name=actor.display_name) if actor else "")
        self.last_sync_label.setText(last_sync_text(self.overview))
        self.pending_label.setText(pending_text(self.overview))

    def show_page(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        refresh = getattr(self.pages[row], "refresh", None)
        if refresh is not None:
            refresh()

    def open_session_plan(self, session_id: str) -> None:
        """The session plan in its own window (several can stay open, e.g. on a second screen)."""
        self.plan_windows = [w for w in self.plan_windows if is_alive(w) and w.isVisible()]
        window = open_session_plan(self.backend, session_id, self)
        window.finished.connect(lambda _result: self.refresh())
        self.plan_windows.append(window)

    def show_participant(self, participant_id: str) -> None:
        """From an alert: the participant's record (read first, then shown, so it is read once)."""
        self.participants.open_participant(participant_id)
        self.nav.setCurrentRow(self.pages.index(self.participants))

    def page_labels(self) -> list[str]:
        return [self.nav.item(row).text() for row in range(self.nav.count())]

    # --- data -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the overview (after unlock, restore, or any change) and tell every page."""
        self.backend.run_open(lambda ws: ws.overview(), self._overview_loaded,
                              lambda exc: self.show_status(user_message(exc)), owner=self)
        self.show_page(self.nav.currentRow())

    def _overview_loaded(self, overview: Overview) -> None:
        self.overview = overview
        self.overview_changed.emit(overview)
        self.retranslate_ui()

    def show_sync_state(self, text: str) -> None:
        self.sync_state.setText(text)
        self.sync_state.setToolTip(text)

    def show_status(self, text: str, timeout_ms: int = STATUS_TIMEOUT_MS) -> None:
        self.statusBar().showMessage(text, timeout_ms)
