"""What the exports contain, read from the store as plain rows (keys, dates, counts; no translation).

Personal data (name, birth date, phone, address) is read only when the user asked for it; partner
contacts, notes, curators and referral document numbers are never read here at all.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app.indicators import Period, StatusEvent, status_on
from instructor_app.participants.compliance import Mark
from instructor_app.storage.models import Centre, Device
from instructor_app.storage.participant_models import Attendance, Enrolment, Participant, Referral, StatusChange
from instructor_app.storage.programme_models import ProgrammeGroup, ProgrammeSession

FINISHED = frozenset({"completed", "dropped_out", "refused", "transferred"})
_PSEUDONYM_CONTEXT = b"instructor-app/export-pseudonym/v1"


class Pseudonyms:
    """Participant id → a short code such as ``P-K7QX2-M4DTA``, for exports without personal data.

    A keyed hash (HMAC-SHA256) of the participant's record id, keyed by a secret derived from the
    centre's record id:

    - stable: the same participant gets the same code in every export of this centre (on both
      laptops of the pair: the centre record is shared through sync), so exports of different
      months can be joined;
    - not reversible without the database: the code is a one-way hash, and it cannot be recomputed
      from a record id seen elsewhere (a sync log, another file) without the key, which exists only
      in the encrypted database (and on the Probation server, which holds the records themselves).
      A plain hash of the id would be matchable by anyone holding ids; a random code per export
      would not be stable; a stored code table would need a schema change and its own sync;
    - 50 bits: no collision to expect among a centre's participants.
    """

    def __init__(self, centre_key: bytes) -> None:
        self._key = hmac.new(centre_key, _PSEUDONYM_CONTEXT, hashlib.sha256).digest()

    @classmethod
    def of_centre(cls, session: Session) -> Pseudonyms:
        device = session.scalars(select(Device)).first()
        centre = session.get(Centre, device.centre_id) if device and device.centre_id else None
        return cls((centre.id if centre else device.id if device else uuid.UUID(int=0)).bytes)

    def __call__(self, participant_id: uuid.UUID) -> str:
        digest = hmac.new(self._key, participant_id.bytes, hashlib.sha256).digest()
        code = base64.b32encode(digest).decode("ascii")[:10]
        return f"P-{code[:5]}-{code[5:]}"


@dataclass(frozen=True)
class Personal:
    full_name: str
    birth_date: dt.date
    phone: str
    address: str


@dataclass(frozen=True)
class ParticipantLine:
    code: str
    component: str                   # curricula.model.Component key
    gender: str                      # domain.facilitators.Gender key
    status: str                      # participants.lifecycle.Status key
    status_since: dt.date | None     # the last status change
    referral_source: str | None      # participants.intake.ReferralSource key (latest referral)
    referred_on: dt.date | None
    order_ends_on: dt.date | None
    joined_on: dt.date | None        # first day in a group
    group: str                       # the current group, else the last one
    marks: dict[str, int] = field(default_factory=dict)  # Mark key → sessions with that (newest) mark
    personal: Personal | None = None


@dataclass(frozen=True)
class AttendanceLine:
    code: str
    full_name: str                   # "" unless personal data was asked for
    session_date: dt.date
    group: str                       # "" for an individual session
    session_kind: str                # curricula.model.SessionKind key
    session_number: int
    mark: str                        # participants.compliance.Mark key
    concern: bool


def _centre_participants(session: Session) -> list[Participant]:
    centre_id = session.scalar(select(Device.centre_id).limit(1))
    query = select(Participant).where(Participant.deleted_at.is_(None))
    if centre_id is not None:
        query = query.where(Participant.centre_id == centre_id)
    return list(session.scalars(query.order_by(Participant.created_at)))


def _newest_marks(session: Session, ids: list[uuid.UUID]) -> dict[tuple[uuid.UUID, uuid.UUID], Attendance]:
    """(participant, session) → the mark that counts (a correction is a newer row)."""
    found: dict[tuple[uuid.UUID, uuid.UUID], Attendance] = {}
    for mark in session.scalars(select(Attendance).where(Attendance.participant_id.in_(ids),
                                                         Attendance.deleted_at.is_(None))
                                .order_by(Attendance.created_at)):
        found[(mark.participant_id, mark.session_id)] = mark
    return found


def _sessions(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, ProgrammeSession]:
    if not ids:
        return {}
    return {s.id: s for s in session.scalars(select(ProgrammeSession).where(ProgrammeSession.id.in_(ids),
                                                                          ProgrammeSession.deleted_at.is_(None)))}


def _group_names(session: Session) -> dict[uuid.UUID, str]:
    return {group_id: name for group_id, name in session.execute(select(ProgrammeGroup.id, ProgrammeGroup.name))}


def _in_period(day: dt.date, period: Period | None) -> bool:
    return period is None or period.start <= day <= period.end


def participant_lines(session: Session, *, personal: bool, period: Period | None) -> list[ParticipantLine]:
    """Every participant of the centre; with a period, those in the programme during it (referred by
    its end and not finished before its start), their attendance counted within it."""
    people = _centre_participants(session)
    ids = [p.id for p in people]
    if not ids:
        return []
    code = Pseudonyms.of_centre(session)
    referrals: dict[uuid.UUID, list[Referral]] = defaultdict(list)
    for referral in session.scalars(select(Referral).where(Referral.participant_id.in_(ids),
                                                           Referral.deleted_at.is_(None))
                                    .order_by(Referral.received_on, Referral.created_at)):
        referrals[referral.participant_id].append(referral)
    changes: dict[uuid.UUID, list[StatusChange]] = defaultdict(list)
    for change in session.scalars(select(StatusChange).where(StatusChange.participant_id.in_(ids),
                                                             StatusChange.deleted_at.is_(None))
                                  .order_by(StatusChange.changed_on, StatusChange.created_at)):
        changes[change.participant_id].append(change)
    enrolments: dict[uuid.UUID, list[Enrolment]] = defaultdict(list)
    for enrolment in session.scalars(select(Enrolment).where(Enrolment.participant_id.in_(ids),
                                                             Enrolment.deleted_at.is_(None))
                                     .order_by(Enrolment.joined_on, Enrolment.created_at)):
        enrolments[enrolment.participant_id].append(enrolment)
    marks = _newest_marks(session, ids)
    sessions = _sessions(session, {sid for _pid, sid in marks})
    counts: dict[uuid.UUID, Counter[str]] = defaultdict(Counter)
    for (pid, sid), mark in marks.items():
        if sid in sessions and _in_period(sessions[sid].scheduled_date, period):
            counts[pid][mark.mark] += 1
    groups = _group_names(session)

    lines = []
    for person in people:
        history = changes[person.id]
        found = referrals[person.id]
        if period is not None:
            events = [StatusEvent(c.to_status, c.changed_on) for c in history]
            if not found or found[0].received_on > period.end:
                continue
            if status_on(events, period.start - dt.timedelta(days=1)) in FINISHED:
                continue
        stays = enrolments[person.id]
        current = [e for e in stays if e.left_on is None] or stays
        latest = found[-1] if found else None
        lines.append(ParticipantLine(
            code=code(person.id), component=person.component, gender=person.gender, status=person.status,
            status_since=history[-1].changed_on if history else None,
            referral_source=latest.source if latest else None, referred_on=latest.received_on if latest else None,
            order_ends_on=latest.order_ends_on if latest else None,
            joined_on=stays[0].joined_on if stays else None,
            group=groups.get(current[-1].group_id, "") if current else "",
            marks={m.value: counts[person.id][m.value] for m in Mark},
            personal=Personal(person.full_name, person.birth_date, person.phone, person.address) if personal else None,
        ))
    return lines


def attendance_lines(session: Session, *, personal: bool, period: Period | None) -> list[AttendanceLine]:
    """One line per participant and session with a mark (the newest one), by date."""
    people = {p.id: p for p in _centre_participants(session)}
    if not people:
        return []
    code = Pseudonyms.of_centre(session)
    marks = _newest_marks(session, list(people))
    sessions = _sessions(session, {sid for _pid, sid in marks})
    groups = _group_names(session)
    lines = []
    for (pid, sid), mark in marks.items():
        row = sessions.get(sid)
        if row is None or not _in_period(row.scheduled_date, period):
            continue
        lines.append(AttendanceLine(
            code=code(pid), full_name=people[pid].full_name if personal else "", session_date=row.scheduled_date,
            group=groups.get(row.group_id, "") if row.group_id else "", session_kind=row.kind,
            session_number=row.sequence, mark=mark.mark, concern=bool(mark.concern)))
    lines.sort(key=lambda line: (line.session_date, line.group, line.session_number, line.code))
    return lines
