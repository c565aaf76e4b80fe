"""Small pieces every "make a document" function needs: the centre's name for the page frame, the
number from the register of issued documents, and the page frame's metadata."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app.reports.pdf import DocumentMeta
from instructor_app.services.document_log import issue_number
from instructor_app.storage.models import Centre, Device


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
