"""Plain data passed between services and the front ends (no ORM objects cross this line)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from instructor_app.domain.facilitators import PairNotice


@dataclass(frozen=True)
class Account:
    """A facilitator who can unlock the data (id = facilitator id)."""

    id: str
    display_name: str
    gender: str  # domain.facilitators.Gender key


@dataclass(frozen=True)
class FacilitatorDraft:
    display_name: str
    gender: str
    password: str


@dataclass(frozen=True)
class SetupRequest:
    centre_name: str
    region: str  # domain.regions.Region key
    language: str
    facilitators: tuple[FacilitatorDraft, ...]


@dataclass(frozen=True)
class SetupResult:
    recovery_key: str
    pair_notice: PairNotice | None


@dataclass(frozen=True)
class Overview:
    """What the Today page shows for now."""

    centre_name: str
    region: str
    facilitators: tuple[Account, ...]
    pair_notice: PairNotice | None
    last_sync_at: dt.datetime | None
    pending_changes: int


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: dt.datetime
    size_bytes: int
    schema_revision: str | None


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[str, ...]
    schema_revision: str | None
    records: int

    @property
    def ok(self) -> bool:
        return not self.problems
