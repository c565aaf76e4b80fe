"""Layout of the participant progress / completion report (data: services/progress_data.py).

Only layout: it reads a ``ProgressReport`` and never touches the database. Call it inside
``i18n.language_of_document(lang)``: labels, enum values and dates come out in that language, and
programme and questionnaire texts are taken in it.
"""

from __future__ import annotations

import datetime as dt

from instructor_app.curricula.model import COMPONENT_LABELS, SESSION_KIND_LABELS
from instructor_app.datafiles import LANGUAGE_NAMES
from instructor_app.domain.facilitators import GENDER_LABELS
from instructor_app.i18n import N_, _, current_language, format_date, format_number, ngettext
from instructor_app.instruments.model import TIME_POINT_LABELS
from instructor_app.participants.compliance import MARK_LABELS
from instructor_app.participants.intake import REFERRAL_LABELS
from instructor_app.participants.lifecycle import STATUS_LABELS, Status
from instructor_app.reports.pdf import DocumentMeta, PdfDocument
from instructor_app.scheduling.rules import STATUS_LABELS as SESSION_STATUS_LABELS
from instructor_app.services.progress_data import AttendanceLine, ProgressReport, ScaleChange

COMPLETION_TITLE = N_("Programme completion report")
PROGRESS_TITLE = N_("Progress report")
NONE = "—"
HAND_LINES = 5  # blank lines for a conclusion written by hand


def progress_title(report: ProgressReport) -> str:
    return _(COMPLETION_TITLE if report.completed else PROGRESS_TITLE)


def _date(day: dt.date | None) -> str:
    return format_date(day, "short") if day else ""


def _label(labels: dict, key: str) -> str:
    """An enum value in the document's language; empty (→ "not recorded") for an unknown key."""
    msgid = labels.get(key)
    return _(msgid) if msgid else ""


def _count(value: int | None) -> str:
    return format_number(value) if value is not None else ""


def progress_document(report: ProgressReport, meta: DocumentMeta, conclusion: str = "") -> PdfDocument:
    """The whole report, ready to ``save``."""
    lang = current_language()
    doc = PdfDocument(meta)
    doc.title(meta.title, report.full_name)
    _programme(doc, report, lang)
    _participant(doc, report)
    _referral(doc, report)
    _attendance(doc, report, lang)
    _self_assessment(doc, report, lang)
    _conclusion(doc, conclusion)
    _follow_ups(doc, report)
    doc.signatures([(_("Lead facilitator"), report.lead_facilitator),
                    (_("Second facilitator"), report.second_facilitator)])
    return doc


def _programme(doc: PdfDocument, report: ProgressReport, lang: str) -> None:
    doc.heading(_("Programme"))
    programme = ""
    if report.programme is not None:
        programme = _("{title}, version {version}").format(title=report.programme.get(lang),
                                                           version=report.programme_version)
    doc.facts([
        (_("Programme"), programme),
        (_("Component"), _label(COMPONENT_LABELS, report.component)),
        (_("Group"), report.group_name),
        (_("Centre"), report.centre),
        (_("Facilitators"), ", ".join(n for n in (report.lead_facilitator, report.second_facilitator) if n)),
    ])


def _participant(doc: PdfDocument, report: ProgressReport) -> None:
    doc.heading(_("Participant"))
    status = _label(STATUS_LABELS, report.status)
    if status and report.status_since and report.finished_on is None:
        status = _("{status} since {date}").format(status=status, date=_date(report.status_since))
    rows = [
        (_("Full name"), report.full_name),
        (_("Date of birth"), _date(report.birth_date)),
        (_("Gender"), _label(GENDER_LABELS, report.gender)),
        (_("Language of the programme"), _label(LANGUAGE_NAMES, report.language)),
        (_("Joined the programme"), _date(report.joined_on)),
        (_("Status"), status),
    ]
    if report.status == Status.COMPLETED:
        rows.append((_("Completed on"), _date(report.finished_on)))
    elif report.finished_on is not None or report.status in (Status.DROPPED_OUT, Status.REFUSED, Status.TRANSFERRED):
        rows.append((_("Left the programme on"), _date(report.finished_on)))
    if report.deadline is not None:
        rows.append((_("Last day to complete (protection order)"), _date(report.deadline)))
    doc.facts(rows)


def _referral(doc: PdfDocument, report: ProgressReport) -> None:
    doc.heading(_("Referral and protection order"))
    ref = report.referral
    if ref is None:
        doc.facts([(_("Referred by"), "")])
        return
    document = ref.document_number
    if ref.document_number and ref.document_date:
        document = _("No. {number} of {date}").format(number=ref.document_number, date=_date(ref.document_date))
    doc.facts([
        (_("Referred by"), _label(REFERRAL_LABELS, ref.source)),
        (_("Referral document"), document),
        (_("Referral received on"), _date(ref.received_on)),
        (_("Protection order No."), ref.order_number),
        (_("Protection order issued on"), _date(ref.order_issued_on)),
        (_("Protection order ends on"), _date(ref.order_ends_on)),
    ])


