"""Bad input and a hostile environment: wrong passwords, damaged or foreign files, a full disk,
a read-only folder. Each gives one clear message, and committed data survives."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from instructor_app import errors
from instructor_app.paths import DataFolder
from instructor_app.services.data import FacilitatorDraft, SetupRequest
from instructor_app.services.unlock_throttle import MAX_DELAY_S, UnlockThrottle, delay_after
from instructor_app.services.workspace import Workspace
from instructor_app.storage.backup import verify_backup
from instructor_app.storage.models import Centre, Facilitator

from .conftest import CENTRE, MAN_PASSWORD, WOMAN_PASSWORD, Installed, set_up_folder
from .support import (
    FAST_KDF, TRACEBACK, assert_one_clear_line, cli, describe, fill_disk, flip_bytes, free_bytes,
    lines, message_in, remount_read_only, sha256, snapshot, tmpfs,
)

# --- wrong passwords: a growing delay ------------------------------------------------------------


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_delay_grows_after_the_free_attempts_and_is_capped() -> None:
    assert [delay_after(n) for n in range(0, 10)] == [0, 0, 1, 2, 4, 8, 16, 32, MAX_DELAY_S, MAX_DELAY_S]
    assert delay_after(1000) == MAX_DELAY_S


def test_throttle_counts_failures_across_restarts(tmp_path: Path) -> None:
    clock = FakeClock()
    state = tmp_path / "unlock-state.json"
    throttle = UnlockThrottle(state, clock=clock)
    assert throttle.failed() == 0 and throttle.retry_after() == 0          # 1st wrong password
    assert throttle.failed() == 1 and throttle.retry_after() == 1          # 2nd: wait 1 s
    assert throttle.failed() == 2 and throttle.retry_after() == 2          # 3rd: 2 s
    assert throttle.failed() == 4 and throttle.retry_after() == 4          # 4th: 4 s
    clock.now += 3
    assert UnlockThrottle(state, clock=clock).retry_after() == pytest.approx(1)  # the app restarted
    clock.now += 1
    assert UnlockThrottle(state, clock=clock).retry_after() == 0
    throttle.succeeded()
    assert not state.exists()
    assert throttle.failed() == 0  # counting starts again after a success
    assert "Бакыт" not in state.read_text(encoding="ascii") and set(json.loads(state.read_text())) == {
        "failures", "last_failure"}


@pytest.mark.parametrize("content", ["", "garbage", "[]", '{"failures": "x"}', '{"failures": 3}'])
def test_damaged_throttle_state_never_locks_anyone_out(tmp_path: Path, content: str) -> None:
    state = tmp_path / "unlock-state.json"
    state.write_text(content)
    assert UnlockThrottle(state, clock=FakeClock()).retry_after() == 0


def test_clock_set_back_does_not_lock_the_facilitator_out(tmp_path: Path) -> None:
    """Wrong passwords typed while the laptop's clock was a day ahead; then the clock is fixed.
    The wait must stay within the designed maximum, not last a whole day."""
    clock = FakeClock()
    throttle = UnlockThrottle(tmp_path / "unlock-state.json", clock=clock)
    clock.now += 24 * 3600
    for _ in range(4):
        throttle.failed()
    clock.now -= 24 * 3600
    assert throttle.retry_after() <= MAX_DELAY_S


def test_workspace_makes_the_next_try_wait(installed: Installed) -> None:
    workspace = installed.workspace
    with pytest.raises(errors.WrongPassword) as first:
        workspace.unlock(installed.man_id, "wrong-password-1")
    with pytest.raises(errors.WrongPassword) as second:
        workspace.unlock(installed.man_id, "wrong-password-2")
    assert first.value.retry_after == 0 and second.value.retry_after == 1
    with pytest.raises(errors.WaitBeforeRetry) as waiting:  # even the right password waits
        workspace.unlock(installed.man_id, MAN_PASSWORD)
    assert 0 < waiting.value.retry_after <= 1
    assert "1" in waiting.value.message()
    with pytest.raises(errors.WaitBeforeRetry):  # the app was restarted: still waiting
        installed.fresh_workspace().unlock_any(MAN_PASSWORD)
    with pytest.raises(errors.WaitBeforeRetry):  # the recovery key is throttled too
        installed.fresh_workspace().reset_password(installed.recovery_key, installed.man_id, "new-password-1")
    time.sleep(waiting.value.retry_after + 0.05)
    installed.fresh_workspace().unlock(installed.man_id, MAN_PASSWORD).close()
    assert not installed.folder.unlock_state.exists()
    with pytest.raises(errors.WrongPassword) as again:
        workspace.unlock(installed.man_id, "wrong-password-3")
    assert again.value.retry_after == 0


# --- damaged or foreign files ----------------------------------------------------------------


PAGE = 4096  # SQLCipher 4's page size


def _how_damage_is_noticed(workspace: Workspace, account: str, password: str) -> str:
    """What the facilitator sees when opening and checking damaged data."""
    try:
        opened = workspace.unlock(account, password)
    except errors.StoreDamaged:
        return "unlock refused"
    except BaseException as exc:  # noqa: BLE001 - the point is to catch anything else
        return f"unlock CRASH {type(exc).__name__}: {str(exc)[:80]}"
    try:
        report = opened.check()
        outcome = "check FAILED" if not report.ok else "NOT DETECTED"
    except errors.StoreDamaged:
        outcome = "check refused"
    except BaseException as exc:  # noqa: BLE001
        outcome = f"check CRASH {type(exc).__name__}: {str(exc)[:80]}"
    try:
        opened.close()
    except BaseException as exc:  # noqa: BLE001
        outcome += f"; lock CRASH {type(exc).__name__}"
    return outcome


NOTICED = ("unlock refused", "check FAILED", "check refused")


def test_damaged_first_page_is_store_damaged(installed: Installed) -> None:
    flip_bytes(installed.folder.database, 100, 64)
    before = snapshot(installed.root)
    with pytest.raises(errors.StoreDamaged) as caught:
        installed.unlock()
    assert "backup" in caught.value.msgid
    assert snapshot(installed.root) == before


def test_every_damaged_page_is_reported_and_nothing_crashes(installed: Installed, tmp_path: Path) -> None:
    """Flip bytes in each page of the database in turn. The facilitator must get StoreDamaged at
    unlock, or a FAILED integrity check (or StoreDamaged) from check(); never another exception,
    and locking afterwards must work."""
    size = installed.folder.database.stat().st_size
    assert size % PAGE == 0 and size // PAGE >= 8
    outcomes: dict[int, str] = {}
    for page in range(size // PAGE):
        copy = shutil.copytree(installed.root, tmp_path / f"page{page}")
        flip_bytes(copy / "instructor.db", page * PAGE + PAGE // 2, 48)
        outcomes[page] = _how_damage_is_noticed(Workspace(DataFolder(copy), kdf=FAST_KDF),
                                                installed.man_id, MAN_PASSWORD)
    bad = {page: what for page, what in outcomes.items() if what not in NOTICED}
    assert bad == {}, f"pages handled badly: {bad}"


def _data_page_of(installed: Installed) -> int:
    """A page not read while unlocking (the facilitator table's root page)."""
    import sqlcipher3  # the driver the app ships with

    conn = sqlcipher3.connect(str(installed.folder.database))
    try:
        conn.execute(f"PRAGMA key = \"x'{installed.data_key().hex()}'\"")
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'facilitator'").fetchone()
        return int(root) - 1
    finally:
        conn.close()


@pytest.mark.parametrize("where", ["header page", "data page"])
def test_cli_check_of_a_damaged_database_prints_one_line(installed: Installed, where: str) -> None:
    page = 0 if where == "header page" else _data_page_of(installed)
    flip_bytes(installed.folder.database, page * PAGE + 1000, 64)
    result = cli(installed.root, "check", "--password-stdin", stdin=MAN_PASSWORD + "\n")
    assert result.returncode == 1, describe(result)
    assert TRACEBACK not in result.stdout + result.stderr
    assert len(lines(result.stdout + result.stderr)) == 1, describe(result)
    if where == "header page":
        assert lines(result.stderr) == [message_in("ky", errors.StoreDamaged())]


def test_truncated_database_is_store_damaged(installed: Installed) -> None:
    db = installed.folder.database
    with open(db, "r+b") as handle:
        handle.truncate(db.stat().st_size // 3)
    assert _how_damage_is_noticed(installed.workspace, installed.man_id, MAN_PASSWORD) in NOTICED


def test_emptied_database_file_is_store_damaged_not_an_empty_app(installed: Installed) -> None:
    """A 0-byte instructor.db (copy interrupted, FAT stick unplugged) must not open as a new, empty
    database: the facilitator would see no data and start writing into a fresh store."""
    installed.folder.database.write_bytes(b"")
    with pytest.raises(errors.StoreDamaged):
        opened = installed.unlock()
        opened.close()


def test_foreign_sqlite_database_is_store_damaged(installed: Installed) -> None:
    db = installed.folder.database
    db.unlink()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Бакыт')")
    conn.commit()
    conn.close()
    before = sha256(db)
    with pytest.raises(errors.StoreDamaged):
        installed.unlock()
    assert sha256(db) == before
    result = cli(installed.root, "check", "--password-stdin", stdin=MAN_PASSWORD + "\n")
    assert assert_one_clear_line(result, 1) == message_in("ky", errors.StoreDamaged())


def test_random_bytes_as_database_is_store_damaged(installed: Installed) -> None:
    import os

    installed.folder.database.write_bytes(os.urandom(64 * 1024))
    with pytest.raises(errors.StoreDamaged):
        installed.unlock()


def test_missing_key_file_with_data_present_is_keystore_damaged(installed: Installed) -> None:
    installed.folder.keystore.unlink()
    workspace = installed.fresh_workspace()
    assert not workspace.is_set_up()
    with pytest.raises(errors.KeystoreDamaged):
        workspace.accounts()
    with pytest.raises(errors.KeystoreDamaged):
        workspace.unlock(installed.man_id, MAN_PASSWORD)
    result = cli(installed.root, "check", "--password-stdin", stdin=MAN_PASSWORD + "\n")
    assert assert_one_clear_line(result, 1) == message_in("ky", errors.KeystoreDamaged())

    # A new set-up never overwrites nor deletes that database: it is moved aside, byte for byte.
    orphan = installed.folder.database.read_bytes()
    opened, _ = workspace.set_up(SetupRequest("Борбор", "osh", "ky", (FacilitatorDraft("Азамат", "male", "password-123"),)))
    opened.close()
    kept = list(installed.folder.backups.glob("orphaned-*/instructor.db"))
    assert len(kept) == 1 and kept[0].read_bytes() == orphan


def test_empty_folder_is_not_set_up(tmp_path: Path) -> None:
    workspace = Workspace(DataFolder(tmp_path / "nothing"), kdf=FAST_KDF)
    with pytest.raises(errors.NotSetUp):
        workspace.unlock("00000000-0000-0000-0000-000000000000", "whatever-password")
    result = cli(tmp_path / "nothing", "check", "--password-stdin", stdin="whatever-password\n")
    assert_one_clear_line(result, 1)


# --- a full disk (a real 3 MB tmpfs) -------------------------------------------------------------


def _facilitator_names(installed: Installed) -> set[str]:
    opened = installed.unlock()
    try:
        with opened.db.session() as session:
            return set(session.scalars(select(Facilitator.display_name)))
    finally:
        opened.close()


@pytest.mark.needs_root
def test_full_disk_gives_a_clear_message_and_keeps_committed_data(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "3m") as disk:
        installed = set_up_folder(disk / "data")
        opened = installed.unlock()
        try:
            with opened.db.session(installed.man_id) as session:
                centre_id = session.scalar(select(Centre.id))
                for i in range(5):
                    session.add(Facilitator(centre_id=centre_id, display_name=f"Катышуучу {i}", gender="male"))
            committed = {f"Катышуучу {i}" for i in range(5)}
            filler = disk / "filler.bin"
            fill_disk(filler)
            assert free_bytes(disk) < 4096

            with pytest.raises(errors.DiskFull) as caught:
                opened.backup_to(installed.folder.backups / "manual")
            assert caught.value.message() == message_in("ky", errors.DiskFull())
            assert not list(installed.folder.backups.iterdir())  # no partial backup left behind

            with pytest.raises(errors.DiskFull):
                for i in range(50):  # the WAL must grow: sooner or later a write hits the full disk
                    with opened.db.session(installed.man_id) as session:
                        session.add(Facilitator(centre_id=centre_id, display_name=f"Жаңы {i}", gender="female"))
                    committed.add(f"Жаңы {i}")
        finally:
            opened.close()  # locking still works on a full disk

        filler.unlink()
        names = _facilitator_names(installed)
        assert committed <= names
        opened = installed.unlock()
        try:
            assert opened.check().ok
            with opened.db.session(installed.man_id) as session:  # and writing works again
                session.add(Facilitator(centre_id=centre_id, display_name="Кийинки", gender="male"))
        finally:
            opened.close()


@pytest.mark.needs_root
def test_cli_on_a_full_disk_prints_one_line(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "3m") as disk:
        installed = set_up_folder(disk / "data")
        fill_disk(disk / "filler.bin")
        result = cli(installed.root, "backup", installed.folder.backups / "b.iabackup", "--password-stdin",
                     stdin=MAN_PASSWORD + "\n")
        assert assert_one_clear_line(result, 1) == message_in("ky", errors.DiskFull())


@pytest.mark.needs_root
def test_a_full_data_disk_still_lets_you_back_up_elsewhere(tmp_path: Path) -> None:
    """The laptop's disk is full: the facilitator must still be able to open the data and save a
    backup onto a USB stick (the audit log entry can wait)."""
    with tmpfs(tmp_path / "disk", "3m") as disk, tmpfs(tmp_path / "usb", "3m") as usb:
        installed = set_up_folder(disk / "data")
        fill_disk(disk / "filler.bin")
        result = cli(installed.root, "backup", usb / "rescue.iabackup", "--password-stdin", stdin=MAN_PASSWORD + "\n")
        assert result.returncode == 0, describe(result)
        assert (usb / "rescue.iabackup").exists()
        assert verify_backup(usb / "rescue.iabackup").schema_revision is not None


@pytest.mark.needs_root
def test_set_up_on_a_full_disk_can_be_retried(tmp_path: Path) -> None:
    """Set-up fails half-way for lack of space; after freeing space it must be possible to set up
    (not 'already set up' with no key file, which no one could ever unlock)."""
    with tmpfs(tmp_path / "disk", "3m") as disk:
        filler = disk / "filler.bin"
        fill_disk(filler, leave=24 * 1024)  # room for the key file, not for the whole database
        with pytest.raises(errors.DiskFull):
            set_up_folder(disk / "data")
        filler.unlink()
        installed = set_up_folder(disk / "data")
        assert installed.unlock().overview().centre_name == CENTRE


# --- a read-only folder (write-protected USB stick) ------------------------------------------


@pytest.mark.needs_root
def test_read_only_folder_refuses_set_up_with_one_clear_line(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "stick", "3m") as stick:
        remount_read_only(stick)
        with pytest.raises(errors.FolderNotWritable) as caught:
            set_up_folder(stick / "data")
        assert str(stick / "data") in caught.value.message()
        result = cli(stick / "data", "demo", "--password-stdin", stdin="demo-password\n")
        assert_one_clear_line(result, 1)
        assert list(stick.iterdir()) == []


@pytest.mark.needs_root
def test_data_on_a_read_only_stick_gives_one_clear_line(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "stick", "3m") as stick:
        installed = set_up_folder(stick / "data")
        before = snapshot(installed.root)
        remount_read_only(stick)
        with pytest.raises(errors.FolderNotWritable):
            installed.fresh_workspace().unlock(installed.woman_id, WOMAN_PASSWORD)
        result = cli(installed.root, "check", "--password-stdin", stdin=WOMAN_PASSWORD + "\n")
        line = assert_one_clear_line(result, 1)
        # (the message names the database file today; naming its folder would be clearer)
        assert line in {message_in("ky", errors.FolderNotWritable(path=str(p)))
                        for p in (installed.root, installed.folder.database)}
        assert snapshot(installed.root) == before
