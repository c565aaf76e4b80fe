"""Layout of the group attendance register (landscape A4): participants down, sessions across.

A long group does not fit one page width: its sessions are cut into parts of at most
``MAX_COLUMNS`` columns, each part repeating the participant column; the totals (attended / excused /
unexcused) close the last part. Takes a ``RegisterSheet`` and never touches the database. Call it
inside ``i18n.language_of_document``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from instructor_app.curricula.model import COMPONENT_LABELS
from instructor_app.datafiles import LANGUAGE_NAMES
from instructor_app.i18n import N_, _, format_date
from instructor_app.participants.compliance import CONCERN_SIGN, MARK_LABELS, MARK_LETTERS, Mark, mark_sign
from instructor_app.participants.lifecycle import STATUS_LABELS
from instructor_app.reports.pdf import DocumentMeta, PdfDocument
from instructor_app.scheduling.rules import SessionStatus

if TYPE_CHECKING:
    from instructor_app.services.documents_register import RegisterColumn, RegisterLine, RegisterSheet

MAX_COLUMNS = 13
GRID_PT = 7.5
NOT_ENROLLED_SIGN = "—"
CANCELLED_SIGN = "×"
MAKEUP_SIGN = "↻"
# Why an enrolment in the group ended (Enrolment.left_reason): a move to another group, or a status.
LEFT_REASONS = {"transferred_group": N_("Moved to another group"), **STATUS_LABELS}
# Column widths in points (scaled to the page width by PdfDocument.table)
NUMBER_W, NAME_W, SESSION_W, TOTAL_W = 18, 110, 30, 69


def column_parts(count: int, most: int = MAX_COLUMNS) -> list[range]:
    """Session columns ``0…count-1`` cut into as few parts as fit, of (nearly) equal width."""
    if count <= 0:
        return []
    parts = math.ceil(count / most)
    width = math.ceil(count / parts)
    return [range(start, min(start + width, count)) for start in range(0, count, width)]


def _label(key: str, labels: dict) -> str:
    text = labels.get(key)
    return _(text) if text else key


def _short(day: dt.date | None) -> str:
    return format_date(day, "short") if day else ""


def session_header(column: RegisterColumn) -> str:
    number = f"{MAKEUP_SIGN}{column.replaces_number or column.number}" if column.is_makeup else str(column.number)
    if column.status == SessionStatus.CANCELLED:
        number = f"{number} {CANCELLED_SIGN}"
    return f"{number}\n{format_date(column.date, 'dd.MM')}"


def cell_text(sheet: RegisterSheet, line: RegisterLine, index: int) -> str:
    entry = line.entries[index]
    if not entry.enrolled:
        return NOT_ENROLLED_SIGN
    if sheet.columns[index].status == SessionStatus.CANCELLED:
        return CANCELLED_SIGN
    return mark_sign(entry.mark, entry.concern)


def _name_cell(line: RegisterLine) -> str:
    if not line.left:
        return line.name
    last = max(p.left_on for p in line.periods if p.left_on)
    note = _("left the group {date}").format(date=_short(last))
    return f"{line.name}\n{note}"


def _grid(doc: PdfDocument, sheet: RegisterSheet) -> None:
    parts = column_parts(len(sheet.columns))
    for number, part in enumerate(parts, start=1):
        last = number == len(parts)
        if len(parts) > 1:
            first, final = sheet.columns[part.start], sheet.columns[part.stop - 1]
            doc.heading(_("Part {part} of {parts}: sessions of {first} – {last}").format(
                part=number, parts=len(parts), first=_short(first.date), last=_short(final.date)))
        header = ["№", _("Participant")] + [session_header(sheet.columns[i]) for i in part]
        widths = [NUMBER_W, NAME_W] + [SESSION_W] * len(part)
        if last:
            header += [_("Attended"), _("Excused"), _("Unexcused")]
            widths += [TOTAL_W] * 3
        rows = []
        for position, line in enumerate(sheet.lines, start=1):
            row = [str(position), _name_cell(line)] + [cell_text(sheet, line, i) for i in part]
            if last:
                row += [str(line.attended), str(line.excused), str(line.unexcused)]
            rows.append(row)
        doc.table(header, rows, widths, center_from=2, font_pt=GRID_PT)
        doc.spacer(4)


def _legend(doc: PdfDocument) -> None:
    signs = [(MARK_LETTERS[mark], _(MARK_LABELS[mark])) for mark in Mark]
    signs += [(CONCERN_SIGN, _("engagement concern noted")), (NOT_ENROLLED_SIGN, _("not in the group on this date")),
              (CANCELLED_SIGN, _("session cancelled")), (MAKEUP_SIGN, _("make-up session"))]
    text = "; ".join(f"{sign}: {meaning}" for sign, meaning in signs)
    empty = _("empty: no mark (the session has not been held yet)")
    text = f"{text}; {empty}"
    doc.paragraph(_("Legend: {signs}").format(signs=text), "small")


def _notes(doc: PdfDocument, sheet: RegisterSheet) -> None:
    cancelled = [c for c in sheet.columns if c.status == SessionStatus.CANCELLED]
    if cancelled:
        doc.heading(_("Cancelled sessions"))
        doc.table([_("Session"), _("Date"), _("Reason")],
                  [[str(c.number), _short(c.date), c.status_reason] for c in cancelled], [12, 18, 70])
    covered = [c for c in sheet.columns if c.cover]
    if covered:
        doc.heading(_("Cover facilitators"))
        doc.table([_("Session"), _("Date"), _("Facilitators"), _("Reason")],
                  [[str(c.number), _short(c.date), ", ".join(n for n in (c.lead, c.second) if n), c.cover_reason]
                   for c in covered], [12, 18, 35, 35])
    left = [line for line in sheet.lines if line.left]
    if left:
        doc.heading(_("Participants who left the group"))
        doc.table([_("Participant"), _("In the group"), _("Reason")],
                  [[line.name,
                    "; ".join(f"{_short(p.joined_on)} – {_short(p.left_on)}" for p in line.periods),
                    "; ".join(dict.fromkeys(_label(p.left_reason, LEFT_REASONS) for p in line.periods
                                            if p.left_reason))]
                   for line in left], [35, 35, 30])


def register_document(sheet: RegisterSheet, meta: DocumentMeta) -> PdfDocument:
    doc = PdfDocument(meta, landscape=True)
    doc.title(meta.title, sheet.group_name)
    period = f"{_short(sheet.columns[0].date)} – {_short(sheet.columns[-1].date)}" if sheet.columns else ""
    doc.facts([
        (_("Group"), sheet.group_name),
        (_("Programme"), sheet.programme),
        (_("Version"), str(sheet.version)),
        (_("Component"), _label(sheet.component, COMPONENT_LABELS)),
        (_("Language of the group"), _label(sheet.group_language, LANGUAGE_NAMES)),
        (_("Facilitators"), ", ".join(n for n in (sheet.lead, sheet.second) if n)),
        (_("Room"), sheet.room),
        (_("Sessions"), period),
        (_("Sessions held"), _("{held} of {total}").format(held=sheet.held, total=len(sheet.columns))),
    ], label_share=0.25)
    doc.spacer(4)
    if sheet.held == 0:
        doc.paragraph(_("No session of this group has been held yet, so the register has no marks."))
    if not sheet.lines:
        doc.paragraph(_("No participant has been in this group yet."))
    elif sheet.columns:
        _legend(doc)
        _grid(doc, sheet)
    _notes(doc, sheet)
    doc.signatures([(_("Lead facilitator"), sheet.lead), (_("Second facilitator"), sheet.second)])
    return doc
