"""Kiosk mode: the participant answers the self-assessment full screen in their own language, every tap
saved at once; Esc, Alt+F4, the window's close and the app's shortcuts do not end it; only a facilitator's
password does, and then the main window comes back. A kiosk process killed (SIGKILL) mid-questionnaire
keeps every answer it confirmed, and the response stays partial. Real widgets, a real encrypted
database, the real worker."""

from __future__ import annotations

import datetime as dt
import gettext
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from qt_helpers import CHEAP_KDF, PASSWORD_MAN, PASSWORD_WOMAN, WAIT_MS, type_text, unlock, wait_idle
from sqlalchemy import select

from instructor_app import i18n
from instructor_app.instruments.model import LIKERT_LABELS, YES_NO_LABELS
from instructor_app.services.participant_data import IntakeDraft
from instructor_app.services.workspace import Workspace
from instructor_app.storage.instrument_models import Response
from ui.qt import QAction, QApplication, QKeySequence, QLabel, Qt, QWidget
from ui.views import kiosk as kiosk_module
from ui.views.kiosk import start_kiosk

SELF_ASSESSMENT = "participant-self-assessment"
SMALL = """format: instructor-app/instrument
format_version: 1
id: kiosk-check
version: 1
kind: questionnaire
title: {ky: "Текшерүү", ru: "Проверка"}
description: {ky: "Сыноо үчүн.", ru: "Для проверки."}
respondent: participant
time_points: [intake, end]
items:
  - {key: calm, type: likert5, text: {ky: "Тынчтана алам.", ru: "Я могу успокоиться."}}
  - {key: help, type: yes_no, text: {ky: "Жардам сурадыңызбы?", ru: "Вы просили о помощи?"}}
  - {key: days, type: number, min: 0, max: 31, text: {ky: "Канча күн?", ru: "Сколько дней?"}}
  - {key: note, type: text, text: {ky: "Эмне өзгөрдү?", ru: "Что изменилось?"}}
subscales:
  - {key: calm, title: {ky: "Тынчтык", ru: "Спокойствие"}, items: [calm], method: sum}
"""


def ru(message: str) -> str:
    """What the participant's (Russian) catalog makes of ``message``, whatever the app's language."""
    return gettext.translation(i18n.DOMAIN, i18n.locale_dir(), ["ru"], fallback=True).gettext(message)


def intake(today: dt.date) -> IntakeDraft:
    return IntakeDraft(full_name="Алмаз Бекмуратов", birth_date=dt.date(1988, 5, 17), gender="male", language="ru",
                       component="mandatory", referral_source="police", received_on=today - dt.timedelta(days=2),
                       document_number="ОВД-114", order_number="ВОО-2026-0311",
                       order_issued_on=today - dt.timedelta(days=3), screening="eligible", contract_signed_on=today,
                       curator_name="Нурбек Осмонов", partner=None)


def on_worker(qtbot, desktop, fn):
    box: dict = {}
    desktop.backend.run_open(fn, lambda result: box.setdefault("result", result),
                             lambda exc: box.setdefault("error", exc))
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT_MS)
    if "error" in box:
        raise box["error"]
    return box["result"]


@pytest.fixture(autouse=True)
def no_kiosk_left_behind(qapp):
    """A failed test must not leave its kiosk (and its key filter) on the application."""
    yield
    for window in list(kiosk_module._open_kiosks):
        window._may_close = True
        window.close()
    qapp.processEvents()


@pytest.fixture
def app(qtbot, set_up_workspace, desktop_factory):
    """The app unlocked (in Kyrgyz) and a participant whose language is Russian."""
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    today = dt.date.today()
    desktop.participant_id = on_worker(qtbot, desktop, lambda ws: ws.participants.create(intake(today), today).id)
    return desktop


def open_kiosk(qtbot, desktop, key: str = SELF_ASSESSMENT):
    kiosk = start_kiosk(desktop.backend, desktop.participant_id, key, "intake", desktop.main_window)
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: kiosk.start_button.isEnabled(), timeout=WAIT_MS)
    return kiosk


def click(qtbot, desktop, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)


def answer(qtbot, desktop, kiosk, value: str) -> str:
    key = kiosk.current_item().key
    click(qtbot, desktop, kiosk.choice_buttons[value])
    return key


def leave_with(qtbot, desktop, kiosk, password: str) -> None:
    click(qtbot, desktop, kiosk.facilitator_button)
    prompt = kiosk.prompt
    assert prompt.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is prompt, timeout=WAIT_MS)  # not taken back by the kiosk
    type_text(qtbot, prompt.secret, password)
    click(qtbot, desktop, prompt.action)


def visible_text(kiosk) -> str:
    parts = [label.text() for label in kiosk.findChildren(QLabel) if label.isVisible()]
    return "\n".join(parts + [b.text() for b in kiosk.choice_buttons.values() if b.isVisible()])


