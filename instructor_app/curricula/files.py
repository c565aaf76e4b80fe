"""Reading curriculum files: YAML → schema check (``datafiles``) → semantic checks → ``Curriculum``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from instructor_app.curricula.model import Curriculum
from instructor_app.datafiles import DataFileInvalid, Problem, decode, line_of, parse
from instructor_app.i18n import N_
from instructor_app.paths import resources_dir


def curricula_dir() -> Path:
    return resources_dir() / "curricula"


class CurriculumInvalid(DataFileInvalid):
    default_msgid = N_("The curriculum file {file} was not imported (line {line}): {reason} Nothing was changed.")


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads((curricula_dir() / "curriculum.schema.json").read_text(encoding="utf-8"))


def _semantic_problems(doc: dict[str, Any], lines: dict[tuple, int]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, session in enumerate(doc["sessions"]):
        line = line_of(lines, ("sessions", index))
        if session["key"] in seen:
            problems.append(Problem(line, N_("the session key “{key}” is used twice."), {"key": session["key"]}))
        seen.add(session["key"])
        total = sum(a["minutes"] for a in session["activities"])
        if total != session["minutes"]:
            problems.append(Problem(line_of(lines, ("sessions", index, "minutes")),
                                    N_("session “{key}” lasts {minutes} min but its activities add up to {total} min."),
                                    {"key": session["key"], "minutes": session["minutes"], "total": total}))
    try:
        dt.date.fromisoformat(doc["valid_from"])
    except ValueError:
        problems.append(Problem(line_of(lines, ("valid_from",)), N_("“{value}” is not a date (YYYY-MM-DD)."),
                                {"value": doc["valid_from"]}))
    return problems


def validate_document(text: str, file: str) -> dict[str, Any]:
    """Parse and check; returns the document or raises ``CurriculumInvalid``."""
    return parse(text, file, schema(), CurriculumInvalid, _semantic_problems)


@dataclass(frozen=True)
class LoadedCurriculum:
    curriculum: Curriculum
    document: dict[str, Any]  # the validated document, stored as JSON with the groups that use it
    sha256: str


def read_curriculum_bytes(data: bytes, file: str) -> LoadedCurriculum:
    doc = validate_document(decode(data, file, CurriculumInvalid), file)
    return LoadedCurriculum(Curriculum.from_document(doc), doc, hashlib.sha256(data).hexdigest())


def load_curriculum(path: Path) -> LoadedCurriculum:
    try:
        data = path.read_bytes()
    except OSError:
        raise CurriculumInvalid(path.name, [Problem(0, N_("the file cannot be read."))]) from None
    return read_curriculum_bytes(data, path.name)


def shipped_files() -> list[Path]:
    """The curricula shipped with the app (``*.yaml``; files starting with ``_`` are drafts)."""
    return sorted(p for p in curricula_dir().glob("*.yaml") if not p.name.startswith("_"))
