"""The data folder as the app sees it before unlock: set-up, unlock, restore.

Every method does disk work: the UI calls them on its DB worker thread, never on the GUI thread.
They take plain values and return plain data (``instructor_app.services.data``).
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from pathlib import Path

from instructor_app import errors
from instructor_app.config import Settings, load_settings, save_settings
from instructor_app.fileio import copy_durably, file_stamp, fsync_dir
from instructor_app.domain.facilitators import Gender, pair_notice
from instructor_app.domain.regions import Region
from instructor_app.i18n import N_
from instructor_app.paths import DataFolder
from instructor_app.services.accounts import list_accounts, load_keystore
from instructor_app.services.data import Account, SetupRequest, SetupResult
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.unlock_throttle import UnlockThrottle
from instructor_app.storage import backup, migrate
from instructor_app.storage.crypto import (KdfParams, UnwrapFailed, new_data_key, new_recovery_key,
                                           normalize_recovery_key)
from instructor_app.storage.database import Database
from instructor_app.storage.engine import storage_errors
from instructor_app.storage.folder_lock import FolderLock
from instructor_app.storage.keystore import Keystore
from instructor_app.storage.models import Centre, Device, Facilitator

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 8


def validate_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise errors.InvalidInput(field, N_("The password must have at least {count} characters."),
                                  count=MIN_PASSWORD_LENGTH)


class Workspace:
    def __init__(self, folder: DataFolder, kdf: KdfParams | None = None) -> None:
        self.folder = folder
        self.kdf = kdf or KdfParams()
        self._throttle = UnlockThrottle(folder.unlock_state)

    # --- before set-up ----------------------------------------------------------------------

    def is_set_up(self) -> bool:
        return self.folder.is_set_up()

    def settings(self) -> Settings:
        return load_settings(self.folder.config)

    def save_settings(self, settings: Settings) -> Settings:
        with storage_errors(self.folder.root):
            self.folder.ensure()
            save_settings(self.folder.config, settings)
        return settings.validated()

    def _keystore(self) -> Keystore:
        return load_keystore(self.folder)

    def accounts(self) -> list[Account]:
        return list_accounts(self.folder)

    def set_up(self, request: SetupRequest) -> tuple[OpenWorkspace, SetupResult]:
        """Create the key file, the encrypted database, the centre and its facilitators."""
        _validate_setup(request)
        if self.is_set_up():
            raise errors.AlreadySetUp()
        with storage_errors(self.folder.root):
            self.folder.ensure()
        lock = FolderLock(self.folder.root).acquire()
        try:
            self._move_orphaned_database_aside()
            data_key, recovery_key = new_data_key(), new_recovery_key()
            keystore = Keystore.new()
            ids = [str(uuid.uuid4()) for _ in request.facilitators]
            for account_id, person in zip(ids, request.facilitators):
                keystore.set_account(account_id, person.display_name.strip(), person.gender,
                                     person.password, data_key, self.kdf)
            keystore.set_recovery(recovery_key, data_key, self.kdf)
            db = self._create_database(data_key, ids, request)
        except BaseException:
            lock.release()
            raise
        try:
            # The key file goes last: without it the folder does not count as set up.
            with storage_errors(self.folder.root):
                keystore.save(self.folder.keystore)
            self.save_settings(Settings(language=request.language))
        except BaseException:
            db.close()
            lock.release()
            # nothing was set up here before (checked above): remove every file this attempt made
            for path in (*self.folder.root.glob("instructor.db*"), *self.folder.root.glob("keys.json*")):
                path.unlink(missing_ok=True)
            raise
        notice = pair_notice(p.gender for p in request.facilitators)
        actor = Account(ids[0], request.facilitators[0].display_name.strip(), request.facilitators[0].gender)
        workspace = OpenWorkspace(self.folder, db, actor, self.kdf, lock)
        workspace.record_access("set_up")
        return workspace, SetupResult(recovery_key, notice)

    def _create_database(self, data_key: bytes, ids: list[str], request: SetupRequest) -> Database:
        db: Database | None = None
        try:
            db = Database.open(self.folder.database, data_key)
            with db.session(ids[0]) as session:
                centre = Centre(name=request.centre_name.strip(), region=request.region)
                session.add(centre)
                for account_id, person in zip(ids, request.facilitators):
                    session.add(Facilitator(id=uuid.UUID(account_id), centre=centre,
                                            display_name=person.display_name.strip(), gender=person.gender))
                session.flush()
                device = session.query(Device).one()
                device.centre_id = centre.id
            return db
        except BaseException:
            if db is not None:
                db.close()
            for path in self.folder.root.glob("instructor.db*"):
                path.unlink(missing_ok=True)
            raise

    def _move_orphaned_database_aside(self) -> None:
        """A database without a key file (a set-up cut short by a power failure, or a deleted
        keys.json) is kept in ``backups/orphaned-<time>/``, never overwritten nor deleted."""
        orphans = [p for p in self.folder.root.glob("instructor.db*") if p.is_file()]
        if not orphans:
            return
        keep = self.folder.backups / f"orphaned-{file_stamp()}"
        with storage_errors(self.folder.root):
            keep.mkdir(parents=True, exist_ok=True)
            for path in orphans:
                os.replace(path, keep / path.name)
        log.warning("a database without a key file was moved aside before set-up")

    # --- unlock -----------------------------------------------------------------------------

    def retry_after(self) -> float:
        return self._throttle.retry_after()

    def _refuse_while_waiting(self) -> None:
        wait = self._throttle.retry_after()
        if wait > 0:
            raise errors.WaitBeforeRetry(wait)

    def unlock(self, account_id: str, password: str) -> OpenWorkspace:
        self._refuse_while_waiting()
        keystore = self._keystore()
        try:
            data_key = keystore.unlock(account_id, password)
        except (UnwrapFailed, KeyError):
            raise errors.WrongPassword(retry_after=self._throttle.failed()) from None
        self._throttle.succeeded()
        entry = keystore.account(account_id)
        return self._open(data_key, Account(entry.id, entry.display_name, entry.gender), "unlock")

    def unlock_any(self, secret: str) -> OpenWorkspace:
        """For scripts: the secret may be any facilitator's password or the recovery key."""
        self._refuse_while_waiting()
        keystore = self._keystore()
        try:
            data_key, account_id = keystore.unlock_any(secret)
        except UnwrapFailed:
            raise errors.WrongPassword(retry_after=self._throttle.failed()) from None
        self._throttle.succeeded()
        # The recovery key names no facilitator: the audit trail says the key was used.
        entry = keystore.account(account_id) if account_id else keystore.accounts[0]
        event = "unlock" if account_id else "unlock_with_recovery_key"
        return self._open(data_key, Account(entry.id, entry.display_name, entry.gender), event)

    def reset_password(self, recovery_key: str, account_id: str, new_password: str) -> OpenWorkspace:
        """Forgotten password: the recovery key opens the data and sets a new password."""
        validate_password(new_password, "new_password")
        if normalize_recovery_key(recovery_key) is None:  # a typing slip, not a guess: not counted
            raise errors.InvalidInput("recovery_key", N_(
                "A recovery key has 32 letters and digits in 8 groups of 4. Check what you typed."))
        self._refuse_while_waiting()
        keystore = self._keystore()
        try:
            data_key = keystore.unlock_with_recovery(recovery_key)
        except UnwrapFailed:
            self._throttle.failed()
            raise errors.WrongPassword(N_("The recovery key is not correct. Check every group of characters.")) from None
        self._throttle.succeeded()
        entry = keystore.account(account_id)
        keystore.set_account(entry.id, entry.display_name, entry.gender, new_password, data_key, self.kdf)
        with storage_errors(self.folder.root):
            keystore.save(self.folder.keystore)
        return self._open(data_key, Account(entry.id, entry.display_name, entry.gender), "password_reset")

    def _open(self, data_key: bytes, actor: Account, event: str) -> OpenWorkspace:
        if not self.folder.database.exists():
            raise errors.StoreDamaged()
        lock = FolderLock(self.folder.root).acquire()
        try:
            try:
                db = Database.open(self.folder.database, data_key, before_upgrade=self._backup_before_upgrade,
                                   create=False)
            except errors.DiskFull:
                # A full disk: SQLite cannot create the shared-memory file. Open without it, so the
                # data can still be read and backed up onto another drive; writes say the disk is full.
                log.warning("disk full: opening the store in exclusive mode")
                db = Database.open(self.folder.database, data_key, before_upgrade=self._backup_before_upgrade,
                                   create=False, exclusive=True)
        except BaseException:
            lock.release()
            raise
        workspace = OpenWorkspace(self.folder, db, actor, self.kdf, lock)
        workspace.record_access(event)
        return workspace

    def _backup_before_upgrade(self, db: Database, revision: str | None) -> None:
        with storage_errors(self.folder.root):
            self.folder.backups.mkdir(parents=True, exist_ok=True)  # a copied folder may have none
        db.write_backup(self.folder.keystore, self.folder.backups / f"pre-upgrade-{revision}-{file_stamp()}{backup.SUFFIX}")
        log.info("backup made before the schema upgrade from %s", revision)

    # --- restore (also on a new laptop, before any set-up) -----------------------------------

    def restore(self, backup_path: Path, secret: str) -> backup.Manifest:
        """Replace this folder's data with a backup, opened by a password or the recovery key it holds.

        The current files are kept in ``backups/pre-restore-<time>/`` first. Call it while the
        database is closed (the UI locks, restores, then unlocks again).
        """
        self._refuse_while_waiting()
        manifest, keystore = backup.read_backup(backup_path)
        try:
            data_key, _ = keystore.unlock_any(secret)
        except UnwrapFailed:
            raise errors.WrongPassword(
                N_("Neither a facilitator's password in this backup nor its recovery key matches."),
                retry_after=self._throttle.failed()) from None
        self._throttle.succeeded()
        if manifest.schema_revision not in migrate.known_revisions():
            raise errors.NewerSchema()  # checked before anything is replaced
        with storage_errors(self.folder.root):
            self.folder.ensure()
        with FolderLock(self.folder.root), storage_errors(self.folder.root):
            with tempfile.TemporaryDirectory(dir=self.folder.root, prefix=".restore-",
                                             ignore_cleanup_errors=True) as tmp:
                _, db_path, keys_path = backup.extract_backup(backup_path, Path(tmp))
                if backup.check_database_file(db_path, data_key):
                    raise errors.BackupInvalid(path=str(backup_path))
                self._keep_current_files()
                for stale in (self.folder.database.with_name("instructor.db-wal"),
                              self.folder.database.with_name("instructor.db-shm")):
                    stale.unlink(missing_ok=True)
                # Same file system (the temporary folder is inside the data folder): atomic renames,
                # the key file last, as in set-up.
                os.replace(db_path, self.folder.database)
                os.replace(keys_path, self.folder.keystore)
                fsync_dir(self.folder.root)
        log.info("restored a backup made at %s", manifest.created_at)
        return manifest

    def _keep_current_files(self) -> None:
        current = [p for p in (self.folder.keystore, *self.folder.root.glob("instructor.db*")) if p.exists()]
        if not current:
            return
        keep = self.folder.backups / f"pre-restore-{file_stamp()}"
        keep.mkdir(parents=True, exist_ok=True)
        for path in current:
            copy_durably(path, keep / path.name)
        fsync_dir(keep)


def _validate_setup(request: SetupRequest) -> None:
    if not request.centre_name.strip():
        raise errors.InvalidInput("centre_name", N_("Enter the name of the centre."))
    if request.region not in {r.value for r in Region}:
        raise errors.InvalidInput("region", N_("Choose the oblast or city of the centre."))
    if not request.facilitators:
        raise errors.InvalidInput("facilitators", N_("Add at least one facilitator."))
    for index, person in enumerate(request.facilitators):
        if not person.display_name.strip():
            raise errors.InvalidInput(f"facilitator{index}.name", N_("Enter the facilitator's name."))
        if person.gender not in {g.value for g in Gender}:
            raise errors.InvalidInput(f"facilitator{index}.gender", N_("Choose the facilitator's gender."))
        validate_password(person.password, f"facilitator{index}.password")