def test_the_kiosk_is_left_only_with_a_facilitators_password(qtbot, app):
    main = app.main_window
    kiosk = open_kiosk(qtbot, app)
    assert kiosk.isVisible() and kiosk.isFullScreen() and not main.isVisible()
    # the participant's language (Russian), not the app's (Kyrgyz); the instructions come first
    assert kiosk.title.text() == "Анкета самооценки участника"
    assert kiosk.instructions.text().startswith("В этой анкете нет правильных и неправильных ответов.")
    # a stand-in for any application-wide shortcut (Qt's own or a later page's) on a visible window
    probe = QAction(kiosk)
    probe.setShortcuts([QKeySequence(s) for s in ("Esc", "Alt+F4", "Ctrl+Q", "Ctrl+W", "Alt+Tab", "F11")])
    probe.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    kiosk.addAction(probe)
    triggered = []
    probe.triggered.connect(lambda: triggered.append(True))
    for key, mods in ((Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
                      (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
                      (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
                      (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
                      (Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier),   # the app-wide lock shortcut
                      (Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier),
                      (Qt.Key.Key_F11, Qt.KeyboardModifier.NoModifier)):
        qtbot.keyClick(kiosk, key, mods)
        wait_idle(qtbot, app)
        assert kiosk.isVisible() and not main.isVisible() and not app.backend.is_locked and not triggered
    assert kiosk.close() is False and kiosk.isVisible()
    other = QWidget()  # another window taking the focus (as Alt+Tab would): the kiosk takes it back
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.wait(200)  # the window system's activation arrives first
    qtbot.waitUntil(lambda: QApplication.activeWindow() is kiosk, timeout=WAIT_MS)
    other.close()

    leave_with(qtbot, app, kiosk, PASSWORD_MAN + "x")
    assert kiosk.prompt.isVisible() and kiosk.prompt.error.isVisible()
    assert kiosk.isVisible() and not main.isVisible()
    kiosk.prompt.secret.clear()
    type_text(qtbot, kiosk.prompt.secret, PASSWORD_WOMAN)  # any facilitator's password ends it
    click(qtbot, app, kiosk.prompt.action)
    qtbot.waitUntil(lambda: main.isVisible(), timeout=WAIT_MS)
    assert not kiosk_module._open_kiosks
    qtbot.keyClick(main, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # the shortcuts work again
    qtbot.waitUntil(lambda: app.backend.is_locked, timeout=WAIT_MS)


def test_each_tap_is_saved_and_the_kiosk_continues_from_the_first_unanswered(qtbot, app):
    kiosk = open_kiosk(qtbot, app)
    click(qtbot, app, kiosk.start_button)
    count = len(kiosk.state.instrument.items)
    assert "1" in kiosk.progress_label.text() and str(count) in kiosk.progress_label.text()
    assert kiosk.back_button.text() == ru("Back") == "Назад"  # the participant's language, not Kyrgyz
    assert [b.text() for b in kiosk.choice_buttons.values()] == [ru(label) for label in LIKERT_LABELS]
    assert all(b.minimumHeight() >= 70 and b.font().pointSize() >= 20 for b in kiosk.choice_buttons.values())
    assert kiosk.font().pointSize() >= 20 and kiosk.question.text().startswith("За свои поступки в семье")

    given = [answer(qtbot, app, kiosk, value) for value in ("5", "2", "4")]
    assert kiosk.position == 3
    click(qtbot, app, kiosk.back_button)  # change the third answer: saved as a new answer
    assert kiosk.choice_buttons["4"].isChecked()
    answer(qtbot, app, kiosk, "1")
    leave_with(qtbot, app, kiosk, PASSWORD_MAN)
    assert app.main_window.isVisible()

    results = on_worker(qtbot, app, lambda ws: ws.instruments.results(app.participant_id))
    (row,) = results.rows
    assert row.instrument_key == SELF_ASSESSMENT and row.scores.answered == 3
    assert not row.scores.complete and row.scores.total is None  # partial: no score from half the answers
    again = open_kiosk(qtbot, app)
    assert again.answers == dict(zip(given, ("5", "2", "1"), strict=True))
    click(qtbot, app, again.start_button)
    assert again.position == 3 and not any(b.isChecked() for b in again.choice_buttons.values())
    leave_with(qtbot, app, again, PASSWORD_MAN)


def test_a_finished_questionnaire_thanks_the_participant_and_shows_no_score(qtbot, app, tmp_path):
    path = tmp_path / "kiosk-check.yaml"
    path.write_text(SMALL, encoding="utf-8")
    on_worker(qtbot, app, lambda ws: ws.instruments.import_file(path))
    kiosk = open_kiosk(qtbot, app, "kiosk-check")
    click(qtbot, app, kiosk.start_button)
    answer(qtbot, app, kiosk, "4")
    assert [b.text() for b in kiosk.choice_buttons.values()] == [ru(YES_NO_LABELS["1"]), ru(YES_NO_LABELS["0"])]
    answer(qtbot, app, kiosk, "1")
    assert kiosk.number.isVisible() and kiosk.question.text() == "Сколько дней?"
    type_text(qtbot, kiosk.number, "45")
    click(qtbot, app, kiosk.next_button)
    assert kiosk.position == 2 and kiosk.message.isVisible()  # out of range: said, and nothing saved
    kiosk.number.clear()
    type_text(qtbot, kiosk.number, "12")
    click(qtbot, app, kiosk.next_button)
    assert kiosk.text.isVisible()
    type_text(qtbot, kiosk.text, "Меньше кричу")
    click(qtbot, app, kiosk.next_button)
    wait_idle(qtbot, app)
    assert kiosk.stack.currentWidget() is kiosk.finish_page
    assert kiosk.thanks.text() == ru("Thank you — please give the laptop back to the facilitator.")
    assert not kiosk.back_button.isVisible() and "16" not in visible_text(kiosk)  # 4 + 12: never shown
    leave_with(qtbot, app, kiosk, PASSWORD_MAN)

    (row,) = on_worker(qtbot, app, lambda ws: ws.instruments.results(app.participant_id)).rows
    assert row.scores.complete and row.scores.total == 4 + 1 + 12


def test_a_lock_hides_the_kiosk_and_the_unlock_brings_it_back(qtbot, app):
    kiosk = open_kiosk(qtbot, app)
    app.lock()
    assert not kiosk.isVisible() and app.unlock_window.isVisible()
    unlock(qtbot, app, PASSWORD_MAN)
    assert kiosk.isVisible() and not app.main_window.isVisible()
    click(qtbot, app, kiosk.start_button)
    answer(qtbot, app, kiosk, "3")
    assert kiosk.position == 1
    leave_with(qtbot, app, kiosk, PASSWORD_MAN)
    assert app.main_window.isVisible()


KIOSK_PROCESS = r"""
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtTest import QTest
from instructor_app.paths import DataFolder
from instructor_app.services.workspace import Workspace
from ui.qt import QApplication, Qt
from ui.tasks import Backend, DbWorker
from ui.views.kiosk import start_kiosk

root, account, password, participant, key = sys.argv[1:6]
app = QApplication([])
folder = DataFolder.resolve(root)
backend = Backend(folder, DbWorker(), Workspace(folder).settings())

def wait(condition):
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            print("timed out", flush=True)
            os._exit(3)
        app.processEvents()
        time.sleep(0.005)

def failed(exc):
    print("failed", exc, flush=True)
    os._exit(4)

opened = []
backend.run(lambda ws: ws.unlock(account, password), opened.append, failed)
wait(lambda: opened)
backend.set_open(opened[0])
kiosk = start_kiosk(backend, participant, key, "intake")
wait(lambda: kiosk.start_button.isEnabled())
QTest.mouseClick(kiosk.start_button, Qt.MouseButton.LeftButton)
saved = []
kiosk.answer_saved.connect(saved.append)
for value in "5243152431":
    item = kiosk.current_item().key
    QTest.mouseClick(kiosk.choice_buttons[value], Qt.MouseButton.LeftButton)
    wait(lambda: item in saved and backend.worker.pending == 0)
    print("answered", item, value, flush=True)
    sys.stdin.readline()  # the test says when to go on
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_kiosk_keeps_every_confirmed_answer_and_stays_partial(set_up_workspace, tmp_path: Path):
    workspace, _key = set_up_workspace
    man = next(a.id for a in workspace.accounts() if a.display_name == "Тынчтык Асанов")
    today = dt.date.today()
    opened = workspace.unlock(man, PASSWORD_MAN)
    participant = opened.participants.create(intake(today), today).id
    opened.close()

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    stderr = tmp_path / "kiosk-stderr.log"
    confirmed = {}
    with open(stderr, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-c", KIOSK_PROCESS, str(workspace.folder.root), man, PASSWORD_MAN,
                                 participant, SELF_ASSESSMENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=log, text=True, bufsize=1, env=env)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line.split()) for line in proc.stdout], daemon=True).start()
        try:
            for n in range(3):
                try:
                    word, key, value = lines.get(timeout=90)
                except queue.Empty:
                    pytest.fail("the kiosk process stopped answering: " + stderr.read_text(errors="replace"))
                assert word == "answered"
                confirmed[key] = value
                if n < 2:
                    proc.stdin.write("next\n")
                    proc.stdin.flush()
            os.kill(proc.pid, signal.SIGKILL)  # mid-questionnaire: the process waits for its next tap
            assert proc.wait(timeout=30) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    reopened = Workspace(workspace.folder, CHEAP_KDF).unlock(man, PASSWORD_MAN)
    try:
        (row,) = reopened.instruments.results(participant).rows
        assert row.scores.answered == 3 and not row.scores.complete and row.scores.total is None
        assert set(row.scores.subscales.values()) == {None}
        state = reopened.instruments.start(participant, SELF_ASSESSMENT, "intake", "kiosk", today)
        assert state.id == row.response_id and state.answers == confirmed and not state.completed
        with reopened.db.session() as session:
            response = session.scalar(select(Response))
            assert response.mode == "kiosk" and response.completed_at is None
    finally:
        reopened.close()
