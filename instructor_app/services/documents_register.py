"""The group attendance register on paper: who was in the group, every session's date, each mark, and
each participant's totals (attended / excused / unexcused) over this group's sessions.

``load_register`` reads one group into plain data (``RegisterSheet``); ``reports/register_pdf.py`` lays
it out; ``make_register`` does both and records the document's number. ``register_groups`` lists the
groups a user can choose from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app import errors
from instructor_app.curricula.model import Text
from instructor_app.i18n import N_, _, language_of_document
from instructor_app.participants.compliance import Mark
from instructor_app.participants.lifecycle import Status
from instructor_app.participants.rules import compliance_rules
from instructor_app.scheduling.rules import SessionStatus
from instructor_app.services.curricula import CurriculumStore
from instructor_app.services.document_data import IssuedFile
from instructor_app.services.document_parts import document_meta, parse_id
from instructor_app.services.participant_facts import today_default
from instructor_app.services.session_rows import FacilitatorNames, kind_number
from instructor_app.storage.participant_models import Attendance, Enrolment, Participant
from instructor_app.storage.programme_models import ProgrammeGroup, ProgrammeSession

if TYPE_CHECKING:
    from instructor_app.services.open_workspace import OpenWorkspace

TITLE = N_("Attendance register")


@dataclass(frozen=True)
class GroupChoice:
    id: str
    name: str
    programme: Text
    language: str
    start_date: dt.date
    status: str          # active | closed


@dataclass(frozen=True)
class RegisterColumn:
    """One session of the group (a make-up included), in date order."""

    number: int                  # the session's number among the group sessions of the programme
    date: dt.date
    status: str                  # scheduling.rules.SessionStatus
    status_reason: str
    is_makeup: bool
    replaces_number: int | None
    lead: str
    second: str
    cover: bool                  # run by someone other than the group's pair
    cover_reason: str


@dataclass(frozen=True)
class RegisterEntry:
    mark: str | None             # participants.compliance.Mark; None: no mark
    concern: bool = False        # present, but an engagement concern was noted
    enrolled: bool = True        # False: not in the group on that date


@dataclass(frozen=True)
class Membership:
    joined_on: dt.date
    left_on: dt.date | None
    left_reason: str             # reports.register_pdf.LEFT_REASONS key, or "" while still in the group


@dataclass(frozen=True)
class RegisterLine:
    participant_id: str
    name: str
    status: str                  # participants.lifecycle.Status
    periods: tuple[Membership, ...]
    entries: tuple[RegisterEntry, ...]   # one per RegisterSheet.columns
    attended: int
    excused: int
    unexcused: int

    @property
    def left(self) -> bool:
        """Left the group before its end (moved, dropped out, suspended, transferred)."""
        return all(p.left_on is not None for p in self.periods) and \
            any(p.left_reason and p.left_reason != Status.COMPLETED for p in self.periods)


@dataclass(frozen=True)
class RegisterSheet:
    group_id: str
    group_name: str
    programme: str               # in the document's language
    version: int
    component: str               # curricula.model.Component
    group_language: str
    lead: str
    second: str
    room: str
    columns: tuple[RegisterColumn, ...]
    lines: tuple[RegisterLine, ...]

    @property
    def held(self) -> int:
        return sum(1 for c in self.columns if c.status == SessionStatus.HELD)


def register_groups(opened: OpenWorkspace) -> list[GroupChoice]:
    """Every group, the newest first: the choices for a register."""
    with opened.db.session(opened.actor.id) as session:
        groups = session.scalars(select(ProgrammeGroup).where(ProgrammeGroup.deleted_at.is_(None))
                                 .order_by(ProgrammeGroup.start_date.desc(), ProgrammeGroup.name)).all()
        return [GroupChoice(str(g.id), g.name, opened.curricula.curriculum(session, g.curriculum_version_id).title,
                            g.language, g.start_date, g.status) for g in groups]


def _group(session: Session, group_id: str) -> ProgrammeGroup:
    key = parse_id(group_id)
    group = session.get(ProgrammeGroup, key) if key else None
    if group is None or group.deleted_at is not None:
        raise errors.InvalidInput("group", N_("This group no longer exists."))
    return group


def _columns(session: Session, curricula: CurriculumStore, group: ProgrammeGroup,
             rows: list[ProgrammeSession], names: FacilitatorNames) -> tuple[RegisterColumn, ...]:
    by_id = {r.id: r for r in rows}
    pair = {group.lead_facilitator_id, group.co_facilitator_id}
    columns = []
    for row in rows:
        original = by_id.get(row.replaces_session_id) if row.replaces_session_id else None
        if row.replaces_session_id and original is None:
            original = session.get(ProgrammeSession, row.replaces_session_id)
        ran = {row.lead_facilitator_id, row.co_facilitator_id}
        columns.append(RegisterColumn(
            number=kind_number(curricula, session, row), date=row.scheduled_date, status=row.status,
            status_reason=row.status_reason, is_makeup=row.is_makeup,
            replaces_number=kind_number(curricula, session, original) if original else None,
            lead=names.name(row.lead_facilitator_id), second=names.name(row.co_facilitator_id),
            cover=ran != pair, cover_reason=row.cover_reason))
    return tuple(columns)


def load_register(session: Session, curricula: CurriculumStore, group_id: str, language: str) -> RegisterSheet:
    """One group's register as plain data; the newest mark of each participant and session counts."""
    group = _group(session, group_id)
    curriculum = curricula.curriculum(session, group.curriculum_version_id)
    names = FacilitatorNames(session)
    rows = list(session.scalars(select(ProgrammeSession).where(
        ProgrammeSession.group_id == group.id, ProgrammeSession.deleted_at.is_(None))
        .order_by(ProgrammeSession.scheduled_date, ProgrammeSession.start_time, ProgrammeSession.sequence)))
    enrolments = session.scalars(select(Enrolment).where(Enrolment.group_id == group.id,
                                                         Enrolment.deleted_at.is_(None))
                                 .order_by(Enrolment.joined_on, Enrolment.created_at)).all()
    people = session.scalars(select(Participant).where(
        Participant.id.in_({e.participant_id for e in enrolments}))).all() if enrolments else []
    marks: dict[tuple, Attendance] = {}
    if rows and people:
        for mark in session.scalars(select(Attendance).where(
                Attendance.session_id.in_([r.id for r in rows]), Attendance.deleted_at.is_(None))
                .order_by(Attendance.created_at)):
            marks[(mark.participant_id, mark.session_id)] = mark  # the newest wins
    attended_marks = compliance_rules().attended_marks
    lines = []
    for person in sorted(people, key=lambda p: p.name_key):
        periods = tuple(Membership(e.joined_on, e.left_on, e.left_reason)
                        for e in enrolments if e.participant_id == person.id)
        entries = []
        for row in rows:
            mark = marks.get((person.id, row.id))
            enrolled = any(p.joined_on <= row.scheduled_date and (p.left_on is None or row.scheduled_date <= p.left_on)
                           for p in periods)
            entries.append(RegisterEntry(mark.mark if mark else None, bool(mark and mark.concern), enrolled))
        given = [e.mark for e in entries if e.mark]
        lines.append(RegisterLine(
            str(person.id), person.full_name, person.status, periods, tuple(entries),
            attended=sum(1 for m in given if m in attended_marks),
            excused=sum(1 for m in given if m == Mark.EXCUSED),
            unexcused=sum(1 for m in given if m == Mark.UNEXCUSED)))
    return RegisterSheet(
        group_id=str(group.id), group_name=group.name, programme=curriculum.title.get(language),
        version=curriculum.version, component=curriculum.component.value, group_language=group.language,
        lead=names.name(group.lead_facilitator_id), second=names.name(group.co_facilitator_id), room=group.room,
        columns=_columns(session, curricula, group, rows, names), lines=tuple(lines))


def make_register(opened: OpenWorkspace, group_id: str, *, language: str, out: Path,
                  today: dt.date | None = None) -> IssuedFile:
    """The register of ``group_id`` as a PDF at ``out``, in ``language`` (ky or ru)."""
    from instructor_app.reports.register_pdf import register_document

    today = today_default(today)
    out = Path(out)
    with language_of_document(language), opened.db.session(opened.actor.id) as session:
        sheet = load_register(session, opened.curricula, group_id, language)
        meta = document_meta(session, "register", _(TITLE), subject=sheet.group_id, language=language, on=today,
                             actor_id=opened.actor.id)
        document = register_document(sheet, meta)
        size = document.save(out)  # fails before the commit: the number is not used up
    return IssuedFile(meta.number, out, document.pages, size)
