"""Groups: create one with its generated schedule, list them, show one with its sessions."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from instructor_app import errors
from instructor_app.curricula.model import LANGUAGES, Curriculum, SessionKind, TargetGender
from instructor_app.domain.facilitators import Gender, pair_problems
from instructor_app.i18n import N_
from instructor_app.scheduling import rules
from instructor_app.scheduling.holidays import HolidayCalendar
from instructor_app.services.curricula import CurriculumStore
from instructor_app.services.programme_data import (ChangeEntry, GroupDetail, GroupDraft, GroupFilter, GroupSummary,
                                                    HolidaySkip, SchedulePreview)
from instructor_app.services.session_rows import FacilitatorNames, session_rows
from instructor_app.storage.database import Database
from instructor_app.storage.models import Device, Facilitator
from instructor_app.storage.programme_models import (CurriculumVersion, ProgrammeGroup, ProgrammeSession,
                                                     ScheduleChange)

MIN_REASON = 10
MAX_CAPACITY = 30


def _uuid(value: str | None, field: str) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise errors.InvalidInput(field, N_("Choose a value from the list.")) from None


class GroupService:
    def __init__(self, db: Database, actor_id: str, curricula: CurriculumStore, holidays: HolidayCalendar) -> None:
        self.db = db
        self.actor_id = actor_id
        self.curricula = curricula
        self.holidays = holidays

    # --- validation and preview -------------------------------------------------------------

    def _check(self, session: Session, draft: GroupDraft, today: dt.date, *, complete: bool = True
               ) -> tuple[Curriculum, rules.SlotPlan, dt.date | None, list[str]]:
        """Every rule a new group must keep; ``complete=False`` (the preview) skips the name and the
        written reason, which the user types last."""
        if complete and not draft.name.strip():
            raise errors.InvalidInput("name", N_("Give the group a name, for example “Men's group, Tuesday evening”."))
        version_id = _uuid(draft.curriculum_version_id, "curriculum")
        if version_id is None:
            raise errors.InvalidInput("curriculum", N_("Choose the programme."))
        curriculum = self.curricula.curriculum(session, version_id)
        if draft.language not in LANGUAGES:
            raise errors.InvalidInput("language", N_("Choose the language of the sessions: Kyrgyz or Russian."))
        if draft.participant_gender not in (Gender.MALE, Gender.FEMALE):
            raise errors.InvalidInput("participant_gender", N_("Choose whether the group is for men or for women."))
        if curriculum.target_gender != TargetGender.ANY and curriculum.target_gender != draft.participant_gender:
            raise errors.InvalidInput("participant_gender",
                                      N_("This programme is written for another gender; choose the matching programme."))
        lead_id = _uuid(draft.lead_facilitator_id, "lead")
        if lead_id is None:
            raise errors.InvalidInput("lead", N_("Choose the lead facilitator."))
        second_id = _uuid(draft.co_facilitator_id, "second")
        if second_id == lead_id:
            raise errors.InvalidInput("second", N_("The second facilitator must be another person than the lead."))
        lead = session.get(Facilitator, lead_id)
        second = session.get(Facilitator, second_id) if second_id else None
        if lead is None or (second_id and second is None):
            raise errors.InvalidInput("lead", N_("Choose the facilitators from the list."))
        problems = [p.value for p in pair_problems(lead.gender, second.gender if second else None,
                                                    draft.participant_gender)]
        if complete and problems and len(draft.pair_exception_reason.strip()) < MIN_REASON:
            raise errors.InvalidInput(
                "pair_exception_reason",
                N_("This pair is not one man and one woman with the lead of the participants' gender. Choose such "
                   "a pair, or write why this group needs another arrangement (at least 10 characters)."))
        if not 0 <= draft.weekday <= 6:
            raise errors.InvalidInput("weekday", N_("Choose the weekday of the group meetings."))
        rules.parse_time(draft.start_time)
        if not 1 <= draft.capacity <= MAX_CAPACITY:
            raise errors.InvalidInput("capacity", N_("The number of places must be between 1 and {max}."),
                                      max=MAX_CAPACITY)
        if draft.start_date < today:
            raise errors.InvalidInput("start_date", N_("The start date {date} is in the past. Choose today or a later "
                                                       "date."), date=draft.start_date)
        order_end = draft.order_end
        if curriculum.within_protection_order:
            if order_end is None:
                order_end = draft.start_date + dt.timedelta(days=rules.ORDER_DAYS - 1)
            if order_end < draft.start_date:
                raise errors.InvalidInput("order_end", N_("The protection order ends before the group starts. "
                                                          "Check both dates."))
        else:
            order_end = None
        count = curriculum.count(SessionKind.GROUP)
        if count == 0:
            raise errors.InvalidInput("curriculum", N_("This programme has no group sessions; plan its individual "
                                                       "sessions for each participant."))
        first = rules.first_on_weekday(draft.start_date, draft.weekday)
        plan = rules.plan_slots(count, first, curriculum.cadence_days, self.holidays)
        rules.check_fits_order(plan.dates[-1], order_end)
        return curriculum, plan, order_end, problems

    def preview(self, draft: GroupDraft, today: dt.date) -> SchedulePreview:
        """The dates a group would get, the holidays skipped and any pair problem; saves nothing."""
        with self.db.session(self.actor_id) as session:
            _, plan, order_end, problems = self._check(session, draft, today, complete=False)
        return SchedulePreview(plan.dates, tuple(HolidaySkip(h.date, h.name) for h in plan.skipped), order_end,
                               tuple(problems))

    # --- create -----------------------------------------------------------------------------

    def create(self, draft: GroupDraft, today: dt.date) -> GroupDetail:
        with self.db.session(self.actor_id) as session:
            curriculum, plan, order_end, problems = self._check(session, draft, today)
            centre_id = session.scalars(select(Device.centre_id)).one()
            group = ProgrammeGroup(
                centre_id=centre_id, curriculum_version_id=uuid.UUID(draft.curriculum_version_id),
                name=draft.name.strip()[:120], language=draft.language, participant_gender=draft.participant_gender,
                lead_facilitator_id=uuid.UUID(draft.lead_facilitator_id),
                co_facilitator_id=_uuid(draft.co_facilitator_id, "second"),
                pair_exception_reason=draft.pair_exception_reason.strip() if problems else "",
                room=draft.room.strip()[:120], weekday=draft.weekday, start_time=rules.parse_time(draft.start_time),
                start_date=draft.start_date, order_end=order_end, capacity=draft.capacity,
            )
            session.add(group)
            session.flush()
            for template, day in zip(curriculum.of_kind(SessionKind.GROUP), plan.dates, strict=True):
                session.add(ProgrammeSession(
                    group_id=group.id, curriculum_version_id=group.curriculum_version_id, template_key=template.key,
                    sequence=template.number, kind=SessionKind.GROUP.value, scheduled_date=day,
                    start_time=group.start_time, minutes=template.minutes, room=group.room,
                    lead_facilitator_id=group.lead_facilitator_id, co_facilitator_id=group.co_facilitator_id,
                ))
            session.flush()
            return self._detail(session, group)

    # --- read -------------------------------------------------------------------------------

    def list(self, flt: GroupFilter, today: dt.date) -> list[GroupSummary]:
        with self.db.session(self.actor_id) as session:
            query = (select(ProgrammeGroup, CurriculumVersion.curriculum_key)
                     .join(CurriculumVersion, CurriculumVersion.id == ProgrammeGroup.curriculum_version_id)
                     .where(ProgrammeGroup.deleted_at.is_(None)).order_by(ProgrammeGroup.start_date.desc()))
            if flt.curriculum_key:
                query = query.where(CurriculumVersion.curriculum_key == flt.curriculum_key)
            if flt.language:
                query = query.where(ProgrammeGroup.language == flt.language)
            groups = [g for g, _ in session.execute(query)]
            stats = self._stats(session, [g.id for g in groups], today)
            names = FacilitatorNames(session)
            found = [self._summary(session, g, stats.get(g.id, (0, 0, None, None)), names) for g in groups]
        needle = flt.text.strip().casefold()
        if needle:
            found = [g for g in found if needle in g.name.casefold() or needle in g.room.casefold()
                     or needle in g.lead.display_name.casefold()
                     or (g.second is not None and needle in g.second.display_name.casefold())]
        if flt.status == "active":
            found = [g for g in found if g.next_session is not None]
        elif flt.status == "finished":
            found = [g for g in found if g.next_session is None]
        return found

    def detail(self, group_id: str, today: dt.date | None = None) -> GroupDetail:
        with self.db.session(self.actor_id) as session:
            group = session.get(ProgrammeGroup, _uuid(group_id, "group"))
            if group is None or group.deleted_at is not None:
                raise errors.InvalidInput("group", N_("This group no longer exists."))
            return self._detail(session, group, today)

    def _stats(self, session: Session, ids: list[uuid.UUID], today: dt.date) -> dict:
        if not ids:
            return {}
        live = ProgrammeSession.status != rules.SessionStatus.CANCELLED.value
        total = func.count().filter(live)
        held = func.count().filter(ProgrammeSession.status == rules.SessionStatus.HELD.value)
        upcoming = func.min(ProgrammeSession.scheduled_date).filter(
            ProgrammeSession.status == rules.SessionStatus.PLANNED.value, ProgrammeSession.scheduled_date >= today)
        last = func.max(ProgrammeSession.scheduled_date).filter(live)
        rows = session.execute(select(ProgrammeSession.group_id, total, held, upcoming, last)
                               .where(ProgrammeSession.group_id.in_(ids), ProgrammeSession.deleted_at.is_(None))
                               .group_by(ProgrammeSession.group_id))
        return {gid: (t, h, u, la) for gid, t, h, u, la in rows}

    def _summary(self, session: Session, group: ProgrammeGroup, stats: tuple, names: FacilitatorNames) -> GroupSummary:
        curriculum = self.curricula.curriculum(session, group.curriculum_version_id)
        lead = names.option(group.lead_facilitator_id)
        second = names.option(group.co_facilitator_id) if group.co_facilitator_id else None
        problems = pair_problems(lead.gender, second.gender if second else None, group.participant_gender)
        total, held, upcoming, last = stats
        return GroupSummary(
            id=str(group.id), name=group.name, programme=curriculum.title, curriculum_key=curriculum.id,
            curriculum_version=curriculum.version, component=curriculum.component.value, language=group.language,
            participant_gender=group.participant_gender, lead=lead, second=second,
            pair_exception_reason=group.pair_exception_reason, pair_problems=tuple(p.value for p in problems),
            room=group.room, weekday=group.weekday, start_time=group.start_time, start_date=group.start_date,
            order_end=group.order_end, capacity=group.capacity, status=group.status, sessions_total=total,
            sessions_held=held, next_session=upcoming, last_session=last,
        )

    def _detail(self, session: Session, group: ProgrammeGroup, today: dt.date | None = None) -> GroupDetail:
        today = today or dt.date.today()
        names = FacilitatorNames(session)
        sessions = session.scalars(select(ProgrammeSession).where(
            ProgrammeSession.group_id == group.id, ProgrammeSession.deleted_at.is_(None))
            .order_by(ProgrammeSession.scheduled_date, ProgrammeSession.sequence)).all()
        rows = session_rows(session, self.curricula, sessions, names)
        stats = self._stats(session, [group.id], today).get(group.id, (0, 0, None, None))
        numbers = {uuid.UUID(r.id): r.number for r in rows}
        changes = session.scalars(select(ScheduleChange).where(ScheduleChange.session_id.in_(list(numbers)))
                                  .order_by(ScheduleChange.created_at.desc())).all() if numbers else []
        history = tuple(ChangeEntry(numbers[c.session_id], c.change, c.created_at, names.name(c.updated_by),
                                    c.old_date, c.new_date, c.reason) for c in changes)
        return GroupDetail(self._summary(session, group, stats, names), tuple(rows), history)
