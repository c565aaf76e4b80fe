"""Calendar: the centre's sessions by week (seven day columns) or by month, with public holidays.

Sessions and holidays of the shown range are read on the DB worker (``ws.sessions.between`` and
``kyrgyz_holidays().between``) and kept as plain data, so a language change only renders again.
Enter or a double-click on a session emits ``open_session(id)``. The session texts here are shared
with the Today page.
"""

from __future__ import annotations

import datetime as dt

from babel import dates as babel_dates

from instructor_app.curricula.model import SESSION_KIND_LABELS
from instructor_app.i18n import N_, _, current_language, format_date
from instructor_app.scheduling.holidays import Holiday, kyrgyz_holidays
from instructor_app.scheduling.rules import STATUS_LABELS, WEEKDAY_LABELS, SessionStatus
from instructor_app.services.programme_data import SessionRow
from ui.qt import (QAbstractItemView, QButtonGroup, QCalendarWidget, QColor, QDate, QFont, QHBoxLayout, QListView,
                   QListWidget, QListWidgetItem, QLocale, QPushButton, QStackedWidget, Qt, QTextCharFormat,
                   QVBoxLayout, QWidget, Signal)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, heading, wrapped

SESSION_ID = Qt.ItemDataRole.UserRole
HOLIDAY_COLOUR = "#b00020"
CANCELLED_COLOUR = "#808080"
GRID_DAYS = 42  # a month page of the calendar: six weeks from the Monday before the 1st


# --- texts shared by the calendar and the Today page ----------------------------------------

def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def month_title(day: dt.date) -> str:
    text = babel_dates.format_date(day, "LLLL y", locale=current_language())
    return text[:1].upper() + text[1:]


def week_title(monday: dt.date) -> str:
    return _("Week of {date}").format(date=format_date(monday, "long"))


def day_header(day: dt.date) -> str:
    """"Monday" and "23 Nov" on two lines."""
    short = babel_dates.format_skeleton("MMMd", day, locale=current_language())
    return f"{_(WEEKDAY_LABELS[day.weekday()])}\n{short}"


def holiday_name(holiday: Holiday) -> str:
    return holiday.name.get(current_language())


def time_range(row: SessionRow) -> str:
    return f"{row.start_time}–{row.end_time}"


def group_text(row: SessionRow) -> str:
    """The group's name; an individual session has none, so its kind is shown instead."""
    if row.group_name:
        return row.group_name
    label = SESSION_KIND_LABELS.get(row.kind)
    return _(label) if label else row.kind


def session_text(row: SessionRow) -> str:
    """Number and title, the title in the group's language."""
    text = _("Session {number}: {title}").format(number=row.number, title=row.title.get(row.language))
    return _("{session} (make-up)").format(session=text) if row.is_makeup else text


def status_text(row: SessionRow) -> str:
    label = STATUS_LABELS.get(row.status)
    return _(label) if label else row.status


def facilitators_text(row: SessionRow) -> str:
    if row.second is None:
        return row.lead.display_name
    return _("{lead} / {second}").format(lead=row.lead.display_name, second=row.second.display_name)


def is_cancelled(row: SessionRow) -> bool:
    return row.status == SessionStatus.CANCELLED


def cancelled_font(font: QFont) -> QFont:
    struck = QFont(font)
    struck.setStrikeOut(True)
    return struck


# --- widgets --------------------------------------------------------------------------------

class SessionList(QListWidget):
    """Sessions as compact cards: time, group, session and status; Enter or double-click opens one."""

    open_session = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSpacing(2)
        self.setMinimumWidth(110)
        self.setStyleSheet("QListWidget::item { border-bottom: 1px solid palette(mid); padding: 3px; }")
        self.itemActivated.connect(lambda item: self.open_session.emit(item.data(SESSION_ID)))

    def show_sessions(self, rows: list[SessionRow]) -> None:
        self.clear()
        for row in rows:
            item = QListWidgetItem("\n".join((time_range(row), group_text(row), session_text(row), status_text(row))))
            item.setData(SESSION_ID, row.id)
            item.setToolTip(_("Room: {room}\nFacilitators: {names}").format(room=row.room or "—",
                                                                           names=facilitators_text(row)))
            if is_cancelled(row):
                item.setFont(cancelled_font(self.font()))
                item.setForeground(QColor(CANCELLED_COLOUR))
            self.addItem(item)

    def session_ids(self) -> list[str]:
        return [self.item(i).data(SESSION_ID) for i in range(self.count())]


