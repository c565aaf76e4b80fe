"""Exports for a spreadsheet: participants, attendance or the indicators, as CSV or XLSX.

Headers and enum values are in the chosen language; participants appear under a pseudonymous code
(``exports_data.Pseudonyms``) unless the user explicitly chose to include personal data. Partner
data is never exported. Every export gets a number in the register of issued documents (kind
"export"); the number is rolled back when the file cannot be written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from instructor_app.curricula.model import COMPONENT_LABELS, SESSION_KIND_LABELS
from instructor_app.domain.facilitators import GENDER_LABELS
from instructor_app.errors import InvalidInput
from instructor_app.i18n import LANGUAGES, N_, _, format_date, language_of_document
from instructor_app.indicators import COMPONENTS, Indicators, Period, period_for
from instructor_app.participants.compliance import MARK_LABELS, Mark
from instructor_app.participants.intake import REFERRAL_LABELS
from instructor_app.participants.lifecycle import STATUS_LABELS
from instructor_app.reports.indicator_table import indicator_header, indicator_rows, period_name, period_subject
from instructor_app.reports.pdf import write_document
from instructor_app.services.document_data import IssuedFile
from instructor_app.services.document_log import issue_number
from instructor_app.services.document_parts import centre_name, parse_id
from instructor_app.services.exports_data import AttendanceLine, ParticipantLine, attendance_lines, participant_lines
from instructor_app.services.exports_write import Cell, Percent, Table, csv_bytes, xlsx_bytes

if TYPE_CHECKING:
    from instructor_app.services.open_workspace import OpenWorkspace

WHAT = ("participants", "attendance", "indicators")
FORMATS = ("csv", "xlsx")
TITLES = {"participants": N_("Participants"), "attendance": N_("Attendance"), "indicators": N_("Indicators")}


def _label(value: str | None, labels: dict) -> str:
    """An enum key in the document language; an unknown key is shown as stored."""
    if value is None:
        return ""
    return _(labels[value]) if value in labels else value


def _code_header(personal: bool) -> list[str]:
    head = [_("Participant code")]
    if personal:
        head += [_("Full name")]
    return head


def participants_table(lines: list[ParticipantLine], personal: bool) -> tuple[list[str], list[list[Cell]]]:
    header = _code_header(personal)
    if personal:
        header += [_("Date of birth"), _("Phone"), _("Address")]
    header += [_("Component"), _("Gender"), _("Status"), _("Status since"), _("Referred by"),
               _("Referral received"), _("Protection order ends"), _("Joined a group"), _("Group"),
               *(_(MARK_LABELS[m]) for m in Mark)]
    rows: list[list[Cell]] = []
    for line in lines:
        row: list[Cell] = [line.code]
        if personal and line.personal is not None:
            p = line.personal
            row += [p.full_name, p.birth_date, p.phone, p.address]
        row += [_label(line.component, COMPONENT_LABELS), _label(line.gender, GENDER_LABELS),
                _label(line.status, STATUS_LABELS), line.status_since, _label(line.referral_source, REFERRAL_LABELS),
                line.referred_on, line.order_ends_on, line.joined_on, line.group,
                *(line.marks.get(m.value, 0) for m in Mark)]
        rows.append(row)
    return header, rows


def attendance_table(lines: list[AttendanceLine], personal: bool) -> tuple[list[str], list[list[Cell]]]:
    header = _code_header(personal) + [_("Date"), _("Group"), _("Session"), _("Session no."), _("Mark"),
                                       _("Engagement concern")]
    rows: list[list[Cell]] = []
    for line in lines:
        row: list[Cell] = [line.code] + ([line.full_name] if personal else [])
        row += [line.session_date, line.group, _label(line.session_kind, SESSION_KIND_LABELS), line.session_number,
                _label(line.mark, MARK_LABELS), _("Yes") if line.concern else ""]
        rows.append(row)
    return header, rows


def indicators_table(data: Indicators) -> tuple[list[str], list[list[Cell]]]:
    """The indicators report's table, with the period on every row (a CSV carries nothing else)."""
    period = (data.period.start, data.period.end, data.as_of or data.period.end)
    header = [_("From"), _("To"), _("Counted up to"), *indicator_header()]
    rows: list[list[Cell]] = [[*period, row.label, *row.cells] for row in indicator_rows(data)]

    def rate(value: float | None) -> Cell:
        return Percent(value) if value is not None else None

    by_component = data.completion_rate_by_component
    rows.append([*period, _("Completion rate"), *(rate(by_component.get(c)) for c in COMPONENTS), None, None,
                 rate(data.completion_rate)])
    rows.append([*period, _("Average change of the self-assessment score"), None, None, None, None,
                 data.self_assessment_change])
    return header, rows


def make_export(opened: OpenWorkspace, what: str, fmt: str, *, language: str, out: Path, personal: bool = False,
                period: Period | None = None, today: dt.date | None = None) -> IssuedFile:
    """Write the export to ``out``; ``period`` limits it (participants in the programme then, marks of
    sessions in it); the indicators default to the month of ``today``."""
    if what not in WHAT or fmt not in FORMATS:
        raise InvalidInput("export", N_("Choose what to export and the file format."))
    if language not in LANGUAGES:
        raise InvalidInput("language", N_("Choose the language of the document."))
    today = today or dt.date.today()
    indicators = None
    if what == "indicators":
        from instructor_app.services.indicators import load_indicators

        period = period or period_for("month", today)
        indicators = load_indicators(opened, period, today)
    with language_of_document(language), opened.db.session(opened.actor.id) as session:
        if what == "participants":
            header, rows = participants_table(participant_lines(session, personal=personal, period=period), personal)
        elif what == "attendance":
            header, rows = attendance_table(attendance_lines(session, personal=personal, period=period), personal)
        else:
            assert indicators is not None
            header, rows = indicators_table(indicators)
        subject = f"{what}{'+personal' if personal else ''} {period_subject(period) if period else ''}".strip()
        number = issue_number(session, "export", subject=subject, language=language, on=today,
                              actor=parse_id(opened.actor.id))
        about = [(_("Document number"), number), (_("Centre"), centre_name(session)),
                 (_("Contents"), _(TITLES[what])), (_("Period"), period_name(period) if period else _("All records")),
                 (_("Made on"), format_date(today, "short")),
                 (_("Personal data"), _("Included") if personal else _("Not included: participant codes only"))]
        table = Table(_(TITLES[what]), header, rows, about)
        data = csv_bytes(table) if fmt == "csv" else xlsx_bytes(table, number=number, about_title=_("Document"))
        size = write_document(Path(out), data)  # inside the transaction: a failed write rolls the number back
    return IssuedFile(number, Path(out), 0, size)
