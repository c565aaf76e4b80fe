"""DejaVu Sans as the application font, so Kyrgyz letters (Ң Ө Ү) render on any laptop.

The fonts ship in ``resources/fonts``. A missing or unreadable file is not fatal: the app keeps
the system font and the caller shows ``missing_fonts_warning()`` once.
"""

from __future__ import annotations

import logging
from pathlib import Path

from instructor_app.i18n import _
from instructor_app.paths import resources_dir
from ui.qt import QApplication, QFont, QFontDatabase

log = logging.getLogger(__name__)

FAMILY = "DejaVu Sans"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
_registered: dict[Path, list[str]] = {}  # font file -> its families, so a file is added once


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def load_fonts(app: QApplication, folder: Path | None = None) -> list[str]:
    """Register the shipped fonts and make DejaVu Sans the app font.

    Returns the names of the files that could not be loaded (empty when all is well). The regular
    face is what matters: without it the system font stays.
    """
    folder = folder or fonts_dir()
    failed: list[str] = []
    families: set[str] = set()
    for name in FONT_FILES:
        path = folder / name
        if path not in _registered:
            font_id = QFontDatabase.addApplicationFont(str(path)) if path.is_file() else -1
            if font_id < 0:
                log.warning("font file not loaded: %s", name)
                failed.append(name)
                continue
            _registered[path] = list(QFontDatabase.applicationFontFamilies(font_id))
        families.update(_registered[path])
    if FAMILY in families and FONT_FILES[0] not in failed:
        font = QFont(app.font())
        font.setFamilies([FAMILY])
        app.setFont(font)
    return failed


def missing_fonts_warning(failed: list[str]) -> str:
    return _(
        "The font files {files} could not be loaded, so the system font is used. If some Kyrgyz "
        "letters (Ң, Ө, Ү) show as boxes, reinstall Instructor App."
    ).format(files=", ".join(failed))


def monospace_font(point_size: int) -> QFont:
    """For recovery keys: every character distinct and groups aligned."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(point_size)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font
