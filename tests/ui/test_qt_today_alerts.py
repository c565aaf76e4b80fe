"""The Today page's alerts, on participants made through the real services on the real worker: a
protection order about to end, a refusal to send under art. 72, opening the participant, the language."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from qt_helpers import PASSWORD_MAN, WAIT_MS, on_worker, unlock, wait_idle

from instructor_app.i18n import _, format_date, set_language
from instructor_app.participants.compliance import AlertKind, Severity
from instructor_app.services.participant_data import IntakeDraft
from instructor_app.services.programme_data import GroupDraft
from ui.qt import Qt
from ui.translator import switch_language
from ui.views.alert_text import alert_text, severity_colour
from ui.views.today import TodayPage

ALMAZ = "Алмаз Бекмуратов"
BAKYT = "Бакыт Жумабаев"
URGENCY = {Severity.URGENT: 0, Severity.WARNING: 1, Severity.NOTICE: 2}


def intake(name: str, today: dt.date, **changes) -> IntakeDraft:
    draft = IntakeDraft(full_name=name, birth_date=dt.date(1988, 5, 17), gender="male", language="ky",
                        component="mandatory", referral_source="police", received_on=today - dt.timedelta(days=2),
                        document_number="ОВД-114", order_number="ВОО-2026-0311",
                        order_issued_on=today - dt.timedelta(days=3), screening="eligible", contract_signed_on=today,
                        curator_name="Нурбек Осмонов")
    return replace(draft, **changes)


def order_ending_in_5_days(ws, today: dt.date) -> str:
    """A mandatory participant attending a group, his 30-day protection order ending in 5 days."""
    version = next(c for c in ws.curricula.list() if c.key == "tcp-mandatory" and c.latest)
    people = {person.gender: person.id for person in ws.facilitators()}
    group = ws.groups.create(GroupDraft(
        name="Милдеттүү топ", curriculum_version_id=version.id, language="ky", participant_gender="male",
        lead_facilitator_id=people["male"], co_facilitator_id=people["female"], pair_exception_reason="",
        room="1", weekday=today.weekday(), start_time="10:00", start_date=today), today)
    person = ws.participants.create(intake(ALMAZ, today, order_issued_on=today - dt.timedelta(days=24),
                                           received_on=today - dt.timedelta(days=20)), today)
    ws.attendance.enrol(person.id, group.group.id, today, today)
    return person.id


def refused(ws, today: dt.date) -> str:
    person = ws.participants.create(intake(BAKYT, today), today)
    ws.participants.refuse(person.id, today, "verbal", "Гүлзат Ормонова, инструктор", "Программага келбейм деди",
                           "Телефон аркылуу", today)
    return person.id


@pytest.fixture
def unlocked(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    return desktop


def today_page(qtbot, desktop) -> TodayPage:
    page = TodayPage(desktop.backend)
    qtbot.addWidget(page)
    page.resize(1366 - 230, 768 - 120)  # the page's share of a 1366×768 window
    page.show()
    page.refresh()
    wait_idle(qtbot, desktop)
    return page


def shown(page: TodayPage) -> list[tuple[str, str, str]]:
    """(participant id, severity column, sentence) per row, top to bottom."""
    alerts = page.alerts
    severities = [alerts.topLevelItem(row).text(0) for row in range(alerts.topLevelItemCount())]
    return list(zip(alerts.participant_ids(), severities, alerts.sentences(), strict=True))


def test_no_alerts_says_so(qtbot, unlocked):
    page = TodayPage(unlocked.backend)
    qtbot.addWidget(page)
    page.show()
    assert not page.alerts_empty.isVisible()  # nothing said before the alerts were read
    page.refresh()
    wait_idle(qtbot, unlocked)
    assert page.alerts_title.text() == _("Alerts")
    assert page.alerts.isHidden() and page.alerts_empty.isVisible()
    assert page.alerts_empty.text() == _("No alerts.")


def test_order_ending_in_5_days_is_listed_first_thing(qtbot, unlocked):
    today = dt.date.today()
    person_id = on_worker(qtbot, unlocked, lambda ws: order_ending_in_5_days(ws, today))
    expected = on_worker(qtbot, unlocked, lambda ws: ws.alerts(today))
    page = today_page(qtbot, unlocked)

    rows = shown(page)
    assert page.alerts.isVisible() and not page.alerts_empty.isVisible()
    assert [row[0] for row in rows] == [item.participant_id for item in expected]
    assert [row[2] for row in rows] == [alert_text(item) for item in expected]
    ends = next(item for item in expected if item.alert.kind == AlertKind.ORDER_END_SOON)
    assert ends.participant_id == person_id and 0 < ends.alert.days <= 5  # 5, or less if the day is a holiday
    sentence = alert_text(ends)
    assert ALMAZ in sentence and str(ends.alert.days) in sentence
    assert format_date(ends.alert.due, "short") in sentence
    row = [item.alert for item in expected].index(ends.alert)
    item = page.alerts.topLevelItem(row)
    assert item.text(0) == (_("Urgent") if ends.alert.severity == Severity.URGENT else _("Warning"))
    assert item.foreground(0).color().name() == severity_colour(ends.alert.severity)
    assert not item.icon(0).isNull()  # the coloured marker
    urgency = [URGENCY[item.alert.severity] for item in expected]
    assert urgency == sorted(urgency)  # most urgent first

    # above today's sessions; every row shown whole without scrolling the list, sentences wrapped when narrow
    assert page.alerts.y() < page.today_title.y()
    assert page.minimumSizeHint().width() <= 1366 - 230
    alerts = page.alerts
    one_line = [alerts.visualItemRect(alerts.topLevelItem(r)).height() for r in range(len(rows))]
    for width in (1366 - 230, 640):
        page.resize(width, 600)
        qtbot.wait(50)
        assert all(alerts.visualItemRect(alerts.topLevelItem(r)).bottom() <= alerts.viewport().height()
                   for r in range(len(rows)))
    assert [alerts.visualItemRect(alerts.topLevelItem(r)).height() for r in range(len(rows))] > one_line


def test_refusal_asks_for_the_art72_notice_and_opens_the_participant(qtbot, unlocked):
    today = dt.date.today()
    person_id = on_worker(qtbot, unlocked, lambda ws: refused(ws, today))
    page = today_page(qtbot, unlocked)

    [(shown_id, severity, sentence)] = shown(page)
    assert shown_id == person_id and severity == _("Urgent")
    assert sentence == _("{name}: refused the programme on {date}: send the art. 72 notice to Probation / the "
                         "police.").format(name=BAKYT, date=format_date(today, "short"))

    alerts = page.alerts
    centre = alerts.visualItemRect(alerts.topLevelItem(0)).center()
    emitted: list[str] = []
    page.open_participant.connect(emitted.append)
    with qtbot.waitSignal(page.open_participant, timeout=WAIT_MS) as opened:
        # a real double-click: Qt 6's QTest sends only the second press, so the first comes before it
        qtbot.mouseClick(alerts.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mouseDClick(alerts.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert opened.args == [person_id]
    assert emitted == [person_id]  # once per double-click

    alerts.setFocus()
    alerts.setCurrentItem(alerts.topLevelItem(0))
    with qtbot.waitSignal(page.open_participant, timeout=WAIT_MS) as opened:
        qtbot.keyClick(alerts, Qt.Key.Key_Return)
    assert opened.args == [person_id]


def test_alerts_follow_the_language_switch(qtbot, unlocked):
    set_language("ky")
    today = dt.date.today()
    on_worker(qtbot, unlocked, lambda ws: (order_ending_in_5_days(ws, today), refused(ws, today)))
    expected = on_worker(qtbot, unlocked, lambda ws: ws.alerts(today))
    page = today_page(qtbot, unlocked)
    kyrgyz = shown(page)
    assert {row[2] for row in kyrgyz} >= {alert_text(item) for item in expected}
    assert {AlertKind.ART72_TO_SEND, AlertKind.ORDER_END_SOON} <= {item.alert.kind for item in expected}

    switch_language("ru")
    qtbot.waitUntil(lambda: shown(page) != kyrgyz, timeout=WAIT_MS)
    russian = shown(page)
    assert [row[2] for row in russian] == [alert_text(item) for item in expected]  # through _() in Russian
    assert [row[1] for row in russian] == [
        {Severity.URGENT: _("Urgent"), Severity.WARNING: _("Warning"), Severity.NOTICE: _("Notice")}[
            item.alert.severity] for item in expected]
    assert page.alerts_title.text() == _("Alerts")
    art72 = next(row for row in russian if BAKYT in row[2])
    assert today.strftime("%d.%m.%Y") in art72[2]  # dates as dd.MM.yyyy in both languages
    switch_language("ky")
    qtbot.waitUntil(lambda: shown(page) == kyrgyz, timeout=WAIT_MS)
