"""Today: today's sessions, the rest of this week, the centre, the facilitator pair and the sync state.

The page keeps the plain ``Overview`` it was given and the sessions it read (``ws.sessions.between``
on the worker, in ``refresh()``), and renders them again on a language change. Enter or a
double-click on a session emits ``open_session(id)``.
"""

from __future__ import annotations

import datetime as dt

from instructor_app.domain.facilitators import GENDER_LABELS, PAIR_NOTICE_TEXT
from instructor_app.domain.regions import REGION_LABELS
from instructor_app.i18n import N_, _, format_date, format_datetime, ngettext
from instructor_app.services.data import Overview
from instructor_app.services.programme_data import SessionRow
from ui.qt import (QAbstractItemView, QColor, QFrame, QGridLayout, QHeaderView, QLabel, QScrollArea, QTreeWidget,
                   QTreeWidgetItem, QVBoxLayout, QWidget, Signal)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.views.calendar import (CANCELLED_COLOUR, SESSION_ID, cancelled_font, facilitators_text, group_text,
                               is_cancelled, session_text, status_text, time_range)
from ui.widgets import MessageLabel, heading, wrapped

MAX_VISIBLE_ROWS = 8


def last_sync_text(overview: Overview | None) -> str:
    if overview is None or overview.last_sync_at is None:
        return _("Last sync: never")
    return _("Last sync: {when}").format(when=format_datetime(overview.last_sync_at, "short"))


def pending_text(overview: Overview | None) -> str:
    count = overview.pending_changes if overview else 0
    return ngettext("{count} change waiting to sync", "{count} changes waiting to sync",
                    count).format(count=count)


def label(key: str, labels: dict) -> str:
    text = labels.get(key)  # StrEnum keys match their string values
    return _(text) if text else key


