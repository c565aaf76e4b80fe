"""Plain results of making a document or an export (what the UI and the CLI show afterwards)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class IssuedFile:
    number: str     # from services.document_log.issue_number, e.g. "REG-2026-0007-3F2A"
    path: Path
    pages: int      # PDF pages; 0 for CSV/XLSX
    size: int       # bytes written
