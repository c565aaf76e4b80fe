"""Today: the alerts, today's sessions, the rest of this week, the centre, the facilitator pair and the
sync state.

The page keeps the plain ``Overview`` it was given, the alerts (``ws.alerts``) and the sessions it read
(``ws.sessions.between``) on the worker in ``refresh()``, and renders them again on a language change.
Enter or a double-click on a session emits ``open_session(id)``; on an alert, ``open_participant(id)``.
"""

from __future__ import annotations

import datetime as dt
import functools

from instructor_app.domain.facilitators import GENDER_LABELS, PAIR_NOTICE_TEXT
from instructor_app.domain.regions import REGION_LABELS
from instructor_app.i18n import N_, _, format_date, format_datetime, ngettext
from instructor_app.services.data import Overview
from instructor_app.services.participant_data import AlertItem
from instructor_app.services.programme_data import SessionRow
from ui.qt import (QAbstractItemView, QColor, QFont, QFrame, QGridLayout, QHeaderView, QIcon, QLabel, QPainter,
                   QPixmap, QRect, QScrollArea, QSize, Qt, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
                   Signal)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.views.alert_text import alert_text, severity_colour, severity_text
from ui.views.calendar import (CANCELLED_COLOUR, SESSION_ID, cancelled_font, facilitators_text, group_text,
                               is_cancelled, session_text, status_text, time_range)
from ui.views.indicators_box import IndicatorsBox
from ui.widgets import MessageLabel, heading, wrapped

MAX_VISIBLE_ROWS = 8
PARTICIPANT_ID = Qt.ItemDataRole.UserRole
TEXT_MARGIN, ROW_PADDING = 6, 3  # around a wrapped alert sentence
WRAP = Qt.TextFlag.TextWordWrap


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


