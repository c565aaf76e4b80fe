"""A throwaway PostgreSQL for the receiving service's tests and its ingest benchmark.

``start_postgres()`` returns a server the caller may create databases on, either

- the one named by ``INSTRUCTOR_APP_TEST_PG_URL`` (a ``postgresql+psycopg://…`` URL of a role allowed
  to create databases, e.g. ``postgresql+psycopg://me:pw@localhost:5432/postgres``), left running; or
- a new cluster made with ``initdb`` in a temporary folder (the binaries from ``PATH`` or Debian's
  ``/usr/lib/postgresql/*/bin``), listening only on a unix socket in that folder, stopped and deleted
  by ``stop()``. initdb refuses to run as root: as root the cluster belongs to the ``postgres`` system
  user (made by Debian's package) and is run with ``runuser``.

It raises ``PostgresUnavailable`` (with the reason) when neither is possible. ``make test`` installs
PostgreSQL when it runs as root (build/system-deps.sh), so only a developer's machine skips.
Plain functions, no pytest: the benchmark uses them too.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_URL_ENV = "INSTRUCTOR_APP_TEST_PG_URL"
START_TIMEOUT_S = 60


class PostgresUnavailable(Exception):
    """No PostgreSQL to test on; the message says why."""


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path.parent.name))


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres`` (the newest version when several)."""
    found = shutil.which("initdb")
    if found:
        folder = Path(found).resolve().parent  # Debian's symlinks point into /usr/lib/postgresql/N/bin
        if (folder / "pg_ctl").exists() and (folder / "postgres").exists():
            return folder
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: _version_key(p.parent))
    candidates += sorted(Path("/usr").glob("pgsql-*/bin/initdb"), key=lambda p: _version_key(p.parent))
    for initdb in reversed(candidates):
        if (initdb.parent / "pg_ctl").exists() and (initdb.parent / "postgres").exists():
            return initdb.parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A PostgreSQL server reached at ``admin_url``; databases come and go with create/drop."""

    def __init__(self, admin_url: str, cluster: Path | None = None, run_as: list[str] | None = None,
                 bin_dir: Path | None = None) -> None:
        self.admin_url = admin_url
        self.cluster = cluster  # the temporary folder of a cluster this object started (None: external)
        self._run_as = run_as or []
        self._bin_dir = bin_dir

    def _connect(self):  # psycopg is imported lazily
        import psycopg
        from sqlalchemy import make_url

        url = make_url(self.admin_url).set(drivername="postgresql")
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True, connect_timeout=10)

    def create_database(self, prefix: str = "ia_test") -> str:
        """A new empty database; returns its SQLAlchemy URL (``postgresql+psycopg://…``)."""
        from sqlalchemy import make_url

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self._connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        return make_url(self.admin_url).set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False)

    def drop_database(self, url: str) -> None:
        """Drop a database made by ``create_database`` (connections still open to it are ended)."""
        from sqlalchemy import make_url

        name = make_url(url).database
        assert name and re.fullmatch(r"[a-z_]+_[0-9a-f]{12}", name), name
        with self._connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop and delete a cluster this object started (an external server is left alone)."""
        if self.cluster is None:
            return
        assert self._bin_dir is not None
        subprocess.run([*self._run_as, str(self._bin_dir / "pg_ctl"), "-D", str(self.cluster / "data"),
                        "-m", "immediate", "-w", "stop"], check=False, capture_output=True, cwd=self.cluster,
                       timeout=START_TIMEOUT_S)
        shutil.rmtree(self.cluster, ignore_errors=True)
        self.cluster = None


def _check_driver() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise PostgresUnavailable("the psycopg driver is not installed (pip install 'psycopg[binary]')") from None


def start_postgres(*, fsync: bool = False) -> Postgres:
    """The server of ``INSTRUCTOR_APP_TEST_PG_URL``, else a new throwaway cluster (``fsync`` off by
    default: the tests need no durability across a power cut)."""
    _check_driver()
    external = os.environ.get(PG_URL_ENV, "").strip()
    if external:
        server = Postgres(external)
        try:
            server._connect().close()
        except Exception as exc:  # noqa: BLE001 - any failure to connect is the reason
            raise PostgresUnavailable(f"{PG_URL_ENV} does not answer: {exc}") from None
        return server

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in "
                                  "/usr/lib/postgresql/*/bin; install the 'postgresql' package or set "
                                  f"{PG_URL_ENV}")
    run_as: list[str] = []
    owner: tuple[int, int] | None = None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        import pwd

        try:
            entry = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable("running as root and there is no 'postgres' system user to run "
                                      "the cluster as (initdb refuses root)") from None
        runuser = shutil.which("runuser")
        if runuser is None:
            raise PostgresUnavailable("running as root without 'runuser' to start the cluster as 'postgres'")
        run_as = [runuser, "-u", "postgres", "--"]
        owner = (entry.pw_uid, entry.pw_gid)

    root = Path(tempfile.mkdtemp(prefix="ia-pg-"))
    if owner is not None:
        os.chown(root, *owner)
    data, log = root / "data", root / "server.log"
    port = _free_port()  # names the socket file; no TCP listener
    options = (f"-p {port} -k {root} -c listen_addresses='' -c max_connections=300 "
               f"-c fsync={'on' if fsync else 'off'} -c full_page_writes={'on' if fsync else 'off'}")

    def run(*args: object) -> None:
        done = subprocess.run([*run_as, *map(str, args)], check=False, capture_output=True, text=True,
                              cwd=root, timeout=START_TIMEOUT_S)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            if log.exists():
                detail += log.read_text(errors="replace").strip().splitlines()[-5:]
            shutil.rmtree(root, ignore_errors=True)
            raise PostgresUnavailable(f"{Path(str(args[0])).name} failed: " + " | ".join(detail))

    run(bin_dir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
    run(bin_dir / "pg_ctl", "-D", data, "-l", log, "-w", "-t", START_TIMEOUT_S, "-o", options, "start")
    server = Postgres(f"postgresql+psycopg://postgres@/postgres?host={root}&port={port}", root, run_as, bin_dir)
    try:
        server._connect().close()
    except Exception as exc:  # noqa: BLE001
        server.stop()
        raise PostgresUnavailable(f"the new cluster does not answer: {exc}") from None
    return server


# --- pytest glue (conftest.py's ``postgres`` and ``server_db`` fixtures) ----------------------------

BACKENDS = ["sqlite", "postgresql"]


def start_postgres_or_skip() -> Postgres:
    """``start_postgres()``, or skip the test asking for it — except with ``CI=true``, where a missing
    PostgreSQL is an error: CI must run every test on both databases."""
    import pytest

    try:
        return start_postgres()
    except PostgresUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and no PostgreSQL for the receiving service's tests: {exc}", pytrace=False)
        pytest.skip(f"no PostgreSQL: {exc}")


@contextmanager
def server_database(request, folder: Path) -> Iterator[str]:  # request: a pytest FixtureRequest
    """A new empty database for the backend of ``request.param`` (``sqlite`` or ``postgresql``): a file
    in ``folder``, or a database on the session's PostgreSQL, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{folder / 'server.db'}"
        return
    server: Postgres = request.getfixturevalue("postgres")
    url = server.create_database()
    try:
        yield url
    finally:
        server.drop_database(url)


def query(db_url: str, sql: str, *params: object) -> list[tuple]:
    """Raw SQL with ``?`` placeholders on the receiving service's database, SQLite or PostgreSQL
    (ids are given as text: PostgreSQL reads the hex form of a UUID too)."""
    from sqlalchemy import make_url

    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        import sqlite3

        with sqlite3.connect(url.database) as conn:
            return conn.execute(sql, params).fetchall()
    import psycopg

    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        return conn.execute(sql.replace("?", "%s"), params).fetchall()
