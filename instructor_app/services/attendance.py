"""Enrolments (join, transfer, rejoin at the point reached) and the attendance register of a group."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app import errors
from instructor_app.i18n import N_
from instructor_app.participants import compliance
from instructor_app.participants.compliance import Mark
from instructor_app.participants.lifecycle import Status
from instructor_app.participants.rules import RuleParameters
from instructor_app.scheduling.holidays import HolidayCalendar
from instructor_app.scheduling.rules import ChangeKind, SessionStatus, end_time
from instructor_app.services.curricula import CurriculumStore
from instructor_app.services.participant_data import RegisterCell, RegisterData, RegisterRow
from instructor_app.services.participant_facts import compliance_input, load_facts
from instructor_app.services.session_rows import FacilitatorNames, session_rows
from instructor_app.storage.database import Database
from instructor_app.services.participants import move_status
from instructor_app.storage.participant_models import Attendance, Enrolment, Participant
from instructor_app.storage.programme_models import ProgrammeGroup, ProgrammeSession, ScheduleChange

CAN_ENROL = {Status.INTAKE, Status.ACTIVE, Status.SUSPENDED, Status.DROPPED_OUT}


class AttendanceService:
    def __init__(self, db: Database, actor_id: str, curricula: CurriculumStore, holidays: HolidayCalendar,
                 rules: RuleParameters) -> None:
        self.db = db
        self.actor_id = actor_id
        self.curricula = curricula
        self.holidays = holidays
        self.rules = rules

    # --- enrolment --------------------------------------------------------------------------

    def enrol(self, participant_id: str, group_id: str, joined_on: dt.date, today: dt.date) -> None:
        """Into a group; from another group it is a transfer (history kept); after dropping out it is a
        rejoin at the point reached, allowed within the configured weeks for the same programme."""
        with self.db.session(self.actor_id) as session:
            person = session.get(Participant, uuid.UUID(participant_id))
            group = session.get(ProgrammeGroup, uuid.UUID(group_id))
            if person is None or group is None:
                raise errors.InvalidInput("group", N_("Choose the participant and the group from the lists."))
            status = Status(person.status)
            if status not in CAN_ENROL:
                raise errors.InvalidInput("group", N_("A participant with this status cannot join a group."))
            curriculum = self.curricula.curriculum(session, group.curriculum_version_id)
            if curriculum.component.value != person.component:
                raise errors.InvalidInput("group", N_("This group runs another component of the programme than the "
                                                      "participant's."))
            if group.participant_gender != person.gender:
                raise errors.InvalidInput("group", N_("This group is for participants of the other gender."))
            if joined_on > today + dt.timedelta(days=60) or joined_on < today - dt.timedelta(days=31):
                raise errors.InvalidInput("joined_on", N_("Choose a joining date close to today."))
            enrolments = session.scalars(select(Enrolment).where(Enrolment.participant_id == person.id)
                                         .order_by(Enrolment.joined_on, Enrolment.created_at)).all()
            if any(e.group_id == group.id and e.left_on is None for e in enrolments):
                raise errors.InvalidInput("group", N_("The participant is already in this group."))
            members = session.scalars(select(Enrolment).where(Enrolment.group_id == group.id,
                                                              Enrolment.left_on.is_(None))).all()
            if len(members) >= group.capacity:
                raise errors.InvalidInput("group", N_("The group is full ({capacity} places)."),
                                          capacity=group.capacity)
            previous = None
            if status == Status.DROPPED_OUT:
                previous = self._check_rejoin(session, enrolments, curriculum.id, joined_on)
            for current in (e for e in enrolments if e.left_on is None):
                current.left_on, current.left_reason = joined_on - dt.timedelta(days=1), "transferred_group"
                previous = current
            session.add(Enrolment(participant_id=person.id, group_id=group.id, joined_on=joined_on,
                                  rejoined_from_id=previous.id if previous else None))
            if status != Status.ACTIVE:
                move_status(session, person, Status.ACTIVE, "", today)

    def _check_rejoin(self, session: Session, enrolments, curriculum_key: str, joined_on: dt.date) -> Enrolment:  # noqa: ANN001
        last = enrolments[-1] if enrolments else None
        if last is None or last.left_on is None:
            raise errors.InvalidInput("group", N_("There is no earlier group to rejoin."))
        old_group = session.get(ProgrammeGroup, last.group_id)
        if self.curricula.curriculum(session, old_group.curriculum_version_id).id != curriculum_key:
            raise errors.InvalidInput("group", N_("A participant rejoins a group of the same programme."))
        weeks = self.rules.rejoin_within_weeks
        if joined_on > last.left_on + dt.timedelta(weeks=weeks):
            raise errors.InvalidInput("group", N_("More than {weeks} weeks have passed since the participant left; "
                                                  "they start the programme again from the beginning (a new intake)."),
                                      weeks=weeks)
        return last

    def leave(self, participant_id: str, left_on: dt.date, status: str, reason: str, today: dt.date) -> None:
        """Drop out / suspend / transfer to another centre: the enrolment ends, the status changes."""
        with self.db.session(self.actor_id) as session:
            person = session.get(Participant, uuid.UUID(participant_id))
            if person is None:
                raise errors.InvalidInput("participant", N_("This participant's record no longer exists."))
            move_status(session, person, Status(status), reason, today)
            for current in session.scalars(select(Enrolment).where(Enrolment.participant_id == person.id,
                                                                   Enrolment.left_on.is_(None))):
                current.left_on, current.left_reason = left_on, status

    # --- the register -----------------------------------------------------------------------

    def register(self, group_id: str, today: dt.date) -> RegisterData:
        with self.db.session(self.actor_id) as session:
            group = session.get(ProgrammeGroup, uuid.UUID(group_id))
            if group is None:
                raise errors.InvalidInput("group", N_("This group no longer exists."))
            return self._register(session, group, today)

    def _register(self, session: Session, group: ProgrammeGroup, today: dt.date) -> RegisterData:
        names = FacilitatorNames(session)
        sessions = session.scalars(select(ProgrammeSession).where(
            ProgrammeSession.group_id == group.id, ProgrammeSession.deleted_at.is_(None))
            .order_by(ProgrammeSession.scheduled_date, ProgrammeSession.start_time)).all()
        enrolments = session.scalars(select(Enrolment).where(Enrolment.group_id == group.id)
                                     .order_by(Enrolment.joined_on)).all()
        people = {p.id: p for p in session.scalars(select(Participant).where(
            Participant.id.in_({e.participant_id for e in enrolments})))} if enrolments else {}
        facts = load_facts(session, people.values())
        rows = []
        for person in sorted(people.values(), key=lambda p: p.name_key):
            spans = [(e.joined_on, e.left_on) for e in enrolments if e.participant_id == person.id]
            item = facts[person.id]
            cells = tuple(self._cell(item.marks.get(s.id), names,
                                     any(a <= s.scheduled_date and (b is None or s.scheduled_date <= b) for a, b in spans))
                          for s in sessions)
            state = compliance.evaluate(compliance_input(item, self.curricula, session), today, self.rules,
                                        self.holidays.is_holiday)
            rows.append(RegisterRow(str(person.id), person.full_name, person.status, cells, state))
        return RegisterData(str(group.id), group.name, tuple(session_rows(session, self.curricula, sessions, names)),
                            tuple(rows))

    @staticmethod
    def _cell(mark: Attendance | None, names: FacilitatorNames, enrolled: bool) -> RegisterCell:
        if mark is None:
            return RegisterCell(None, enrolled=enrolled)
        return RegisterCell(mark.mark, mark.concern, mark.concern_note, mark.excuse_reason,
                            names.name(mark.updated_by), mark.created_at, enrolled)

    def record(self, participant_id: str, session_id: str, mark: str, today: dt.date, *, excuse_reason: str = "",
               concern: bool = False, concern_note: str = "") -> RegisterRow | None:
        """One mark (a new fact; the newest counts). A session on or before today that was still
        planned is recorded as held with its planned times."""
        if mark not in set(Mark):
            raise errors.InvalidInput("mark", N_("Use P, L, E, X or U."))
        if mark == Mark.EXCUSED and len(excuse_reason.strip()) < 3:
            raise errors.InvalidInput("excuse_reason", N_("An excused absence needs its reason."))
        if concern and mark not in (Mark.PRESENT, Mark.LATE, Mark.LEFT_EARLY):
            raise errors.InvalidInput("concern", N_("An engagement concern is noted for someone who was present."))
        with self.db.session(self.actor_id) as session:
            row = session.get(ProgrammeSession, uuid.UUID(session_id))
            person = session.get(Participant, uuid.UUID(participant_id))
            if row is None or person is None:
                raise errors.InvalidInput("session", N_("This session no longer exists."))
            if row.scheduled_date > today:
                raise errors.InvalidInput("session", N_("This session has not been held yet ({date}); attendance is "
                                                        "marked on the day of the session or later."),
                                          date=row.scheduled_date)
            if row.status == SessionStatus.CANCELLED:
                raise errors.InvalidInput("session", N_("This session was cancelled; mark attendance at its make-up."))
            if row.group_id is not None and not self._enrolled(session, person.id, row):
                raise errors.InvalidInput("session", N_("The participant was not in this group on that date."))
            if row.group_id is None and row.participant_id != person.id:
                raise errors.InvalidInput("session", N_("This individual session belongs to another participant."))
            if row.status == SessionStatus.PLANNED:
                row.status, row.held_on = SessionStatus.HELD.value, row.scheduled_date
                row.actual_start, row.actual_end = row.start_time, end_time(row.start_time, row.minutes)
                session.add(ScheduleChange(session_id=row.id, change=ChangeKind.HELD.value,
                                           old_date=row.scheduled_date, new_date=row.scheduled_date))
            session.add(Attendance(participant_id=person.id, session_id=row.id, mark=mark,
                                   excuse_reason=excuse_reason.strip() if mark == Mark.EXCUSED else "",
                                   concern=concern, concern_note=concern_note.strip() if concern else ""))
            session.flush()
            group = session.get(ProgrammeGroup, row.group_id) if row.group_id else None
            if group is None:
                return None  # an individual session: no group register to show
            data = self._register(session, group, today)
            return next(r for r in data.rows if r.participant_id == str(person.id))

    @staticmethod
    def _enrolled(session: Session, participant_id: uuid.UUID, row: ProgrammeSession) -> bool:
        return session.scalar(select(Enrolment.id).where(
            Enrolment.participant_id == participant_id, Enrolment.group_id == row.group_id,
            Enrolment.joined_on <= row.scheduled_date,
            (Enrolment.left_on.is_(None)) | (Enrolment.left_on >= row.scheduled_date)).limit(1)) is not None

