"""The one look of every printed document: fonts, page frame, headings, fact tables, wrapping tables,
signature lines and small bar charts, on reportlab's platypus.

A document module builds its content with a ``PdfDocument`` and calls ``save``; it never touches
reportlab directly for the page frame. Text is set in DejaVu Sans shipped in ``resources/fonts``
(reportlab's Helvetica has no Cyrillic). Every table cell is a ``Paragraph``, so long Kyrgyz words
wrap inside their column instead of running over it; a word longer than its column is split
(``splitLongWords``). Call it inside ``i18n.language_of_document(lang)`` so headings, labels and
dates come out in the reader's language.

Writing goes to a temporary file next to the target and is renamed into place only when the whole
PDF is built: a failed or interrupted print never leaves half a document behind. An unwritable or
full target gives a ``UserError`` with the path.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from instructor_app.errors import DiskFull, UserError
from instructor_app.i18n import N_, _, format_date, format_number
from instructor_app.paths import resources_dir

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
NOT_RECORDED_MSGID = N_("not recorded")
HEADING_ROOM = 72  # points: a heading starts a new page when less than this is left below it
_fonts_lock = threading.Lock()
_fonts_ready = False


def not_recorded() -> str:
    """What a document prints where an intake field was never filled in."""
    return _(NOT_RECORDED_MSGID)


class OutputNotWritable(UserError):
    default_msgid = N_("Cannot write the document to {path} ({reason}). Choose another folder and try again.")


def register_fonts() -> None:
    global _fonts_ready
    with _fonts_lock:
        if _fonts_ready:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        folder = resources_dir() / "fonts"
        pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
        addMapping(FONT, 0, 0, FONT)
        addMapping(FONT, 1, 0, FONT_BOLD)
        addMapping(FONT, 0, 1, FONT)
        addMapping(FONT, 1, 1, FONT_BOLD)
        _fonts_ready = True


@dataclass(frozen=True)
class DocumentMeta:
    """What the page frame prints on every page."""

    title: str            # translated, e.g. "Attendance register"
    number: str           # the document number, e.g. "REG-2026-0007"
    issued_on: dt.date
    centre: str           # the centre's name (never translated)


def _styles(base_pt: float) -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=FONT, fontSize=base_pt, leading=base_pt * 1.3, splitLongWords=True)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=base_pt + 5,
                                leading=(base_pt + 5) * 1.25, alignment=TA_CENTER, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER, spaceAfter=8),
        "heading": ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=base_pt + 1.5,
                                  leading=(base_pt + 1.5) * 1.3, spaceBefore=8, spaceAfter=4),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=base_pt - 2, leading=(base_pt - 2) * 1.25),
        "cell": ParagraphStyle("cell", parent=body, fontSize=base_pt - 1.5, leading=(base_pt - 1.5) * 1.2),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, fontSize=base_pt - 1.5,
                                    leading=(base_pt - 1.5) * 1.2),
        "cell_center": ParagraphStyle("cell_center", parent=body, fontSize=base_pt - 1.5,
                                      leading=(base_pt - 1.5) * 1.2, alignment=TA_CENTER),
    }


def escape(text: str) -> str:
    """Plain text for a Paragraph (which reads a little XML): &, < and > escaped, newlines kept."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")).replace("\n", "<br/>")


