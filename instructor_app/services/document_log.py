"""Numbers for printed documents and exports, kept in ``issued_document`` (local to this laptop).

A number reads ``<CODE>-<year>-<sequence>-<device>``, e.g. ``REG-2026-0007-3F2A``: the code says the
kind, the sequence counts that kind within the year on this laptop, and the last four characters of
the device id keep the two laptops of a facilitator pair from ever printing the same number.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from instructor_app.storage.models import Device, IssuedDocument, utcnow

KIND_CODES = {
    "register": "REG",
    "plan": "PLN",
    "progress": "PRG",
    "art72": "A72",
    "indicators": "IND",
    "export": "EXP",
}


def issue_number(session: Session, kind: str, *, subject: str, language: str, on: dt.date,
                 actor: uuid.UUID | None = None) -> str:
    """Reserve the next number of ``kind`` for the year of ``on`` and record who issued what."""
    code = KIND_CODES[kind]
    year = on.year
    sequence = (session.scalar(select(func.max(IssuedDocument.sequence))
                               .where(IssuedDocument.kind == kind, IssuedDocument.year == year)) or 0) + 1
    device = session.scalar(select(Device.id).limit(1))
    suffix = device.hex[-4:].upper() if device else "0000"
    number = f"{code}-{year}-{sequence:04d}-{suffix}"
    session.add(IssuedDocument(number=number, kind=kind, year=year, sequence=sequence, subject=subject[:80],
                               language=language, issued_at=utcnow(), issued_by=actor))
    session.flush()
    return number


def issued(session: Session, limit: int = 200) -> list[tuple[str, str, str, str, dt.datetime]]:
    """The latest issued documents: (number, kind, subject, language, issued_at), newest first."""
    rows = session.execute(select(IssuedDocument.number, IssuedDocument.kind, IssuedDocument.subject,
                                  IssuedDocument.language, IssuedDocument.issued_at)
                           .order_by(IssuedDocument.issued_at.desc()).limit(limit))
    return [tuple(r) for r in rows]  # type: ignore[misc]
