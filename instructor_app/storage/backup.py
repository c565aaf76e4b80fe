"""Encrypted backup files (``.iabackup``): a zip holding the SQLCipher copy, the key file and a
manifest with SHA-256 checksums. Nothing in it is readable without a password or the recovery key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from instructor_app import __version__, errors
from instructor_app.fileio import fsync_dir
from instructor_app.storage.engine import create_store_engine, integrity_problems, storage_errors
from instructor_app.storage.keystore import Keystore, KeystoreFormatError

log = logging.getLogger(__name__)

SUFFIX = ".iabackup"
FORMAT = 1
_MANIFEST, _DB, _KEYS = "manifest.json", "instructor.db", "keys.json"


@dataclass(frozen=True)
class Manifest:
    format: int
    app_version: str
    created_at: str
    schema_revision: str | None
    store_id: str
    db_sha256: str
    keys_sha256: str
    db_bytes: int

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created_at)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_database_file(path: Path, key: bytes) -> list[str]:
    """Integrity problems of an encrypted database file (empty list: sound)."""
    engine = create_store_engine(path, key)
    try:
        with storage_errors(path), engine.connect() as conn:
            return integrity_problems(conn)
    except errors.StoreDamaged:
        return ["database cannot be decrypted or read"]
    finally:
        engine.dispose()


def write_backup(export_copy, key: bytes, keystore_path: Path, schema_revision: str | None,
                 dest: Path) -> tuple[Manifest, Path]:
    """Write ``dest`` (``.iabackup`` added if missing) atomically, verified before it replaces
    anything. ``export_copy(path)`` writes the encrypted DB copy. Returns the manifest and path."""
    dest = dest if dest.suffix == SUFFIX else dest.with_name(dest.name + SUFFIX)
    part_db = dest.with_name(dest.name + ".db.part")
    part_zip = dest.with_name(dest.name + ".part")
    try:
        with storage_errors(dest.parent):
            export_copy(part_db)
            problems = check_database_file(part_db, key)
            if problems:
                raise errors.BackupInvalid(path=str(dest))
            keystore = Keystore.load(keystore_path)
            manifest = Manifest(
                format=FORMAT, app_version=__version__,
                created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                schema_revision=schema_revision, store_id=keystore.store_id,
                db_sha256=_sha256(part_db), keys_sha256=_sha256(keystore_path),
                db_bytes=part_db.stat().st_size,
            )
            with zipfile.ZipFile(part_zip, "w", compression=zipfile.ZIP_STORED) as archive:
                archive.writestr(_MANIFEST, json.dumps(asdict(manifest), indent=2, ensure_ascii=True))
                archive.write(keystore_path, _KEYS)
                archive.write(part_db, _DB)
            with open(part_zip, "rb+") as handle:
                os.fsync(handle.fileno())
            verify_backup(part_zip, shown_as=dest)  # an older backup of the same name stays until this passes
            os.replace(part_zip, dest)
            fsync_dir(dest.parent)
        return manifest, dest
    finally:
        for leftover in (part_db, part_zip):
            try:
                leftover.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                log.warning("could not remove a partial backup file")


def read_backup(path: Path, shown_as: Path | None = None) -> tuple[Manifest, Keystore]:
    """The manifest and key file of a backup, after checking the archive (BackupInvalid if not)."""
    shown = str(shown_as or path)
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = Manifest(**json.loads(archive.read(_MANIFEST)))
            keys_bytes = archive.read(_KEYS)
            if hashlib.sha256(keys_bytes).hexdigest() != manifest.keys_sha256:
                raise errors.BackupInvalid(path=shown)
            if _DB not in archive.namelist():
                raise errors.BackupInvalid(path=shown)
            keystore = Keystore.from_json(json.loads(keys_bytes))
    except errors.BackupInvalid:
        raise
    except FileNotFoundError as exc:
        raise errors.BackupInvalid(path=shown) from exc
    except (OSError, zipfile.BadZipFile, KeyError, TypeError, ValueError, KeystoreFormatError) as exc:
        raise errors.BackupInvalid(path=shown) from exc
    if manifest.format != FORMAT:
        raise errors.BackupInvalid(path=shown)
    return manifest, keystore


def verify_backup(path: Path, shown_as: Path | None = None) -> Manifest:
    """Checksums of every member (the database copy is re-hashed in full)."""
    shown = str(shown_as or path)
    manifest, _ = read_backup(path, shown_as)
    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(path) as archive, archive.open(_DB) as member:
            for chunk in iter(lambda: member.read(1 << 20), b""):
                digest.update(chunk)
    except (OSError, zipfile.BadZipFile) as exc:
        raise errors.BackupInvalid(path=shown) from exc
    if digest.hexdigest() != manifest.db_sha256:
        raise errors.BackupInvalid(path=shown)
    return manifest


def extract_backup(path: Path, folder: Path) -> tuple[Manifest, Path, Path]:
    """Extract the verified database and key file into ``folder``; returns their paths."""
    manifest = verify_backup(path)
    db_path, keys_path = folder / _DB, folder / _KEYS
    with storage_errors(folder), zipfile.ZipFile(path) as archive:
        for name, target in ((_DB, db_path), (_KEYS, keys_path)):
            with archive.open(name) as src, open(target, "wb") as out:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
    if _sha256(db_path) != manifest.db_sha256:
        raise errors.BackupInvalid(path=str(path))
    return manifest, db_path, keys_path


def prune(folder: Path, prefix: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups whose names start with ``prefix``."""
    backups = sorted(folder.glob(f"{prefix}*{SUFFIX}"), key=lambda p: p.name, reverse=True)
    removed = []
    for old in backups[keep:]:
        old.unlink()
        removed.append(old)
    return removed
