"""The session plan handout as a PDF: the session's plan from the curriculum (``build_plan``), in the
reader's language — headings and curriculum content alike — with a document number.

``load_plan`` reads the same ``SessionPlan`` the session plan window shows (``SessionService.plan``),
inside the caller's transaction; ``plan_sessions`` lists a group's sessions to choose from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app import errors
from instructor_app.curricula.model import SessionKind, Text
from instructor_app.i18n import N_, _, language_of_document
from instructor_app.services.curricula import CurriculumStore
from instructor_app.services.document_data import IssuedFile
from instructor_app.services.document_parts import document_meta, parse_id
from instructor_app.services.participant_facts import today_default
from instructor_app.services.programme_data import SessionPlan
from instructor_app.services.session_rows import session_rows
from instructor_app.storage.programme_models import ProgrammeSession

if TYPE_CHECKING:
    from instructor_app.services.open_workspace import OpenWorkspace

TITLE = N_("Session plan")


@dataclass(frozen=True)
class SessionChoice:
    id: str
    number: int
    date: dt.date
    title: Text
    status: str


def plan_sessions(opened: OpenWorkspace, group_id: str) -> list[SessionChoice]:
    """A group's sessions in date order: the choices for a plan."""
    key = parse_id(group_id)
    if key is None:
        return []
    with opened.db.session(opened.actor.id) as session:
        rows = session.scalars(select(ProgrammeSession).where(
            ProgrammeSession.group_id == key, ProgrammeSession.deleted_at.is_(None))
            .order_by(ProgrammeSession.scheduled_date, ProgrammeSession.start_time)).all()
        return [SessionChoice(r.id, r.number, r.date, r.title, r.status)
                for r in session_rows(session, opened.curricula, rows)]


def load_plan(session: Session, curricula: CurriculumStore, session_id: str) -> SessionPlan:
    key = parse_id(session_id)
    row = session.get(ProgrammeSession, key) if key else None
    if row is None or row.deleted_at is not None:
        raise errors.InvalidInput("session", N_("This session no longer exists."))
    curriculum = curricula.curriculum(session, row.curriculum_version_id)
    [data] = session_rows(session, curricula, [row])
    return SessionPlan(data, curriculum.session(row.template_key), curriculum.title, curriculum.version,
                       curriculum.count(SessionKind(row.kind)))


def make_plan(opened: OpenWorkspace, session_id: str, *, language: str, out: Path,
              today: dt.date | None = None) -> IssuedFile:
    """The plan of ``session_id`` as a PDF at ``out``; headings and content in ``language`` (ky or ru)."""
    from instructor_app.reports.plan_pdf import plan_document
    from instructor_app.reports.session_plan import build_plan

    today = today_default(today)
    out = Path(out)
    with language_of_document(language), opened.db.session(opened.actor.id) as session:
        plan = load_plan(session, opened.curricula, session_id)
        meta = document_meta(session, "plan", _(TITLE), subject=plan.session.id, language=language, on=today,
                             actor_id=opened.actor.id)
        people = [(_("Lead facilitator"), plan.session.lead.display_name)]
        if plan.session.second is not None:
            people.append((_("Second facilitator"), plan.session.second.display_name))
        document = plan_document(build_plan(plan, language), meta, people)
        size = document.save(out)  # fails before the commit: the number is not used up
    return IssuedFile(meta.number, out, document.pages, size)
