"""Calendar (week and month) and the Today page's session lists, on real groups in a real database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from qt_helpers import PASSWORD_MAN, WAIT_MS, on_worker, unlock, wait_idle

from instructor_app.i18n import _, set_language
from instructor_app.scheduling.holidays import kyrgyz_holidays
from instructor_app.scheduling.rules import WEEKDAY_LABELS
from instructor_app.services.programme_data import GroupDraft
from ui.qt import QDate, QFont, Qt
from ui.translator import switch_language
from ui.views.calendar import CalendarPage, monday_of, month_title, week_title
from ui.views.today import TodayPage

PILOT = Path(__file__).parents[1] / "core" / "data" / "pilot-curriculum.yaml"
GROUP = "Эркектер тобу, шаршемби"
ROOM = "2-бөлмө"
LEAD, SECOND = "Тынчтык Асанов", "Гүлнара Токтосунова"

TODAY_TEXTS = {  # source: (ky, ru)
    "Today's sessions": ("Бүгүнкү сабактар", "Сегодняшние занятия"),
    "This week": ("Ушул жума", "Эта неделя"),
    "Planned": ("Пландалган", "Запланировано"),
}


def create_groups(qtbot, desktop, *starts: dt.date):
    """Russian-language groups of the pilot programme (2 weekly group sessions, 14:00–15:30), one per
    start date, meeting on that date's weekday."""

    def work(ws):
        programme = ws.curricula.import_file(PILOT)
        people = {person.gender: person.id for person in ws.facilitators()}
        return [ws.groups.create(GroupDraft(
            name=f"{GROUP} {index + 1}", curriculum_version_id=programme.id, language="ru",
            participant_gender="male", lead_facilitator_id=people["male"], co_facilitator_id=people["female"],
            pair_exception_reason="", room=ROOM, weekday=start.weekday(), start_time="14:00", start_date=start),
            dt.date.today()) for index, start in enumerate(starts)]

    return on_worker(qtbot, desktop, work)


