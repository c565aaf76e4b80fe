"""``instructor-app`` (also ``python -m instructor_app``).

No command opens the desktop app. Commands print translated one-line messages; a wrong password
exits 2, any other user-facing error 1, never with a traceback (those go to the log).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from instructor_app import __version__, errors
from instructor_app.config import load_settings
from instructor_app.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    _,
    format_datetime,
    format_number,
    ngettext,
    set_language,
)
from instructor_app.log import setup_logging
from instructor_app.paths import DataFolder

if TYPE_CHECKING:  # the storage stack is imported only by the commands that use it
    from instructor_app.services.open_workspace import OpenWorkspace
    from instructor_app.services.workspace import Workspace

log = logging.getLogger("instructor_app.cli")


COMMANDS = ("demo", "check", "backup", "restore", "sync", "sync-enrol", "report")
SERVER_COMMAND = "server"  # the Probation receiving service: the rest of the line is its own


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        return super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with its own words (usage, options, help, errors) in our catalogs."""

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(formatter_class=_Formatter, add_help=False, **kwargs)
        self._optionals.title = _("options")
        self._positionals.title = _("arguments")
        self.add_argument("-h", "--help", action="help", help=_("show this help and exit"))

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, _("Error in the command line: {detail}").format(detail=message) + "\n")


def _early_options(argv: Sequence[str]) -> argparse.Namespace:
    """--data-dir and --lang, read before the full parser so that its help is in the right language."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--data-dir")
    early.add_argument("--lang")  # validated by the full parser, whose error message is translated
    known, _rest = early.parse_known_args(argv)
    if known.lang not in LANGUAGES:
        known.lang = None
    return known


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="instructor-app", description=_("Instructor App: correctional programme facilitators' tool."))
    parser.add_argument("--version", action="version", version=f"Instructor App {__version__}",
                        help=_("show the version and exit"))
    parser.add_argument("--selftest", action="store_true",
                        help=_("check this installation in a temporary folder (database, PDF, window) and exit"))
    parser.add_argument("--data-dir", metavar="DIR", help=_("data folder (default: INSTRUCTOR_APP_HOME or the user's data folder)"))
    parser.add_argument("--lang", choices=LANGUAGES, help=_("language of messages (default: the one set in the app)"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title=_("commands"), parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--password-stdin", action="store_true",
                         help=_("read the password (or the recovery key) from standard input"))
        return sub

    demo = command("demo", _("create a demo database (a centre and a facilitator pair) in the data folder"))
    demo.add_argument("--if-missing", action="store_true",
                      help=_("do nothing when the data folder is already set up (used by 'make run')"))
    demo.add_argument("--scale", choices=("small", "large"), default="small",
                      help=_("small: a few groups; large: a centre five years into using the app (about 2,000 "
                             "participants)"))
    demo.add_argument("--seed", type=int, help=_("random seed of the large demo (the same seed, the same centre)"))
    demo.add_argument("--today", type=_day, metavar="YYYY-MM-DD",
                      help=_("the day the demo is built around (default: today)"))
    command("check", _("check the integrity of the encrypted database"))
    command("backup", _("write an encrypted backup file")).add_argument("path", type=Path)
    command("restore", _("replace the data with an encrypted backup file")).add_argument("path", type=Path)
    command("sync", _("send the changes waiting to the Probation server and receive the centre's changes"))
    enrol = command("sync-enrol", _("connect this laptop to the Probation server with a one-time code"))
    enrol.add_argument("--server", required=True, metavar="URL", help=_("the server address (https://…)"))
    enrol.add_argument("--code", required=True, help=_("the one-time code from the Probation Department"))
    from instructor_app import cli_report

    cli_report.add_parser(command("report", _("make a document (PDF) or an export (CSV, Excel)")))
    server = commands.add_parser(SERVER_COMMAND, help=_("run or administer the Probation receiving service "
                                                        "(see 'instructor-app server --help')"),
                                 description=_("run or administer the Probation receiving service"))
    server.add_argument("rest", nargs=argparse.REMAINDER, metavar="…")
    return parser


def _day(text: str):  # noqa: ANN202 - a datetime.date for argparse
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a date (YYYY-MM-DD): {value}").format(value=text)) from None


def _read_secret(args: argparse.Namespace, prompt: str) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(prompt)


def _with_open(args: argparse.Namespace, workspace: Workspace, action: Callable[[OpenWorkspace], int]) -> int:
    opened = workspace.unlock_any(_read_secret(args, _("Password: ")))
    try:
        return action(opened)
    finally:
        opened.close()


def _demo(args: argparse.Namespace, workspace: Workspace) -> int:
    if args.if_missing and workspace.is_set_up():
        if args.password_stdin:
            sys.stdin.readline()
        return 0
    password = _read_secret(args, _("Password for the demo facilitators: "))
    if args.scale == "large":
        from instructor_app.demo_large import DEFAULT_SEED, create_large_demo

        seed = DEFAULT_SEED if args.seed is None else args.seed
        opened, result, built = create_large_demo(workspace, password, language=args.lang or "ky", today=args.today,
                                                  seed=seed)
        print(_("Large demo: {records} records written in {seconds} s (seed {seed}).").format(
            records=format_number(sum(built.counts.values())), seconds=format_number(round(built.seconds)), seed=seed))
    else:
        from instructor_app.demo import create_demo

        opened, result = create_demo(workspace, password, language=args.lang or "ky", today=args.today)
    opened.close()
    print(_("Demo data created in {folder}.").format(folder=workspace.folder.root))
    print(_("Recovery key (keep it on paper, away from the laptop): {key}").format(key=result.recovery_key))
    return 0


def _check(opened: OpenWorkspace) -> int:
    report = opened.check()
    if report.ok:
        print(ngettext("Integrity check passed: {count} record, schema {schema}.",
                       "Integrity check passed: {count} records, schema {schema}.", report.records)
              .format(count=format_number(report.records), schema=report.schema_revision))
        return 0
    print(_("Integrity check FAILED: {problems}").format(problems="; ".join(report.problems[:5])))
    return 1


def _backup(path: Path) -> Callable[[OpenWorkspace], int]:
    def run(opened: OpenWorkspace) -> int:
        info = opened.backup_to(path)
        print(_("Backup written and verified: {path} ({size} KB).").format(
            path=info.path, size=format_number(round(info.size_bytes / 1024))))
        return 0
    return run


def _sync(opened: OpenWorkspace) -> int:
    import datetime as dt

    summary = opened.sync_now(dt.date.today())
    numbers = {name: format_number(getattr(summary, name))
               for name in ("sent", "accepted", "duplicates", "conflicts", "rejected", "received", "waiting")}
    print(_("Sync done. Sent: {sent} (accepted {accepted}, already there {duplicates}, conflicts {conflicts}, "
            "refused {rejected}); received: {received}; still waiting: {waiting}.").format(**numbers))
    return 0


def _sync_enrol(server_url: str, code: str) -> Callable[[OpenWorkspace], int]:
    def run(opened: OpenWorkspace) -> int:
        opened.sync_enrol(server_url, code)
        print(_("This laptop is connected to {server}. Run 'instructor-app sync' to send its changes.").format(
            server=server_url.strip()))
        return 0
    return run


def _server_argv(argv: Sequence[str]) -> list[str] | None:
    """The arguments after ``server`` when that is the command (global options may come first)."""
    index = 0
    while index < len(argv):
        token = argv[index]
        if token in ("--data-dir", "--lang"):
            index += 2
        elif token.startswith(("--data-dir=", "--lang=")):
            index += 1
        else:
            return list(argv[index + 1:]) if token == SERVER_COMMAND else None
    return None


def _server(rest: list[str]) -> int:
    """``instructor-app server …``: the receiving service's own command line, imported only here."""
    try:
        from instructor_app.server.cli import main as server_main
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing == "instructor_app.server" or missing.startswith("instructor_app.server."):
            print(_("The Probation receiving service is not part of this installation."), file=sys.stderr)
        else:
            print(_("The Probation receiving service needs a package that is not installed: {name}.").format(
                name=missing), file=sys.stderr)
        return 1
    return int(server_main(rest) or 0)


