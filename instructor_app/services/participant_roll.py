"""The compliance facts of many participants at once — the participant list (2,000 people) and
Today's alerts — read as plain columns: a fixed handful of selects whatever the number of people, no
ORM object and no UUID object per row (ids stay the 32-digit text SQLite stores until handed out).

``load_roll`` returns the same ``ParticipantFacts`` shape as ``participant_facts.load_facts`` (read-only
rows with the same attribute names), so ``compliance_input`` and the compliance engine are shared.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, String, select, type_coerce
from sqlalchemy.orm import Session

from instructor_app.participants import compliance
from instructor_app.participants.rules import RuleParameters
from instructor_app.scheduling.holidays import HolidayCalendar
from instructor_app.services.curricula import CurriculumStore
from instructor_app.services.participant_data import ParticipantSummary
from instructor_app.services.participant_facts import ParticipantFacts, compliance_input
from instructor_app.storage.participant_models import Attendance, Enrolment, Participant, Referral
from instructor_app.storage.programme_models import ProgrammeGroup, ProgrammeSession

P, R, E = Participant.__table__.c, Referral.__table__.c, Enrolment.__table__.c
G, S, A = ProgrammeGroup.__table__.c, ProgrammeSession.__table__.c, Attendance.__table__.c


def text_id(column: Any, name: str | None = None) -> Any:
    """An id column read as its stored text (no UUID object made)."""
    return type_coerce(column, String).label(name or column.name)


def canonical(key: str) -> str:
    """The usual text of an id (8-4-4-4-12) from the stored 32 hex digits."""
    return str(uuid.UUID(hex=key))


class Roll:
    """Participants chosen by ``conditions`` (on the participant table), in name order, with their facts."""

    def __init__(self, session: Session, *conditions: ColumnElement[bool]) -> None:
        chosen = (P.deleted_at.is_(None), *conditions)
        people = session.execute(select(
            text_id(P.id), P.full_name, P.birth_date, P.gender, P.language, P.component, P.status, P.screening,
            P.contract_signed_on, P.created_at).where(*chosen).order_by(P.name_key)).all()
        self.facts: dict[str, ParticipantFacts] = {row.id: ParticipantFacts(row) for row in people}  # type: ignore[arg-type]
        ids = select(P.id).where(*chosen).scalar_subquery()
        self.groups: dict[str, Any] = {row.id: row for row in session.execute(select(
            text_id(G.id), text_id(G.curriculum_version_id), G.name)).all()}
        self._read(session, ids)

    def _read(self, session: Session, ids: Any) -> None:
        facts = self.facts
        for row in session.execute(select(text_id(R.participant_id), R.received_on, R.order_ends_on)
                                   .where(R.participant_id.in_(ids), R.deleted_at.is_(None))
                                   .order_by(R.received_on, R.created_at)).all():
            facts[row.participant_id].referral = row  # the latest wins
        enrolments = session.execute(select(text_id(E.participant_id), text_id(E.group_id), E.joined_on, E.left_on)
                                     .where(E.participant_id.in_(ids), E.deleted_at.is_(None))
                                     .order_by(E.joined_on, E.created_at)).all()
        for row in enrolments:
            facts[row.participant_id].enrolments.append(row)  # type: ignore[arg-type]
        columns = (text_id(S.id), text_id(S.group_id), text_id(S.participant_id), S.template_key, S.scheduled_date,
                   S.start_time, S.status, text_id(S.curriculum_version_id))
        by_group: dict[str, list[Any]] = defaultdict(list)
        group_ids = select(E.group_id).where(E.participant_id.in_(ids), E.deleted_at.is_(None))
        for row in session.execute(select(*columns).where(S.group_id.in_(group_ids), S.deleted_at.is_(None))).all():
            by_group[row.group_id].append(row)
        for row in session.execute(select(*columns).where(S.participant_id.in_(ids), S.deleted_at.is_(None))).all():
            facts[row.participant_id].sessions.append(row)  # individual sessions
        versions: dict[str, uuid.UUID] = {}
        for item in facts.values():
            for enrolment in item.enrolments:
                version = self.groups[enrolment.group_id].curriculum_version_id
                item.curriculum_version_id = versions.setdefault(version, uuid.UUID(hex=version))
                joined, left = enrolment.joined_on, enrolment.left_on
                item.sessions.extend(row for row in by_group[enrolment.group_id]
                                     if row.scheduled_date >= joined and (left is None or row.scheduled_date <= left))
            item.sessions.sort(key=lambda s: (s.scheduled_date, s.start_time))
            if item.curriculum_version_id is None and item.sessions:
                version = item.sessions[0].curriculum_version_id
                item.curriculum_version_id = versions.setdefault(version, uuid.UUID(hex=version))
        for row in session.execute(select(text_id(A.participant_id), text_id(A.session_id), A.mark)
                                   .where(A.participant_id.in_(ids), A.deleted_at.is_(None))
                                   .order_by(A.created_at)).all():
            facts[row.participant_id].marks[row.session_id] = row  # type: ignore[index]  # the newest wins

    def states(self, curricula: CurriculumStore, session: Session, today: dt.date, rules: RuleParameters,
               holidays: HolidayCalendar) -> dict[str, compliance.ComplianceState | None]:
        """Each participant's compliance state (None before a first group or session)."""
        found: dict[str, compliance.ComplianceState | None] = {}
        for key, item in self.facts.items():
            data = compliance_input(item, curricula, session)
            found[key] = compliance.evaluate(data, today, rules, holidays.is_holiday) if data else None
        return found

    def summaries(self, curricula: CurriculumStore, session: Session, today: dt.date, rules: RuleParameters,
                  holidays: HolidayCalendar) -> list[ParticipantSummary]:
        """The rows of the participant list, in name order."""
        states = self.states(curricula, session, today, rules, holidays)
        found = []
        for key, item in self.facts.items():
            person, state = item.participant, states[key]
            current = item.current_enrolment
            group = self.groups.get(current.group_id) if current is not None else None
            found.append(ParticipantSummary(
                id=canonical(key), full_name=person.full_name, birth_date=person.birth_date, gender=person.gender,
                language=person.language, component=person.component, status=person.status,
                group_id=canonical(current.group_id) if current is not None else None,
                group_name=group.name if group is not None else "",
                order_ends_on=item.referral.order_ends_on if item.referral else None, compliance=state,
                alerts=state.alerts if state else ()))
        return found
