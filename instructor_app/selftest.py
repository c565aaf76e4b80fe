"""``instructor-app --selftest``: does this installation (a bundle or a source checkout) work?

Everything happens in a temporary folder, never in the user's data folder: a fresh encrypted data
folder set up through the real services and opened again, the shipped programmes, the ky/ru
catalogs, one PDF with Kyrgyz letters, and — when the desktop front end is installed — the main
window opened and closed (offscreen without a display, ``ui/selftest.py``). One line per step;
exit 0 when every step passed, 1 otherwise. Failures go to the screen, not to a log (the temporary
folder and its log are deleted at the end).
"""

from __future__ import annotations

import datetime as dt
import secrets
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from instructor_app import __version__, errors
from instructor_app.i18n import (
    DOMAIN,
    LANGUAGES,
    N_,
    _,
    format_date,
    format_number,
    ngettext,
)
from instructor_app.log import setup_logging
from instructor_app.paths import DataFolder, locale_dir, resources_dir

KYRGYZ_LETTERS = "ң ө ү Ң Ө Ү"
PDF_FONT = "DejaVuSans.ttf"
SQLITE_HEADER = b"SQLite format 3\x00"

STEP_DATABASE = N_("encrypted database")
STEP_PROGRAMMES = N_("shipped programmes")
STEP_CATALOGS = N_("languages (catalogs and date formats)")
STEP_PDF = N_("PDF with Kyrgyz letters")
STEP_WINDOW = N_("main window")
LINE_OK = N_("OK: {step}: {detail}")
LINE_SKIPPED = N_("SKIPPED: {step}: {reason}")
LINE_FAILED = N_("FAILED: {step}: {reason}")
NO_DESKTOP = N_("the desktop front end (PySide6) is not installed")
PASSED = N_("Self-test passed.")
FAILED = N_("Self-test FAILED.")


class CheckFailed(Exception):
    """A step ran but found something wrong (the message is already translated)."""


class Skipped(Exception):
    """A step that does not apply to this installation (the reason is already translated)."""


@dataclass
class _Context:
    root: Path
    password: str
    folder: DataFolder


def _kdf():  # type: ignore[no-untyped-def]
    from instructor_app.storage.crypto import KdfParams

    return KdfParams(time_cost=1, memory_kib=8192, parallelism=1)  # cheap: the data is thrown away


