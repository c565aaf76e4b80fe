"""One process at a time on a data folder; restores and backups never replace what is in use or
what they could not verify."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from instructor_app import errors
from instructor_app.storage.backup import read_backup
from instructor_app.storage.models import Facilitator

from .conftest import MAN_PASSWORD, Installed
from .support import assert_one_clear_line, cli, message_in


def _facilitators(installed: Installed) -> int:
    opened = installed.unlock()
    try:
        with opened.db.session() as session:
            return session.scalar(select(func.count()).select_from(Facilitator))
    finally:
        opened.close()


def test_open_data_cannot_be_opened_or_replaced_by_another_process(installed: Installed, tmp_path: Path) -> None:
    copy = tmp_path / "copy.iabackup"
    opened = installed.unlock()
    try:
        opened.backup_to(copy)
        # another app window / command on the same folder, while this one has the data open
        unlock = cli(installed.root, "check", "--password-stdin", stdin=MAN_PASSWORD + "\n")
        assert assert_one_clear_line(unlock, 1) == message_in("ky", errors.DataInUse())
        before = installed.folder.database.read_bytes()
        restore = cli(installed.root, "restore", copy, "--password-stdin", stdin=MAN_PASSWORD + "\n")
        assert assert_one_clear_line(restore, 1) == message_in("ky", errors.DataInUse())
        assert installed.folder.database.read_bytes() == before
        # this process still writes to the same file it opened
        with opened.db.session(opened.actor.id) as session:
            session.add(Facilitator(centre_id=session.scalars(select(Facilitator)).first().centre_id,
                                    display_name="Нурлан Бекмуратов", gender="male"))
    finally:
        opened.close()
    assert _facilitators(installed) == 3  # nothing written meanwhile was lost
    # once closed, the other process may go ahead
    assert cli(installed.root, "check", "--password-stdin", stdin=MAN_PASSWORD + "\n").returncode == 0


def test_a_killed_process_does_not_leave_the_folder_locked(installed: Installed) -> None:
    # the lock is the OS's: a process that ends (here: the CLI) releases it whatever happens
    assert cli(installed.root, "check", "--password-stdin", stdin="wrong password\n").returncode == 2
    assert cli(installed.root, "check", "--password-stdin", stdin=MAN_PASSWORD + "\n").returncode == 0


def test_a_backup_from_a_newer_version_is_refused_before_anything_is_replaced(installed: Installed,
                                                                               tmp_path: Path) -> None:
    opened = installed.unlock()
    made = opened.backup_to(tmp_path / "made.iabackup")
    opened.close()
    newer = tmp_path / "newer.iabackup"
    with zipfile.ZipFile(made.path) as src, zipfile.ZipFile(newer, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["schema_revision"] = "9999"
                data = json.dumps(manifest).encode("ascii")
            dst.writestr(item, data)
    assert read_backup(newer)[0].schema_revision == "9999"
    before = installed.folder.database.read_bytes()
    with pytest.raises(errors.NewerSchema):
        installed.fresh_workspace().restore(newer, MAN_PASSWORD)
    assert installed.folder.database.read_bytes() == before
    assert not list(installed.folder.backups.glob("pre-restore-*"))
    assert _facilitators(installed) == 2


def test_a_backup_that_fails_verification_never_replaces_the_previous_one(installed: Installed,
                                                                          tmp_path: Path) -> None:
    opened = installed.unlock()
    try:
        usb = tmp_path / "usb"
        usb.mkdir()
        good = opened.backup_to(usb / "weekly.iabackup")
        previous = good.path.read_bytes()

        def broken_export(dest: Path) -> None:  # a copy the USB stick garbled on the way
            dest.write_bytes(b"\0" * 4096)

        opened.db.export_copy = broken_export  # type: ignore[method-assign]
        with pytest.raises(errors.BackupInvalid):
            opened.backup_to(good.path)
        assert good.path.read_bytes() == previous
        assert sorted(p.name for p in usb.iterdir()) == ["weekly.iabackup"]  # no partial files
    finally:
        opened.close()
