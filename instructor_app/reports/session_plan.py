"""The session plan: one structured document for the screen, the printer and (later) the PDF.

``build_plan`` turns a ``SessionPlan`` into a ``PlanDocument``: headings and labels are UI strings
(gettext, the app's current language); curriculum content is taken in ``content_lang`` (the group's
language unless the facilitator chooses the other one). ``plan_to_html`` renders that document as
plain, printable HTML. Renderers only read the document: they never go back to the plan.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from instructor_app.curricula.model import SESSION_KIND_LABELS, Text
from instructor_app.i18n import _, format_date
from instructor_app.scheduling.rules import STATUS_LABELS, SessionStatus, end_time
from instructor_app.services.programme_data import SessionPlan

BASE_PT = 11
LARGE_PT = 16  # readable across a room
NO_VALUE = "—"


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class AgendaRow:
    start: str   # clock time, HH:MM
    end: str
    minutes: int
    title: str
    description: str


@dataclass(frozen=True)
class ListSection:
    heading: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class AgendaSection:
    heading: str
    columns: tuple[str, str, str, str]  # time, minutes, activity, description
    rows: tuple[AgendaRow, ...]
    total: str                          # e.g. "Total: 90 min"


@dataclass(frozen=True)
class TextSection:
    heading: str
    text: str


Section = ListSection | AgendaSection | TextSection


@dataclass(frozen=True)
class PlanDocument:
    title_lines: tuple[str, ...]  # the first is the main title
    facts: tuple[Fact, ...]
    sections: tuple[Section, ...]
    content_lang: str


def agenda_rows(plan: SessionPlan, content_lang: str) -> tuple[AgendaRow, ...]:
    """The activities with their clock times, counted on from the session's planned start time."""
    rows = []
    clock = plan.session.start_time
    for activity in plan.template.activities:
        finish = end_time(clock, activity.minutes)
        rows.append(AgendaRow(clock, finish, activity.minutes, activity.title.get(content_lang),
                              activity.description.get(content_lang)))
        clock = finish
    return tuple(rows)


def _label(key: str, labels: dict) -> str:
    text = labels.get(key)
    return _(text) if text else key


def _status(plan: SessionPlan) -> str:
    row = plan.session
    status = _label(row.status, STATUS_LABELS)
    if row.status == SessionStatus.HELD and row.held_on is not None:
        when = format_date(row.held_on, "medium")
        if row.actual_start and row.actual_end:
            when = f"{when}, {row.actual_start}–{row.actual_end}"
        return f"{status} ({when})"
    if row.status == SessionStatus.CANCELLED and row.status_reason:
        return f"{status}: {row.status_reason}"
    return status


def _facts(plan: SessionPlan, content_lang: str) -> tuple[Fact, ...]:
    row = plan.session
    number = _("{number} of {total}").format(number=row.number, total=plan.sessions_in_programme)
    if row.is_makeup:
        number = _("{number} (make-up session)").format(number=number)
    facts = [
        Fact(_("Programme"), plan.programme.get(content_lang)),
        Fact(_("Version"), str(plan.curriculum_version)),
        Fact(_("Session"), number),
        Fact(_("Kind"), _label(row.kind, SESSION_KIND_LABELS)),
        Fact(_("Date"), format_date(row.date, "full")),
        Fact(_("Time"), f"{row.start_time}–{row.end_time}"),
        Fact(_("Room"), row.room or NO_VALUE),
        Fact(_("Lead facilitator"), row.lead.display_name),
        Fact(_("Second facilitator"), row.second.display_name if row.second else NO_VALUE),
        Fact(_("Group"), row.group_name or NO_VALUE),
        Fact(_("Status"), _status(plan)),
    ]
    return tuple(facts)


def _texts(items: tuple[Text, ...], content_lang: str) -> tuple[str, ...]:
    return tuple(t.get(content_lang) for t in items if t.get(content_lang))


