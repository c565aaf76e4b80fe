"""Qt's own strings (OK, Cancel, &Yes, wizard buttons, context menus) through our gettext catalogs,
and the runtime language switch.

``switch_language()`` sets the gettext language and re-installs the translator: Qt then sends
``QEvent.LanguageChange`` to every widget, hidden ones included, and each window or page re-runs
its ``retranslate_ui()`` from ``changeEvent``. No restart is needed.
"""

from __future__ import annotations

import logging

from instructor_app.i18n import _, current_language, set_language
from ui.qt import QCoreApplication, QEvent, QTranslator

log = logging.getLogger(__name__)


class GettextTranslator(QTranslator):
    """Answers Qt's ``tr()`` look-ups from the app's gettext catalog (Qt's context is ignored)."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        if not source:
            return None
        translated = _(source)
        # None is a null QString: Qt falls back to its own text. An empty Python string would
        # not be null and would blank the button, so never return "" here.
        return translated if translated != source else None

    def isEmpty(self) -> bool:  # noqa: N802 (Qt name) - Qt skips the LanguageChange for empty ones
        return False


_translator: GettextTranslator | None = None


def install_translator() -> GettextTranslator:
    """Install the translator on the running application (once)."""
    global _translator
    app = QCoreApplication.instance()
    if _translator is None:
        _translator = GettextTranslator(app)
    app.installTranslator(_translator)
    return _translator


def remove_translator() -> None:
    app = QCoreApplication.instance()
    if _translator is not None and app is not None:
        app.removeTranslator(_translator)


def switch_language(language: str) -> bool:
    """Switch the whole UI to ``language`` now. Returns False when it already was the language."""
    if language == current_language():
        return False
    set_language(language)
    remove_translator()
    install_translator()  # posts QEvent.LanguageChange to all widgets
    log.info("language switched to %s", language)
    return True


def is_language_change(event: QEvent) -> bool:
    return event.type() == QEvent.Type.LanguageChange


class Retranslating:
    """Mixin for widgets: calls ``retranslate_ui()`` on each language change.

    Put it first in the bases (``class Page(Retranslating, QWidget)``) and call
    ``self.retranslate_ui()`` once at the end of ``__init__``.
    """

    def retranslate_ui(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if is_language_change(event):
            self.retranslate_ui()
        super().changeEvent(event)  # type: ignore[misc]  (the Qt base class's handler)
