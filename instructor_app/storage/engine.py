"""The SQLCipher engine: raw 256-bit key, WAL journal, synchronous=FULL, foreign keys on.

``synchronous=FULL`` in WAL mode fsyncs the WAL at every commit, so a committed record survives a
power cut, not only a killed process (NORMAL would only survive the latter). Commits here are
human-paced, so the fsync costs nothing anyone notices (docs/decisions.md).
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

from instructor_app import errors

log = logging.getLogger(__name__)

PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
)


def key_literal(key: bytes) -> str:
    """SQLCipher's raw-key syntax: the key is used as is, with no passphrase derivation."""
    return f"x'{key.hex()}'"


def create_store_engine(path: Path, key: bytes, *, exclusive: bool = False) -> Engine:
    """``exclusive``: SQLite's exclusive locking mode, which keeps the WAL index in memory instead of
    an ``-shm`` file — the way to open the data on a disk too full to create that file."""
    url = URL.create("sqlite+pysqlcipher", password=key_literal(key), database=str(path))
    # hide_parameters: SQL errors must never carry record values into logs or messages
    engine = create_engine(url, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # SQLAlchemy's recipe: we emit BEGIN ourselves
        cursor = dbapi_conn.cursor()
        try:
            # SQLCipher logs decryption failures to stderr itself; we report them (one clear line).
            cursor.execute("PRAGMA cipher_log_level = NONE")
            if exclusive:
                cursor.execute("PRAGMA locking_mode = EXCLUSIVE")
            # Reading the schema is the first use of the key: a wrong key or a foreign file fails here.
            cursor.execute("SELECT count(*) FROM sqlite_master")
            for pragma in PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "handle_error")
    def _drop_damaged_connection(ctx) -> None:  # type: ignore[no-untyped-def]
        # After a page fails to decrypt, SQLCipher fails every later call on that connection
        # (MemoryError): drop it from the pool instead of handing it out again.
        exc = ctx.original_exception
        if isinstance(exc, MemoryError) or isinstance(user_error_for(exc, path), errors.StoreDamaged):
            ctx.is_disconnect = True
            ctx.invalidate_pool_on_disconnect = False

    return engine


def user_error_for(exc: BaseException, path: Path) -> errors.UserError | None:
    """Map a storage failure to the message the user should see (None: a bug, not user-facing)."""
    if isinstance(exc, errors.UserError):
        return exc
    folder = path.parent if path.suffix else path  # name the folder, not the database file
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return errors.DiskFull()
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return errors.FolderNotWritable(path=str(folder))
        return None
    text = str(exc.orig if isinstance(exc, DBAPIError) else exc).lower()
    if "disk is full" in text or "database or disk is full" in text:
        return errors.DiskFull()
    if "readonly" in text or "read-only" in text or "unable to open database" in text:
        return errors.FolderNotWritable(path=str(folder))
    if "not a database" in text or "malformed" in text or "hmac" in text:
        return errors.StoreDamaged()
    if "disk i/o error" in text:
        # SQLite reports ENOSPC on the WAL as an I/O error; say what is most likely and safe.
        return errors.DiskFull()
    return None


@contextmanager
def storage_errors(path: Path) -> Iterator[None]:
    """Re-raise storage failures as UserErrors with a clear message; keep bugs as they are."""
    try:
        yield
    except errors.UserError:
        raise
    except (DBAPIError, OSError) as exc:
        mapped = user_error_for(exc, path)
        if mapped is None:
            raise
        log.warning("storage failure mapped to %s: %s", type(mapped).__name__, type(exc).__name__)
        raise mapped from exc
    except Exception as exc:
        # sqlcipher3's own exception classes are not DBAPIError when raised outside SQLAlchemy
        if type(exc).__module__.startswith("sqlcipher3"):
            mapped = user_error_for(exc, path)
            if mapped is not None:
                raise mapped from exc
        raise


def integrity_problems(conn: Connection) -> list[str]:
    """SQLCipher's HMAC check of every page first (SQLite's own check aborts on a page that fails
    it), then SQLite's integrity check and the foreign keys. Empty list: sound."""
    problems = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA cipher_integrity_check")]
    if problems:
        return problems
    problems += [str(row[0]) for row in conn.exec_driver_sql("PRAGMA integrity_check") if row[0] != "ok"]
    problems += [f"foreign key: {tuple(row)}" for row in conn.exec_driver_sql("PRAGMA foreign_key_check")]
    return problems
