"""Encrypted backups: written and verified, restored on a new laptop, refused when damaged."""

from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from instructor_app import errors
from instructor_app.paths import DataFolder
from instructor_app.services.workspace import Workspace
from instructor_app.storage import backup
from instructor_app.storage.keystore import Keystore
from instructor_app.storage.models import Centre, Facilitator

from .conftest import DEMO_PASSWORD, MAN, MAN_PASSWORD, WOMAN, WOMAN_PASSWORD, Demo, Installed
from .support import (
    FAST_KDF, SQLITE_HEADER, assert_one_clear_line, cli, describe, lines, sha256, snapshot,
)

NEWCOMER = "Мирлан Сыдыков"


def _add_facilitator(installed: Installed, name: str = NEWCOMER) -> None:
    opened = installed.unlock()
    try:
        with opened.db.session(installed.man_id) as session:
            centre = session.scalars(select(Centre)).one()
            session.add(Facilitator(centre_id=centre.id, display_name=name, gender="male"))
    finally:
        opened.close()


def _people(workspace: Workspace, account: str, password: str) -> tuple[str, list[str], int]:
    opened = workspace.unlock(account, password)
    try:
        view = opened.overview()
        report = opened.check()
        assert report.ok, report.problems
        return view.centre_name, sorted(a.display_name for a in view.facilitators), report.records
    finally:
        opened.close()


def _backup(installed: Installed, dest: Path) -> Path:
    opened = installed.unlock()
    try:
        info = opened.backup_to(dest)
    finally:
        opened.close()
    return info.path


