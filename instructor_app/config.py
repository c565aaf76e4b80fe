"""Per-installation settings kept in the data folder (readable before unlock: the unlock screen
needs the language). Holds no personal data."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from instructor_app.fileio import atomic_write_json
from instructor_app.i18n import DEFAULT_LANGUAGE, LANGUAGES

log = logging.getLogger(__name__)

IDLE_LOCK_RANGE = (1, 240)
AUTO_BACKUP_RANGE = (1, 50)


@dataclass(frozen=True)
class Settings:
    language: str = DEFAULT_LANGUAGE
    idle_lock_minutes: int = 10
    auto_backups_kept: int = 5
    large_text: bool = False  # session plans in large print, readable across the room

    def validated(self) -> "Settings":
        language = self.language if self.language in LANGUAGES else DEFAULT_LANGUAGE
        idle = min(max(int(self.idle_lock_minutes), IDLE_LOCK_RANGE[0]), IDLE_LOCK_RANGE[1])
        kept = min(max(int(self.auto_backups_kept), AUTO_BACKUP_RANGE[0]), AUTO_BACKUP_RANGE[1])
        return replace(self, language=language, idle_lock_minutes=idle, auto_backups_kept=kept,
                       large_text=bool(self.large_text))


def load_settings(path: Path) -> Settings:
    """Settings from the file; defaults for anything missing or unreadable (never fails)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(Settings)}
        return Settings(**{k: v for k, v in data.items() if k in known}).validated()
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError, TypeError, AttributeError, OverflowError) as exc:
        log.warning("settings file unreadable, using defaults: %s", type(exc).__name__)
        return Settings()


def save_settings(path: Path, settings: Settings) -> None:
    atomic_write_json(path, asdict(settings.validated()))
