"""The Today page's "This month" box on the demo centre, in the real main window after a real unlock: the
month's key figures as the indicators function computes them (the same one the report and the Probation
server use), each with its mandatory / voluntary split, and its labels following the language switch."""

from __future__ import annotations

import datetime as dt

import pytest
from qt_helpers import WAIT_MS, on_worker, unlock

from instructor_app.demo import create_demo
from instructor_app.i18n import _, format_date, format_number, set_language
from instructor_app.indicators import INDICATOR_LABELS, PeriodKind, period_for
from ui.translator import switch_language
from ui.views.indicators_box import SHOWN

DEMO_PASSWORD = "demo-pass"


@pytest.fixture
def demo_desktop(qtbot, workspace, desktop_factory):
    opened, _result = create_demo(workspace, DEMO_PASSWORD)
    opened.close()
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, DEMO_PASSWORD)
    return desktop


def test_the_month_box_shows_the_demo_months_figures(qtbot, demo_desktop):
    set_language("ky")
    today = dt.date.today()
    page = demo_desktop.main_window.today
    box = page.month
    qtbot.waitUntil(lambda: box.indicators is not None, timeout=WAIT_MS)
    month = period_for(PeriodKind.MONTH, today)
    expected = on_worker(qtbot, demo_desktop, lambda ws: ws.indicators(month, today))

    assert box.isVisible() and box.title.text() == _("This month")
    assert box.indicators.period == month
    assert box.span.text() == f"{format_date(month.start, 'short')} – {format_date(today, 'short')}"
    for key in SHOWN:
        counts = expected.counts[key]
        assert box.names[key].text() == _(INDICATOR_LABELS[key])
        assert box.figure(key) == format_number(counts.total), key
        assert box.splits[key].text() == _("mandatory {mandatory}, voluntary {voluntary}").format(
            mandatory=counts.by_component["mandatory"], voluntary=counts.by_component["voluntary"])
    assert expected.counts["attending"].total > 0  # the demo has participants in groups now
    assert int(box.figure("attending")) == expected.counts["attending"].total

    kyrgyz = [box.names[key].text() for key in SHOWN]
    switch_language("ru")
    russian = [_(INDICATOR_LABELS[key]) for key in SHOWN]
    assert russian != kyrgyz  # ("Attending" and "Completed" are translated already)
    qtbot.waitUntil(lambda: [box.names[key].text() for key in SHOWN] == russian, timeout=WAIT_MS)
    assert box.title.text() == _("This month")
    assert [box.figure(key) for key in SHOWN] == [format_number(expected.counts[k].total) for k in SHOWN]
    switch_language("ky")
    qtbot.waitUntil(lambda: [box.names[key].text() for key in SHOWN] == kyrgyz, timeout=WAIT_MS)