def build_plan(plan: SessionPlan, content_lang: str) -> PlanDocument:
    template = plan.template
    title = _("Session {number}: {title}").format(number=plan.session.number, title=template.title.get(content_lang))
    title_lines = [title]
    if template.theme is not None and template.theme.get(content_lang):
        title_lines.append(_("Theme: {theme}").format(theme=template.theme.get(content_lang)))

    rows = agenda_rows(plan, content_lang)
    total = sum(r.minutes for r in rows)
    sections: list[Section] = []
    objectives = _texts(template.objectives, content_lang)
    if objectives:
        sections.append(ListSection(_("Objectives"), objectives))
    if rows:
        sections.append(AgendaSection(
            _("Agenda"), (_("Time"), _("Minutes"), _("Activity"), _("Description")), rows,
            _("Total: {minutes} min").format(minutes=total)))
    materials = _texts(template.materials, content_lang)
    if materials:
        sections.append(ListSection(_("Materials"), materials))
    for heading, text in ((_("Take-home task"), template.take_home.get(content_lang)),
                          (_("Facilitator notes"), template.facilitator_notes.get(content_lang))):
        if text:
            sections.append(TextSection(heading, text))
    return PlanDocument(tuple(title_lines), _facts(plan, content_lang), tuple(sections), content_lang)


# --- HTML ---------------------------------------------------------------------------------------

def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{_e(part)}</p>" for part in text.split("\n\n") if part.strip()).replace("\n", "<br/>")


@dataclass(frozen=True)
class _Sizes:
    """Point sizes, written inline on every element. Headings are bold paragraphs: QTextDocument
    sizes <h1>…<h6> relative to its default font and ignores their font-size."""

    base: int

    @property
    def h1(self) -> int:
        return round(self.base * 1.6)

    @property
    def h2(self) -> int:
        return round(self.base * 1.3)

    @property
    def small(self) -> int:
        return max(8, round(self.base * 0.9))


def _section_html(section: Section, size: _Sizes) -> str:
    heading = (f"<p style='font-size: {size.h2}pt; font-weight: bold; margin-top: {size.base}pt; "
               f"margin-bottom: 4pt;'>{_e(section.heading)}</p>")
    parts = [heading]
    if isinstance(section, ListSection):
        parts.append("<ul>" + "".join(f"<li>{_e(item)}</li>" for item in section.items) + "</ul>")
    elif isinstance(section, AgendaSection):
        head = "".join(f"<th align='left' style='background-color: #e8e8e8;'>{_e(column)}</th>"
                       for column in section.columns)
        body = "".join(
            f"<tr><td style='white-space: nowrap;'>{_e(row.start)}–{_e(row.end)}</td>"
            f"<td align='right'>{row.minutes}</td>"
            f"<td><b>{_e(row.title)}</b></td><td>{_e(row.description)}</td></tr>"
            for row in section.rows)
        parts.append("<table border='1' cellspacing='0' cellpadding='5' width='99%' "
                     f"style='border-collapse: collapse; font-size: {size.base}pt;'>"
                     f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        parts.append(f"<p style='font-size: {size.small}pt;'>{_e(section.total)}</p>")
    else:
        parts.append(_paragraphs(section.text))
    return "".join(parts)


def plan_to_html(doc: PlanDocument, large: bool = False) -> str:
    """Printable HTML (the subset QTextDocument understands); every value is escaped."""
    size = _Sizes(LARGE_PT if large else BASE_PT)
    title, *subtitles = doc.title_lines
    facts = "".join(f"<tr><td style='font-weight: bold; padding-right: 12pt;'>{_e(f.label)}</td>"
                    f"<td>{_e(f.value)}</td></tr>" for f in doc.facts)
    return (
        f"<!DOCTYPE html><html lang='{_e(doc.content_lang)}'><head><meta charset='utf-8'/>"
        f"<title>{_e(title)}</title></head>"
        f"<body style='font-size: {size.base}pt;'>"
        f"<p style='font-size: {size.h1}pt; font-weight: bold; margin-bottom: 2pt;'>{_e(title)}</p>"
        + "".join(f"<p style='font-size: {size.h2}pt; margin-top: 0;'>{_e(line)}</p>" for line in subtitles)
        + f"<table cellspacing='0' cellpadding='3' style='font-size: {size.base}pt;'>{facts}</table>"
        + "".join(_section_html(section, size) for section in doc.sections)
        + "</body></html>"
    )
