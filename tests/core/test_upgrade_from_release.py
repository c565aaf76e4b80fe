"""A data folder made by the previous release opens in this one: schema upgraded to head, a verified
backup of the old data made first, the centre and facilitators intact, the programme features usable.

The fixture ``data/release-0.1/`` was made by the foundation release's own CLI (its README says how);
tests always work on a copy.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from instructor_app.paths import DataFolder
from instructor_app.services.programme_data import GroupDraft
from instructor_app.services.workspace import Workspace
from instructor_app.storage import backup, migrate

from .support import FAST_KDF, SQLITE_HEADER, cli, describe

RELEASE = Path(__file__).parent / "data" / "release-0.1"
RELEASE_SCHEMA = "0002"
PASSWORD = "demo-pass"
RELEASE_RECOVERY_KEY = "4HM6-75HC-H41D-AW97-6WB8-3SK3-YG2W-DRN5"
CENTRE = "Ош шаардык «Үмүт» кризистик борбору"  # the release's demo centre
FACILITATORS = ["Бакыт Жумабеков", "Гүлзат Ормонова"]


@pytest.fixture
def old_folder(tmp_path: Path) -> DataFolder:
    root = tmp_path / "data"
    shutil.copytree(RELEASE, root, ignore=shutil.ignore_patterns("README.md"))
    # as copied by hand from an old laptop: no logs/ or backups/ folder (the upgrade makes them)
    return DataFolder(root)


def test_the_fixture_is_an_encrypted_folder_of_the_previous_schema() -> None:
    assert sorted(p.name for p in RELEASE.iterdir()) == ["README.md", "instructor.db", "keys.json", "settings.json"]
    assert sum(p.stat().st_size for p in RELEASE.iterdir()) < 200_000
    assert not (RELEASE / "instructor.db").read_bytes().startswith(SQLITE_HEADER)
    assert RELEASE_SCHEMA in migrate.known_revisions() and RELEASE_SCHEMA != migrate.head_revision()


def _upgrade_backups(folder: DataFolder) -> list[Path]:
    return sorted(folder.backups.glob(f"pre-upgrade-{RELEASE_SCHEMA}-*{backup.SUFFIX}"))


def _assert_one_verified_upgrade_backup(folder: DataFolder) -> None:
    made = _upgrade_backups(folder)
    assert len(made) == 1, [p.name for p in folder.backups.iterdir()]
    manifest = backup.verify_backup(made[0])
    assert manifest.schema_revision == RELEASE_SCHEMA  # the copy holds the data as it was


def test_cli_check_upgrades_the_release_folder_after_a_backup(old_folder: DataFolder) -> None:
    result = cli(old_folder.root, "check", "--password-stdin", stdin=PASSWORD + "\n", lang="ru")
    assert result.returncode == 0, describe(result)
    assert migrate.head_revision() in result.stdout, describe(result)
    _assert_one_verified_upgrade_backup(old_folder)

    # the next start (the desktop app's unlock) finds the schema current: no second upgrade backup
    opened = Workspace(old_folder, kdf=FAST_KDF).unlock_any(PASSWORD)
    try:
        assert opened.db.schema_revision() == migrate.head_revision()
        view = opened.overview()
        assert view.centre_name == CENTRE
        assert sorted(a.display_name for a in view.facilitators) == sorted(FACILITATORS)
    finally:
        opened.close()
    _assert_one_verified_upgrade_backup(old_folder)


def test_unlock_upgrades_the_release_folder_and_the_programmes_work(old_folder: DataFolder) -> None:
    workspace = Workspace(old_folder, kdf=FAST_KDF)
    accounts = workspace.accounts()  # the unlock list reads the release's key file as it is
    assert sorted(a.display_name for a in accounts) == sorted(FACILITATORS)
    man = next(a for a in accounts if a.gender == "male")

    opened = workspace.unlock(man.id, PASSWORD)
    try:
        assert opened.db.schema_revision() == migrate.head_revision()
        assert opened.check().ok
        view = opened.overview()
        assert view.centre_name == CENTRE
        assert sorted(a.display_name for a in view.facilitators) == sorted(FACILITATORS)

        programmes = opened.curricula.list()
        assert programmes and {p.origin for p in programmes} == {"shipped"}
        mandatory = next(p for p in programmes if p.key == "tcp-mandatory" and p.latest)
        people = {p.gender: p for p in opened.facilitators()}
        start = dt.date(2026, 3, 2)
        detail = opened.groups.create(GroupDraft(
            name="Эркектер тобу", curriculum_version_id=mandatory.id, language="ky", participant_gender="male",
            lead_facilitator_id=people["male"].id, co_facilitator_id=people["female"].id,
            pair_exception_reason="", room="1", weekday=start.weekday(), start_time="10:00", start_date=start,
        ), today=start)
        assert len(detail.sessions) == mandatory.group_sessions  # the group meetings get dates
    finally:
        opened.close()
    _assert_one_verified_upgrade_backup(old_folder)
    assert not old_folder.database.read_bytes().startswith(SQLITE_HEADER)

    # the release's recovery key still opens the upgraded data (the key file was not rewritten)
    Workspace(old_folder, kdf=FAST_KDF).unlock_any(RELEASE_RECOVERY_KEY).close()