@functools.cache
def severity_marker(severity: str, size: int = 12) -> QIcon:
    """A filled dot in the severity's colour (the severity is also written next to it); one per
    severity, shared by every alert of it (a big centre has hundreds)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(severity_colour(severity)))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


class AlertList(QTreeWidget):
    """Alerts one per row, most urgent first: a coloured severity marker, then the sentence (wrapped)."""

    open_participant = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[AlertItem] = []
        self.setRootIsDecorated(False)
        self.setHeaderHidden(True)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setColumnCount(2)
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(self._sentence_width_changed)
        self.itemActivated.connect(lambda item, _column: self.open_participant.emit(item.data(0, PARTICIPANT_ID)))

    def show_alerts(self, items: list[AlertItem]) -> None:
        self.entries = list(items)
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        rows = []
        for entry in self.entries:
            severity = entry.alert.severity
            sentence = alert_text(entry)
            item = QTreeWidgetItem([severity_text(severity), sentence])
            item.setData(0, PARTICIPANT_ID, entry.participant_id)
            item.setIcon(0, severity_marker(severity))
            item.setForeground(0, QColor(severity_colour(severity)))
            item.setFont(0, bold)
            item.setToolTip(1, sentence)
            rows.append(item)
        self.addTopLevelItems(rows)  # one insertion for the view, not one per alert
        self.setVisible(bool(self.entries))
        self._wrap_sentences(self.header().sectionSize(1))
        self._fit_height()

    def participant_ids(self) -> list[str]:
        return [self.topLevelItem(i).data(0, PARTICIPANT_ID) for i in range(self.topLevelItemCount())]

    def sentences(self) -> list[str]:
        return [self.topLevelItem(i).text(1) for i in range(self.topLevelItemCount())]

    def _sentence_width_changed(self, column: int, _old: int, new: int) -> None:
        if column == 1:  # sectionSize() still gives the old width while this signal is emitted
            self._wrap_sentences(new)
            self._fit_height()

    def _wrap_sentences(self, column_width: int) -> None:
        """Row heights for the sentences wrapped to the column's width (the tree view itself sizes rows
        for one line and would cut a long sentence)."""
        width = max(40, column_width - 2 * TEXT_MARGIN)
        metrics = self.fontMetrics()
        one_line = metrics.height()
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            text = item.text(1)  # most sentences fit on one line: measured without wrapping (hundreds of alerts)
            lines = one_line if metrics.horizontalAdvance(text) <= width else metrics.boundingRect(
                QRect(0, 0, width, 100000), WRAP, text).height()
            item.setSizeHint(1, QSize(width, lines + 2 * ROW_PADDING))
        self.doItemsLayout()

    def _fit_height(self) -> None:
        """As tall as its rows (up to MAX_VISIBLE_ROWS, then it scrolls): the page scrolls, not the list."""
        shown = min(self.topLevelItemCount(), MAX_VISIBLE_ROWS)
        rows = sum(self.indexRowSizeHint(self.indexFromItem(self.topLevelItem(i))) for i in range(shown))
        rows = rows or self.fontMetrics().height() + 8
        height = rows + 2 * self.frameWidth() + 4
        if height != self.height():
            self.setFixedHeight(height)


class TodayPage(Retranslating, QWidget):
    nav_label = N_("Today")
    open_session = Signal(str)  # a session's id
    open_participant = Signal(str)  # a participant's id (an alert activated)

    def __init__(self, backend: Backend | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.overview: Overview | None = None
        self.day = dt.date.today()
        self.loaded = False  # no "no sessions" text before the sessions were read
        self.alerts_loaded = False  # nor "no alerts" before the alerts were read
        self.title = heading(size_delta=6)
        self.date = QLabel()
        self.centre = heading(size_delta=2)
        self.region = QLabel()
        self.message = MessageLabel()
        self.alerts_title = heading(size_delta=1)
        self.alerts = AlertList()
        self.alerts.open_participant.connect(self.open_participant)
        self.alerts.hide()
        self.alerts_empty = wrapped()
        self.today_title = heading(size_delta=1)
        self.today_sessions = SessionTable(with_day=False)
        self.today_empty = wrapped()
        self.week_title = heading(size_delta=1)
        self.week_sessions = SessionTable(with_day=True)
        self.week_empty = wrapped()
        for table in (self.today_sessions, self.week_sessions):
            table.open_session.connect(self.open_session)
            table.hide()
        self.month = IndicatorsBox(backend)  # the month's key indicators
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
        for widget in (self.title, self.date, self.centre, self.region, line, self.message, self.alerts_title,
                       self.alerts, self.alerts_empty, self.today_title, self.today_sessions, self.today_empty,
                       self.week_title, self.week_sessions, self.week_empty, self.month,
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

    # --- alerts and sessions -----------------------------------------------------------------

    def refresh(self) -> None:
        """Read the alerts, today's sessions and the rest of this Monday–Sunday week on the worker."""
        if self.backend is None:
            return
        today = dt.date.today()
        sunday = today + dt.timedelta(days=6 - today.weekday())
        self.message.clear()
        self.backend.run_open(lambda ws: ws.alerts(today), self._alerts_loaded, self._failed, owner=self)
        self.backend.run_open(lambda ws: ws.sessions.between(today, sunday),
                              lambda rows: self._loaded(today, rows), self._failed, owner=self)
        # The month's figures once the alerts and sessions are shown: at 2,000 participants they take
        # the worker a few hundred ms of Python, which would compete with filling this page.
        self.backend.defer(lambda: self.month.refresh(today), owner=self)

    def _alerts_loaded(self, items: list[AlertItem]) -> None:
        self.alerts_loaded = True
        self.alerts.show_alerts(items)
        self._empty_texts()

    def _loaded(self, today: dt.date, rows: list[SessionRow]) -> None:
        self.day = today
        self.loaded = True
        self.date.setText(format_date(today, "full"))
        self.today_sessions.show_sessions([row for row in rows if row.date == today])
        self.week_sessions.show_sessions([row for row in rows if row.date > today])
        self._empty_texts()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(user_message(exc))

    def _empty_texts(self) -> None:
        self.alerts_empty.setText(_("No alerts."))
        self.alerts_empty.setVisible(self.alerts_loaded and not self.alerts.entries)
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
        self.alerts_title.setText(_("Alerts"))
        self.alerts.show_alerts(self.alerts.entries)
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
