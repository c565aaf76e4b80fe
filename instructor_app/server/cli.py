"""``instructor-app server …`` (also ``python -m instructor_app.server.cli …``): run the receiving
service and administer it. An administrator's tool: plain English messages, exit 0 on success,
1 on an error the administrator can correct (one line on stderr), 2 on a command-line mistake.

The database is ``--db URL`` (``sqlite:///path``, ``postgresql+psycopg://…``, or a plain file path
for SQLite), else the ``INSTRUCTOR_APP_SERVER_DB`` environment variable. Every command brings the
schema up to date first.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the storage and web stacks load only for the command that needs them
    from instructor_app.server.db import Database

DB_ENV = "INSTRUCTOR_APP_SERVER_DB"
log = logging.getLogger("instructor_app.server")


class _Failure(Exception):
    """A one-line error for the administrator (exit 1)."""


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an id: {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="instructor-app server",
                                     description="The Probation receiving service (sync protocol v1).")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--db", metavar="URL", default=os.environ.get(DB_ENV),
                         help=f"database URL or SQLite file path (default: ${DB_ENV})")
        return sub

    run = command("run", "serve the sync API (HTTPS when a certificate is given)")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8443, help="port (default 8443)")
    run.add_argument("--ssl-certfile", metavar="FILE", help="TLS certificate (PEM)")
    run.add_argument("--ssl-keyfile", metavar="FILE", help="TLS private key (PEM)")
    run.add_argument("--rate", type=float, default=2.0,
                     help="push/pull requests per second per device, in each process (default 2)")
    run.add_argument("--burst", type=int, default=300,
                     help="requests a device may make at once (default 300: a 5-year centre's first sync)")
    run.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))

    add = commands.add_parser("centre", help="manage centres", description="manage centres")
    centre_commands = add.add_subparsers(dest="centre_command", metavar="ACTION", required=True)
    centre_add = centre_commands.add_parser("add", help="add a centre and print its id")
    centre_add.add_argument("--db", metavar="URL", default=os.environ.get(DB_ENV))
    centre_add.add_argument("--name", required=True)
    centre_add.add_argument("--region", required=True, help="region key, e.g. osh, chui, bishkek")
    centre_list = centre_commands.add_parser("list", help="list the centres")
    centre_list.add_argument("--db", metavar="URL", default=os.environ.get(DB_ENV))

    code = command("enrol-code", "issue a one-time enrolment code for a device of a centre (printed once)")
    code.add_argument("--centre", required=True, type=_uuid, metavar="ID")
    code.add_argument("--hours", type=float, default=72, help="validity in hours (default 72)")

    command("devices", "list the enrolled devices")

    revoke = command("revoke", "revoke a device: its token stops working at once")
    revoke.add_argument("--device", required=True, type=_uuid, metavar="ID")

    conflicts = command("conflicts", "list the concurrent edits no laptop has reviewed yet")
    conflicts.add_argument("--centre", type=_uuid, metavar="ID", help="only this centre's")

    viewer = commands.add_parser("viewer", help="manage Probation viewers (read the indicators of every centre)",
                                 description="manage Probation viewers (read the indicators of every centre)")
    viewer_commands = viewer.add_subparsers(dest="viewer_command", metavar="ACTION", required=True)
    viewer_add = viewer_commands.add_parser("add", help="add a viewer and print its token (shown only once)")
    viewer_add.add_argument("name", metavar="NAME")
    viewer_list = viewer_commands.add_parser("list", help="list the viewers")
    viewer_revoke = viewer_commands.add_parser("revoke", help="revoke a viewer: its token stops working at once")
    viewer_revoke.add_argument("viewer", type=_uuid, metavar="ID")
    for sub in (viewer_add, viewer_list, viewer_revoke):
        sub.add_argument("--db", metavar="URL", default=os.environ.get(DB_ENV))
    return parser


def _database(url: str | None) -> Database:
    from sqlalchemy.exc import ArgumentError, OperationalError

    from instructor_app.server.db import Database, UnknownRevision

    if not url:
        raise _Failure(f"no database: give --db URL (or set {DB_ENV})")
    try:
        db = Database(url)
        db.upgrade()
    except ArgumentError:
        raise _Failure(f"not a database URL: {url}") from None
    except ModuleNotFoundError as exc:
        raise _Failure(f"the database driver is not installed: {exc.name}") from None
    except OperationalError as exc:
        raise _Failure(f"cannot open the database: {exc.orig}") from None
    except UnknownRevision as exc:
        raise _Failure(f"{exc}: update the server before using this database") from None
    return db


def _run(args: argparse.Namespace) -> int:
    import uvicorn

    from instructor_app.server.app import create_app

    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise _Failure("give both --ssl-certfile and --ssl-keyfile, or neither")
    _database(args.db).dispose()  # a clear message for a bad URL before uvicorn starts
    # The service's own lines (one per batch and enrolment: ids and counts, never record data).
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = create_app(args.db, rate=args.rate, burst=args.burst)
    if not args.ssl_certfile and args.host not in ("127.0.0.1", "localhost", "::1"):
        print("Warning: serving without TLS on a public address; put it behind an HTTPS proxy "
              "or give --ssl-certfile and --ssl-keyfile.", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile,
                log_level=args.log_level)
    return 0


def _centre(args: argparse.Namespace) -> int:
    from instructor_app.server import admin

    db = _database(args.db)
    try:
        if args.centre_command == "add":
            centre_id = admin.add_centre(db, args.name, args.region)
            print(centre_id)
        else:
            centres = admin.list_centres(db)
            for centre in centres:
                print(f"{centre.id}  {centre.region:<10}  {centre.name}")
            if not centres:
                print("No centres yet: add one with 'server centre add'.")
    finally:
        db.dispose()
    return 0


def _enrol_code(args: argparse.Namespace) -> int:
    from instructor_app.server import admin

    db = _database(args.db)
    try:
        code = admin.issue_enrol_code(db, args.centre, args.hours)
    finally:
        db.dispose()
    print(code)
    print(f"One-time code for centre {args.centre}, valid {args.hours:g} hours. "
          "It is shown only now: give it to the facilitator enrolling the laptop.", file=sys.stderr)
    return 0


def _devices(args: argparse.Namespace) -> int:
    from instructor_app.server import admin

    db = _database(args.db)
    try:
        devices = admin.list_devices(db)
    finally:
        db.dispose()
    if not devices:
        print("No devices enrolled.")
        return 0
    print(f"{'device id':<36}  {'status':<7}  {'centre':<20}  {'name':<20}  {'version':<8}  "
          f"{'batches':>7}  {'last seq':>8}  last batch (UTC)")
    for d in devices:
        status = "revoked" if d.revoked_at else "active"
        last = d.last_batch_at.strftime("%Y-%m-%d %H:%M") if d.last_batch_at else "never"
        print(f"{d.id!s:<36}  {status:<7}  {d.centre_name[:20]:<20}  {d.name[:20]:<20}  {d.app_version[:8]:<8}  "
              f"{d.batches:>7}  {d.last_sequence:>8}  {last}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from instructor_app.server import admin

    db = _database(args.db)
    try:
        changed = admin.revoke_device(db, args.device)
    finally:
        db.dispose()
    print(f"Device {args.device} revoked." if changed else f"Device {args.device} was already revoked.")
    return 0


def _viewer(args: argparse.Namespace) -> int:
    from instructor_app.server import admin

    db = _database(args.db)
    try:
        if args.viewer_command == "add":
            viewer_id, token = admin.add_viewer(db, args.name)
            print(token)
            print(f"Token of viewer {viewer_id} ({args.name.strip()}). It is shown only now: send it as "
                  "'Authorization: Bearer <token>' to GET /api/v1/indicators.", file=sys.stderr)
        elif args.viewer_command == "list":
            viewers = admin.list_viewers(db)
            for viewer in viewers:
                status = "revoked" if viewer.revoked_at else "active"
                print(f"{viewer.id}  {status:<7}  {viewer.created_at:%Y-%m-%d}  {viewer.name}")
            if not viewers:
                print("No viewers yet: add one with 'server viewer add NAME'.")
        else:
            changed = admin.revoke_viewer(db, args.viewer)
            print(f"Viewer {args.viewer} revoked." if changed else f"Viewer {args.viewer} was already revoked.")
    finally:
        db.dispose()
    return 0


def _conflicts(args: argparse.Namespace) -> int:
    from instructor_app.server import admin

    db = _database(args.db)
    try:
        found = admin.list_conflicts(db, args.centre)
    finally:
        db.dispose()
    if not found:
        print("No conflicts to review.")
        return 0
    print(f"{'kept (UTC)':<16}  {'centre':<20}  {'table':<18}  {'record id':<36}  {'losing device':<20}  winning device")
    for c in found:
        print(f"{c.at:%Y-%m-%d %H:%M}  {c.centre_name[:20]:<20}  {c.table_name[:18]:<18}  {c.row_id!s:<36}  "
              f"{c.losing_device[:20]:<20}  {c.winning_device[:20]}")
    print(f"{len(found)} to review on the centre's laptops (Settings → Probation server).", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command != "run":
        logging.basicConfig(level=logging.WARNING)
    handlers = {"run": _run, "centre": _centre, "enrol-code": _enrol_code, "devices": _devices, "revoke": _revoke,
                "viewer": _viewer, "conflicts": _conflicts}
    try:
        return handlers[args.command](args)
    except _Failure as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # an admin error (AdminError) or a database failure: one line, no traceback
        from instructor_app.server.admin import AdminError

        if isinstance(exc, AdminError):
            print(f"Error: {exc}", file=sys.stderr)
            return 1
        log.exception("server command failed")
        print(f"Error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
