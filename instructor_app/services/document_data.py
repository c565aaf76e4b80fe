"""Plain results of making a document or an export (what the UI and the CLI show afterwards)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class IssuedFile:
    number: str     # from services.document_log.issue_number, e.g. "REG-2026-0007-3F2A"
    path: Path
    pages: int      # PDF pages; 0 for CSV/XLSX
    size: int       # bytes written


@dataclass(frozen=True)
class ReferralFacts:
    """The referral and protection order as a document prints them."""

    source: str                        # participants.intake.ReferralSource key
    document_number: str
    document_date: dt.date | None
    received_on: dt.date | None
    order_number: str
    order_issued_on: dt.date | None
    order_ends_on: dt.date | None
