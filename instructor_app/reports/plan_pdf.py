"""Layout of the session plan handout: the same ``PlanDocument`` the screen and the printer show
(``reports/session_plan.build_plan``), set as a PDF. Content is never derived again here: this module
only places the document's title lines, facts and sections. Never touches the database; call it
inside ``i18n.language_of_document``.
"""

from __future__ import annotations

from collections.abc import Sequence

from instructor_app.reports.pdf import DocumentMeta, PdfDocument
from instructor_app.reports.session_plan import AgendaSection, ListSection, PlanDocument, Section

BULLET = "•"
AGENDA_WIDTHS = (14, 9, 27, 50)  # time, minutes, activity, description


def _section(doc: PdfDocument, section: Section) -> None:
    doc.heading(section.heading)
    if isinstance(section, ListSection):
        for item in section.items:
            doc.paragraph(f"{BULLET} {item}")
    elif isinstance(section, AgendaSection):
        rows = [(f"{r.start}–{r.end}", str(r.minutes), r.title, r.description) for r in section.rows]
        doc.table(section.columns, rows, AGENDA_WIDTHS)
        doc.paragraph(section.total, "small")
    else:
        for part in section.text.split("\n\n"):
            if part.strip():
                doc.paragraph(part.strip())
                doc.spacer(3)


def plan_document(plan: PlanDocument, meta: DocumentMeta, signatures: Sequence[tuple[str, str]]) -> PdfDocument:
    """``signatures``: (role, name) of the facilitators who run the session."""
    doc = PdfDocument(meta)
    title, *subtitles = plan.title_lines
    doc.title(title, "\n".join(subtitles))
    doc.facts([(fact.label, fact.value) for fact in plan.facts], label_share=0.3)
    for section in plan.sections:
        _section(doc, section)
    doc.signatures(signatures)
    return doc