class SessionTable(QTreeWidget):
    """Sessions one per row: (day,) time, group, session, room, facilitators, status."""

    open_session = Signal(str)

    def __init__(self, with_day: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.with_day = with_day
        self.rows: list[SessionRow] = []
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setColumnCount(len(self.headers()))
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.headers().index(_("Session")), QHeaderView.ResizeMode.Stretch)
        self.itemActivated.connect(lambda item, _column: self.open_session.emit(item.data(0, SESSION_ID)))

    def headers(self) -> list[str]:
        names = [_("Time"), _("Group"), _("Session"), _("Room"), _("Facilitators (lead / second)"), _("Status")]
        return [_("Day")] + names if self.with_day else names

    def cells(self, row: SessionRow) -> list[str]:
        cells = [time_range(row), group_text(row), session_text(row), row.room, facilitators_text(row),
                 status_text(row)]
        return [format_date(row.date, "EEE d MMM")] + cells if self.with_day else cells

    def show_sessions(self, rows: list[SessionRow]) -> None:
        self.rows = list(rows)
        self.setHeaderLabels(self.headers())
        self.clear()
        for row in self.rows:
            item = QTreeWidgetItem(self.cells(row))
            item.setData(0, SESSION_ID, row.id)
            if is_cancelled(row):
                for column in range(self.columnCount()):
                    item.setFont(column, cancelled_font(self.font()))
                    item.setForeground(column, QColor(CANCELLED_COLOUR))
            self.addTopLevelItem(item)
        self.setVisible(bool(self.rows))
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its rows (up to MAX_VISIBLE_ROWS): the page scrolls, not each table."""
        shown = max(1, min(len(self.rows), MAX_VISIBLE_ROWS))
        row_height = self.sizeHintForRow(0) if self.rows else self.fontMetrics().height() + 8
        self.setFixedHeight(self.header().sizeHint().height() + shown * row_height + 2 * self.frameWidth() + 4)

    def session_ids(self) -> list[str]:
        return [self.topLevelItem(i).data(0, SESSION_ID) for i in range(self.topLevelItemCount())]


class TodayPage(Retranslating, QWidget):
    nav_label = N_("Today")
    open_session = Signal(str)  # a session's id

    def __init__(self, backend: Backend | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.overview: Overview | None = None
        self.day = dt.date.today()
        self.loaded = False  # no "no sessions" text before the sessions were read
        self.title = heading(size_delta=6)
        self.date = QLabel()
        self.centre = heading(size_delta=2)
        self.region = QLabel()
        self.message = MessageLabel()
        self.today_title = heading(size_delta=1)
        self.today_sessions = SessionTable(with_day=False)
        self.today_empty = wrapped()
        self.week_title = heading(size_delta=1)
        self.week_sessions = SessionTable(with_day=True)
        self.week_empty = wrapped()
        for table in (self.today_sessions, self.week_sessions):
            table.open_session.connect(self.open_session)
            table.hide()
        self.facilitators_title = heading(size_delta=1)
        self.facilitators = QGridLayout()
        self.facilitators.setHorizontalSpacing(24)
        self.pair_notice = MessageLabel()
        self.sync_title = heading(size_delta=1)
        self.last_sync = QLabel()
        self.pending = QLabel()
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(8)
        for widget in (self.title, self.date, self.centre, self.region, line, self.message, self.today_title,
                       self.today_sessions, self.today_empty, self.week_title, self.week_sessions, self.week_empty,
                       self.facilitators_title):
            layout.addWidget(widget)
        layout.addLayout(self.facilitators)
        for widget in (self.pair_notice, self.sync_title, self.last_sync, self.pending):
            layout.addWidget(widget)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.retranslate_ui()

    def set_overview(self, overview: Overview) -> None:
        self.overview = overview
        self.retranslate_ui()

    # --- sessions ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read today's sessions and the rest of this Monday–Sunday week on the worker."""
        if self.backend is None:
            return
        today = dt.date.today()
        sunday = today + dt.timedelta(days=6 - today.weekday())
        self.backend.run_open(lambda ws: ws.sessions.between(today, sunday),
                              lambda rows: self._loaded(today, rows), self._failed, owner=self)

    def _loaded(self, today: dt.date, rows: list[SessionRow]) -> None:
        self.day = today
        self.loaded = True
        self.date.setText(format_date(today, "full"))
        self.message.clear()
        self.today_sessions.show_sessions([row for row in rows if row.date == today])
        self.week_sessions.show_sessions([row for row in rows if row.date > today])
        self._empty_texts()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(user_message(exc))

    def _empty_texts(self) -> None:
        self.today_empty.setText(_("No sessions today."))
        self.today_empty.setVisible(self.loaded and not self.today_sessions.rows)
        self.week_empty.setText(_("No more sessions this week."))
        self.week_empty.setVisible(self.loaded and not self.week_sessions.rows)

    # --- texts ------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        overview = self.overview
        self.title.setText(_("Today"))
        self.centre.setText(overview.centre_name if overview else "")
        self.region.setText(label(overview.region, REGION_LABELS) if overview else "")
        self.date.setText(format_date(self.day, "full"))
        self.today_title.setText(_("Today's sessions"))
        self.week_title.setText(_("This week"))
        for table in (self.today_sessions, self.week_sessions):
            table.show_sessions(table.rows)
        self._empty_texts()
        self.facilitators_title.setText(_("Facilitators"))
        self._fill_facilitators()
        if overview and overview.pair_notice:
            self.pair_notice.show_note(_(PAIR_NOTICE_TEXT[overview.pair_notice]))
        else:
            self.pair_notice.clear()
        self.sync_title.setText(_("Sync with the Probation Department"))
        self.last_sync.setText(last_sync_text(overview))
        self.pending.setText(pending_text(overview))

    def _fill_facilitators(self) -> None:
        while self.facilitators.count():
            item = self.facilitators.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        people = self.overview.facilitators if self.overview else ()
        for row, person in enumerate(people):
            name = QLabel(person.display_name)
            name.setObjectName("facilitatorName")
            self.facilitators.addWidget(name, row, 0)
            self.facilitators.addWidget(QLabel(label(person.gender, GENDER_LABELS)), row, 1)
        self.facilitators.setColumnStretch(2, 1)
