"""An instrument version as plain data, and the pure scoring rules.

Answers are stored as text: likert5 "1".."5", yes_no "1"/"0", frequency "0".."4", number, free text.
A response is scored only when every required item is answered; otherwise it is *partial* and its
scores are None — never a complete-looking number from half the answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from instructor_app.curricula.model import Text
from instructor_app.i18n import N_


class ItemType(StrEnum):
    LIKERT5 = "likert5"
    YES_NO = "yes_no"
    FREQUENCY = "frequency"
    NUMBER = "number"
    TEXT = "text"


LIKERT_LABELS = (N_("Strongly disagree"), N_("Disagree"), N_("Not sure"), N_("Agree"), N_("Strongly agree"))
FREQUENCY_LABELS = (N_("Never"), N_("Once"), N_("A few times"), N_("Often"), N_("Very often"))
YES_NO_LABELS = {"1": N_("Yes"), "0": N_("No")}
TIME_POINT_LABELS = {"intake": N_("Intake"), "mid": N_("Mid-programme"), "end": N_("End of the programme"),
                     "follow_up": N_("Follow-up"), "session": N_("Session"), "any": N_("Any time")}
RESPONDENT_LABELS = {"participant": N_("Participant"), "partner": N_("Partner"), "facilitator": N_("Facilitator")}


@dataclass(frozen=True)
class Item:
    key: str
    type: ItemType
    text: Text
    help: Text | None
    required: bool
    reverse: bool
    min: float | None
    max: float | None
    compare_key: str | None

    def choices(self) -> tuple[str, ...]:
        """The answers a button can give (numbers and free text are typed)."""
        if self.type == ItemType.LIKERT5:
            return ("1", "2", "3", "4", "5")
        if self.type == ItemType.FREQUENCY:
            return ("0", "1", "2", "3", "4")
        if self.type == ItemType.YES_NO:
            return ("1", "0")
        return ()

    def valid(self, value: str) -> bool:
        if self.type == ItemType.TEXT:
            return True
        if self.type == ItemType.NUMBER:
            try:
                number = float(value)
            except ValueError:
                return False
            return (self.min is None or number >= self.min) and (self.max is None or number <= self.max)
        return value in self.choices()

    def score(self, value: str) -> float | None:
        if self.type == ItemType.TEXT or value == "":
            return None
        number = float(value)
        return 6 - number if self.reverse and self.type == ItemType.LIKERT5 else number


@dataclass(frozen=True)
class Subscale:
    key: str
    title: Text
    items: tuple[str, ...]
    method: str  # sum | mean
    higher_is_better: bool


@dataclass(frozen=True)
class Category:
    min: int
    max: int
    key: str
    title: Text
    high: bool


@dataclass(frozen=True)
class Instrument:
    id: str
    version: int
    kind: str            # questionnaire | checklist | risk
    title: Text
    description: Text
    instructions: Text | None
    restricted_note: Text | None
    respondent: str      # participant | partner | facilitator
    time_points: tuple[str, ...]
    items: tuple[Item, ...]
    subscales: tuple[Subscale, ...]
    categories: tuple[Category, ...]

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Instrument:
        def text(raw: dict | None) -> Text | None:
            return Text.of(raw) if raw else None

        return cls(
            id=doc["id"], version=int(doc["version"]), kind=doc["kind"], title=Text.of(doc["title"]),
            description=Text.of(doc["description"]), instructions=text(doc.get("instructions")),
            restricted_note=text(doc.get("restricted_note")), respondent=doc["respondent"],
            time_points=tuple(doc["time_points"]),
            items=tuple(Item(i["key"], ItemType(i["type"]), Text.of(i["text"]), text(i.get("help")),
                             bool(i.get("required", i["type"] != "text")), bool(i.get("reverse", False)),
                             i.get("min"), i.get("max"), i.get("compare_key")) for i in doc["items"]),
            subscales=tuple(Subscale(s["key"], Text.of(s["title"]), tuple(s["items"]), s["method"],
                                     bool(s.get("higher_is_better", True))) for s in doc.get("subscales", [])),
            categories=tuple(Category(int(c["min"]), int(c["max"]), c["key"], Text.of(c["title"]),
                                      bool(c.get("high", False))) for c in doc.get("categories", [])),
        )


@dataclass(frozen=True)
class Scores:
    complete: bool
    answered: int
    required: int
    subscales: dict[str, float | None]
    total: float | None
    category: Category | None


def score(instrument: Instrument, answers: Mapping[str, str]) -> Scores:
    """Subscale scores, the total and (risk tools) the category; None for a partial response."""
    required = [i for i in instrument.items if i.required]
    answered = [i for i in required if answers.get(i.key, "") != ""]
    complete = len(answered) == len(required)
    subscales: dict[str, float | None] = {}
    for subscale in instrument.subscales:
        values = [instrument.item(k).score(answers.get(k, "")) for k in subscale.items]
        if not complete or any(v is None for v in values):
            subscales[subscale.key] = None
        else:
            total = sum(v for v in values if v is not None)
            subscales[subscale.key] = round(total / len(values), 2) if subscale.method == "mean" else total
    total = None
    if complete:
        total = sum(v for v in (i.score(answers.get(i.key, "")) for i in instrument.items) if v is not None)
    category = None
    if complete and instrument.categories and total is not None:
        category = next((c for c in instrument.categories if c.min <= total <= c.max), None)
    return Scores(complete, len(answered), len(required), subscales, total, category)


@dataclass(frozen=True)
class Contradiction:
    compare_key: str
    participant_value: str
    partner_value: str


def contradictions(participant: Instrument, participant_answers: Mapping[str, str], partner: Instrument,
                   partner_answers: Mapping[str, str]) -> list[Contradiction]:
    """Where the participant says "never" and the partner reports it happened (same compare key)."""
    theirs = {i.compare_key: partner_answers.get(i.key, "") for i in partner.items if i.compare_key}
    found = []
    for item in participant.items:
        if not item.compare_key or item.compare_key not in theirs:
            continue
        mine, partner_value = participant_answers.get(item.key, ""), theirs[item.compare_key]
        if mine == "0" and partner_value not in ("", "0"):
            found.append(Contradiction(item.compare_key, mine, partner_value))
    return found
