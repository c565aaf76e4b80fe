"""One gettext domain for the UI, the CLI and (later) the PDFs, plus Babel formatting.

Strings are marked with ``_()`` (translated now), ``N_()`` (marked for extraction, translated
later at the edge), ``ngettext()`` and ``pgettext()``. ``set_language()`` switches at runtime; the UI
re-installs its QTranslator so open windows retranslate without a restart (ui/translator.py).

A translation whose ``{placeholders}`` differ from its source is never used (the source text is
shown instead and a warning logged): a bad catalog entry must not crash a ``str.format`` call.
"""

from __future__ import annotations

import datetime as _dt
import gettext as _gettext
import io
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel import dates as _dates
from babel import numbers as _numbers

from instructor_app.paths import locale_dir

DOMAIN = "instructor_app"
LANGUAGES: tuple[str, ...] = ("ky", "ru")
DEFAULT_LANGUAGE = "ky"
LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский"}  # each in its own language, never translated

log = logging.getLogger(__name__)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

_lock = threading.RLock()
_language = DEFAULT_LANGUAGE
_catalogs: dict[str, _gettext.NullTranslations] = {}
_this_thread = threading.local()  # .language: a document's language on this thread only


def _active() -> str:
    return getattr(_this_thread, "language", None) or _language


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translate at the edge with ``_``)."""
    return message


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def _load_catalog(language: str, folder: Path | None = None) -> _gettext.NullTranslations:
    folder = folder or locale_dir()
    mo = folder / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.exists():
        with open(mo, "rb") as handle:
            return _gettext.GNUTranslations(handle)
    po = mo.with_suffix(".po")
    if po.exists():
        # Running from a source tree whose catalogs were not compiled yet: compile in memory.
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with open(po, "rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return _gettext.GNUTranslations(buffer)
    log.warning("no catalog for language %s", language)
    return _gettext.NullTranslations()


def _catalog() -> _gettext.NullTranslations:
    language = _active()
    with _lock:
        cat = _catalogs.get(language)
        if cat is None:
            cat = _catalogs[language] = _load_catalog(language)
        return cat


def _checked(source: str, translated: str) -> str:
    if translated is source or translated == source:
        return translated
    if _placeholders(source) != _placeholders(translated):
        log.warning("translation with mismatched placeholders ignored (%s)", _active())
        return source
    return translated


def _(message: str) -> str:
    if not message:
        return message
    return _checked(message, _catalog().gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    translated = _catalog().ngettext(singular, plural, n)
    return _checked(singular if n == 1 else plural, translated)


def pgettext(context: str, message: str) -> str:
    return _checked(message, _catalog().pgettext(context, message))


def current_language() -> str:
    return _active()


@contextmanager
def language_of_document(language: str) -> Iterator[None]:
    """Translate and format in ``language`` on this thread only, for the ``with`` block.

    A document is printed in the reader's language (ky or ru), whatever the UI shows: the DB worker
    renders a Russian PDF while the GUI thread goes on translating into Kyrgyz.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    previous = getattr(_this_thread, "language", None)
    _this_thread.language = language
    try:
        yield
    finally:
        _this_thread.language = previous


def set_language(language: str) -> None:
    """Switch the language for everything that translates from now on (the UI then re-installs
    its QTranslator, which makes every window retranslate)."""
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    with _lock:
        _language = language
        _catalog()


def reload_catalogs() -> None:
    with _lock:
        _catalogs.clear()


# --- Babel formatting in the current (or a given) language -----------------------------------

# "short" is the numeric form used in both languages in Kyrgyzstan (CLDR's Kyrgyz "dd/MM/yy" is not)
SHORT_DATE = "dd.MM.yyyy"


def format_date(value: _dt.date, fmt: str = "long", language: str | None = None) -> str:
    return _dates.format_date(value, SHORT_DATE if fmt == "short" else fmt, locale=language or _active())


def format_time(value: _dt.time | _dt.datetime, fmt: str = "short", language: str | None = None) -> str:
    return _dates.format_time(value, fmt, locale=language or _active())


def format_datetime(value: _dt.datetime, fmt: str = "medium", language: str | None = None) -> str:
    """Format an aware datetime in the laptop's local time zone."""
    if value.tzinfo is not None:
        value = value.astimezone()
    pattern = f"{SHORT_DATE} HH:mm" if fmt == "short" else fmt
    return _dates.format_datetime(value, pattern, locale=language or _active())


def format_number(value: int | float, language: str | None = None) -> str:
    return _numbers.format_decimal(value, locale=language or _active())
