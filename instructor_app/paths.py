"""Where things live: the data folder (per user, overridable) and the shipped resources.

The data folder comes from, in order: an explicit ``--data-dir``, the ``INSTRUCTOR_APP_HOME``
environment variable, or platformdirs' per-user data folder. Everything uses pathlib so the
same code runs on the facilitators' Windows laptops and on Linux CI.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "InstructorApp"
ENV_HOME = "INSTRUCTOR_APP_HOME"


def _source_root() -> Path:
    """The folder holding ``resources/`` and ``locale/``: the repo, or a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return _source_root() / "resources"


def locale_dir() -> Path:
    return _source_root() / "locale"


def default_data_dir() -> Path:
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


@dataclass(frozen=True)
class DataFolder:
    """The files of one installation. Only ``database`` holds records, and it is encrypted."""

    root: Path

    @classmethod
    def resolve(cls, explicit: str | os.PathLike[str] | None = None) -> "DataFolder":
        return cls(Path(explicit).expanduser() if explicit else default_data_dir())

    @property
    def database(self) -> Path:
        return self.root / "instructor.db"

    @property
    def keystore(self) -> Path:
        return self.root / "keys.json"

    @property
    def config(self) -> Path:
        return self.root / "settings.json"

    @property
    def unlock_state(self) -> Path:
        return self.root / "unlock-state.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    def is_set_up(self) -> bool:
        """Set up = the key file exists (it is written last by the set-up)."""
        return self.keystore.exists()

    def ensure(self) -> None:
        """Create the folder tree (raises the OSError a read-only location gives)."""
        for folder in (self.root, self.logs, self.backups):
            folder.mkdir(parents=True, exist_ok=True)
