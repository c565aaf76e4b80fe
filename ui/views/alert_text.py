"""What an alert says: one sentence per alert kind, in the current UI language, and its severity's colour.

The compliance engine gives an ``Alert`` (kind, severity, due date, days, count); this turns it into
the sentence a facilitator reads on the Today page ("Алмаз Бекмуратов: the protection order ends in
5 days …"). Translated at display time, so a language switch re-renders it.
"""

from __future__ import annotations

import datetime as dt

from instructor_app.i18n import N_, _, format_date, ngettext
from instructor_app.participants.compliance import AlertKind, Severity
from instructor_app.services.participant_data import AlertItem

SEVERITY_LABELS = {Severity.URGENT: N_("Urgent"), Severity.WARNING: N_("Warning"), Severity.NOTICE: N_("Notice")}
SEVERITY_COLOURS = {Severity.URGENT: "#b00020", Severity.WARNING: "#c25e00", Severity.NOTICE: "#1565c0"}
OTHER_COLOUR = "#606060"


def severity_colour(severity: str) -> str:
    """The marker colour (``#rrggbb``): red for urgent, orange for a warning, blue for a notice."""
    return SEVERITY_COLOURS.get(severity, OTHER_COLOUR)  # StrEnum keys match their string values


def severity_text(severity: str) -> str:
    text = SEVERITY_LABELS.get(severity)
    return _(text) if text else str(severity)


def _date(day: dt.date | None) -> str:
    return format_date(day, "short") if day is not None else "—"


def alert_text(item: AlertItem) -> str:
    """The alert as one sentence naming the participant."""
    alert = item.alert
    name, date = item.participant_name, _date(alert.due)
    days = alert.days if alert.days is not None else 0
    count = alert.count if alert.count is not None else 0
    kind = alert.kind
    if kind == AlertKind.ORDER_END_SOON:
        if days <= 0:
            text = _("{name}: the protection order ends today ({date}); the mandatory sessions are not finished.")
        else:
            text = ngettext(
                "{name}: the protection order ends in {days} day ({date}); the mandatory sessions are not finished.",
                "{name}: the protection order ends in {days} days ({date}); the mandatory sessions are not finished.",
                days)
    elif kind == AlertKind.ORDER_END_PASSED:
        text = ngettext(
            "{name}: the protection order ended {days} day ago ({date}); the mandatory sessions were not finished.",
            "{name}: the protection order ended {days} days ago ({date}); the mandatory sessions were not finished.",
            days)
    elif kind == AlertKind.CANNOT_FINISH_IN_TIME:
        text = ngettext(
            "{name}: {count} required session cannot be held before {date}, when the protection order ends.",
            "{name}: {count} required sessions cannot be held before {date}, when the protection order ends.",
            count)
    elif kind == AlertKind.NON_COMPLIANT:
        text = ngettext("{name}: {count} unexcused absence; the participant is not complying with the programme.",
                        "{name}: {count} unexcused absences; the participant is not complying with the programme.",
                        count)
    elif kind == AlertKind.ART72_TO_SEND:
        text = _("{name}: refused the programme on {date}: send the art. 72 notice to Probation / the police.")
    elif kind == AlertKind.FOLLOW_UP_DUE:
        text = _("{name}: follow-up meeting number {count} is due on {date}.")
    elif kind == AlertKind.FOLLOW_UP_OVERDUE:
        text = ngettext("{name}: follow-up meeting number {count} is overdue: it was due on {date}, {days} day ago.",
                        "{name}: follow-up meeting number {count} is overdue: it was due on {date}, {days} days ago.",
                        days)
    elif kind == AlertKind.INTAKE_INCOMPLETE:
        text = ngettext("{name}: intake not finished for {days} day: screening or contract missing.",
                        "{name}: intake not finished for {days} days: screening or contract missing.", days)
    elif kind == AlertKind.HIGH_RISK:
        text = _("{name}: the latest risk assessment places the participant in a high-risk category; review "
                 "the safety plan and inform the curator.")
    else:  # a kind added to the engine later: still shown, never dropped
        return f"{name}: {kind}"
    return text.format(name=name, date=date, days=days, count=count)
