"""Reading curriculum files: YAML → schema check → semantic checks → ``Curriculum``.

A file that fails any check is refused with its name, the line and a translated reason (the
first problem found; ``CurriculumInvalid.problems`` holds them all). Nothing is stored until a
file passes everything, so a refused import changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from instructor_app.curricula.model import LANGUAGES, Curriculum
from instructor_app.errors import UserError
from instructor_app.i18n import N_, _
from instructor_app.paths import resources_dir

MAX_FILE_BYTES = 2 * 1024 * 1024
LANGUAGE_NAMES = {"ky": N_("Kyrgyz"), "ru": N_("Russian")}


def curricula_dir() -> Path:
    return resources_dir() / "curricula"


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based; 0 when the file as a whole is at fault
    msgid: str
    params: dict[str, object] = field(default_factory=dict)

    def text(self) -> str:
        values = {k: _(v) if k == "language" else v for k, v in self.params.items()}
        return _(self.msgid).format(**values)


class CurriculumInvalid(UserError):
    default_msgid = N_("The curriculum file {file} was not imported (line {line}): {reason} Nothing was changed.")

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        first = problems[0]
        super().__init__(None, file=file, line=first.line, reason=first.msgid)

    def message(self) -> str:
        first = self.problems[0]
        text = _(self.msgid).format(file=self.file, line=first.line, reason=first.text())
        if len(self.problems) > 1:
            more = len(self.problems) - 1
            text += " " + _("{count} more problem(s) in the same file.").format(count=more)
        return text


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Safe YAML without implicit dates: ``valid_from: 2019-08-01`` stays text, as the schema says."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads((curricula_dir() / "curriculum.schema.json").read_text(encoding="utf-8"))


def _line_map(node: yaml.Node, path: tuple = ()) -> Iterator[tuple[tuple, int]]:
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield (*path, key.value), key.start_mark.line + 1
            yield from _line_map(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _line_map(item, (*path, index))


def _line_of(lines: dict[tuple, int], path: tuple) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def _schema_problem(error: jsonschema.ValidationError, lines: dict[tuple, int]) -> Problem:
    path = tuple(error.absolute_path)
    line = _line_of(lines, path)
    where = ".".join(str(p) for p in path) or "/"
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        name = missing[0] if missing else "?"
        if name in LANGUAGES:
            return Problem(line, N_("the {language} text of “{where}” is missing; every text needs Kyrgyz and Russian."),
                           {"language": LANGUAGE_NAMES[name], "where": where})
        return Problem(line, N_("the field “{name}” is missing in “{where}”."), {"name": name, "where": where})
    if error.validator == "pattern" and path and path[-1] in LANGUAGES:
        return Problem(line, N_("the {language} text of “{where}” is empty; every text needs Kyrgyz and Russian."),
                       {"language": LANGUAGE_NAMES[path[-1]], "where": ".".join(str(p) for p in path[:-1])})
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return Problem(_line_of(lines, (*path, extra[0])) if extra else line,
                       N_("unknown field “{name}” in “{where}”."), {"name": extra[0] if extra else "?", "where": where})
    if error.validator in ("enum", "const"):
        allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
        return Problem(line, N_("“{value}” is not allowed in “{where}”; use one of: {allowed}."),
                       {"value": error.instance, "where": where, "allowed": ", ".join(map(str, allowed))})
    if error.validator == "type":
        return Problem(line, N_("“{where}” has the wrong kind of value (expected: {expected})."),
                       {"where": where, "expected": error.validator_value})
    return Problem(line, N_("the value of “{where}” is not valid ({detail})."), {"where": where, "detail": error.message})


def _semantic_problems(doc: dict[str, Any], lines: dict[tuple, int]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, session in enumerate(doc["sessions"]):
        line = _line_of(lines, ("sessions", index))
        if session["key"] in seen:
            problems.append(Problem(line, N_("the session key “{key}” is used twice."), {"key": session["key"]}))
        seen.add(session["key"])
        total = sum(a["minutes"] for a in session["activities"])
        if total != session["minutes"]:
            problems.append(Problem(_line_of(lines, ("sessions", index, "minutes")),
                                    N_("session “{key}” lasts {minutes} min but its activities add up to {total} min."),
                                    {"key": session["key"], "minutes": session["minutes"], "total": total}))
    try:
        import datetime as dt

        dt.date.fromisoformat(doc["valid_from"])
    except ValueError:
        problems.append(Problem(_line_of(lines, ("valid_from",)), N_("“{value}” is not a date (YYYY-MM-DD)."),
                                {"value": doc["valid_from"]}))
    return problems


def validate_document(text: str, file: str) -> dict[str, Any]:
    """Parse and check; returns the document or raises ``CurriculumInvalid``."""
    try:
        root = yaml.compose(text, Loader=_Loader)
        doc = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise CurriculumInvalid(file, [Problem(mark.line + 1 if mark else 0, N_("the file is not valid YAML ({detail})."),
                                               {"detail": exc.problem or ""})]) from None
    except yaml.YAMLError:
        raise CurriculumInvalid(file, [Problem(0, N_("the file is not valid YAML."))]) from None
    if root is None or not isinstance(doc, dict):
        raise CurriculumInvalid(file, [Problem(1, N_("the file does not hold a curriculum."))])
    lines = dict(_line_map(root))
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: _line_of(lines, tuple(e.absolute_path)))
    if errors:
        raise CurriculumInvalid(file, [_schema_problem(e, lines) for e in errors])
    problems = _semantic_problems(doc, lines)
    if problems:
        raise CurriculumInvalid(file, problems)
    return doc


@dataclass(frozen=True)
class LoadedCurriculum:
    curriculum: Curriculum
    document: dict[str, Any]  # the validated document, stored as JSON with the groups that use it
    sha256: str


def read_curriculum_bytes(data: bytes, file: str) -> LoadedCurriculum:
    if len(data) > MAX_FILE_BYTES:
        raise CurriculumInvalid(file, [Problem(0, N_("the file is larger than 2 MB; a curriculum is much smaller."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CurriculumInvalid(file, [Problem(line, N_("the file is not UTF-8 text."))]) from None
    doc = validate_document(text, file)
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
