"""What the coordinator reviews after a concurrent edit (plain values; translated at the edge).

A value to show (``Shown``) is text as stored, an ``errors.Label`` (an enum's msgid: translate it), a
date (``format_date(d, "short")``), a datetime, a boolean, a number, or None (nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from instructor_app.errors import Label

Shown = str | Label | dt.date | dt.datetime | bool | int | float | None


class Decision(StrEnum):
    KEPT_CURRENT = "kept_current"
    RESTORED = "restored"


@dataclass(frozen=True)
class FieldDifference:
    field: str        # the column
    label: str        # msgid of the field's name (translate with _())
    current: Shown    # the value on this laptop now
    losing: Shown     # the value of the version that lost


@dataclass(frozen=True)
class EditBy:
    """Who made one of the two versions."""

    facilitator: str             # the facilitator's name, '' when unknown
    device: str                  # the laptop's name as enrolled at the server, '' when unknown
    this_laptop: bool
    at: dt.datetime | None       # when the version was saved (the laptop's clock)


@dataclass(frozen=True)
class ConflictToReview:
    id: str
    table: str
    kind: str                    # msgid of the record's kind: "Participant", "Group", "Session", …
    subject: str                 # which record: the participant's or group's name, …
    subject_date: dt.date | None  # e.g. a session's date
    differences: tuple[FieldDifference, ...]  # empty: both versions hold the same values
    current: EditBy
    losing: EditBy
    kept_at: dt.datetime         # when the server decided
    on_this_laptop: bool         # False: the record itself is not here (it cannot be restored)


__all__ = ["ConflictToReview", "Decision", "EditBy", "FieldDifference", "Label", "Shown"]
