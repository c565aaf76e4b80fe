"""``instructor-app report KIND …``: make a document or an export from the command line.

Subjects can be named by id or by name (a group's name, a participant's full name; case and spaces
ignored): a name that fits none or several is refused with the candidates, never guessed.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from instructor_app.errors import InvalidInput
from instructor_app.i18n import LANGUAGES, N_, _, current_language, format_number, ngettext
from instructor_app.indicators import PeriodKind

if TYPE_CHECKING:
    from instructor_app.services.open_workspace import OpenWorkspace

KINDS = ("register", "plan", "progress", "art72", "indicators", "export")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a date (YYYY-MM-DD): {text}").format(text=text)) from None


def add_parser(sub: argparse.ArgumentParser) -> None:
    """The options of the ``report`` command (``sub`` is its subparser)."""
    sub.add_argument("kind", choices=KINDS, help=_("the document: register, plan, progress, art72, indicators "
                                                   "or export"))
    sub.add_argument("--group", help=_("the group (id or name), for the register"))
    sub.add_argument("--session", help=_("the session id, for the session plan"))
    sub.add_argument("--number", type=int, help=_("the session's number in the group (with --group), for the plan"))
    sub.add_argument("--participant", help=_("the participant (id or full name), for progress and art72"))
    sub.add_argument("--period", choices=[k.value for k in PeriodKind], default="month",
                     help=_("month, quarter, year or custom (with --from and --to)"))
    sub.add_argument("--on", type=_date, help=_("a day inside the period (default: today)"))
    sub.add_argument("--from", dest="start", type=_date, help=_("first day of a custom period"))
    sub.add_argument("--to", dest="end", type=_date, help=_("last day of a custom period"))
    sub.add_argument("--conclusion", default="", help=_("the facilitators' conclusion (progress report)"))
    sub.add_argument("--table", choices=("participants", "attendance", "indicators"), default="participants",
                     help=_("what to export"))
    sub.add_argument("--format", dest="fmt", choices=("xlsx", "csv"), default="xlsx", help=_("export file format"))
    sub.add_argument("--personal", action="store_true",
                     help=_("include names and contacts in an export (otherwise pseudonymous ids)"))
    sub.add_argument("--lang", dest="doc_lang", choices=LANGUAGES,
                     help=_("language of the document (default: the language of the messages)"))
    sub.add_argument("--out", type=Path, required=True, help=_("the file to write"))


def _by_name(found: list[tuple[str, str]], given: str, field: str) -> str:
    """The id of the one candidate (id, name) whose id or normalised name is ``given``."""
    key = " ".join(given.split()).casefold()
    exact = [i for i, name in found if i == given or " ".join(name.split()).casefold() == key]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        raise InvalidInput(field, N_("Nothing found for {name}."), name=given)
    raise InvalidInput(field, N_("{name} fits several records; give the id instead: {ids}"), name=given,
                       ids=", ".join(exact))


def _subject(opened: OpenWorkspace, args: argparse.Namespace, today: dt.date) -> str:
    if args.kind == "plan" and args.session:
        return str(args.session)
    if args.kind in ("register", "plan"):
        if not args.group:
            raise InvalidInput("group", N_("Give the group with --group."))
        from instructor_app.services.programme_data import GroupFilter

        group_id = _by_name([(g.id, g.name) for g in opened.groups.list(GroupFilter(), today)], args.group, "group")
        if args.kind == "register":
            return group_id
        numbered = [s.id for s in opened.groups.detail(group_id, today).sessions if s.number == args.number]
        if len(numbered) != 1:
            raise InvalidInput("session", N_("Give the session with --session, or its number with --number."))
        return numbered[0]
    if args.kind in ("progress", "art72"):
        if not args.participant:
            raise InvalidInput("participant", N_("Give the participant with --participant."))
        found = [(p.id, p.full_name) for p in opened.participants.names()]
        return _by_name(found, args.participant, "participant")
    return ""


def run(opened: OpenWorkspace, args: argparse.Namespace) -> int:
    from instructor_app.services.documents import DocumentKind, DocumentRequest, make_document, period_from

    today = dt.date.today()
    kind = DocumentKind(args.kind)
    period = None
    if kind in (DocumentKind.INDICATORS, DocumentKind.EXPORT):
        period = period_from(args.period, args.on or today, args.start, args.end)
    request = DocumentRequest(kind=kind, language=args.doc_lang or current_language(), out=args.out,
                              subject_id=_subject(opened, args, today), period=period,
                              conclusion=args.conclusion, export_table=args.table, export_format=args.fmt,
                              personal=args.personal)
    issued = make_document(opened, request, today)
    if issued.pages:
        print(ngettext("Document {number} written: {path} ({pages} page).",
                       "Document {number} written: {path} ({pages} pages).", issued.pages).format(
            number=issued.number, path=issued.path, pages=format_number(issued.pages)))
    else:
        print(_("Export {number} written: {path}.").format(number=issued.number, path=issued.path))
    return 0
