"""Session operations: calendar queries, the session plan, and every schedule change.

Rules every change keeps: a held session never moves; every change has a written reason and
leaves a ``ScheduleChange`` row; a mandatory group's sessions stay inside its protection order.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app import errors
from instructor_app.curricula.model import SessionKind
from instructor_app.i18n import N_
from instructor_app.scheduling import rules
from instructor_app.scheduling.holidays import HolidayCalendar
from instructor_app.scheduling.rules import ChangeKind, SessionStatus
from instructor_app.services.curricula import CurriculumStore
from instructor_app.services.programme_data import SessionPlan, SessionRow
from instructor_app.services.session_rows import session_rows
from instructor_app.storage.database import Database
from instructor_app.storage.models import Facilitator
from instructor_app.storage.programme_models import ProgrammeGroup, ProgrammeSession, ScheduleChange

MIN_REASON = 3


def _reason(text: str) -> str:
    if len(text.strip()) < MIN_REASON:
        raise errors.InvalidInput("reason", N_("Write the reason; it is kept with the schedule."))
    return text.strip()


class SessionService:
    def __init__(self, db: Database, actor_id: str, curricula: CurriculumStore, holidays: HolidayCalendar) -> None:
        self.db = db
        self.actor_id = actor_id
        self.curricula = curricula
        self.holidays = holidays

    # --- reading ----------------------------------------------------------------------------

    def between(self, first: dt.date, last: dt.date) -> list[SessionRow]:
        """Sessions (planned, held and cancelled) on the days ``first``…``last``, in time order."""
        with self.db.session(self.actor_id) as session:
            rows = session.scalars(select(ProgrammeSession).where(
                ProgrammeSession.scheduled_date >= first, ProgrammeSession.scheduled_date <= last,
                ProgrammeSession.deleted_at.is_(None))
                .order_by(ProgrammeSession.scheduled_date, ProgrammeSession.start_time)).all()
            return session_rows(session, self.curricula, rows)

    def plan(self, session_id: str) -> SessionPlan:
        with self.db.session(self.actor_id) as session:
            row = self._get(session, session_id)
            curriculum = self.curricula.curriculum(session, row.curriculum_version_id)
            [data] = session_rows(session, self.curricula, [row])
            return SessionPlan(data, curriculum.session(row.template_key), curriculum.title, curriculum.version,
                               curriculum.count(SessionKind(row.kind)))

    # --- changes ----------------------------------------------------------------------------

    def _get(self, session: Session, session_id: str) -> ProgrammeSession:
        try:
            row = session.get(ProgrammeSession, uuid.UUID(str(session_id)))
        except ValueError:
            row = None
        if row is None or row.deleted_at is not None:
            raise errors.InvalidInput("session", N_("This session no longer exists."))
        return row

    @staticmethod
    def _must_be_planned(row: ProgrammeSession) -> None:
        if row.status == SessionStatus.HELD:
            raise errors.InvalidInput("session", N_("This session was already held; a held session is never moved "
                                                    "or cancelled. Add a make-up session instead."))
        if row.status == SessionStatus.CANCELLED:
            raise errors.InvalidInput("session", N_("This session is cancelled; add a make-up session instead."))

    def _check_date(self, session: Session, row: ProgrammeSession, day: dt.date, today: dt.date) -> None:
        if day < today:
            raise errors.InvalidInput("date", N_("{date} is in the past. Choose today or a later date."), date=day)
        holiday = self.holidays.holiday(day)
        if holiday is not None:
            raise errors.InvalidInput("date", N_("{date} is a public holiday. Choose another day."), date=day)
        group = session.get(ProgrammeGroup, row.group_id) if row.group_id else None
        if group is not None:
            rules.check_fits_order(day, group.order_end)

    def _log(self, session: Session, row: ProgrammeSession, change: ChangeKind, reason: str,
             old_date: dt.date | None = None, old_time: str | None = None) -> None:
        session.add(ScheduleChange(session_id=row.id, change=change.value, old_date=old_date, new_date=row.scheduled_date,
                                   old_time=old_time, new_time=row.start_time, reason=reason))

    def reschedule(self, session_id: str, day: dt.date, start_time: str, reason: str, today: dt.date) -> SessionRow:
        """Move one session to another day or time; the others stay where they are."""
        reason = _reason(reason)
        start = rules.parse_time(start_time)
        with self.db.session(self.actor_id) as session:
            row = self._get(session, session_id)
            self._must_be_planned(row)
            self._check_date(session, row, day, today)
            old_date, old_time = row.scheduled_date, row.start_time
            row.scheduled_date, row.start_time = day, start
            self._log(session, row, ChangeKind.RESCHEDULED, reason, old_date, old_time)
            session.flush()
            return session_rows(session, self.curricula, [row])[0]

    def cancel(self, session_id: str, reason: str) -> SessionRow:
        reason = _reason(reason)
        with self.db.session(self.actor_id) as session:
            row = self._get(session, session_id)
            self._must_be_planned(row)
            row.status, row.status_reason = SessionStatus.CANCELLED.value, reason
            self._log(session, row, ChangeKind.CANCELLED, reason, row.scheduled_date, row.start_time)
            session.flush()
            return session_rows(session, self.curricula, [row])[0]

    def postpone(self, session_id: str, reason: str, today: dt.date) -> list[SessionRow]:
        """Postpone one group session by one slot and shift every later planned session by one slot."""
        reason = _reason(reason)
        with self.db.session(self.actor_id) as session:
            row = self._get(session, session_id)
            self._must_be_planned(row)
            if row.group_id is None:
                raise errors.InvalidInput("session", N_("Only group sessions are postponed with the later ones; "
                                                        "move an individual session to a new date instead."))
            group = session.get(ProgrammeGroup, row.group_id)
            curriculum = self.curricula.curriculum(session, row.curriculum_version_id)
            siblings = session.scalars(select(ProgrammeSession).where(
                ProgrammeSession.group_id == row.group_id, ProgrammeSession.deleted_at.is_(None))).all()
            placed = [rules.Placed(s.id, s.scheduled_date, SessionStatus(s.status), s.is_makeup) for s in siblings]
            moves = rules.cascade(placed, row.id, curriculum.cadence_days, self.holidays)
            if moves:
                rules.check_fits_order(max(moves.values()), group.order_end)
            by_id = {s.id: s for s in siblings}
            for moved_id, day in moves.items():
                item = by_id[moved_id]
                old = item.scheduled_date
                item.scheduled_date = day
                kind = ChangeKind.POSTPONED if moved_id == row.id else ChangeKind.SHIFTED
                self._log(session, item, kind, reason, old, item.start_time)
            session.flush()
            changed = sorted((by_id[i] for i in moves), key=lambda s: s.scheduled_date)
            return session_rows(session, self.curricula, changed)

    def add_makeup(self, replaces_id: str, day: dt.date, start_time: str, reason: str, today: dt.date) -> SessionRow:
        """A catch-up session for a session that was cancelled or missed; it counts in its place."""
        reason = _reason(reason)
        start = rules.parse_time(start_time)
        with self.db.session(self.actor_id) as session:
            original = self._get(session, replaces_id)
            self._check_date(session, original, day, today)
            row = ProgrammeSession(
                group_id=original.group_id, participant_id=original.participant_id,
                curriculum_version_id=original.curriculum_version_id, template_key=original.template_key,
                sequence=original.sequence, kind=original.kind, scheduled_date=day, start_time=start,
                minutes=original.minutes, room=original.room, lead_facilitator_id=original.lead_facilitator_id,
                co_facilitator_id=original.co_facilitator_id, is_makeup=True, replaces_session_id=original.id,
                status_reason=reason,
            )
            session.add(row)
            session.flush()
            self._log(session, row, ChangeKind.MAKEUP_ADDED, reason)
            session.flush()
            return session_rows(session, self.curricula, [row])[0]

    def set_facilitators(self, session_id: str, lead_id: str, second_id: str | None, reason: str) -> SessionRow:
        """A cover facilitator stands in for this one session (the group's pair is unchanged)."""
        reason = _reason(reason)
        with self.db.session(self.actor_id) as session:
            row = self._get(session, session_id)
            if row.status == SessionStatus.HELD:
                raise errors.InvalidInput("session", N_("This session was already held; correct who ran it in "
                                                        "“Mark as held”."))
            lead, second = self._people(session, lead_id, second_id)
            row.lead_facilitator_id, row.co_facilitator_id, row.cover_reason = lead, second, reason
            self._log(session, row, ChangeKind.FACILITATORS, reason, row.scheduled_date, row.start_time)
            session.flush()
            return session_rows(session, self.curricula, [row])[0]

    def mark_held(self, session_id: str, held_on: dt.date, actual_start: str, actual_end: str, lead_id: str,
                  second_id: str | None, notes: str, today: dt.date) -> SessionRow:
        start = rules.parse_time(actual_start, "actual_start")
        end = rules.parse_time(actual_end, "actual_end")
        if end <= start:
            raise errors.InvalidInput("actual_end", N_("The end time must be after the start time."))
        if held_on > today:
            raise errors.InvalidInput("held_on", N_("A session cannot be marked as held on a future date."))
        with self.db.session(self.actor_id) as session:
            row = self._get(session, session_id)
            if row.status == SessionStatus.CANCELLED:
                raise errors.InvalidInput("session", N_("This session is cancelled; add a make-up session instead."))
            lead, second = self._people(session, lead_id, second_id)
            row.status, row.held_on, row.actual_start, row.actual_end = SessionStatus.HELD.value, held_on, start, end
            row.lead_facilitator_id, row.co_facilitator_id, row.notes = lead, second, notes.strip()
            self._log(session, row, ChangeKind.HELD, "", row.scheduled_date, row.start_time)
            session.flush()
            return session_rows(session, self.curricula, [row])[0]

    @staticmethod
    def _people(session: Session, lead_id: str, second_id: str | None) -> tuple[uuid.UUID, uuid.UUID | None]:
        try:
            lead = uuid.UUID(lead_id)
            second = uuid.UUID(second_id) if second_id else None
        except ValueError:
            raise errors.InvalidInput("lead", N_("Choose the facilitators from the list.")) from None
        if lead == second:
            raise errors.InvalidInput("second", N_("The second facilitator must be another person than the lead."))
        for person in (lead, second):
            if person is not None and session.get(Facilitator, person) is None:
                raise errors.InvalidInput("lead", N_("Choose the facilitators from the list."))
        return lead, second

    def schedule_individual(self, curriculum_version_id: str, template_key: str, participant_id: str,
                            day: dt.date, start_time: str, lead_id: str, second_id: str | None, room: str,
                            today: dt.date) -> SessionRow:
        """An individual session for one participant, outside any group's weekly slot."""
        start = rules.parse_time(start_time)
        if day < today:
            raise errors.InvalidInput("date", N_("{date} is in the past. Choose today or a later date."), date=day)
        if self.holidays.is_holiday(day):
            raise errors.InvalidInput("date", N_("{date} is a public holiday. Choose another day."), date=day)
        with self.db.session(self.actor_id) as session:
            version = uuid.UUID(curriculum_version_id)
            template = self.curricula.curriculum(session, version).session(template_key)
            if template.kind != SessionKind.INDIVIDUAL:
                raise errors.InvalidInput("template", N_("Choose one of the programme's individual sessions."))
            lead, second = self._people(session, lead_id, second_id)
            row = ProgrammeSession(
                participant_id=uuid.UUID(participant_id), curriculum_version_id=version, template_key=template.key,
                sequence=template.number, kind=SessionKind.INDIVIDUAL.value, scheduled_date=day, start_time=start,
                minutes=template.minutes, room=room.strip()[:120], lead_facilitator_id=lead, co_facilitator_id=second,
            )
            session.add(row)
            session.flush()
            return session_rows(session, self.curricula, [row])[0]
