"""A questionnaire filled in by a facilitator: every item of one instrument on a scrollable form (a
checklist, ODARA, or the participant's self-assessment read aloud). On OK the answers are saved on the
worker (``ws.instruments.start`` / ``answer`` / ``finish``); unanswered items leave a *partial* response
that can be continued later. Also the small choosers that open it (instrument and time point)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from instructor_app.i18n import LANGUAGE_NAMES, LANGUAGES, _, current_language, format_number
from instructor_app.instruments.model import (FREQUENCY_LABELS, LIKERT_LABELS, TIME_POINT_LABELS, YES_NO_LABELS,
                                              Instrument, Item, ItemType, Scores)
from instructor_app.services.participant_data import ParticipantSummary
from ui.dialogs.participant_actions import refill
from ui.qt import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QPlainTextEdit, QScrollArea,
                   QSpinBox, QVBoxLayout, QWidget)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, heading, wrapped

HELP_STYLE = "color: #555555;"


def choice_label(item: Item, value: str) -> str:
    """The translated text of one answer button (likert, frequency, yes/no)."""
    if item.type == ItemType.LIKERT5:
        return _(LIKERT_LABELS[int(value) - 1])
    if item.type == ItemType.FREQUENCY:
        return _(FREQUENCY_LABELS[int(value)])
    return _(YES_NO_LABELS[value])


def time_point_text(key: str) -> str:
    return _(TIME_POINT_LABELS[key]) if key in TIME_POINT_LABELS else key


def number(value: float | None) -> str:
    """A score as shown: empty for none (a partial response)."""
    return "" if value is None else format_number(round(value, 2))


class ItemField(QWidget):
    """One item: the question (in the content language), its help, and the answer widget."""

    def __init__(self, number: int, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = number
        self.item = item
        self.question = wrapped()
        self.help = wrapped()
        self.help.setStyleSheet(HELP_STYLE)
        self.help.setVisible(item.help is not None)
        if item.type == ItemType.NUMBER:
            self.input: QWidget = QSpinBox()
            low, high = int(item.min or 0), int(item.max if item.max is not None else 999)
            self.input.setRange(low - 1, high)  # one below the minimum = not answered
            self.input.setValue(low - 1)
        elif item.type == ItemType.TEXT:
            self.input = QPlainTextEdit()
            self.input.setFixedHeight(60)
        else:
            self.input = QComboBox()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        for widget in (self.question, self.help, self.input):
            layout.addWidget(widget)

    def retranslate(self, language: str) -> None:
        mark = "" if self.item.required else " " + _("(optional)")
        self.question.setText(f"{self.number}. {self.item.text.get(language)}{mark}")
        if self.item.help is not None:
            self.help.setText(self.item.help.get(language))
        if isinstance(self.input, QComboBox):
            refill(self.input, [(_("— not answered —"), "")]
                   + [(choice_label(self.item, v), v) for v in self.item.choices()])
        elif isinstance(self.input, QSpinBox):
            self.input.setSpecialValueText(_("— not answered —"))

    def value(self) -> str:
        if isinstance(self.input, QComboBox):
            return self.input.currentData() or ""
        if isinstance(self.input, QSpinBox):
            number = self.input.value()
            return "" if number < self.input.minimum() + 1 else str(number)
        return self.input.toPlainText().strip()

    def set_value(self, value: str) -> None:
        if isinstance(self.input, QComboBox):
            self.input.setCurrentIndex(max(0, self.input.findData(value)))
        elif isinstance(self.input, QSpinBox):
            try:
                self.input.setValue(int(float(value)))
            except ValueError:
                pass
        else:
            self.input.setPlainText(value)


class ItemsForm(QScrollArea):
    """All items of an instrument, one under the other, scrolling."""

    def __init__(self, instrument: Instrument, header: tuple[QWidget, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = [ItemField(n, item) for n, item in enumerate(instrument.items, start=1)]
        inner = QWidget()
        layout = QVBoxLayout(inner)
        for field in (*header, *self.fields):
            layout.addWidget(field)
        layout.addStretch(1)
        self.setWidget(inner)
        self.setWidgetResizable(True)
        self.setMinimumHeight(240)

    def retranslate(self, language: str) -> None:
        for field in self.fields:
            field.retranslate(language)

    def answers(self) -> dict[str, str]:
        return {f.item.key: f.value() for f in self.fields}

    def fill(self, answers: dict[str, str]) -> None:
        for field in self.fields:
            if field.item.key in answers:
                field.set_value(answers[field.item.key])

    def field(self, key: str) -> ItemField:
        return next(f for f in self.fields if f.item.key == key)


def content_language_combo(default: str) -> QComboBox:
    combo = QComboBox()
    for key in LANGUAGES:
        combo.addItem(LANGUAGE_NAMES[key], key)
    combo.setCurrentIndex(max(0, combo.findData(default)))
    return combo


def save_response(ws, participant_id: str, key: str, time_point: str, answers: dict[str, str],
                  today: dt.date) -> Scores:
    """On the worker: start (or continue) the response, save every new answer, finish it."""
    state = ws.instruments.start(participant_id, key, time_point, "facilitator", today)
    for item_key, value in answers.items():
        if value != "" and state.answers.get(item_key) != value:
            ws.instruments.answer(state.id, item_key, value)
    return ws.instruments.finish(state.id)


class QuestionnaireForm(Retranslating, QDialog):
    """Every item of ``instrument`` for ``participant`` at ``time_point``; ``scores`` after OK.
    ``continue_partial``: an unfinished response of this instrument and time point exists; its answers
    are loaded first (``start`` continues it)."""

    def __init__(self, backend: Backend, participant: ParticipantSummary, instrument: Instrument, time_point: str,
                 continue_partial: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.participant = participant
        self.instrument = instrument
        self.time_point = time_point
        self.today = dt.date.today()
        self.scores: Scores | None = None
        self.busy = False
        own = participant.language if instrument.respondent == "participant" else current_language()
        self.title = heading(size_delta=2)
        self.intro = wrapped()
        self.restricted = MessageLabel()
        self.language_label = QLabel()
        self.language = content_language_combo(own)
        self.language.currentIndexChanged.connect(lambda _i: self.retranslate_ui())
        self.items = ItemsForm(instrument, (self.intro, self.restricted))  # long texts scroll with the items
        self.error = MessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.language_label)
        row.addWidget(self.language)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(row)
        layout.addWidget(self.items, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)
        self.resize(760, 760)
        self.retranslate_ui()
        if continue_partial:
            self._load_partial()

    def _load_partial(self) -> None:
        self.set_busy(True)
        pid, key, tp, today = self.participant.id, self.instrument.id, self.time_point, self.today
        self.backend.run_open(lambda ws: ws.instruments.start(pid, key, tp, "facilitator", today),
                              self._partial_loaded, self._failed, owner=self)

    def _partial_loaded(self, state: Any) -> None:
        self.set_busy(False)
        self.items.fill(state.answers)
        self.error.show_note(_("Answers saved earlier are filled in; complete the rest."))

    def retranslate_ui(self) -> None:
        lang, ui = self.language.currentData(), current_language()
        self.setWindowTitle(_("Fill in as facilitator"))
        self.title.setText(self.instrument.title.get(ui))
        intro = _("{name} · {time_point}").format(name=self.participant.full_name,
                                                   time_point=time_point_text(self.time_point))
        instructions = self.instrument.instructions or self.instrument.description
        self.intro.setText(f"{intro}\n{instructions.get(ui)}")
        if self.instrument.restricted_note is not None:
            self.restricted.show_error(self.instrument.restricted_note.get(ui))
        self.language_label.setText(_("Questions in:"))
        self.items.retranslate(lang)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)

    def submit(self) -> None:
        if self.busy:
            return
        answers = self.items.answers()
        if not any(answers.values()):
            self.error.show_error(_("Answer at least one question, or press Cancel."))
            return
        self.set_busy(True)
        pid, key, tp, today = self.participant.id, self.instrument.id, self.time_point, self.today
        self.backend.run_open(lambda ws: save_response(ws, pid, key, tp, answers, today), self._saved,
                              self._failed, owner=self)

    def _saved(self, scores: Scores) -> None:
        self.scores = scores
        self.set_busy(False)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.error.show_error(user_message(exc))

    def reject(self) -> None:
        if not self.busy:
            super().reject()


def saved_text(scores: Scores) -> str:
    """What the results panel says after a form was saved."""
    if scores.complete:
        return _("Saved.")
    return _("Saved as partial: {answered} of {required} required answers. Open it again at the same time point "
             "to complete it; scores are shown only for complete answers.").format(answered=scores.answered,
                                                                                  required=scores.required)


class ChooseDialog(Retranslating, QDialog):
    """Pick an instrument (if more than one is offered) and a time point, then OK.
    ``title`` is an ``N_()`` source string; ``options`` are (instrument, ``N_()`` note added to its title
    or ""); the chosen ones are ``instrument()`` and ``time_point()``."""

    def __init__(self, title: str, options: list[tuple[Instrument, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self.options = options
        self.instrument_label, self.time_point_label = QLabel(), QLabel()
        self.instrument_combo, self.time_point_combo = QComboBox(), QComboBox()
        self.about = wrapped()
        self.restricted = MessageLabel()
        for combo in (self.instrument_combo, self.time_point_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(24)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.instrument_label, self.instrument_combo)
        form.addRow(self.time_point_label, self.time_point_combo)
        self.instrument_label.setVisible(len(options) > 1)
        self.instrument_combo.setVisible(len(options) > 1)
        self.instrument_combo.currentIndexChanged.connect(lambda _i: self.retranslate_ui())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        texts = QWidget()
        inner = QVBoxLayout(texts)
        inner.addWidget(self.about)
        inner.addWidget(self.restricted)
        inner.addStretch(1)
        scroll = QScrollArea()  # an instrument's description and restricted note can be long
        scroll.setWidget(texts)
        scroll.setWidgetResizable(True)
        scroll.setMinimumHeight(220)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.retranslate_ui()

    def instrument(self) -> Instrument:
        return self.options[max(0, self.instrument_combo.currentIndex())][0]

    def time_point(self) -> str:
        return self.time_point_combo.currentData()

    def retranslate_ui(self) -> None:
        ui = current_language()
        self.setWindowTitle(_(self._title))
        self.instrument_label.setText(_("Questionnaire"))
        self.time_point_label.setText(_("Time point"))
        index = self.instrument_combo.currentIndex()
        self.instrument_combo.blockSignals(True)
        self.instrument_combo.clear()
        for instrument, note in self.options:
            title = instrument.title.get(ui)
            self.instrument_combo.addItem(_("{title} ({note})").format(title=title, note=_(note)) if note else title)
        self.instrument_combo.setCurrentIndex(max(0, index))
        self.instrument_combo.blockSignals(False)
        chosen = self.instrument()
        refill(self.time_point_combo, [(time_point_text(tp), tp) for tp in chosen.time_points])
        self.about.setText(chosen.description.get(ui))
        if chosen.restricted_note is not None:
            self.restricted.show_error(chosen.restricted_note.get(ui))
        else:
            self.restricted.clear()
