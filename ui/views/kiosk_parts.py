"""Pieces of the kiosk screen: the participant's own-language texts, answer labels, big layouts."""

from __future__ import annotations

import gettext
import re

from instructor_app import i18n
from instructor_app.i18n import N_
from instructor_app.instruments.model import FREQUENCY_LABELS, LIKERT_LABELS, YES_NO_LABELS, Item, ItemType
from ui.qt import QBoxLayout, QEvent, QFont, QVBoxLayout, QWidget, Qt

BASE_POINT_SIZE = 22
QUESTION_POINT_SIZE = 26
ANSWER_MIN_HEIGHT = 72
CONTENT_MAX_WIDTH = 1100

# The participant's texts (translated with the participant's catalog, not the app's)
BACK, NEXT, START = N_("Back"), N_("Next"), N_("Start")
PROGRESS = N_("Question {number} of {count}")
LOADING = N_("Please wait…")
THANKS = N_("Thank you — please give the laptop back to the facilitator.")
NOT_SAVED = N_("The answer was not saved. Please call the facilitator.")
NUMBER_RANGE = N_("Enter a number from {min} to {max}.")

MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
             | Qt.KeyboardModifier.MetaModifier)
BLOCKED_KEYS = {Qt.Key.Key_Escape, Qt.Key.Key_Meta, Qt.Key.Key_Super_L, Qt.Key.Key_Super_R, Qt.Key.Key_Hyper_L,
                Qt.Key.Key_Hyper_R, Qt.Key.Key_Menu, Qt.Key.Key_Back, Qt.Key.Key_Forward, Qt.Key.Key_Close,
                Qt.Key.Key_Exit, Qt.Key.Key_Alt, Qt.Key.Key_Control, Qt.Key.Key_Sleep, Qt.Key.Key_PowerOff}
KEY_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class ParticipantTexts:
    """The kiosk's own texts in the participant's language, whatever language the app shows."""

    def __init__(self, language: str) -> None:
        self.language = language
        finder = getattr(i18n, "translation_for", None)
        self._catalog = (finder(language) if finder is not None else
                         gettext.translation(i18n.DOMAIN, i18n.locale_dir(), [language], fallback=True))

    def __call__(self, message: str, **values: object) -> str:
        translated = self._catalog.gettext(message)
        if sorted(_PLACEHOLDER.findall(translated)) != sorted(_PLACEHOLDER.findall(message)):
            translated = message  # a bad catalog entry must not break the participant's screen
        return translated.format(**values) if values else translated


def choice_label(item: Item, value: str, texts: ParticipantTexts) -> str:
    if item.type == ItemType.LIKERT5:
        return texts(LIKERT_LABELS[int(value) - 1])
    if item.type == ItemType.FREQUENCY:
        return texts(FREQUENCY_LABELS[int(value)])
    return texts(YES_NO_LABELS[value])


def _number(value: float | None) -> str:
    return "" if value is None else str(int(value)) if float(value).is_integer() else str(value)


def fill(layout: QBoxLayout, *parts: QWidget | QBoxLayout | int | tuple[QWidget, int]) -> QBoxLayout:
    """Widgets and layouts in order; an int is a stretch, (widget, n) a widget that stretches by n."""
    for part in parts:
        if isinstance(part, int):
            layout.addStretch(part)
        elif isinstance(part, QBoxLayout):
            layout.addLayout(part)
        elif isinstance(part, tuple):
            layout.addWidget(*part)
        else:
            layout.addWidget(part)
    return layout


def page(*parts: QWidget | QBoxLayout | int) -> QWidget:
    widget = QWidget()
    fill(QVBoxLayout(widget), *parts).setContentsMargins(0, 0, 0, 0)
    return widget


def big_font(widget: QWidget, point_size: int, bold: bool = False) -> None:
    font = QFont(widget.font())
    font.setPointSize(point_size)
    font.setBold(bold)
    widget.setFont(font)


