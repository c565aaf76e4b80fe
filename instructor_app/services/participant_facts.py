"""Loading what the compliance engine needs for many participants at once (a few queries, no N+1)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app.participants.compliance import ComplianceInput, Mark, SessionFact
from instructor_app.participants.lifecycle import Status
from instructor_app.scheduling.rules import SessionStatus
from instructor_app.services.curricula import CurriculumStore
from instructor_app.storage.participant_models import Attendance, Enrolment, Participant, Referral
from instructor_app.storage.programme_models import ProgrammeGroup, ProgrammeSession

FINISHED = {Status.COMPLETED, Status.REFUSED, Status.TRANSFERRED, Status.DROPPED_OUT}
MARKS = {mark.value: mark for mark in Mark}  # a dict look-up, not an enum call per session (2,000 people)


@dataclass
class ParticipantFacts:
    participant: Participant
    referral: Referral | None = None
    enrolments: list[Enrolment] = field(default_factory=list)
    sessions: list[ProgrammeSession] = field(default_factory=list)
    marks: dict[uuid.UUID, Attendance] = field(default_factory=dict)  # session id → newest mark
    curriculum_version_id: uuid.UUID | None = None

    @property
    def current_enrolment(self) -> Enrolment | None:
        open_ = [e for e in self.enrolments if e.left_on is None]
        return open_[-1] if open_ else None


def latest_referrals(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Referral]:
    found: dict[uuid.UUID, Referral] = {}
    for referral in session.scalars(select(Referral).where(Referral.participant_id.in_(ids), Referral.deleted_at.is_(None))
                                    .order_by(Referral.received_on, Referral.created_at)):
        found[referral.participant_id] = referral
    return found


def load_facts(session: Session, participants: Iterable[Participant]) -> dict[uuid.UUID, ParticipantFacts]:
    facts = {p.id: ParticipantFacts(p) for p in participants}
    ids = list(facts)
    if not ids:
        return facts
    for pid, referral in latest_referrals(session, ids).items():
        facts[pid].referral = referral
    enrolments = session.scalars(select(Enrolment).where(Enrolment.participant_id.in_(ids), Enrolment.deleted_at.is_(None))
                                 .order_by(Enrolment.joined_on, Enrolment.created_at)).all()
    for enrolment in enrolments:
        facts[enrolment.participant_id].enrolments.append(enrolment)
    group_ids = {e.group_id for e in enrolments}
    groups = {g.id: g for g in session.scalars(select(ProgrammeGroup).where(ProgrammeGroup.id.in_(group_ids)))} \
        if group_ids else {}
    by_group: dict[uuid.UUID, list[ProgrammeSession]] = defaultdict(list)
    if group_ids:
        for row in session.scalars(select(ProgrammeSession).where(ProgrammeSession.group_id.in_(group_ids),
                                                                   ProgrammeSession.deleted_at.is_(None))):
            by_group[row.group_id].append(row)
    for row in session.scalars(select(ProgrammeSession).where(ProgrammeSession.participant_id.in_(ids),
                                                              ProgrammeSession.deleted_at.is_(None))):
        facts[row.participant_id].sessions.append(row)
    for item in facts.values():
        for enrolment in item.enrolments:
            item.curriculum_version_id = groups[enrolment.group_id].curriculum_version_id
            for row in by_group[enrolment.group_id]:
                if row.scheduled_date >= enrolment.joined_on and (enrolment.left_on is None
                                                                  or row.scheduled_date <= enrolment.left_on):
                    item.sessions.append(row)
        item.sessions.sort(key=lambda s: (s.scheduled_date, s.start_time))
        if item.curriculum_version_id is None and item.sessions:
            item.curriculum_version_id = item.sessions[0].curriculum_version_id
    for mark in session.scalars(select(Attendance).where(Attendance.participant_id.in_(ids),
                                                         Attendance.deleted_at.is_(None))
                                .order_by(Attendance.created_at)):
        facts[mark.participant_id].marks[mark.session_id] = mark  # the newest wins
    return facts


def compliance_input(item: ParticipantFacts, curricula: CurriculumStore, session: Session) -> ComplianceInput | None:
    if item.curriculum_version_id is None:
        return None
    curriculum = curricula.curriculum(session, item.curriculum_version_id)
    participant = item.participant
    marks = item.marks
    sessions = tuple(
        SessionFact(row.template_key, row.scheduled_date, row.status == SessionStatus.HELD,
                    row.status == SessionStatus.CANCELLED, MARKS[marks[row.id].mark] if row.id in marks else None)
        for row in item.sessions
    )
    order_end = item.referral.order_ends_on if item.referral and participant.component == "mandatory" else None
    return ComplianceInput(participant.component, tuple(t.key for t in curriculum.sessions), sessions, order_end,
                           finished=Status(participant.status) in FINISHED)


def today_default(today: dt.date | None) -> dt.date:
    return today or dt.date.today()
