"""Reading instrument files: YAML → schema (``datafiles``) → semantic checks → ``Instrument``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from instructor_app.datafiles import DataFileInvalid, Problem, decode, line_of, parse
from instructor_app.i18n import N_
from instructor_app.instruments.model import Instrument
from instructor_app.paths import resources_dir

MAX_ITEM_SCORE = {"likert5": 5, "yes_no": 1, "frequency": 4}


def instruments_dir() -> Path:
    return resources_dir() / "instruments"


class InstrumentInvalid(DataFileInvalid):
    default_msgid = N_("The instrument file {file} was not imported (line {line}): {reason} Nothing was changed.")


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads((instruments_dir() / "instrument.schema.json").read_text(encoding="utf-8"))


def _semantic_problems(doc: dict[str, Any], lines: dict[tuple, int]) -> list[Problem]:
    problems: list[Problem] = []
    items: dict[str, dict] = {}
    for index, item in enumerate(doc["items"]):
        line = line_of(lines, ("items", index))
        if item["key"] in items:
            problems.append(Problem(line, N_("the item key “{key}” is used twice."), {"key": item["key"]}))
        items[item["key"]] = item
        if item.get("reverse") and item["type"] != "likert5":
            problems.append(Problem(line, N_("item “{key}”: only 1–5 agreement items can be reversed."),
                                    {"key": item["key"]}))
        if item["type"] == "number" and ("min" not in item or "max" not in item or item["min"] > item["max"]):
            problems.append(Problem(line, N_("item “{key}”: a number item needs a minimum and a maximum."),
                                    {"key": item["key"]}))
        if item.get("compare_key") and item["type"] != "frequency":
            problems.append(Problem(line, N_("item “{key}”: only frequency items can be compared between "
                                             "respondents."), {"key": item["key"]}))
    for index, subscale in enumerate(doc.get("subscales", [])):
        for key in subscale["items"]:
            if key not in items:
                problems.append(Problem(line_of(lines, ("subscales", index, "items")),
                                        N_("scoring rule “{rule}” names the item “{key}”, which does not exist."),
                                        {"rule": subscale["key"], "key": key}))
            elif items[key]["type"] in ("text",):
                problems.append(Problem(line_of(lines, ("subscales", index, "items")),
                                        N_("scoring rule “{rule}” counts the free-text item “{key}”."),
                                        {"rule": subscale["key"], "key": key}))
    problems += _category_problems(doc, items, lines)
    return problems


def _category_problems(doc: dict[str, Any], items: dict[str, dict], lines: dict[tuple, int]) -> list[Problem]:
    categories = sorted(doc.get("categories", []), key=lambda c: c["min"])
    if not categories:
        if doc["kind"] == "risk":
            return [Problem(line_of(lines, ("kind",)), N_("a risk tool needs its score categories."))]
        return []
    top = sum(MAX_ITEM_SCORE.get(i["type"], 0) for i in items.values())
    expected = 0
    for category in categories:
        if category["min"] != expected or category["max"] < category["min"]:
            return [Problem(line_of(lines, ("categories",)), N_("the score categories must cover every score from "
                                                                "0 to {top} without gaps or overlaps (check "
                                                                "around {score})."), {"top": top, "score": expected})]
        expected = category["max"] + 1
    if expected - 1 != top:
        return [Problem(line_of(lines, ("categories",)), N_("the score categories must cover every score from 0 to "
                                                            "{top} without gaps or overlaps (check around {score})."),
                        {"top": top, "score": expected})]
    return []


@dataclass(frozen=True)
class LoadedInstrument:
    instrument: Instrument
    document: dict[str, Any]
    sha256: str


def read_instrument_bytes(data: bytes, file: str) -> LoadedInstrument:
    doc = parse(decode(data, file, InstrumentInvalid), file, schema(), InstrumentInvalid, _semantic_problems)
    return LoadedInstrument(Instrument.from_document(doc), doc, hashlib.sha256(data).hexdigest())


def load_instrument(path: Path) -> LoadedInstrument:
    try:
        data = path.read_bytes()
    except OSError:
        raise InstrumentInvalid(path.name, [Problem(0, N_("the file cannot be read."))]) from None
    return read_instrument_bytes(data, path.name)


def shipped_files() -> list[Path]:
    return sorted(p for p in instruments_dir().glob("*.yaml") if not p.name.startswith("_"))