@pytest.fixture
def unlocked(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    return desktop


def calendar_page(qtbot, desktop) -> CalendarPage:
    page = CalendarPage(desktop.backend)
    qtbot.addWidget(page)
    page.resize(1150, 640)
    page.show()
    page.refresh()
    wait_idle(qtbot, desktop)
    return page


def click(qtbot, desktop, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)


def first_session_later(qtbot, desktop, days: int = 15):
    [group] = create_groups(qtbot, desktop, dt.date.today() + dt.timedelta(days=days))
    return group.sessions[0]


def go_to_week(qtbot, desktop, page, day: dt.date) -> None:
    for _step in range((monday_of(day) - monday_of(page.anchor)).days // 7):
        click(qtbot, desktop, page.next_button)
    assert page.range_title.text() == week_title(monday_of(day))


def test_week_view_shows_the_session_in_its_weekday_column(qtbot, unlocked):
    session = first_session_later(qtbot, unlocked)
    page = calendar_page(qtbot, unlocked)
    today = dt.date.today()
    assert page.range_title.text() == week_title(monday_of(today))

    go_to_week(qtbot, unlocked, page, session.date)
    column = page.columns[session.date.weekday()]
    assert _(WEEKDAY_LABELS[session.date.weekday()]) in column.header.text()
    assert column.sessions.session_ids() == [session.id]
    card = column.sessions.item(0).text()
    assert "14:00–15:30" in card and f"{GROUP} 1" in card
    assert "Формы насилия" in card  # the title in the group's language (Russian), the UI being Kyrgyz
    assert _("Planned") in card
    assert [c.sessions.count() for c in page.columns].count(0) == 6

    click(qtbot, unlocked, page.previous_button)
    assert page.range_title.text() == week_title(monday_of(session.date) - dt.timedelta(days=7))
    assert all(c.sessions.count() == 0 for c in page.columns)
    click(qtbot, unlocked, page.next_button)
    assert column.sessions.session_ids() == [session.id]
    click(qtbot, unlocked, page.today_button)
    assert page.range_title.text() == week_title(monday_of(today))


def test_cancelled_session_is_struck_through(qtbot, unlocked):
    session = first_session_later(qtbot, unlocked)
    on_worker(qtbot, unlocked, lambda ws: ws.sessions.cancel(session.id, "Фасилитатор ооруп калды"))
    page = calendar_page(qtbot, unlocked)
    go_to_week(qtbot, unlocked, page, session.date)
    item = page.columns[session.date.weekday()].sessions.item(0)
    assert item.font().strikeOut() and _("Cancelled") in item.text()


def test_month_mode_marks_session_days_and_holidays(qtbot, unlocked):
    session = first_session_later(qtbot, unlocked)
    page = calendar_page(qtbot, unlocked)
    click(qtbot, unlocked, page.month_button)
    assert page.views.currentIndex() == 1
    assert page.range_title.text() == month_title(dt.date.today())
    while (page.anchor.year, page.anchor.month) != (session.date.year, session.date.month):
        click(qtbot, unlocked, page.next_button)
    assert page.range_title.text() == month_title(session.date)
    calendar = page.calendar
    assert calendar.dateTextFormat(QDate(session.date)).fontWeight() == QFont.Weight.Bold.value
    other = session.date + dt.timedelta(days=1)
    assert calendar.dateTextFormat(QDate(other)).fontWeight() != QFont.Weight.Bold.value

    calendar.setSelectedDate(QDate(session.date))  # as a click on the day does
    assert page.day_sessions.session_ids() == [session.id]
    assert not page.day_empty.isVisible()
    calendar.setSelectedDate(QDate(other))
    assert page.day_sessions.count() == 0 and page.day_empty.isVisible()

    for _month in range(12):  # on to a month with a public holiday
        holidays = kyrgyz_holidays().between(*page.shown_range())
        if holidays:
            break
        click(qtbot, unlocked, page.next_button)
    assert holidays
    colour = calendar.dateTextFormat(QDate(holidays[0].date)).foreground().color().name()
    assert colour == "#b00020"

    click(qtbot, unlocked, page.week_button)  # back to the week of the day chosen in the month
    assert page.views.currentIndex() == 0
    assert page.range_title.text() == week_title(monday_of(page.anchor))


def test_double_click_and_enter_open_the_session(qtbot, unlocked):
    session = first_session_later(qtbot, unlocked)
    page = calendar_page(qtbot, unlocked)
    go_to_week(qtbot, unlocked, page, session.date)
    sessions = page.columns[session.date.weekday()].sessions
    centre = sessions.visualItemRect(sessions.item(0)).center()
    emitted: list[str] = []
    page.open_session.connect(emitted.append)
    with qtbot.waitSignal(page.open_session, timeout=WAIT_MS) as opened:
        # a real double-click: Qt 6's QTest sends only the second press, so the first comes before it
        qtbot.mouseClick(sessions.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mouseDClick(sessions.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert opened.args == [session.id]
    assert emitted == [session.id]  # once per double-click

    sessions.setFocus()
    sessions.setCurrentRow(0)
    with qtbot.waitSignal(page.open_session, timeout=WAIT_MS) as opened:
        qtbot.keyClick(sessions, Qt.Key.Key_Return)
    assert opened.args == [session.id]


def test_today_lists_todays_sessions_and_switches_language(qtbot, unlocked):
    today = dt.date.today()
    if kyrgyz_holidays().is_holiday(today):
        pytest.skip("today is a public holiday: no session can be planned for today")
    tomorrow = today + dt.timedelta(days=1)
    later_this_week = today.weekday() < 6 and not kyrgyz_holidays().is_holiday(tomorrow)
    groups = create_groups(qtbot, unlocked, *((today, tomorrow) if later_this_week else (today,)))
    assert groups[0].sessions[0].date == today

    page = TodayPage(unlocked.backend)
    qtbot.addWidget(page)
    page.resize(1150, 700)
    page.show()
    page.refresh()
    wait_idle(qtbot, unlocked)
    table = page.today_sessions
    assert table.session_ids() == [groups[0].sessions[0].id]
    cells = [table.topLevelItem(0).text(column) for column in range(table.columnCount())]
    assert cells == ["14:00–15:30", f"{GROUP} 1", _("Session {number}: {title}").format(number=1, title="Формы насилия"),
                     ROOM, f"{LEAD} / {SECOND}", "Пландалган"]
    assert not page.today_empty.isVisible()
    if later_this_week:
        assert page.week_sessions.session_ids() == [groups[1].sessions[0].id]
    else:
        assert page.week_empty.isVisible() and page.week_empty.text() == _("No more sessions this week.")
    assert page.today_title.text() == "Бүгүнкү сабактар"
    assert page.week_title.text() == "Ушул жума"

    with qtbot.waitSignal(page.open_session, timeout=WAIT_MS) as opened:
        table.setFocus()
        table.setCurrentItem(table.topLevelItem(0))
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [groups[0].sessions[0].id]

    switch_language("ru")
    qtbot.waitUntil(lambda: page.today_title.text() == "Сегодняшние занятия", timeout=WAIT_MS)
    assert page.week_title.text() == "Эта неделя"
    assert table.topLevelItem(0).text(table.columnCount() - 1) == "Запланировано"
    switch_language("ky")


def test_today_says_when_there_is_nothing(qtbot, unlocked):
    set_language("ky")
    page = TodayPage(unlocked.backend)
    qtbot.addWidget(page)
    page.show()
    assert not page.today_empty.isVisible()  # nothing said before the sessions were read
    page.refresh()
    wait_idle(qtbot, unlocked)
    assert page.today_sessions.isHidden() and page.today_empty.isVisible()
    assert page.today_empty.text() == _("No sessions today.")
