"""Intake vocabulary (stored as keys, labelled at the edge) and the pure checks of an intake form."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from instructor_app.i18n import N_

ORDER_DAYS = 30


class ReferralSource(StrEnum):
    COURT = "court"                # court decision, Criminal Code art. 71-1 (offences under art. 177)
    POLICE = "police"              # police, with a temporary protection order
    PROBATION = "probation"
    CRISIS_CENTRE = "crisis_centre"
    SELF = "self"


class Screening(StrEnum):
    NOT_DONE = "not_done"
    ELIGIBLE = "eligible"
    NEEDS_THERAPY = "needs_therapy"      # a mental disorder or an addiction: specialised therapy first
    THERAPY_COMPLETED = "therapy_completed"  # admitted on a certificate of completed therapy


class RefusalForm(StrEnum):
    VERBAL = "verbal"
    WRITTEN = "written"
    NO_SHOW = "no_show"   # stopped coming after being warned of art. 72


class ViolenceReportedBy(StrEnum):
    PARTICIPANT = "participant"
    PARTNER = "partner"
    POLICE = "police"


REFERRAL_LABELS = {
    ReferralSource.COURT: N_("Court decision (Criminal Code art. 71-1)"),
    ReferralSource.POLICE: N_("Police, with a temporary protection order"),
    ReferralSource.PROBATION: N_("Probation Department"),
    ReferralSource.CRISIS_CENTRE: N_("Crisis centre"),
    ReferralSource.SELF: N_("Came on their own"),
}
SCREENING_LABELS = {
    Screening.NOT_DONE: N_("Not screened yet"),
    Screening.ELIGIBLE: N_("Eligible"),
    Screening.NEEDS_THERAPY: N_("Needs specialised therapy first"),
    Screening.THERAPY_COMPLETED: N_("Therapy completed (certificate)"),
}
REFUSAL_LABELS = {RefusalForm.VERBAL: N_("Said so in person"), RefusalForm.WRITTEN: N_("In writing"),
                  RefusalForm.NO_SHOW: N_("Stopped coming after a warning")}
VIOLENCE_LABELS = {ViolenceReportedBy.PARTICIPANT: N_("by the participant"),
                   ViolenceReportedBy.PARTNER: N_("by the partner"), ViolenceReportedBy.POLICE: N_("by the police")}


def name_key(full_name: str) -> str:
    """The form duplicate detection compares: case and spacing ignored."""
    return re.sub(r"\s+", " ", full_name).strip().casefold()


def default_order_end(issued_on: dt.date) -> dt.date:
    """A temporary protection order runs 30 days, the day of issue included."""
    return issued_on + dt.timedelta(days=ORDER_DAYS - 1)


def admitted(screening: str, certificate: str) -> bool:
    """Whether the screening allows attending sessions now."""
    if screening == Screening.ELIGIBLE:
        return True
    return screening == Screening.THERAPY_COMPLETED and bool(certificate.strip())