def _session_name(line: AttendanceLine, lang: str) -> str:
    kind = _label(SESSION_KIND_LABELS, line.kind) or line.kind
    text = _("{kind} {number}: {title}").format(kind=kind, number=line.number, title=line.title.get(lang))
    if line.is_makeup:
        text += "\n" + (_("make-up for session {number}").format(number=line.replaces_number)
                        if line.replaces_number else _("make-up session"))
    return text


def _mark(line: AttendanceLine) -> str:
    if line.mark is not None:
        return _label(MARK_LABELS, line.mark) or line.mark
    if line.status == "held":
        return _("No mark")
    return _label(SESSION_STATUS_LABELS, line.status) or line.status


def _attendance(doc: PdfDocument, report: ProgressReport, lang: str) -> None:
    doc.heading(_("Attendance"))
    counts = report.counts
    doc.facts([
        (_("Sessions required"), _count(counts.required)),
        (_("Sessions attended"), _count(counts.attended)),
        (_("Excused absences"), _count(counts.excused)),
        (_("Unexcused absences"), _count(counts.unexcused)),
        (_("Make-up sessions attended"), _count(counts.makeups_attended)),
        (_("Make-up sessions planned"), _count(counts.makeups_planned)),
        (_("Required sessions not attended yet"), _count(counts.still_missing if counts.required is not None
                                                         else None)),
    ], label_share=0.6)  # long labels, short figures: a label on one line keeps its figure beside it
    if not report.attendance:
        doc.spacer(4)
        doc.paragraph(_("No sessions are scheduled for this participant yet."))
        return
    doc.spacer(4)
    rows = [(format_number(i), _date(line.date), _session_name(line, lang), _mark(line))
            for i, line in enumerate(report.attendance, start=1)]
    doc.table([_("No."), _("Date"), _("Session"), _("Mark")], rows, [0.06, 0.14, 0.52, 0.28])


def _score(value: float | None) -> str:
    return format_number(value) if value is not None else NONE


def _change(scale: ScaleChange) -> str:
    change = scale.change
    if change is None:
        return NONE
    return ("+" if change > 0 else "") + format_number(change)


def _self_assessment(doc: PdfDocument, report: ProgressReport, lang: str) -> None:
    doc.heading(_("Self-assessment: change"))
    found = report.self_assessment
    if found is None:
        doc.paragraph(_("No complete self-assessment of the participant is recorded."))
        return

    def when(day: dt.date | None, point: str) -> str:
        return _("{date} ({time_point})").format(date=_date(day), time_point=_label(TIME_POINT_LABELS, point) or point)

    facts = [(_("First self-assessment"), when(found.first_on, found.first_point))]
    if found.latest_on is not None:
        facts.append((_("Latest self-assessment"), when(found.latest_on, found.latest_point)))
    doc.facts(facts)
    if found.latest_on is None:
        doc.paragraph(_("Only one self-assessment is recorded: the change shows after the next one."), "small")
    rows = []
    for scale in found.scales:
        title = scale.title.get(lang)
        if not scale.higher_is_better:
            title += "\n" + _("(a lower score is better)")
        rows.append((title, _score(scale.first), _score(scale.latest), _change(scale)))
    rows.append((_("Total score"), _score(found.total.first), _score(found.total.latest), _change(found.total)))
    doc.spacer(4)
    doc.table([_("Scale"), _("First"), _("Latest"), _("Change")], rows, [0.55, 0.15, 0.15, 0.15], center_from=1)


def _conclusion(doc: PdfDocument, conclusion: str) -> None:
    doc.heading(_("Facilitators' conclusion"))
    text = conclusion.strip()
    if text:
        doc.paragraph(text)
        return
    for _line in range(HAND_LINES):
        doc.spacer(8)
        doc.paragraph("_" * 95)


def _follow_ups(doc: PdfDocument, report: ProgressReport) -> None:
    doc.heading(_("Follow-up meetings"))
    if not report.follow_ups:
        doc.paragraph(_("Follow-up meetings are set when the programme is completed."))
        return
    rows = []
    for meeting in report.follow_ups:
        after = ngettext("{months} month after completion", "{months} months after completion",
                         meeting.months).format(months=meeting.months) if meeting.months else NONE
        rows.append((format_number(meeting.number), after, _date(meeting.due_on),
                     _date(meeting.held_on) if meeting.held_on else _("Not held yet")))
    doc.table([_("No."), _("When"), _("Due on"), _("Held on")], rows, [0.08, 0.42, 0.25, 0.25], center_from=2)
