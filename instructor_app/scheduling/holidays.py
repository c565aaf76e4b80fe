"""Kyrgyz Republic public holidays, read from ``resources/holidays/kg-holidays.yaml``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


from instructor_app.curricula.model import Text
from instructor_app.paths import resources_dir


@dataclass(frozen=True)
class Holiday:
    date: dt.date
    name: Text
    expected: bool = False  # an estimate until the date is announced


class HolidayCalendar:
    def __init__(self, recurring: list[dict], years: dict[int, list[dict]], version: int = 0) -> None:
        self.version = version
        self._recurring = recurring
        self._dated: dict[dt.date, Holiday] = {}
        for entries in years.values():
            for entry in entries:
                day = entry["date"] if isinstance(entry["date"], dt.date) else dt.date.fromisoformat(entry["date"])
                self._dated[day] = Holiday(day, Text.of(entry["name"]), bool(entry.get("expected", False)))

    @classmethod
    def from_file(cls, path: Path) -> HolidayCalendar:
        import yaml  # only when the calendar is first needed (on the DB worker), not at start-up

        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if doc.get("format") != "instructor-app/holidays" or doc.get("format_version") != 1:
            raise ValueError(f"{path.name}: not a holidays file of format version 1")
        return cls(doc.get("recurring", []), {int(y): v for y, v in (doc.get("years") or {}).items()},
                   int(doc.get("version", 0)))

    def holiday(self, day: dt.date) -> Holiday | None:
        found = self._dated.get(day)
        if found is not None:
            return found
        for entry in self._recurring:
            if (entry["month"], entry["day"]) == (day.month, day.day) \
                    and entry.get("from", day.year) <= day.year <= entry.get("until", day.year):
                return Holiday(day, Text.of(entry["name"]))
        return None

    def is_holiday(self, day: dt.date) -> bool:
        return self.holiday(day) is not None

    def between(self, first: dt.date, last: dt.date) -> list[Holiday]:
        found = []
        day = first
        while day <= last:
            holiday = self.holiday(day)
            if holiday is not None:
                found.append(holiday)
            day += dt.timedelta(days=1)
        return found


@lru_cache(maxsize=1)
def kyrgyz_holidays() -> HolidayCalendar:
    return HolidayCalendar.from_file(resources_dir() / "holidays" / "kg-holidays.yaml")
