"""Data files (curricula, instruments): YAML → JSON Schema → line-accurate, translated problems.

A file that fails any check is refused with its name, the line and a translated reason (the first
problem found; ``DataFileInvalid.problems`` holds them all). Nothing is stored until a file passes
everything, so a refused import changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import yaml

from instructor_app.errors import UserError
from instructor_app.i18n import N_, _

LANGUAGES = ("ky", "ru")
MAX_FILE_BYTES = 2 * 1024 * 1024
LANGUAGE_NAMES = {"ky": N_("Kyrgyz"), "ru": N_("Russian")}


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based; 0 when the file as a whole is at fault
    msgid: str
    params: dict[str, object] = field(default_factory=dict)

    def text(self) -> str:
        values = {k: _(v) if k == "language" else v for k, v in self.params.items()}
        return _(self.msgid).format(**values)


class DataFileInvalid(UserError):
    """A data file (curriculum, instrument) refused: its name, the line and a translated reason."""

    default_msgid = N_("The file {file} was not imported (line {line}): {reason} Nothing was changed.")

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


class Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Safe YAML without implicit dates: ``valid_from: 2019-08-01`` stays text, as the schema says."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def line_map(node: yaml.Node, path: tuple = ()) -> Iterator[tuple[tuple, int]]:
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield (*path, key.value), key.start_mark.line + 1
            yield from line_map(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from line_map(item, (*path, index))


def line_of(lines: dict[tuple, int], path: tuple) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def schema_problem(error: jsonschema.ValidationError, lines: dict[tuple, int]) -> Problem:
    path = tuple(error.absolute_path)
    line = line_of(lines, path)
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
        return Problem(line_of(lines, (*path, extra[0])) if extra else line,
                       N_("unknown field “{name}” in “{where}”."), {"name": extra[0] if extra else "?", "where": where})
    if error.validator in ("enum", "const"):
        allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
        return Problem(line, N_("“{value}” is not allowed in “{where}”; use one of: {allowed}."),
                       {"value": error.instance, "where": where, "allowed": ", ".join(map(str, allowed))})
    if error.validator == "type":
        return Problem(line, N_("“{where}” has the wrong kind of value (expected: {expected})."),
                       {"where": where, "expected": error.validator_value})
    return Problem(line, N_("the value of “{where}” is not valid ({detail})."), {"where": where, "detail": error.message})


def parse(text: str, file: str, schema: dict[str, Any], error: type[DataFileInvalid],
          semantic: Callable[[dict[str, Any], dict[tuple, int]], list[Problem]] | None = None) -> dict[str, Any]:
    """Parse and check a YAML text; returns the document or raises ``error`` (a DataFileInvalid)."""
    try:
        root = yaml.compose(text, Loader=Loader)
        doc = yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise error(file, [Problem(mark.line + 1 if mark else 0, N_("the file is not valid YAML ({detail})."),
                                   {"detail": exc.problem or ""})]) from None
    except yaml.YAMLError:
        raise error(file, [Problem(0, N_("the file is not valid YAML."))]) from None
    if root is None or not isinstance(doc, dict):
        raise error(file, [Problem(1, N_("the file does not hold the expected content."))])
    lines = dict(line_map(root))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: line_of(lines, tuple(e.absolute_path)))
    if errors:
        raise error(file, [schema_problem(e, lines) for e in errors])
    problems = semantic(doc, lines) if semantic else []
    if problems:
        raise error(file, problems)
    return doc


def decode(data: bytes, file: str, error: type[DataFileInvalid]) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise error(file, [Problem(0, N_("the file is larger than 2 MB; such a file is much smaller."))])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(file, [Problem(line, N_("the file is not UTF-8 text."))]) from None