def _database(ctx: _Context) -> str:
    from instructor_app.services.data import FacilitatorDraft, SetupRequest
    from instructor_app.services.workspace import Workspace

    centre = "Өзүн-өзү текшерүү борбору"
    workspace = Workspace(ctx.folder, _kdf())
    opened, _result = workspace.set_up(SetupRequest(centre, "bishkek", "ky", (
        FacilitatorDraft("Текшерүү Эркек", "male", ctx.password),
        FacilitatorDraft("Текшерүү Аял", "female", ctx.password),
    )))
    opened.close()
    with open(ctx.folder.database, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER:
            raise CheckFailed(_("the database file is readable as plain SQLite"))
    opened = Workspace(ctx.folder, _kdf()).unlock_any(ctx.password)
    try:
        report = opened.check()
        if not report.ok or opened.overview().centre_name != centre:
            raise CheckFailed("; ".join(report.problems[:3]) or _("the data read back differs"))
    finally:
        opened.close()
    return _("created, encrypted, opened again with the password (schema {schema})").format(
        schema=report.schema_revision)


def _programmes(ctx: _Context) -> str:
    from instructor_app.curricula.files import shipped_files
    from instructor_app.services.workspace import Workspace

    opened = Workspace(ctx.folder, _kdf()).unlock_any(ctx.password)
    try:
        stored = opened.curricula.list()  # reads the shipped YAML, checks it against the JSON Schema
    finally:
        opened.close()
    if not stored or len(stored) != len(shipped_files()):
        raise CheckFailed(_("{count} programmes stored from {folder}").format(
            count=len(stored), folder=resources_dir() / "curricula"))
    return ngettext("{count} programme loaded and stored", "{count} programmes loaded and stored",
                    len(stored)).format(count=format_number(len(stored)))


def _catalogs(_ctx: _Context) -> str:
    from babel.messages.mofile import read_mo

    found = []
    for language in LANGUAGES:
        format_date(dt.date(2026, 3, 21), "full", language)  # Babel's data for the language is there
        mo = locale_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not mo.is_file():
            if getattr(sys, "frozen", False) or not mo.with_suffix(".po").is_file():
                raise CheckFailed(_("missing: {path}").format(path=mo))
            found.append(f"{language}: .po")  # a source checkout before 'make catalogs'
            continue
        with open(mo, "rb") as handle:
            count = len(read_mo(handle))
        found.append(ngettext("{language}: {count} message", "{language}: {count} messages", count).format(
            language=language, count=format_number(count)))
    return ", ".join(found)


def write_test_pdf(path: Path) -> int:
    """One A4 page in DejaVu Sans with the Kyrgyz letters; returns the file size."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font_file = resources_dir() / "fonts" / PDF_FONT
    if not font_file.is_file():
        raise CheckFailed(_("missing: {path}").format(path=font_file))
    font = TTFont("DejaVuSans", str(font_file))
    missing = [c for c in KYRGYZ_LETTERS if not c.isspace() and ord(c) not in font.face.charToGlyph]
    if missing:
        raise CheckFailed(_("the font has no glyph for {letters}").format(letters=" ".join(missing)))
    pdfmetrics.registerFont(font)
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setTitle(_("Instructor App self-test"))
    page.setFont("DejaVuSans", 16)
    page.drawString(72, A4[1] - 90, _("Instructor App self-test"))
    page.setFont("DejaVuSans", 12)
    page.drawString(72, A4[1] - 120, f"Instructor App {__version__}")
    page.drawString(72, A4[1] - 145, _("Kyrgyz letters: {letters}").format(letters=KYRGYZ_LETTERS))
    page.showPage()
    page.save()
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"DejaVuSans" not in data:
        raise CheckFailed(_("the PDF file is not complete"))
    return len(data)


def _pdf(ctx: _Context) -> str:
    size = write_test_pdf(ctx.root / "selftest.pdf")
    return _("1 page, {size} KB, font embedded").format(size=format_number(max(1, round(size / 1024))))


def _main_window(ctx: _Context) -> str:
    # ui.selftest imports Qt only inside its functions: qt_available() works without PySide6
    from ui import selftest as desktop

    if not desktop.qt_available():
        if getattr(sys, "frozen", False):  # a bundle without its front end is broken, not "skipped"
            raise CheckFailed(_(NO_DESKTOP))
        raise Skipped(_(NO_DESKTOP))
    return desktop.open_main_window(ctx.folder, ctx.password, _kdf())


STEPS: tuple[tuple[str, Callable[[_Context], str]], ...] = (
    (STEP_DATABASE, _database),
    (STEP_PROGRAMMES, _programmes),
    (STEP_CATALOGS, _catalogs),
    (STEP_PDF, _pdf),
    (STEP_WINDOW, _main_window),
)
NEEDS_DATABASE = {STEP_PROGRAMMES, STEP_WINDOW}


def _reason(exc: BaseException) -> str:
    if isinstance(exc, errors.UserError):
        return exc.message()
    if isinstance(exc, (CheckFailed, Skipped)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"  # a bug or a broken bundle: the developer needs the type


def run_selftest(out: Callable[[str], None] = print) -> int:
    failed = False
    with tempfile.TemporaryDirectory(prefix="instructor-app-selftest-", ignore_cleanup_errors=True) as tmp:
        root = Path(tmp)
        setup_logging(root / "logs")  # never the user's log: this folder is deleted at the end
        ctx = _Context(root, secrets.token_urlsafe(12), DataFolder(root / "data"))
        database_ok = True
        for step, run in STEPS:
            try:
                if step in NEEDS_DATABASE and not database_ok:
                    raise CheckFailed(_("not run: the encrypted database step failed"))
                out(_(LINE_OK).format(step=_(step), detail=run(ctx)))
            except Skipped as exc:
                out(_(LINE_SKIPPED).format(step=_(step), reason=_reason(exc)))
            except Exception as exc:  # noqa: BLE001 - any failure is this step's result, not a crash
                failed = True
                database_ok = database_ok and step != STEP_DATABASE
                out(_(LINE_FAILED).format(step=_(step), reason=_reason(exc)))
        setup_logging(None)  # close the log file before its folder is deleted (Windows)
    out(_(FAILED) if failed else _(PASSED))
    return 1 if failed else 0
