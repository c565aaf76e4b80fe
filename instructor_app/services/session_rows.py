"""Turning stored sessions into ``SessionRow`` plain data (shared by groups, calendar and plans)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app.curricula.model import SessionKind
from instructor_app.scheduling.rules import end_time
from instructor_app.services.curricula import CurriculumStore
from instructor_app.services.programme_data import FacilitatorOption, SessionRow
from instructor_app.storage.models import Facilitator
from instructor_app.storage.participant_models import Participant
from instructor_app.storage.programme_models import ProgrammeGroup, ProgrammeSession


class FacilitatorNames:
    """All facilitators of the centre, loaded once per request (a handful of rows)."""

    def __init__(self, session: Session) -> None:
        self._by_id = {f.id: FacilitatorOption(str(f.id), f.display_name, f.gender)
                       for f in session.scalars(select(Facilitator))}

    def option(self, facilitator_id: uuid.UUID) -> FacilitatorOption:
        return self._by_id.get(facilitator_id) or FacilitatorOption(str(facilitator_id), "?", "male")

    def name(self, facilitator_id: uuid.UUID | None) -> str:
        return self._by_id[facilitator_id].display_name if facilitator_id in self._by_id else ""


def kind_number(curricula: CurriculumStore, session: Session, row: ProgrammeSession) -> int:
    """A session's number among the sessions of its kind: group session 1…24, individual 1…2."""
    curriculum = curricula.curriculum(session, row.curriculum_version_id)
    keys = [t.key for t in curriculum.of_kind(SessionKind(row.kind))]
    return keys.index(row.template_key) + 1 if row.template_key in keys else row.sequence


def session_rows(session: Session, curricula: CurriculumStore, rows: Sequence[ProgrammeSession],
                 names: FacilitatorNames | None = None) -> list[SessionRow]:
    names = names or FacilitatorNames(session)
    group_ids = {r.group_id for r in rows if r.group_id}
    groups = {g.id: g for g in session.scalars(select(ProgrammeGroup).where(ProgrammeGroup.id.in_(group_ids)))} \
        if group_ids else {}
    person_ids = {r.participant_id for r in rows if r.participant_id and not r.group_id}
    languages = dict(session.execute(select(Participant.id, Participant.language)
                                     .where(Participant.id.in_(person_ids))).all()) if person_ids else {}
    replaced_ids = {r.replaces_session_id for r in rows if r.replaces_session_id}
    replaced = {s.id: s for s in session.scalars(select(ProgrammeSession).where(ProgrammeSession.id.in_(replaced_ids)))} \
        if replaced_ids else {}
    found = []
    for row in rows:
        curriculum = curricula.curriculum(session, row.curriculum_version_id)
        template = curriculum.session(row.template_key)
        group = groups.get(row.group_id) if row.group_id else None
        original = replaced.get(row.replaces_session_id) if row.replaces_session_id else None
        found.append(SessionRow(
            id=str(row.id), group_id=str(row.group_id) if row.group_id else None,
            group_name=group.name if group else "", participant_id=str(row.participant_id) if row.participant_id else None,
            number=kind_number(curricula, session, row), template_key=row.template_key, kind=row.kind,
            title=template.title, date=row.scheduled_date, start_time=row.start_time,
            end_time=end_time(row.start_time, row.minutes), room=row.room, status=row.status,
            status_reason=row.status_reason, lead=names.option(row.lead_facilitator_id),
            second=names.option(row.co_facilitator_id) if row.co_facilitator_id else None,
            cover_reason=row.cover_reason, is_makeup=row.is_makeup,
            replaces_number=kind_number(curricula, session, original) if original else None,
            language=group.language if group else languages.get(row.participant_id, "ky"), held_on=row.held_on, actual_start=row.actual_start,
            actual_end=row.actual_end, notes=row.notes,
        ))
    return found
