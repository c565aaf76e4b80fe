"""Small pieces every "make a document" function needs: the centre's name for the page frame, the
number from the register of issued documents, and the page frame's metadata."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app import errors
from instructor_app.i18n import N_
from instructor_app.reports.pdf import DocumentMeta
from instructor_app.services.document_data import ReferralFacts
from instructor_app.services.document_log import issue_number
from instructor_app.storage.models import Centre, Device
from instructor_app.storage.participant_models import Participant, Referral


def referral_facts(referral: Referral | None) -> ReferralFacts | None:
    if referral is None:
        return None
    return ReferralFacts(referral.source, referral.document_number, referral.document_date, referral.received_on,
                         referral.order_number, referral.order_issued_on, referral.order_ends_on)


def participant_or_refuse(session: Session, participant_id: str) -> Participant:
    """The participant a document is about; a clear message when the record is gone."""
    key = parse_id(participant_id)
    person = session.get(Participant, key) if key else None
    if person is None or person.deleted_at is not None:
        raise errors.InvalidInput("participant", N_("This participant's record no longer exists."))
    return person


def centre_name(session: Session) -> str:
    """This laptop's centre (printed at the top of every page); empty if the device has none."""
    centre_id = session.scalar(select(Device.centre_id).limit(1))
    centre = session.get(Centre, centre_id) if centre_id else None
    return centre.name if centre else ""


def document_meta(session: Session, kind: str, title: str, *, subject: str, language: str, on: dt.date,
                  actor_id: str | None) -> DocumentMeta:
    """Reserve the document's number (in ``session``: rolled back if the document is not written)
    and return what the page frame prints."""
    number = issue_number(session, kind, subject=subject, language=language, on=on,
                          actor=uuid.UUID(actor_id) if actor_id else None)
    return DocumentMeta(title=title, number=number, issued_on=on, centre=centre_name(session))


def parse_id(value: str) -> uuid.UUID | None:
    """A record id typed or passed as text; ``None`` when it is not an id at all."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
