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


class PairProblem(StrEnum):
    """Why a group's or session's facilitators differ from the rule (one man and one woman, the lead
    of the participants' gender). Any of these needs a written reason."""

    NO_SECOND = "no_second"
    SAME_GENDER = "same_gender"
    LEAD_GENDER = "lead_gender"


PAIR_PROBLEM_TEXT: dict[PairProblem, str] = {
    PairProblem.NO_SECOND: N_("Only one facilitator is chosen; the programme is run by a pair, one man and one woman."),
    PairProblem.SAME_GENDER: N_("Both facilitators are of the same gender; the pair should be one man and one woman."),
    PairProblem.LEAD_GENDER: N_("The lead facilitator's gender differs from the participants' gender."),
}


def pair_problems(lead_gender: str, second_gender: str | None, participant_gender: str) -> list[PairProblem]:
    """Empty for a pair that keeps the rule; otherwise every way in which it differs."""
    found = []
    if second_gender is None:
        found.append(PairProblem.NO_SECOND)
    elif Gender(lead_gender) == Gender(second_gender):
        found.append(PairProblem.SAME_GENDER)
    if Gender(lead_gender) != Gender(participant_gender):
        found.append(PairProblem.LEAD_GENDER)
    return found
