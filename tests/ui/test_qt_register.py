"""The attendance register, driven with the keyboard only: real widgets, a real encrypted database,
the real worker. Marks, compliance, excused absences with their reason, engagement concerns, future
sessions and cells where the participant was not in the group."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from qt_helpers import PASSWORD_MAN, WAIT_MS, type_text, unlock, wait_idle

from instructor_app import errors
from instructor_app.i18n import N_, _
from instructor_app.scheduling.holidays import kyrgyz_holidays
from instructor_app.services.participant_data import IntakeDraft
from instructor_app.services.programme_data import GroupDraft
from ui.models.register_model import MAKEUP_SIGN
from ui.qt import QApplication, QEvent, QKeyEvent, Qt
from ui.views import register
from ui.views.register import RegisterPage, register_key

TODAY = dt.date.today()
SUMMARY = 3  # attended, unexcused, compliance


def on_worker(qtbot, desktop, fn):
    """Run ``fn(ws)`` on the real DB worker and return its result (test set-up and checks only)."""
    box: dict = {}
    desktop.backend.run_open(fn, lambda result: box.setdefault("result", result),
                             lambda exc: box.setdefault("error", exc))
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT_MS)
    if "error" in box:
        raise box["error"]
    return box["result"]


def intake(name: str, component: str, received: dt.date, birth_year: int = 1985) -> IntakeDraft:
    """An intake with a signed contract and an eligible screening (ready to join a group)."""
    return IntakeDraft(full_name=name, birth_date=dt.date(birth_year, 4, 12), gender="male", language="ky",
                       component=component, referral_source="police", received_on=received,
                       order_number="ВОО-0311", order_issued_on=received, screening="eligible",
                       contract_signed_on=received, curator_name="Нурбек Осмонов")


def free_day(start: dt.date) -> dt.date:
    holidays = kyrgyz_holidays()
    day = start
    while holidays.is_holiday(day):
        day += dt.timedelta(days=1)
    return day


def create_group(ws, key: str, start: dt.date, name: str):
    man = next(p for p in ws.facilitators() if p.gender == "male")
    woman = next(p for p in ws.facilitators() if p.gender == "female")
    version = next(c for c in ws.curricula.list() if c.key == key and c.latest)
    draft = GroupDraft(name, version.id, "ky", "male", man.id, woman.id, "", "2-бөлмө", start.weekday(), "10:00",
                       start)
    return ws.groups.create(draft, today=start)  # planned on its start day, weeks ago


def mandatory_group(ws):
    """A mandatory group that started three weeks ago (its two sessions are past) with a make-up
    ahead; Алмаз joined at the start, Бакыт only for the second session."""
    start = TODAY - dt.timedelta(days=21)
    detail = create_group(ws, "tcp-mandatory", start, "Милдеттүү топ")
    first, second = detail.sessions
    assert second.date <= TODAY
    ws.sessions.add_makeup(first.id, free_day(TODAY + dt.timedelta(days=3)), "10:00", "Кошумча сабак", TODAY)
    almaz = ws.participants.create(intake("Алмаз Бекмуратов", "mandatory", start - dt.timedelta(days=1)), start)
    ws.attendance.enrol(almaz.id, detail.group.id, start, start)
    bakyt = ws.participants.create(intake("Бакыт Исаков", "mandatory", second.date - dt.timedelta(days=1), 1990),
                                   second.date)
    ws.attendance.enrol(bakyt.id, detail.group.id, second.date, second.date)
    return detail.group.id


@pytest.fixture
def unlocked(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    wait_idle(qtbot, desktop)
    return desktop


def open_register(qtbot, desktop, group_id: str | None = None) -> RegisterPage:
    page = RegisterPage(desktop.backend)
    qtbot.addWidget(page)
    page.resize(1280, 700)
    page.show()
    page.refresh()
    wait_idle(qtbot, desktop)
    if group_id is not None:
        page.show_group(group_id)
        wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: page.model.group_id is not None, timeout=WAIT_MS)
    page.table.setFocus()
    return page


def press(qtbot, desktop, page, *keys) -> None:
    """Key presses on the register, as a facilitator types them; then wait for the saves."""
    for key in keys:
        if isinstance(key, str) and not key.isascii():  # a letter typed on a Cyrillic layout
            type_text(qtbot, page.table, key)
        elif isinstance(key, tuple):
            qtbot.keyClick(page.table, *key)
        else:
            qtbot.keyClick(page.table, key)
    wait_idle(qtbot, desktop)
    QApplication.processEvents()


def shown(page: RegisterPage, row: int, column: int) -> str:
    return page.table.model().index(row, column).data() or ""


def compliance(page: RegisterPage, row: int) -> str:
    return shown(page, row, page.model.columnCount() - 1)


def current(page: RegisterPage) -> tuple[int, int]:
    index = page.table.currentIndex()
    return index.row(), index.column()


def stored_marks(qtbot, desktop, group_id: str) -> list[list[str | None]]:
    register = on_worker(qtbot, desktop, lambda ws: ws.attendance.register(group_id, TODAY))
    return [[cell.mark for cell in row.cells] for row in register.rows]


def test_marking_the_register_with_the_keyboard(qtbot, unlocked):
    group_id = on_worker(qtbot, unlocked, mandatory_group)
    page = open_register(qtbot, unlocked)
    assert page.group_combo.currentText() == "Милдеттүү топ"  # running: its make-up is still ahead
    model = page.model
    assert [r.full_name for r in model.rows] == ["Алмаз Бекмуратов", "Бакыт Исаков"]
    assert model.columnCount() == 3 + SUMMARY
    first, _second, makeup = model.sessions
    header = model.headerData(0, Qt.Orientation.Horizontal)
    assert header == f"1\n{first.date:%d.%m}"
    assert model.headerData(2, Qt.Orientation.Horizontal) == f"{MAKEUP_SIGN}1\n{makeup.date:%d.%m}"
    assert _("Make-up for session {number}").format(number=1) in model.headerData(
        2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert compliance(page, 0).startswith(_("On track"))
    assert not model.flags(model.index(1, 0)) & Qt.ItemFlag.ItemIsEditable

    # two unexcused absences of a mandatory participant: non-compliant
    press(qtbot, unlocked, page, (Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier), "U")
    assert shown(page, 0, 0) == "U" and current(page) == (1, 0)  # the cursor went to the next participant
    press(qtbot, unlocked, page, Qt.Key.Key_Up, Qt.Key.Key_Right, "U")
    assert shown(page, 0, 1) == "U" and current(page) == (1, 1)
    assert compliance(page, 0).startswith(_("Non-compliant"))
    assert shown(page, 0, 4) == "2"  # unexcused
    tooltip = model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert _("Unexcused absence") in tooltip and "Тынчтык Асанов" in tooltip

    # corrections are new marks: present on the same cells, back on track (typed on a Cyrillic layout: З is P)
    press(qtbot, unlocked, page, Qt.Key.Key_Up, "P", Qt.Key.Key_Up, Qt.Key.Key_Left, "з")
    assert shown(page, 0, 0) == "P" and shown(page, 0, 1) == "P"
    assert compliance(page, 0).startswith(_("On track")) and shown(page, 0, 3) == "2/4"  # the two individual sessions count too

    # Бакыт was not in the group at the first session: the key does nothing
    assert current(page) == (1, 0) and model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == _(
        "Not in the group on this date")
    press(qtbot, unlocked, page, "P")
    assert shown(page, 1, 0) == "" and current(page) == (1, 0)
    assert stored_marks(qtbot, unlocked, group_id)[1][0] is None

    # X asks the reason; Enter saves an excused absence
    press(qtbot, unlocked, page, Qt.Key.Key_Right, "X")
    dialog = page.note_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)  # no reason: the service refuses, the dialog stays
    wait_idle(qtbot, unlocked)
    assert dialog.isVisible() and dialog.error.text() == _("An excused absence needs its reason.")
    type_text(qtbot, dialog.note, "Ооруп калды, маалымкат бар")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    wait_idle(qtbot, unlocked)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert shown(page, 1, 1) == "X"
    assert "Ооруп калды, маалымкат бар" in model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert compliance(page, 1).startswith(_("On track"))

    # C on a present mark: a concern note, the same mark with "!"
    press(qtbot, unlocked, page, Qt.Key.Key_Up, Qt.Key.Key_Left, "C")
    dialog = page.note_dialog
    assert dialog.isVisible() and dialog.windowTitle() == _("Engagement concern")
    type_text(qtbot, dialog.note, "Үндөбөй отурду")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    wait_idle(qtbot, unlocked)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert shown(page, 0, 0) == "P!"
    assert "Үндөбөй отурду" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)

    # a key on the make-up ahead: the service's message, nothing saved
    before = stored_marks(qtbot, unlocked, group_id)
    press(qtbot, unlocked, page, (Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier), Qt.Key.Key_Right,
          Qt.Key.Key_Right, "P")
    assert current(page) == (0, 2)
    assert page.message.kind == "error" and page.message.isVisible()
    assert page.message.text() == errors.InvalidInput("session", N_(
        "This session has not been held yet ({date}); attendance is marked on the day of the session or later."),
        date=makeup.date).message()  # the service's own message
    assert shown(page, 0, 2) == ""
    # Delete removes nothing
    press(qtbot, unlocked, page, Qt.Key.Key_Left, Qt.Key.Key_Delete)
    assert page.message.kind == "note" and shown(page, 0, 1) == "P"
    assert stored_marks(qtbot, unlocked, group_id) == before == [["present", "present", None], [None, "excused", None]]


def voluntary_group_of_twelve(ws):
    start = TODAY - dt.timedelta(days=35)
    detail = create_group(ws, "tcp-voluntary-men", start, "Эркектер тобу — 12")
    for n in range(12):
        person = ws.participants.create(intake(f"Катышуучу {n + 1:02d} Уулу", "voluntary", start, 1970 + n), start)
        ws.attendance.enrol(person.id, detail.group.id, start, start)
    for row in detail.sessions[:2]:  # two make-ups ahead: 26 columns
        ws.sessions.add_makeup(row.id, free_day(TODAY + dt.timedelta(days=2 + row.number)), "18:00",
                               "Кошумча сабак", TODAY)
    return detail.group.id


def test_a_full_group_of_twelve_over_26_sessions(qtbot, unlocked):
    group_id = on_worker(qtbot, unlocked, voluntary_group_of_twelve)
    started = time.perf_counter()
    page = open_register(qtbot, unlocked, group_id)
    loaded = time.perf_counter() - started
    model = page.model
    assert model.rowCount() == 12 and len(model.sessions) == 26
    assert model.columnCount() == 26 + SUMMARY
    held = [n for n, s in enumerate(model.sessions) if s.date <= TODAY]
    column = held[-1]
    assert current(page) == (0, column)  # the register opens at the latest session
    started = time.perf_counter()
    press(qtbot, unlocked, page, Qt.Key.Key_Down, Qt.Key.Key_Down, "L")
    saved = time.perf_counter() - started
    assert shown(page, 2, column) == "L" and current(page) == (3, column)
    assert stored_marks(qtbot, unlocked, group_id)[2][column] == "late"
    print(f"register 12×26: loaded in {loaded * 1000:.0f} ms, one mark saved in {saved * 1000:.0f} ms")


def key_event(text: str, virtual_key: int = 0, modifiers=Qt.KeyboardModifier.NoModifier) -> QKeyEvent:
    return QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, modifiers, 0, virtual_key, 0, text)


def test_register_keys_on_latin_and_cyrillic_layouts(qapp, monkeypatch):
    assert [register_key(key_event(t)) for t in "plexucPq"] == ["P", "L", "E", "X", "U", "C", "P", None]
    # a Russian or Kyrgyz layout: the key at the same place (З is where P is), whatever the platform
    assert [register_key(key_event(t)) for t in "зДуЧгсф"] == ["P", "L", "E", "X", "U", "C", None]
    assert register_key(key_event("p", modifiers=Qt.KeyboardModifier.ControlModifier)) is None  # Ctrl+P: not a mark
    # on Windows the virtual-key code names the key's place on a Latin keyboard, for any layout
    monkeypatch.setattr(register.QGuiApplication, "platformName", staticmethod(lambda: "windows"))
    assert register_key(key_event("з", 0x50)) == "P" and register_key(key_event("ө", 0x55)) == "U"
    assert register_key(key_event("ф", 0x41)) is None
