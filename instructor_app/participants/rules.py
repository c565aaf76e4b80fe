"""Rule parameters of the compliance engine, read from ``resources/rules/compliance.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from instructor_app.paths import resources_dir


@dataclass(frozen=True)
class RuleParameters:
    version: int
    order_end_alert_days: tuple[int, ...]
    max_unexcused_absences: dict[str, int]
    attended_marks: frozenset[str]
    rejoin_within_weeks: int
    follow_up_months: tuple[int, ...]
    follow_up_grace_days: int
    intake_incomplete_days: int

    @classmethod
    def from_file(cls, path: Path) -> RuleParameters:
        import yaml  # loaded on the DB worker, when the rules are first needed

        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if doc.get("format") != "instructor-app/rules" or doc.get("format_version") != 1:
            raise ValueError(f"{path.name}: not a rules file of format version 1")
        return cls(
            version=int(doc["version"]),
            order_end_alert_days=tuple(sorted((int(d) for d in doc["order_end_alert_days"]), reverse=True)),
            max_unexcused_absences={str(k): int(v) for k, v in doc["max_unexcused_absences"].items()},
            attended_marks=frozenset(doc["attended_marks"]),
            rejoin_within_weeks=int(doc["rejoin_within_weeks"]),
            follow_up_months=tuple(int(m) for m in doc["follow_up_months"]),
            follow_up_grace_days=int(doc["follow_up_grace_days"]),
            intake_incomplete_days=int(doc["intake_incomplete_days"]),
        )


@lru_cache(maxsize=1)
def compliance_rules() -> RuleParameters:
    return RuleParameters.from_file(resources_dir() / "rules" / "compliance.yaml")