class PdfDocument:
    """Collects flowables, then ``save(path)`` lays them out with the page frame."""

    def __init__(self, meta: DocumentMeta, *, landscape: bool = False, base_pt: float = 10.0) -> None:
        register_fonts()
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.pagesizes import landscape as turn

        self.meta = meta
        self.pagesize = turn(A4) if landscape else A4
        self.margin = 15 * 2.8346  # 15 mm in points
        self.styles = _styles(base_pt)
        self.story: list[Any] = []
        self.pages = 0  # known after render()

    @property
    def width(self) -> float:
        """The width text and tables can use, in points."""
        return self.pagesize[0] - 2 * self.margin

    # --- content ---------------------------------------------------------------------------------

    def title(self, text: str, subtitle: str = "") -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(escape(text), self.styles["title"]))
        line = _("No. {number} of {date}").format(number=self.meta.number,
                                                   date=format_date(self.meta.issued_on, "short"))
        self.story.append(Paragraph(escape(f"{subtitle}\n{line}" if subtitle else line), self.styles["subtitle"]))

    def heading(self, text: str) -> None:
        from reportlab.platypus import CondPageBreak, Paragraph

        self.story.append(CondPageBreak(HEADING_ROOM))  # never a heading alone at the foot of a page
        self.story.append(Paragraph(escape(text), self.styles["heading"]))

    def paragraph(self, text: str, style: str = "body") -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(escape(text), self.styles[style]))

    def spacer(self, height_pt: float = 6) -> None:
        from reportlab.platypus import Spacer

        self.story.append(Spacer(1, height_pt))

    def facts(self, rows: Sequence[tuple[str, str]], label_share: float = 0.38) -> None:
        """Label–value pairs as a two-column table without grid (values wrap)."""
        from reportlab.platypus import Paragraph, Table, TableStyle

        data = [[Paragraph(escape(label), self.styles["cell_bold"]),
                 Paragraph(escape(value or not_recorded()), self.styles["cell"])] for label, value in rows]
        if not data:
            return
        table = Table(data, colWidths=[self.width * label_share, self.width * (1 - label_share)], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 2)]))
        self.story.append(table)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], *,
              center_from: int | None = None, font_pt: float | None = None) -> None:
        """A gridded table whose header repeats on every page. ``widths`` are shares of the text
        width (they are scaled to add up to 1); columns from ``center_from`` on are centred."""
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import Paragraph, Table, TableStyle

        total = sum(widths)
        col_widths = [self.width * w / total for w in widths]
        cell, bold, centre = self.styles["cell"], self.styles["cell_bold"], self.styles["cell_center"]
        if font_pt is not None:
            cell = ParagraphStyle("c", parent=cell, fontSize=font_pt, leading=font_pt * 1.2)
            bold = ParagraphStyle("b", parent=bold, fontSize=font_pt, leading=font_pt * 1.2)
            centre = ParagraphStyle("m", parent=centre, fontSize=font_pt, leading=font_pt * 1.2)

        def row_cells(values: Sequence[str], style: Any) -> list[Any]:
            return [Paragraph(escape(str(v)), centre if center_from is not None and i >= center_from
                              and style is cell else style) for i, v in enumerate(values)]

        data = [row_cells(header, bold)] + [row_cells(r, cell) for r in rows]
        table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.92, 0.95)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        self.story.append(table)

    def signatures(self, people: Sequence[tuple[str, str]]) -> None:
        """Signature lines: (role, name) each → "role  ______  name  date ______"."""
        from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

        rows = [[Paragraph(escape(role), self.styles["cell"]), "", Paragraph(escape(name), self.styles["cell"]),
                 Paragraph(escape(_("date")), self.styles["small"]), ""] for role, name in people]
        table = Table(rows, colWidths=[self.width * s for s in (0.26, 0.26, 0.26, 0.08, 0.14)], hAlign="LEFT",
                      rowHeights=[26] * len(rows))
        table.setStyle(TableStyle([("LINEBELOW", (1, 0), (1, -1), 0.6, "black"),
                                   ("LINEBELOW", (4, 0), (4, -1), 0.6, "black"),
                                   ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
        self.story.append(KeepTogether([Spacer(1, 12), table]))

    def bar_chart(self, title: str, labels: Sequence[str], values: Sequence[float],
                  height_pt: float = 120) -> None:
        """A small horizontal bar chart with the value printed at each bar's end."""
        from reportlab.graphics.shapes import Drawing, Rect, String
        from reportlab.platypus import KeepTogether, Paragraph

        width = self.width
        label_w = width * 0.38
        bar_area = width - label_w - 40
        top = max(values, default=0) or 1
        row_h = max(12.0, min(20.0, height_pt / max(1, len(values))))
        drawing = Drawing(width, row_h * len(values) + 4)
        for i, (label, value) in enumerate(zip(labels, values, strict=True)):
            y = drawing.height - (i + 1) * row_h
            drawing.add(String(0, y + 3, label[:48], fontName=FONT, fontSize=8))
            bar = bar_area * (value / top)
            drawing.add(Rect(label_w, y + 2, max(bar, 0.5), row_h - 5, fillColor="#4a78b5", strokeColor=None))
            drawing.add(String(label_w + bar + 4, y + 3, format_number(value), fontName=FONT, fontSize=8))
        self.story.append(KeepTogether([Paragraph(escape(title), self.styles["cell_bold"]), drawing]))

    # --- output ----------------------------------------------------------------------------------

    def _frame(self, canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        width, height = self.pagesize
        room = width - 2 * self.margin
        right = f"{_fitted(self.meta.title, room * 0.55 - 110)} · {self.meta.number}"
        canvas.drawString(self.margin, height - self.margin * 0.6, _fitted(self.meta.centre, room * 0.42))
        canvas.drawRightString(width - self.margin, height - self.margin * 0.6, right)
        canvas.drawString(self.margin, self.margin * 0.5,
                          _("Printed {date}").format(date=format_date(self.meta.issued_on, "short")))
        canvas.drawRightString(width - self.margin, self.margin * 0.5,
                               _("Page {page}").format(page=format_number(doc.page)))
        canvas.restoreState()

    def render(self) -> bytes:
        from reportlab.platypus import SimpleDocTemplate

        buffer = io.BytesIO()
        template = SimpleDocTemplate(buffer, pagesize=self.pagesize, leftMargin=self.margin,
                                     rightMargin=self.margin, topMargin=self.margin, bottomMargin=self.margin,
                                     title=self.meta.title, author=self.meta.centre,
                                     creator="Instructor App")
        template.build(list(self.story), onFirstPage=self._frame, onLaterPages=self._frame)
        self.pages = template.page
        return buffer.getvalue()

    def save(self, path: Path) -> int:
        """Render and write atomically; returns the number of bytes written."""
        return write_document(path, self.render())


def _fitted(text: str, width_pt: float, size: float = 7.5) -> str:
    """``text`` shortened with "…" to fit ``width_pt`` in the frame's font (header lines never overlap)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, FONT, size) <= width_pt:
        return text
    while text and stringWidth(text + "…", FONT, size) > width_pt:
        text = text[:-1]
    return text.rstrip() + "…"


def write_document(path: Path, data: bytes) -> int:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".part-", dir=path.parent)
    except OSError as exc:
        raise _output_error(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _output_error(path, exc) from exc
    return len(data)


def _output_error(path: Path, exc: OSError) -> UserError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull()
    return OutputNotWritable(path=str(path), reason=exc.strerror or str(exc))
