"""Facilitators work in pairs, one man and one woman; other set-ups are allowed but flagged."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from instructor_app.i18n import N_


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


GENDER_LABELS: dict[Gender, str] = {Gender.MALE: N_("Man"), Gender.FEMALE: N_("Woman")}


class PairNotice(StrEnum):
    """Why a set of facilitators is not the standard mixed-gender pair."""

    SINGLE = "single"
    SAME_GENDER = "same_gender"
    MORE_THAN_TWO = "more_than_two"


PAIR_NOTICE_TEXT: dict[PairNotice, str] = {
    PairNotice.SINGLE: N_("Only one facilitator: sessions are normally run by a pair, one man and one woman."),
    PairNotice.SAME_GENDER: N_("Both facilitators are of the same gender: the programme expects one man and one woman."),
    PairNotice.MORE_THAN_TWO: N_("More than two facilitators: each group still needs its own pair, one man and one woman."),
}


def pair_notice(genders: Iterable[str]) -> PairNotice | None:
    """None for the norm (exactly one man and one woman), otherwise what differs."""
    values = [Gender(g) for g in genders]
    if len(values) <= 1:
        return PairNotice.SINGLE
    if len(values) > 2:
        return PairNotice.MORE_THAN_TWO
    if set(values) != {Gender.MALE, Gender.FEMALE}:
        return PairNotice.SAME_GENDER
    return None
