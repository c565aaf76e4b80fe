"""Shared fixtures: a real installation (encrypted database + key file) in tmp_path.

``installed`` sets up a data folder in-process with a cheap Argon2 cost (fast); ``demo_folder``
is a copy of a folder made once per session by the real CLI (``demo``) at the default cost.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from instructor_app import i18n
from instructor_app.demo import DEMO_CENTRE, DEMO_FACILITATORS
from instructor_app.paths import DataFolder
from instructor_app.services.data import FacilitatorDraft, SetupRequest, SetupResult
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.workspace import Workspace
from instructor_app.storage.keystore import Keystore

from .pg import BACKENDS, Postgres, server_database, start_postgres_or_skip
from .support import FAST_KDF, cli, copy_folder, describe

DEMO_PASSWORD = "demo-pass"  # what 'make run' uses
DEMO_NAMES = tuple(name for name, _ in DEMO_FACILITATORS)
__all__ = ["BACKENDS", "CENTRE", "DEMO_CENTRE", "DEMO_NAMES", "DEMO_PASSWORD", "Installed", "MAN", "MAN_PASSWORD",
           "WOMAN", "WOMAN_PASSWORD", "server_database", "set_up_folder"]

CENTRE = "Кара-Балта шаардык «Ынтымак» борбору"
MAN, WOMAN = "Нурлан Асанбеков", "Айгүл Токтосунова"
MAN_PASSWORD = "Jazgy-Tang-2026"
WOMAN_PASSWORD = "Күз-келди-2026"  # typed on a Cyrillic layout: non-ASCII passwords must work


@dataclass
class Installed:
    """A set-up data folder: a centre and its facilitator pair, locked (database closed)."""

    folder: DataFolder
    workspace: Workspace
    man_id: str
    woman_id: str
    recovery_key: str
    setup: SetupResult

    @property
    def root(self) -> Path:
        return self.folder.root

    def unlock(self, who: str = "man") -> OpenWorkspace:
        if who == "man":
            return self.workspace.unlock(self.man_id, MAN_PASSWORD)
        return self.workspace.unlock(self.woman_id, WOMAN_PASSWORD)

    def data_key(self) -> bytes:
        return Keystore.load(self.folder.keystore).unlock(self.man_id, MAN_PASSWORD)

    def fresh_workspace(self) -> Workspace:
        """What the app builds on its next start for the same folder."""
        return Workspace(self.folder, kdf=FAST_KDF)


def set_up_folder(root: Path, *, language: str = "ky") -> Installed:
    folder = DataFolder(root)
    workspace = Workspace(folder, kdf=FAST_KDF)
    opened, result = workspace.set_up(SetupRequest(
        centre_name=CENTRE, region="chui", language=language,
        facilitators=(FacilitatorDraft(MAN, "male", MAN_PASSWORD),
                      FacilitatorDraft(WOMAN, "female", WOMAN_PASSWORD)),
    ))
    opened.close()
    by_name = {a.display_name: a.id for a in workspace.accounts()}
    installed = Installed(folder, workspace, by_name[MAN], by_name[WOMAN], result.recovery_key, result)
    uuid.UUID(installed.man_id)  # account ids are the facilitators' UUIDs
    return installed


@pytest.fixture
def installed(tmp_path: Path) -> Installed:
    return set_up_folder(tmp_path / "data")


@dataclass(frozen=True)
class Demo:
    root: Path
    recovery_key: str


_RECOVERY = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){7}\b")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """``instructor-app demo`` run once, at the real Argon2 cost. Never modified: copy it."""
    root = tmp_path_factory.mktemp("demo-template") / "data"
    result = cli(root, "demo", "--password-stdin", stdin=DEMO_PASSWORD + "\n")
    assert result.returncode == 0, describe(result)
    keys = _RECOVERY.findall(result.stdout)
    assert len(keys) == 1, describe(result)
    return Demo(root, keys[0])


@pytest.fixture
def demo_folder(demo_template: Demo, tmp_path: Path) -> Demo:
    """A private copy of the demo data folder (tests may change it)."""
    return Demo(copy_folder(demo_template.root, tmp_path / "demo"), demo_template.recovery_key)


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    before = i18n.current_language()
    yield
    if i18n.current_language() != before:
        i18n.set_language(before)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Undo ``setup_logging`` (it installs a handler on the root logger)."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """One throwaway PostgreSQL for the session (tests/core/pg.py); skipped without one, an error with CI=true."""
    server = start_postgres_or_skip()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def server_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL for the receiving service: a SQLite file, then a PostgreSQL database."""
    with server_database(request, tmp_path) as url:
        yield url
