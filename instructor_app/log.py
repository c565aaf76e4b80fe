"""A rotating log in the data folder that never holds personal data.

Code logs English text and ids only. As a second line of defence every record passes a filter that
blanks out runs of Cyrillic letters: names, addresses and notes of the people in the programme are
written in Cyrillic, so anything of that kind that slips into a log message is replaced by ``<…>``.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

LOG_NAME = "instructor-app.log"
# Cyrillic words and what joins them within a name ("Гүлзат Ормонова", "Ысык-Көл"); the space
# after the last word is kept, so "<...> missed" still reads.
_CYRILLIC_RUN = re.compile(r"[\u0400-\u04FF]+(?:[\s'\-.]+[\u0400-\u04FF]+)*")


class RedactCyrillic(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _CYRILLIC_RUN.search(message):
            record.msg = _CYRILLIC_RUN.sub("<...>", message)
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            if _CYRILLIC_RUN.search(str(exc)):
                record.exc_text = f"{type(exc).__name__}: <redacted>"
                record.exc_info = None
        return True


class _RedactingFormatter(logging.Formatter):
    """Redacts the finished text too: a traceback also prints chained exceptions and source lines."""

    def format(self, record: logging.LogRecord) -> str:
        return _CYRILLIC_RUN.sub("<...>", super().format(record))


class _QuietRotatingFileHandler(logging.handlers.RotatingFileHandler):
    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802
        pass  # a full or removed disk must not print logging tracebacks on the user's terminal


def setup_logging(log_folder: Path | None, level: int = logging.INFO) -> Path | None:
    """Log to ``log_folder`` (rotating, 1 MB × 5); returns the file, or None if it can't be written."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_instructor_app", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    path = None
    handler: logging.Handler
    try:
        if log_folder is None:
            raise OSError("no folder")
        log_folder.mkdir(parents=True, exist_ok=True)
        path = log_folder / LOG_NAME
        handler = _QuietRotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()  # read-only folder: run without a log file rather than fail
        path = None
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactCyrillic())
    handler._instructor_app = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return path