def _restore(args: argparse.Namespace, workspace: Workspace) -> int:
    secret = _read_secret(args, _("Password or recovery key stored in the backup: "))
    manifest = workspace.restore(args.path, secret)
    print(_("Backup of {date} restored. The previous data was kept in the backups folder.").format(
        date=format_datetime(manifest.created)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    early = _early_options(argv)
    folder = DataFolder.resolve(early.data_dir)
    server_rest = _server_argv(argv)
    if server_rest is not None:  # the receiving service logs on its own, and has no data folder of the app
        set_language(early.lang or DEFAULT_LANGUAGE)
        return _server(server_rest)
    # the log first: a warning while reading the settings or a catalog must not reach the terminal
    setup_logging(folder.logs if folder.root.exists() or set(argv) & set(COMMANDS) else None)
    set_language(early.lang or load_settings(folder.config).language)
    args = _parser().parse_args(argv)
    try:
        if args.selftest:
            from instructor_app.selftest import run_selftest

            return run_selftest()
        if args.command is None:
            from ui.app import (
                run_desktop,  # the desktop front end (PySide6) only when asked for
            )

            return run_desktop(folder)
        from instructor_app.services.workspace import Workspace

        workspace = Workspace(folder)
        if args.command == "demo":
            return _demo(args, workspace)
        if args.command == "restore":
            return _restore(args, workspace)
        if args.command == "sync":
            return _with_open(args, workspace, _sync)
        if args.command == "report":
            from instructor_app import cli_report

            return _with_open(args, workspace, lambda opened: cli_report.run(opened, args))
        if args.command == "sync-enrol":
            return _with_open(args, workspace, _sync_enrol(args.server, args.code))
        return _with_open(args, workspace, _check if args.command == "check" else _backup(args.path))
    except errors.UserError as exc:
        print(exc.message(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:
        log.exception("unexpected failure in command %s", args.command)
        print(_("Unexpected error; nothing was changed. Details are in the log: {folder}").format(
            folder=folder.logs), file=sys.stderr)
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