def test_backup_is_written_verified_and_encrypted(installed: Installed, tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    opened = installed.unlock()
    try:
        info = opened.backup_to(tmp_path / "usb")  # a folder: the file gets a dated name
        listed = opened.list_backups()
    finally:
        opened.close()
    assert info.path.parent == tmp_path / "usb" and info.path.suffix == ".iabackup"
    assert info.size_bytes == info.path.stat().st_size > 0
    manifest = backup.verify_backup(info.path)
    assert manifest.store_id == Keystore.load(installed.folder.keystore).store_id
    assert manifest.schema_revision == info.schema_revision is not None
    with zipfile.ZipFile(info.path) as archive:
        assert sorted(archive.namelist()) == ["instructor.db", "keys.json", "manifest.json"]
        assert not archive.read("instructor.db").startswith(SQLITE_HEADER)
        assert hashlib.sha256(archive.read("instructor.db")).hexdigest() == manifest.db_sha256
        assert archive.read("keys.json") == installed.folder.keystore.read_bytes()
    assert listed == []  # the USB stick is not the backups folder
    assert not list(tmp_path.glob("usb/*.part")) and not list(tmp_path.glob("usb/*.db.part"))


def test_backup_name_gets_the_suffix(installed: Installed, tmp_path: Path) -> None:
    path = _backup(installed, tmp_path / "copy-for-office")
    assert path == tmp_path / "copy-for-office.iabackup"
    backup.verify_backup(path)


@pytest.mark.parametrize("secret", ["recovery", "woman"])
def test_restore_on_a_new_laptop(installed: Installed, tmp_path: Path, secret: str) -> None:
    _add_facilitator(installed)
    before = _people(installed.workspace, installed.man_id, MAN_PASSWORD)
    made = _backup(installed, tmp_path / "usb.iabackup")

    laptop = DataFolder(tmp_path / "new-laptop" / "InstructorApp")  # does not exist yet
    workspace = Workspace(laptop, kdf=FAST_KDF)
    assert not workspace.is_set_up()
    typed = installed.recovery_key.lower().replace("-", " ") if secret == "recovery" else WOMAN_PASSWORD
    manifest = workspace.restore(made, typed)
    assert manifest.store_id == Keystore.load(installed.folder.keystore).store_id
    assert workspace.is_set_up()
    assert {a.display_name for a in workspace.accounts()} == {MAN, WOMAN}
    assert _people(workspace, installed.man_id, MAN_PASSWORD) == before
    assert _people(workspace, installed.woman_id, WOMAN_PASSWORD) == before
    assert NEWCOMER in before[1]
    assert not list(laptop.root.glob(".restore-*"))


def test_restore_keeps_a_copy_of_the_current_files(installed: Installed, tmp_path: Path) -> None:
    made = _backup(installed, tmp_path / "older.iabackup")
    _add_facilitator(installed)  # made after the backup: the restore takes it away ...
    current = {"instructor.db": sha256(installed.folder.database), "keys.json": sha256(installed.folder.keystore)}

    installed.workspace.restore(made, MAN_PASSWORD)
    assert NEWCOMER not in _people(installed.workspace, installed.man_id, MAN_PASSWORD)[1]

    (kept,) = installed.folder.backups.glob("pre-restore-*")  # ... but its files are kept
    assert {name: sha256(kept / name) for name in current} == current
    restored_from_kept = Workspace(DataFolder(tmp_path / "from-kept"), kdf=FAST_KDF)
    restored_from_kept.folder.ensure()
    for name in current:
        (restored_from_kept.folder.root / name).write_bytes((kept / name).read_bytes())
    assert NEWCOMER in _people(restored_from_kept, installed.man_id, MAN_PASSWORD)[1]


def test_two_restores_in_a_row_keep_the_original_data(installed: Installed, tmp_path: Path) -> None:
    """Restoring the wrong backup, then the right one at once, must not lose the data from before."""
    first = _backup(installed, tmp_path / "first.iabackup")
    _add_facilitator(installed)
    second = _backup(installed, tmp_path / "second.iabackup")
    _add_facilitator(installed, "Бүбүсара Абдиева")  # only in the current data
    original = sha256(installed.folder.keystore), sha256(installed.folder.database)

    while time.time() % 1 > 0.5:  # both restores within one second of the clock
        time.sleep(0.05)
    installed.workspace.restore(first, MAN_PASSWORD)
    installed.workspace.restore(second, MAN_PASSWORD)

    kept = [(sha256(d / "keys.json"), sha256(d / "instructor.db")) for d in installed.folder.backups.glob("pre-restore-*")]
    assert original in kept, "the data from before the first restore was overwritten"


def _corrupt_db_member(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("instructor.db")
    assert info.compress_type == zipfile.ZIP_STORED
    with open(path, "r+b") as handle:
        handle.seek(info.header_offset + 30 + len(info.filename) + len(info.extra) + info.file_size // 2)
        chunk = handle.read(64)
        handle.seek(-64, os.SEEK_CUR)
        handle.write(bytes(b ^ 0x5A for b in chunk))


def _forged_db_member(path: Path, dest: Path) -> None:
    """A backup whose checksums match but whose database is not one (e.g. written by a bug)."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        keys = archive.read("keys.json")
    junk = os.urandom(manifest["db_bytes"])
    manifest["db_sha256"] = hashlib.sha256(junk).hexdigest()
    with zipfile.ZipFile(dest, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("keys.json", keys)
        archive.writestr("instructor.db", junk)


BAD_BACKUPS = {
    "flipped bytes in the database": lambda good, bad: (bad.write_bytes(good.read_bytes()), _corrupt_db_member(bad)),
    "truncated": lambda good, bad: bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2]),
    "not a zip": lambda good, bad: bad.write_bytes(b"%PDF-1.7 this is a report, not a backup" * 50),
    "empty file": lambda good, bad: bad.write_bytes(b""),
    "a zip of something else": lambda good, bad: zipfile.ZipFile(bad, "w").writestr("photo.jpg", b"\xff\xd8"),
    "checksums match, database does not": _forged_db_member,
    "missing": lambda good, bad: None,
}


@pytest.mark.parametrize("damage", list(BAD_BACKUPS))
def test_damaged_backup_is_refused_and_current_data_untouched(installed: Installed, tmp_path: Path, damage: str) -> None:
    good = _backup(installed, tmp_path / "good.iabackup")
    bad = tmp_path / "bad.iabackup"
    BAD_BACKUPS[damage](good, bad)
    before_people = _people(installed.workspace, installed.man_id, MAN_PASSWORD)
    before_files = snapshot(installed.root)

    with pytest.raises(errors.BackupInvalid) as caught:
        installed.workspace.restore(bad, MAN_PASSWORD)
    assert str(bad) in caught.value.message()
    assert snapshot(installed.root) == before_files  # nothing written, nothing moved, no temp left
    assert _people(installed.workspace, installed.man_id, MAN_PASSWORD) == before_people
    if bad.exists() and damage != "checksums match, database does not":
        with pytest.raises(errors.BackupInvalid):
            backup.verify_backup(bad)


def test_restore_with_a_wrong_secret_changes_nothing(installed: Installed, tmp_path: Path) -> None:
    made = _backup(installed, tmp_path / "b.iabackup")
    before = snapshot(installed.root)
    with pytest.raises(errors.WrongPassword) as caught:
        installed.workspace.restore(made, "not-a-password")
    assert caught.value.message() != errors.WrongPassword().message()  # says: password OR recovery key
    after = snapshot(installed.root)
    after.pop("unlock-state.json", None)
    assert after == before


def test_auto_backup_keeps_only_the_newest(installed: Installed, tmp_path: Path) -> None:
    opened = installed.unlock()
    try:
        manual = opened.backup_to(installed.folder.backups / "before-the-training")
        made = [opened.auto_backup(keep=2).path for _ in range(4)]
        listed = [b.path for b in opened.list_backups()]
    finally:
        opened.close()
    autos = sorted(installed.folder.backups.glob("auto-*.iabackup"))
    assert autos == sorted(made[-2:])
    assert manual.path.exists()  # only the rolling automatic backups are pruned
    assert set(listed) == {*made[-2:], manual.path}
    for path in autos:
        backup.verify_backup(path)


# --- the CLI ------------------------------------------------------------------------------------

def test_cli_backup_and_restore(demo_folder: Demo, tmp_path: Path) -> None:
    target = tmp_path / "usb" / "demo.iabackup"
    target.parent.mkdir()
    result = cli(demo_folder.root, "backup", target, "--password-stdin", stdin=DEMO_PASSWORD + "\n")
    assert result.returncode == 0, describe(result)
    assert len(lines(result.stdout)) == 1 and str(target) in result.stdout and result.stderr == ""
    backup.verify_backup(target)

    laptop = tmp_path / "new-laptop"
    result = cli(laptop, "restore", target, "--password-stdin", stdin=demo_folder.recovery_key + "\n")
    assert result.returncode == 0, describe(result)
    assert len(lines(result.stdout)) == 1 and result.stderr == ""
    result = cli(laptop, "check", "--password-stdin", stdin=DEMO_PASSWORD + "\n")
    assert result.returncode == 0, describe(result)
    assert sha256(laptop / "keys.json") == sha256(demo_folder.root / "keys.json")

    result = cli(demo_folder.root, "restore", target, "--password-stdin", stdin="not-the-password\n")
    assert_one_clear_line(result, 2)
    result = cli(demo_folder.root, "restore", tmp_path / "nothing-here.iabackup", "--password-stdin",
                 stdin=DEMO_PASSWORD + "\n")
    assert_one_clear_line(result, 1)


def test_cli_backup_with_a_wrong_password_writes_nothing(demo_folder: Demo, tmp_path: Path) -> None:
    target = tmp_path / "x.iabackup"
    result = cli(demo_folder.root, "backup", target, "--password-stdin", stdin="wrong-one\n")
    assert_one_clear_line(result, 2)
    assert not target.exists() and not list(tmp_path.glob("x.iabackup*"))
