"""One entry point for every printed document and export: the Reports page and ``instructor-app
report`` both describe what they want as a ``DocumentRequest`` and call ``make_document``.

Each kind lives in its own module (``documents_<kind>.py``: data loading) and
``reports/<kind>_pdf.py`` (layout); they are imported only when that kind is made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from instructor_app.errors import InvalidInput
from instructor_app.i18n import LANGUAGES, N_
from instructor_app.indicators import Period, PeriodKind

if TYPE_CHECKING:
    from instructor_app.services.document_data import IssuedFile
    from instructor_app.services.open_workspace import OpenWorkspace


class DocumentKind(StrEnum):
    REGISTER = "register"
    PLAN = "plan"
    PROGRESS = "progress"
    ART72 = "art72"
    INDICATORS = "indicators"
    EXPORT = "export"


class Subject(StrEnum):
    """What the user must pick for a kind."""

    GROUP = "group"
    SESSION = "session"
    PARTICIPANT = "participant"
    PERIOD = "period"


SUBJECT_OF = {
    DocumentKind.REGISTER: Subject.GROUP,
    DocumentKind.PLAN: Subject.SESSION,
    DocumentKind.PROGRESS: Subject.PARTICIPANT,
    DocumentKind.ART72: Subject.PARTICIPANT,
    DocumentKind.INDICATORS: Subject.PERIOD,
    DocumentKind.EXPORT: Subject.PERIOD,
}

KIND_LABELS = {
    DocumentKind.REGISTER: N_("Group attendance register"),
    DocumentKind.PLAN: N_("Session plan handout"),
    DocumentKind.PROGRESS: N_("Participant progress / completion report"),
    DocumentKind.ART72: N_("Art. 72 non-compliance notice"),
    DocumentKind.INDICATORS: N_("Indicators report"),
    DocumentKind.EXPORT: N_("Export (CSV or Excel)"),
}

EXPORT_TABLES = ("participants", "attendance", "indicators")
EXPORT_TABLE_LABELS = {
    "participants": N_("Participants"),
    "attendance": N_("Attendance"),
    "indicators": N_("Indicators"),
}
EXPORT_FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class DocumentRequest:
    kind: DocumentKind
    language: str
    out: Path
    subject_id: str = ""            # group, session or participant id (see SUBJECT_OF)
    period: Period | None = None    # indicators and exports
    conclusion: str = ""            # the facilitators' conclusion (progress report)
    export_table: str = "participants"
    export_format: str = "xlsx"
    personal: bool = False          # exports: names and contacts only when chosen


def suggested_name(kind: DocumentKind, today: dt.date, export_table: str = "", export_format: str = "xlsx") -> str:
    """A file name without personal data (names never go into file names on shared folders)."""
    stamp = today.strftime("%Y-%m-%d")
    if kind is DocumentKind.EXPORT:
        return f"export-{export_table}-{stamp}.{export_format}"
    return f"{kind.value}-{stamp}.pdf"


def make_document(opened: OpenWorkspace, request: DocumentRequest, today: dt.date | None = None) -> IssuedFile:
    """Make the document described by ``request``; raises ``UserError`` for what the user can fix."""
    if request.language not in LANGUAGES:
        raise InvalidInput("language", N_("Choose the language of the document."))
    subject = SUBJECT_OF[request.kind]
    if subject is not Subject.PERIOD and not request.subject_id:
        raise InvalidInput(subject.value, N_("Choose whom or what the document is about."))
    if subject is Subject.PERIOD and request.period is None:
        raise InvalidInput("period", N_("Choose the period."))
    common = {"language": request.language, "out": request.out, "today": today}
    if request.kind is DocumentKind.REGISTER:
        from instructor_app.services.documents_register import make_register

        return make_register(opened, request.subject_id, **common)
    if request.kind is DocumentKind.PLAN:
        from instructor_app.services.documents_plan import make_plan

        return make_plan(opened, request.subject_id, **common)
    if request.kind is DocumentKind.PROGRESS:
        from instructor_app.services.documents_progress import make_progress

        return make_progress(opened, request.subject_id, conclusion=request.conclusion, **common)
    if request.kind is DocumentKind.ART72:
        from instructor_app.services.documents_art72 import make_art72

        return make_art72(opened, request.subject_id, **common)
    assert request.period is not None
    if request.kind is DocumentKind.INDICATORS:
        from instructor_app.services.documents_indicators import make_indicators

        return make_indicators(opened, request.period, **common)
    if request.export_table not in EXPORT_TABLES or request.export_format not in EXPORT_FORMATS:
        raise InvalidInput("export", N_("Choose what to export and the file format."))
    from instructor_app.services.exports import make_export

    return make_export(opened, request.export_table, request.export_format, personal=request.personal,
                       period=request.period, **common)


def period_from(kind: str, on: dt.date, start: dt.date | None = None, end: dt.date | None = None) -> Period:
    """The period a user picked: the month, quarter or year containing ``on``, or ``start``–``end``."""
    from instructor_app.indicators import custom_period, period_for

    if kind == PeriodKind.CUSTOM:
        if start is None or end is None:
            raise InvalidInput("period", N_("Give the first and the last day of the period."))
        if end < start:
            raise InvalidInput("period", N_("The period ends before it starts ({start} – {end})."),
                               start=start, end=end)
        return custom_period(start, end)
    return period_for(PeriodKind(kind), on)
