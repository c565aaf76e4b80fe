"""A curriculum version as plain, immutable data: the programme and its sessions in order.

Built from a validated document (``files.load_curriculum``) or from the JSON stored with a group;
every text carries both languages, and ``Text.get(lang)`` picks one at the edge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from instructor_app.i18n import N_

LANGUAGES = ("ky", "ru")


class Component(StrEnum):
    MANDATORY = "mandatory"
    VOLUNTARY = "voluntary"


class TargetGender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    ANY = "any"


class SessionKind(StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"


COMPONENT_LABELS = {Component.MANDATORY: N_("Mandatory"), Component.VOLUNTARY: N_("Voluntary")}
TARGET_LABELS = {TargetGender.MALE: N_("Men"), TargetGender.FEMALE: N_("Women"),
                 TargetGender.ANY: N_("Men and women")}
SESSION_KIND_LABELS = {SessionKind.INDIVIDUAL: N_("Individual session"), SessionKind.GROUP: N_("Group session")}


@dataclass(frozen=True)
class Text:
    ky: str
    ru: str

    def get(self, lang: str) -> str:
        return self.ru if lang == "ru" else self.ky

    @classmethod
    def of(cls, raw: dict[str, str]) -> Text:
        return cls(ky=raw["ky"].strip(), ru=raw["ru"].strip())


@dataclass(frozen=True)
class Activity:
    minutes: int
    title: Text
    description: Text


@dataclass(frozen=True)
class SessionTemplate:
    key: str
    number: int  # 1-based position in the programme
    kind: SessionKind
    minutes: int
    title: Text
    theme: Text | None
    objectives: tuple[Text, ...]
    activities: tuple[Activity, ...]
    materials: tuple[Text, ...]
    take_home: Text
    facilitator_notes: Text


@dataclass(frozen=True)
class Curriculum:
    id: str
    version: int
    valid_from: dt.date
    title: Text
    description: Text
    basis: Text
    component: Component
    target_gender: TargetGender
    cadence_days: int
    within_protection_order: bool
    sessions: tuple[SessionTemplate, ...]

    @property
    def total_minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)

    def count(self, kind: SessionKind) -> int:
        return sum(1 for s in self.sessions if s.kind == kind)

    def of_kind(self, kind: SessionKind) -> tuple[SessionTemplate, ...]:
        return tuple(s for s in self.sessions if s.kind == kind)

    def session(self, key: str) -> SessionTemplate:
        for template in self.sessions:
            if template.key == key:
                return template
        raise KeyError(key)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Curriculum:
        """From a document that already passed ``files.validate_document``."""
        sessions = tuple(
            SessionTemplate(
                key=s["key"], number=n, kind=SessionKind(s["kind"]), minutes=int(s["minutes"]),
                title=Text.of(s["title"]), theme=Text.of(s["theme"]) if "theme" in s else None,
                objectives=tuple(Text.of(t) for t in s["objectives"]),
                activities=tuple(Activity(int(a["minutes"]), Text.of(a["title"]), Text.of(a["description"]))
                                 for a in s["activities"]),
                materials=tuple(Text.of(t) for t in s["materials"]),
                take_home=Text.of(s["take_home"]), facilitator_notes=Text.of(s["facilitator_notes"]),
            )
            for n, s in enumerate(doc["sessions"], start=1)
        )
        return cls(
            id=doc["id"], version=int(doc["version"]), valid_from=dt.date.fromisoformat(str(doc["valid_from"])),
            title=Text.of(doc["title"]), description=Text.of(doc["description"]), basis=Text.of(doc["basis"]),
            component=Component(doc["component"]), target_gender=TargetGender(doc["target_gender"]),
            cadence_days=int(doc["cadence_days"]), within_protection_order=bool(doc["within_protection_order"]),
            sessions=sessions,
        )
