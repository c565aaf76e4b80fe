"""The questionnaire in the participant's hands (kiosk mode).

Full screen, one question per screen in the PARTICIPANT's language (the app's language may differ),
big text and big answer buttons. Every tap is saved at once on the worker before the next question
appears: nothing lives only in memory, and a reopened questionnaire continues from the first
unanswered question. No score is ever shown here. The window cannot be left without a facilitator's
password: the app's shortcuts, Esc, Alt+F4 and the window's close are swallowed while it is shown,
and every other window of the app is hidden until a facilitator ends kiosk mode.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from instructor_app import i18n
from instructor_app.i18n import _
from instructor_app.instruments.model import Item, ItemType
from instructor_app.services.instrument_data import ResponseState
from ui.qt import (QApplication, QCloseEvent, QEvent, QFrame, QHBoxLayout, QLineEdit, QObject,
                   QPlainTextEdit, QProgressBar, QPushButton, QResizeEvent, QScrollArea, QStackedWidget, Qt, QTimer,
                   QVBoxLayout, QWidget, Signal, is_alive)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.views.kiosk_parts import (ANSWER_MIN_HEIGHT, BACK, BASE_POINT_SIZE, BLOCKED_KEYS, CONTENT_MAX_WIDTH, KEY_EVENTS,
                                  LOADING, MODIFIERS, NEXT, NOT_SAVED, NUMBER_RANGE, PROGRESS, QUESTION_POINT_SIZE, START,
                                  THANKS, ParticipantTexts, _number, big_font, choice_label, fill, page)
from ui.widgets import MessageLabel, SecretPrompt, wrapped

if TYPE_CHECKING:
    from instructor_app.services.open_workspace import OpenWorkspace

log = logging.getLogger(__name__)
_open_kiosks: list[KioskWindow] = []  # kept alive while shown (top-level, no Qt parent)


class KioskWindow(Retranslating, QWidget):
    """One response being filled by the participant; built and shown by ``start_kiosk``."""

    closes_on_lock = False   # a lock hides it, the next unlock brings it back (answers are saved anyway)
    answer_saved = Signal(str)  # item key, after the worker confirmed the save
    left = Signal()             # a facilitator ended kiosk mode (the other windows are back)

    def __init__(self, backend: Backend, participant_id: str, instrument_key: str, time_point: str,
                 today: dt.date | None = None) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.backend = backend
        self.request = (participant_id, instrument_key, time_point, today or dt.date.today())
        self.texts = ParticipantTexts(i18n.current_language())
        self.state: ResponseState | None = None
        self.answers: dict[str, str] = {}
        self.participant_name = ""
        self.position = -1        # -1 the first screen, 0..n-1 a question, n the closing screen
        self.busy = False
        self.hidden_windows: list[QWidget] = []
        self.prompt: SecretPrompt | None = None
        self.choice_buttons: dict[str, QPushButton] = {}
        self._may_close = False
        self._filtering = False
        big_font(self, BASE_POINT_SIZE)
        self._build()
        self._show_participant_texts()
        self.retranslate_ui()

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.facilitator_button = QPushButton(self)  # floats in the top right corner (resizeEvent)
        big_font(self.facilitator_button, 10)
        self.facilitator_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.facilitator_button.clicked.connect(self.ask_facilitator)
        # first screen: the questionnaire's title and instructions (or why it could not start)
        self.title, self.name_label, self.instructions = wrapped(), wrapped(), wrapped()
        self.load_error = MessageLabel()
        self.start_button = self._big_button(lambda: self.show_position(self._first_unanswered()))
        self.start_button.setEnabled(False)
        self.close_button = self._big_button(self._leave)  # only after a failed start (nothing was shown)
        self.close_button.hide()
        self.intro_page = page(self.title, self.name_label, self.instructions, self.load_error, 1,
                               self.start_button, self.close_button)
        # one question
        self.progress_label, self.progress = wrapped(), QProgressBar()
        self.progress.setTextVisible(False)
        self.question, self.help, self.message = wrapped(), wrapped(), MessageLabel()
        self.help.setStyleSheet("color: #555;")
        self.choices = QVBoxLayout()
        self.number = QLineEdit()
        self.number.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        self.number.setMinimumHeight(ANSWER_MIN_HEIGHT)
        self.number.returnPressed.connect(self.next_question)
        self.text = QPlainTextEdit()
        self.text.setMinimumHeight(3 * ANSWER_MIN_HEIGHT)
        self.back_button = self._big_button(lambda: self.show_position(self.position - 1))
        self.next_button = self._big_button(self.next_question)
        self.question_page = page(fill(QHBoxLayout(), self.progress_label, (self.progress, 1)), self.question,
                                  self.help, self.choices, self.number, self.text, self.message, 1,
                                  fill(QHBoxLayout(), self.back_button, 1, self.next_button))
        # the closing screen: thanks, never a score
        self.thanks = wrapped()
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.finish_page = page(1, self.thanks, 2)
        # explicit sizes: a style sheet (the help, the messages) drops an inherited size
        for label, size in ((self.title, QUESTION_POINT_SIZE + 2), (self.question, QUESTION_POINT_SIZE),
                            (self.thanks, QUESTION_POINT_SIZE + 4), (self.help, BASE_POINT_SIZE - 2),
                            (self.message, BASE_POINT_SIZE), (self.load_error, BASE_POINT_SIZE)):
            big_font(label, size, bold=size >= QUESTION_POINT_SIZE)
        self.stack = QStackedWidget()
        for screen in (self.intro_page, self.question_page, self.finish_page):
            self.stack.addWidget(screen)
        body = QScrollArea()  # a long question on a small screen scrolls; the buttons keep their size
        body.setFrameShape(QFrame.Shape.NoFrame)
        body.setWidgetResizable(True)
        body.setWidget(self.stack)
        body.setMaximumWidth(CONTENT_MAX_WIDTH)
        fill(QHBoxLayout(self), 1, (body, 12), 1).setContentsMargins(12, 30, 12, 12)
        self.facilitator_button.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        button = self.facilitator_button
        button.adjustSize()
        button.move(self.width() - button.width() - 6, 6)

    def _big_button(self, on_click: Callable[[], None]) -> QPushButton:
        button = QPushButton()
        button.setMinimumHeight(ANSWER_MIN_HEIGHT)
        button.setMinimumWidth(220)
        button.clicked.connect(lambda _checked=False: on_click())
        return button

    def retranslate_ui(self) -> None:
        """The facilitator's texts follow the app's language; the participant's stay in theirs."""
        self.setWindowTitle(_("Questionnaire"))
        self.facilitator_button.setText(_("Facilitator"))
        self.close_button.setText(_("Close"))
        self.facilitator_button.adjustSize()

    def _show_participant_texts(self) -> None:
        t = self.texts
        self.start_button.setText(t(START))
        self.back_button.setText(t(BACK))
        self.next_button.setText(t(NEXT))
        self.thanks.setText(t(THANKS))
        if self.state is None:
            self.title.setText("" if self.load_error.isVisible() else t(LOADING))
            return
        instrument, lang = self.state.instrument, self.texts.language
        self.title.setText(instrument.title.get(lang))
        self.name_label.setText(self.participant_name)
        self.instructions.setText(instrument.instructions.get(lang) if instrument.instructions else "")

    # --- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the participant's name and language and start (or continue) the response."""
        participant_id, key, time_point, today = self.request

        def start(ws: OpenWorkspace) -> tuple[str, str, ResponseState]:
            person = ws.participants.detail(participant_id, today).summary
            return person.full_name, person.language, ws.instruments.start(participant_id, key, time_point,
                                                                           "kiosk", today)

        self.backend.run_open(start, self._loaded, self._load_failed, owner=self)

    def _loaded(self, result: tuple[str, str, ResponseState]) -> None:
        self.participant_name, language, self.state = result
        self.texts = ParticipantTexts(language)
        self.answers = dict(self.state.answers)
        self.progress.setRange(0, len(self.state.instrument.items))
        self.start_button.setEnabled(True)
        self._show_participant_texts()
        self.show_position(-1)

    def _load_failed(self, exc: BaseException) -> None:
        self.load_error.show_error(_("The questionnaire could not be opened: {reason}").format(
            reason=user_message(exc)))
        self.title.setText("")
        self.start_button.hide()
        self.close_button.show()

    def _first_unanswered(self) -> int:
        items = self.state.instrument.items
        return next((n for n, item in enumerate(items) if self.answers.get(item.key, "") == ""), len(items))

    # --- moving through the questions ---------------------------------------------------------

    def current_item(self) -> Item | None:
        items = self.state.instrument.items if self.state else ()
        return items[self.position] if 0 <= self.position < len(items) else None

    def show_position(self, position: int) -> None:
        if self.busy or self.state is None:
            return
        count = len(self.state.instrument.items)
        self.position = max(-1, min(position, count))
        self.message.clear()
        if self.position < 0:
            self.stack.setCurrentWidget(self.intro_page)
        elif self.position >= count:
            self._finish()
        else:
            self._fill_question()
            self.stack.setCurrentWidget(self.question_page)

    def _fill_question(self) -> None:
        item, t, lang = self.current_item(), self.texts, self.texts.language
        count = len(self.state.instrument.items)
        self.progress_label.setText(t(PROGRESS, number=self.position + 1, count=count))
        self.progress.setValue(self.position + 1)
        self.question.setText(item.text.get(lang))
        self.help.setText(item.help.get(lang) if item.help else "")
        self.help.setVisible(item.help is not None)
        given = self.answers.get(item.key, "")
        for button in self.choice_buttons.values():
            self.choices.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.choice_buttons = {}
        for value in item.choices():
            button = self._big_button(lambda value=value: self.choose(value))
            button.setText(choice_label(item, value, t))
            button.setCheckable(True)
            button.setChecked(value == given)
            self.choices.addWidget(button)
            self.choice_buttons[value] = button
        self.number.setVisible(item.type == ItemType.NUMBER)
        self.number.setText(given if item.type == ItemType.NUMBER else "")
        self.text.setVisible(item.type == ItemType.TEXT)
        if item.type == ItemType.TEXT:
            self.text.setPlainText(given)
        if item.type in (ItemType.NUMBER, ItemType.TEXT):
            (self.number if item.type == ItemType.NUMBER else self.text).setFocus()

    def choose(self, value: str) -> None:
        """A tap on an answer: saved, then the next question."""
        item = self.current_item()
        if item is not None and not self.busy:
            self._save(item, value)

    def next_question(self) -> None:
        item = self.current_item()
        if item is None or self.busy:
            return
        given = self.answers.get(item.key, "")
        if item.type == ItemType.NUMBER:
            value = self.number.text().strip().replace(",", ".")
            if value and value != given:
                if not item.valid(value):
                    self.message.show_error(self.texts(NUMBER_RANGE, min=_number(item.min), max=_number(item.max)))
                    return
                self._save(item, value)
                return
        elif item.type == ItemType.TEXT:
            value = self.text.toPlainText().strip()
            if value != given:
                self._save(item, value)
                return
        self.show_position(self.position + 1)  # unchanged or skipped: nothing to save

    def _save(self, item: Item, value: str) -> None:
        self._set_busy(True)
        response_id = self.state.id
        job = self.backend.run_open(lambda ws: ws.instruments.answer(response_id, item.key, value),
                                    lambda _none: self._saved(item.key, value), self._not_saved, owner=self)
        if job is None:  # locked meanwhile: the window is hidden anyway
            self._set_busy(False)

    def _saved(self, key: str, value: str) -> None:
        self.answers[key] = value
        self._set_busy(False)
        self.answer_saved.emit(key)
        self.show_position(self.position + 1)

    def _not_saved(self, exc: BaseException) -> None:
        log.warning("kiosk answer not saved: %s", user_message(exc))
        self._set_busy(False)
        given = self.answers.get(self.current_item().key, "")
        for value, button in self.choice_buttons.items():
            button.setChecked(value == given)
        self.message.show_error(self.texts(NOT_SAVED))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (*self.choice_buttons.values(), self.back_button, self.next_button, self.number, self.text):
            widget.setEnabled(not busy)

    def _finish(self) -> None:
        """The closing screen; the response is closed (complete, or kept partial). No score is shown."""
        self.stack.setCurrentWidget(self.finish_page)
        response_id = self.state.id
        self.backend.run_open(lambda ws: ws.instruments.finish(response_id), None,  # the scores stay unseen
                              lambda exc: log.warning("kiosk response not finished: %s", user_message(exc)),
                              owner=self)

    # --- facilitator's exit -------------------------------------------------------------------

    def ask_facilitator(self) -> None:
        def texts() -> tuple[str, str, str, str]:
            return (_("End the questionnaire"),
                    _("A facilitator's password ends the participant's screen. The answers given so far are saved."),
                    _("Facilitator's password:"), _("End"))

        self.prompt = SecretPrompt(texts, self._verify, self)
        self.prompt.open()

    def _verify(self, secret: str) -> None:
        prompt = self.prompt
        job = self.backend.run_open(lambda ws: ws.verify_facilitator(secret), lambda ok: self._verified(prompt, ok),
                                    lambda exc: prompt.show_error(user_message(exc)), owner=self)
        if job is None:
            prompt.set_busy(False)

    def _verified(self, prompt: SecretPrompt, ok: bool) -> None:
        if self.backend.is_locked or not is_alive(prompt) or not prompt.isVisible():
            return  # locked meanwhile: the prompt was emptied and closed; the kiosk stays
        if not ok:
            prompt.secret.clear()
            prompt.show_error(_("This is not a facilitator's password. The questionnaire stays open."))
            return
        prompt.accept()
        self._leave()

    def _leave(self) -> None:
        """Back to the facilitator: the hidden windows first (so the app never has none), then close."""
        self._may_close = True
        self._stop_guarding()
        shown = [w for w in self.hidden_windows if is_alive(w)]
        for window in shown:
            window.show()
        if shown:
            shown[0].raise_()
            shown[0].activateWindow()
        self.hidden_windows = []
        self.close()
        self.left.emit()

    # --- guarding the screen ------------------------------------------------------------------

    def show_kiosk(self, hide: list[QWidget]) -> None:
        self.hidden_windows = [w for w in hide if w is not self]
        for window in self.hidden_windows:
            window.hide()
        _open_kiosks.append(self)
        QApplication.instance().installEventFilter(self)
        self._filtering = True
        self.showFullScreen()
        self.raise_()
        self.activateWindow()

    def _stop_guarding(self) -> None:
        if self._filtering:
            QApplication.instance().removeEventFilter(self)
            self._filtering = False
        if self in _open_kiosks:
            _open_kiosks.remove(self)

    def _blocked_key(self, event: QEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape and self.prompt is not None and is_alive(self.prompt) and self.prompt.isVisible():
            return False  # Esc closes the facilitator's prompt, nothing more
        return (key in BLOCKED_KEYS or Qt.Key.Key_F1 <= key <= Qt.Key.Key_F35
                or bool(event.modifiers() & MODIFIERS))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if not self.isVisible():
            return False  # hidden by a lock: the unlock screen works as usual
        kind = event.type()
        if kind in KEY_EVENTS and self._blocked_key(event):
            event.accept()  # an accepted ShortcutOverride triggers no shortcut; the key press is dropped too
            return True
        deactivated = kind == QEvent.Type.WindowDeactivate and watched is self
        if deactivated or (kind == QEvent.Type.ApplicationStateChange and getattr(
                event, "applicationState", lambda: None)() != Qt.ApplicationState.ApplicationActive):
            QTimer.singleShot(0, self._reclaim)
        return False

    def _reclaim(self) -> None:
        """Back on top, unless the facilitator's prompt is what took the focus."""
        if not is_alive(self) or not self.isVisible() or self._may_close:
            return
        if self.prompt is not None and is_alive(self.prompt) and self.prompt.isVisible():
            return
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if not self._may_close:
            event.ignore()  # Alt+F4, the window manager's close: only a facilitator's password ends it
            return
        self._stop_guarding()
        super().closeEvent(event)


def start_kiosk(backend: Backend, participant_id: str, instrument_key: str, time_point: str,
                parent: QWidget | None = None) -> KioskWindow:
    """Hand the laptop to the participant: every other window of the app is hidden (``parent``'s window
    is the one brought to the front again afterwards), the questionnaire starts (or continues) in kiosk
    mode, full screen."""
    kiosk = KioskWindow(backend, participant_id, instrument_key, time_point)
    others = [w for w in QApplication.topLevelWidgets()
              if w.isVisible() and w.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)]
    if parent is not None and parent.window() in others:
        others.remove(parent.window())
        others.insert(0, parent.window())
    kiosk.show_kiosk(others)
    kiosk.load()
    return kiosk
