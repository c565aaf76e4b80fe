"""Groups page: a facilitator creates a group through the dialog and sees its generated schedule;
the pair rule asks for a reason; a postponement moves the later sessions and is listed."""

from __future__ import annotations

import datetime as dt

from qt_helpers import PASSWORD_MAN, WAIT_MS, type_text, unlock, wait_idle

from instructor_app.i18n import _, format_date
from instructor_app.scheduling.holidays import kyrgyz_holidays
from ui.dialogs.new_group import to_qdate
from ui.qt import QDialogButtonBox, Qt


def open_groups(qtbot, desktop):
    window = desktop.main_window
    window.nav.setCurrentRow(window.pages.index(window.groups))
    wait_idle(qtbot, desktop)
    return window.groups


def new_group_dialog(qtbot, desktop, page):
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    wait_idle(qtbot, desktop)
    assert dialog.isVisible()
    return dialog


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, (data, [combo.itemData(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)


def next_monday() -> dt.date:
    today = dt.date.today()
    return today + dt.timedelta(days=7 - today.weekday())


def test_create_a_group_and_see_its_weekly_schedule(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    page = open_groups(qtbot, desktop)
    dialog = new_group_dialog(qtbot, desktop, page)
    men = next(c for c in dialog.curricula if c.key == "tcp-voluntary-men")
    type_text(qtbot, dialog.name, "Эркектер тобу — шейшемби")
    choose(dialog.programme, men.id)
    assert not dialog.gender.isEnabled()  # a men's programme: the group is for men
    choose(dialog.language, "ru")
    choose(dialog.weekday, 1)  # Tuesday
    start = next_monday()
    dialog.start_date.setDate(to_qdate(start))
    type_text(qtbot, dialog.room, "2-бөлмө")
    qtbot.waitUntil(lambda: "24" in dialog.preview.text(), timeout=WAIT_MS)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    wait_idle(qtbot, desktop)
    wait_idle(qtbot, desktop)

    assert "Эркектер тобу — шейшемби" in page.message.text()
    schedule = page.detail.model
    qtbot.waitUntil(lambda: len(schedule.rows) == 24, timeout=WAIT_MS)
    dates = [row.date for row in schedule.rows]
    holidays = kyrgyz_holidays()
    assert all(d.weekday() == 1 for d in dates)
    assert dates[0] == start + dt.timedelta(days=1) or holidays.is_holiday(start + dt.timedelta(days=1))
    assert not any(holidays.is_holiday(d) for d in dates)
    # every Tuesday between the first and the last session is a session unless it is a holiday
    tuesday, expected = dates[0], []
    while tuesday <= dates[-1]:
        if not holidays.is_holiday(tuesday):
            expected.append(tuesday)
        tuesday += dt.timedelta(days=7)
    assert dates == expected
    # what the facilitator reads in the table: the date and the Russian session title
    shown = page.detail.table.model().index(0, 1).data()
    assert shown == format_date(dates[0], "short") == dates[0].strftime("%d.%m.%Y")
    assert schedule.rows[0].title.ru == page.detail.table.model().index(0, 3).data()
    assert page.model.rows[0].name == "Эркектер тобу — шейшемби"


def test_pair_rule_needs_a_reason_and_postpone_shifts_later_sessions(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    page = open_groups(qtbot, desktop)
    dialog = new_group_dialog(qtbot, desktop, page)
    women = next(c for c in dialog.curricula if c.key == "tcp-voluntary-women")
    type_text(qtbot, dialog.name, "Аялдар тобу")
    choose(dialog.programme, women.id)
    choose(dialog.second, None)  # the male lead alone, for a women's group
    dialog.start_date.setDate(to_qdate(next_monday()))
    assert dialog.pair_note.text()  # the rule is explained before saving
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=WAIT_MS)
    assert dialog.isVisible()
    assert dialog.error.text() == _(
        "This pair is not one man and one woman with the lead of the participants' gender. Choose such "
        "a pair, or write why this group needs another arrangement (at least 10 characters).")
    type_text(qtbot, dialog.reason, "Экинчи инструктор декреттик өргүүдө")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: len(page.detail.model.rows) == 16, timeout=WAIT_MS)
    assert "декреттик өргүүдө" in page.detail.pair.text()

    before = [row.date for row in page.detail.model.rows]
    page.detail.table.selectRow(2)
    qtbot.mouseClick(page.detail.buttons["postpone"], Qt.MouseButton.LeftButton)
    change = page.detail.dialog
    type_text(qtbot, change.reason, "Инструктор ооруп калды")
    qtbot.mouseClick(change.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not change.isVisible(), timeout=WAIT_MS)
    wait_idle(qtbot, desktop)
    wait_idle(qtbot, desktop)
    after = [row.date for row in page.detail.model.rows]
    assert after[:2] == before[:2]
    assert all(new > old for new, old in zip(after[2:], before[2:], strict=True))
    assert page.detail.history.count() == 14  # the postponed session and the 13 shifted after it
    assert "Инструктор ооруп калды" in page.detail.history.item(0).text()


def test_a_cover_facilitator_added_in_settings_stands_in_for_one_session(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    window = desktop.main_window
    window.nav.setCurrentRow(window.pages.index(window.settings))
    wait_idle(qtbot, desktop)
    box = window.settings.facilitators_box
    assert box.list.count() == 2
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)  # no name: a message, nothing added
    wait_idle(qtbot, desktop)
    assert box.message.text() == _("Enter the facilitator's full name.") and box.list.count() == 2
    type_text(qtbot, box.name, "Азамат Токтогулов")
    choose(box.gender, "male")
    qtbot.keyClick(box.name, Qt.Key.Key_Return)
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: box.list.count() == 3, timeout=WAIT_MS)

    page = open_groups(qtbot, desktop)
    dialog = new_group_dialog(qtbot, desktop, page)
    type_text(qtbot, dialog.name, "Эркектер тобу")
    choose(dialog.programme, next(c for c in dialog.curricula if c.key == "tcp-voluntary-men").id)
    dialog.start_date.setDate(to_qdate(next_monday()))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: len(page.detail.model.rows) == 24, timeout=WAIT_MS)
    lead_before = page.detail.model.rows[0].lead.display_name
    page.detail.table.selectRow(0)
    qtbot.mouseClick(page.detail.buttons["cover"], Qt.MouseButton.LeftButton)
    change = page.detail.dialog
    wait_idle(qtbot, desktop)
    choose(change.lead, next(p.id for p in change.people if p.display_name == "Азамат Токтогулов"))
    type_text(qtbot, change.reason, "Башкы инструктор ооруп калды")
    qtbot.mouseClick(change.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not change.isVisible(), timeout=WAIT_MS)
    wait_idle(qtbot, desktop)
    wait_idle(qtbot, desktop)
    rows = page.detail.model.rows
    assert rows[0].lead.display_name == "Азамат Токтогулов" and rows[0].cover_reason
    assert rows[1].lead.display_name == lead_before  # only that one session
    assert page.detail.model.index(0, 4).data().endswith("*")