class DayColumn(QWidget):
    """One day of the week view: the weekday and date, a holiday if any, the day's sessions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = heading(size_delta=0)
        self.holiday = wrapped()
        self.holiday.setStyleSheet(f"color: {HOLIDAY_COLOUR};")
        self.sessions = SessionList()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.holiday)
        layout.addWidget(self.sessions, 1)

    def show_day(self, day: dt.date, holiday: Holiday | None, rows: list[SessionRow], today: dt.date) -> None:
        self.header.setText(day_header(day))
        self.header.setStyleSheet("color: palette(highlight);" if day == today else "")
        self.holiday.setText(holiday_name(holiday) if holiday else "")
        self.holiday.setVisible(holiday is not None)
        self.sessions.show_sessions(rows)
        self.sessions.setAccessibleName(day_header(day).replace("\n", " "))


class CalendarPage(Retranslating, QWidget):
    nav_label = N_("Calendar")
    open_session = Signal(str)  # a session's id

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.anchor = dt.date.today()  # a day of the shown week or month
        self.sessions: list[SessionRow] = []
        self.holidays: dict[dt.date, Holiday] = {}
        self._request = 0

        self.title = heading(size_delta=6)
        self.range_title = heading(size_delta=2)
        self.week_button, self.month_button = QPushButton(), QPushButton()
        self.modes = QButtonGroup(self)
        for button in (self.week_button, self.month_button):
            button.setCheckable(True)
            self.modes.addButton(button)
        self.week_button.setChecked(True)
        self.modes.buttonClicked.connect(lambda _button: self.refresh())
        self.previous_button, self.today_button, self.next_button = QPushButton(), QPushButton(), QPushButton()
        self.previous_button.clicked.connect(lambda: self.go(-1))
        self.next_button.clicked.connect(lambda: self.go(1))
        self.today_button.clicked.connect(self.go_today)
        self.message = MessageLabel()

        self.columns = [DayColumn() for _day in range(7)]
        week_view = QWidget()
        row = QHBoxLayout(week_view)
        row.setContentsMargins(0, 0, 0, 0)
        for column in self.columns:
            column.sessions.open_session.connect(self.open_session)
            row.addWidget(column, 1)

        self.calendar = QCalendarWidget()
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setNavigationBarVisible(False)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setGridVisible(True)
        plain = QTextCharFormat()
        for weekend in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):  # red is for holidays only
            self.calendar.setWeekdayTextFormat(weekend, plain)
        self.calendar.selectionChanged.connect(self._day_chosen)
        self.calendar.activated.connect(lambda _date: self.day_sessions.setFocus())
        self.day_title = heading(size_delta=1)
        self.day_holiday = wrapped()
        self.day_holiday.setStyleSheet(f"color: {HOLIDAY_COLOUR};")
        self.day_empty = wrapped()
        self.day_sessions = SessionList()
        self.day_sessions.open_session.connect(self.open_session)
        month_view = QWidget()
        row = QHBoxLayout(month_view)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.calendar, 3)
        side = QVBoxLayout()
        for widget in (self.day_title, self.day_holiday, self.day_empty):
            side.addWidget(widget)
        side.addWidget(self.day_sessions, 1)
        row.addLayout(side, 2)
        self.views = QStackedWidget()
        self.views.addWidget(week_view)
        self.views.addWidget(month_view)

        bar = QHBoxLayout()
        bar.addWidget(self.week_button)
        bar.addWidget(self.month_button)
        bar.addSpacing(18)
        for button in (self.previous_button, self.today_button, self.next_button):
            bar.addWidget(button)
        bar.addSpacing(18)
        bar.addWidget(self.range_title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.views, 1)
        self.retranslate_ui()

    # --- the shown range --------------------------------------------------------------------

    @property
    def month_mode(self) -> bool:
        return self.month_button.isChecked()

    def shown_range(self) -> tuple[dt.date, dt.date]:
        if self.month_mode:
            first = monday_of(self.anchor.replace(day=1))
            return first, first + dt.timedelta(days=GRID_DAYS - 1)
        first = monday_of(self.anchor)
        return first, first + dt.timedelta(days=6)

    def range_text(self) -> str:
        return month_title(self.anchor) if self.month_mode else week_title(monday_of(self.anchor))

    def go(self, step: int) -> None:
        """One week or one month back (-1) or forward (1)."""
        if self.month_mode:
            month = self.anchor.year * 12 + self.anchor.month - 1 + step
            self.anchor = dt.date(month // 12, month % 12 + 1, 1)
        else:
            self.anchor += dt.timedelta(days=7 * step)
        self.refresh()

    def go_today(self) -> None:
        self.anchor = dt.date.today()
        self.refresh()

    def _day_chosen(self) -> None:
        chosen = self.calendar.selectedDate().toPython()
        moved = (chosen.year, chosen.month) != (self.anchor.year, self.anchor.month)
        self.anchor = chosen
        if moved:  # a day of the next or previous month, clicked in the grid
            self.refresh()
        else:
            self._show_day()

    # --- data -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the range now and read its sessions and holidays on the worker."""
        self._render()
        first, last = self.shown_range()
        self._request += 1
        request = self._request

        def read(ws):
            return ws.sessions.between(first, last), kyrgyz_holidays().between(first, last)

        self.backend.run_open(read, lambda result: self._loaded(request, result), self._failed, owner=self)

    def _loaded(self, request: int, result: tuple[list[SessionRow], list[Holiday]]) -> None:
        if request != self._request:  # the user moved on meanwhile
            return
        sessions, holidays = result
        self.sessions = sessions
        self.holidays = {holiday.date: holiday for holiday in holidays}
        self.message.clear()
        self._render()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(user_message(exc))

    def on_day(self, day: dt.date) -> list[SessionRow]:
        return [row for row in self.sessions if row.date == day]

    # --- rendering --------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        self.title.setText(_("Calendar"))
        self.week_button.setText(_("&Week"))
        self.month_button.setText(_("&Month"))
        self.previous_button.setText(_("◀ &Previous"))
        self.today_button.setText(_("T&oday"))
        self.next_button.setText(_("&Next ▶"))
        self.previous_button.setToolTip(_("The previous week or month"))
        self.next_button.setToolTip(_("The next week or month"))
        self.calendar.setLocale(QLocale(current_language()))
        self._render()

    def _render(self) -> None:
        self.range_title.setText(self.range_text())
        first, _last = self.shown_range()
        if self.month_mode:
            self.views.setCurrentIndex(1)
            self._render_month()
            return
        self.views.setCurrentIndex(0)
        today = dt.date.today()
        for offset, column in enumerate(self.columns):
            day = first + dt.timedelta(days=offset)
            column.show_day(day, self.holidays.get(day), self.on_day(day), today)

    def _render_month(self) -> None:
        calendar = self.calendar
        calendar.blockSignals(True)
        calendar.setCurrentPage(self.anchor.year, self.anchor.month)
        calendar.setSelectedDate(QDate(self.anchor))
        calendar.blockSignals(False)
        calendar.setDateTextFormat(QDate(), QTextCharFormat())  # a null date clears every day's format
        for day in {row.date for row in self.sessions}:
            text_format = QTextCharFormat()
            text_format.setFontWeight(QFont.Weight.Bold)
            calendar.setDateTextFormat(QDate(day), text_format)
        for day in self.holidays:
            text_format = calendar.dateTextFormat(QDate(day))
            text_format.setForeground(QColor(HOLIDAY_COLOUR))
            calendar.setDateTextFormat(QDate(day), text_format)
        self._show_day()

    def _show_day(self) -> None:
        day = self.anchor
        holiday = self.holidays.get(day)
        rows = self.on_day(day)
        self.day_title.setText(format_date(day, "full"))
        self.day_holiday.setText(_("Public holiday: {name}").format(name=holiday_name(holiday)) if holiday else "")
        self.day_holiday.setVisible(holiday is not None)
        self.day_empty.setText(_("No sessions on this day.") if not rows else "")
        self.day_empty.setVisible(not rows)
        self.day_sessions.show_sessions(rows)
