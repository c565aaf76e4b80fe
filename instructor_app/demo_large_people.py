"""The large demo's participants: who came to each group and what happened to them.

Every group member goes through intake (a referral, for the mandatory component with its protection
order), two individual sessions, enrolment and the group's sessions, then ends completed (with
follow-up meetings, some held, some overdue), dropped out, transferred, suspended, refused under
art. 72 (with the notice sent, or still to send), or is still attending a running group. People who
never joined a group (refused at intake, transferred, waiting for a group or for therapy, an intake
not finished) fill the centre up to its size. Status moves are checked with the app's lifecycle rules.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

from instructor_app.curricula.model import Component, SessionKind
from instructor_app.demo_large import Calendar, PlannedGroup, PlannedSession
from instructor_app.demo_large_names import NameMaker
from instructor_app.demo_large_outbox import BulkOutbox, at_time
from instructor_app.domain.facilitators import Gender
from instructor_app.participants import compliance, intake
from instructor_app.participants.compliance import Mark
from instructor_app.participants.intake import ReferralSource, RefusalForm, Screening
from instructor_app.participants.lifecycle import Status, check_transition
from instructor_app.participants.rules import RuleParameters
from instructor_app.scheduling.rules import ChangeKind, SessionStatus, end_time
from instructor_app.storage.participant_models import (
    Art72Case,
    Attendance,
    Enrolment,
    FollowUpMeeting,
    Participant,
    PartnerContact,
    Referral,
    StatusChange,
)
from instructor_app.storage.programme_models import ProgrammeSession, ScheduleChange

CURATORS = ("Нурбек Осмонов (Ош шаардык пробация бөлүмү)", "Элмира Жусупова (Пробация департаменти, Ош)",
            "Бактыгүл Маматова (Кара-Суу райондук пробация бөлүмү)")
PROBATION = "Ош шаардык пробация бөлүмү"
LEAVING = {
    Status.DROPPED_OUT: ("Россияга иштегени кетти", "Келбей калды, телефонго жооп бербейт", "Жумушу убакыт бербейт"),
    Status.TRANSFERRED: ("Бишкекке көчүп кетти; Бишкектеги борборго жөнөтүлдү",
                         "Жалал-Абадга көчтү; ал жердеги кризистик борборго жөнөтүлдү"),
    Status.SUSPENDED: ("Ооруканага жатты, эки жумага", "Балдары ооруп жатат, эки жумага"),
}
EXCUSES = ("Ооруп калды (медициналык маалымкат бар)", "Сотко чакырылды", "Иш сапарында болду")
CONCERN = "Сабакта унчукпай отурду, тапшырманы аткарган жок."
FOLLOW_UP_NOTES = ("Жаңы зомбулук жок; иштеп жатат.", "Үй-бүлөсү менен жашайт, абалы туруктуу.",
                   "Телефон аркылуу сүйлөштүк; баары жайында.", "Өнөктөшү менен ажырашкан; жалгыз жашайт.")
RECENT_KINDS = ("waiting", "unfinished", "therapy", "refused")   # referred in the last 40 days
OLD_KINDS = ("refused", "transferred", "dropped_out", "therapy")
# what happens to a member: (fate, weight) by the group's state when the demo's "today" comes
FATES = {
    ("finished", Component.VOLUNTARY): ((Status.COMPLETED, 74), (Status.DROPPED_OUT, 22), (Status.TRANSFERRED, 4)),
    ("finished", Component.MANDATORY): ((Status.COMPLETED, 86), (Status.REFUSED, 10), (Status.TRANSFERRED, 4)),
    ("running", Component.VOLUNTARY): ((Status.ACTIVE, 86), (Status.DROPPED_OUT, 7), (Status.SUSPENDED, 4),
                                       (Status.TRANSFERRED, 3)),
    ("running", Component.MANDATORY): ((Status.ACTIVE, 90), (Status.REFUSED, 10)),
    ("future", Component.VOLUNTARY): ((Status.ACTIVE, 1),),
    ("future", Component.MANDATORY): ((Status.ACTIVE, 1),),
}


@dataclass
class Story:
    """What the questionnaires need to know about one participant."""

    participant_id: uuid.UUID
    component: str
    status: str
    actor: uuid.UUID
    group: PlannedGroup | None
    intake_day: dt.date | None = None       # the first individual session, when held
    attended: list[dt.date] = field(default_factory=list)  # group sessions attended
    completed_on: dt.date | None = None
    partner_safe: bool = False


class People:
    def __init__(self, out: BulkOutbox, rng: random.Random, today: dt.date, calendar: Calendar,
                 rules: RuleParameters, centre_id: uuid.UUID, actors: list[uuid.UUID],
                 facilitator_names: dict[uuid.UUID, str]) -> None:
        self.out, self.rng, self.today, self.calendar, self.rules = out, rng, today, calendar, rules
        self.centre_id, self.actors, self.facilitator_names = centre_id, actors, facilitator_names
        self.names = NameMaker(rng)
        self.stories: list[Story] = []
        self._overdue_shown = False

    @property
    def count(self) -> int:
        return len(self.stories)

    def day_between(self, first: dt.date, last: dt.date) -> dt.date | None:
        """A random working day in ``first``…``last`` (None if there is none)."""
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        days = [d for d in days if d.weekday() != 6 and not self.calendar.holidays.is_holiday(d)]
        return self.rng.choice(days) if days else None

    # --- a person and their intake --------------------------------------------------------------

    def person(self, gender: str, component: str, language: str, received: dt.date, actor: uuid.UUID, *,
               order_issued: dt.date | None = None, screening: str = Screening.ELIGIBLE,
               contract: bool = True) -> Story:
        rng = self.rng
        name, birth = self.names.person(gender, language, received)
        certificate = ""
        if screening == Screening.ELIGIBLE and rng.random() < 0.08:
            screening = Screening.THERAPY_COMPLETED
            certificate = f"Наркология борбору, маалымкат №{rng.randint(100, 999)}, {received.year}"
        at = at_time(received, "10:00")
        person_id = self.out.add(
            Participant, actor, at, centre_id=self.centre_id, full_name=name, name_key=intake.name_key(name),
            birth_date=birth, gender=gender, language=language, phone=self.names.phone(),
            address=self.names.address(language), component=Component(component).value, status=Status.INTAKE.value,
            screening=Screening(screening).value,
            therapy_certificate=certificate, contract_signed_on=received if contract else None,
            curator_name=rng.choice(CURATORS) if component == Component.MANDATORY else "")
        component = Component(component).value
        self.out.add(Referral, actor, at, participant_id=person_id, **self._referral(component, received, order_issued))
        self.out.add(StatusChange, actor, at, participant_id=person_id, to_status=Status.REFERRED.value,
                     changed_on=received)
        self.out.add(StatusChange, actor, at + dt.timedelta(minutes=1), participant_id=person_id,
                     from_status=Status.REFERRED.value, to_status=Status.INTAKE.value, changed_on=received)
        story = Story(person_id, component, Status.INTAKE.value, actor, None)
        if rng.random() < 0.75:
            story.partner_safe = rng.random() < 0.7
            partner_gender = Gender.FEMALE.value if gender == Gender.MALE else Gender.MALE.value
            relation = {("ky", Gender.FEMALE.value): "жубайы", ("ky", Gender.MALE.value): "күйөөсү",
                        ("ru", Gender.FEMALE.value): "жена",
                        ("ru", Gender.MALE.value): "муж"}[(language, partner_gender)]
            self.out.add(PartnerContact, actor, at, participant_id=person_id,
                         full_name=self.names.person(partner_gender, language, received)[0], relation=relation,
                         phone=self.names.phone(), safe_to_contact=story.partner_safe)
        self.stories.append(story)
        return story

    def _referral(self, component: str, received: dt.date, order_issued: dt.date | None) -> dict:
        rng = self.rng
        if component == Component.MANDATORY:
            assert order_issued is not None
            found = {"order_number": f"УКО-{rng.randint(1000, 9999)}", "order_issued_on": order_issued,
                     "order_ends_on": intake.default_order_end(order_issued), "received_on": received}
            if rng.random() < 0.2:
                return {**found, "source": ReferralSource.COURT.value, "document_date": order_issued,
                        "document_number": f"Сот чечими №{rng.randint(100, 999)}-{received.year}"}
            return {**found, "source": ReferralSource.POLICE.value, "document_date": order_issued,
                    "document_number": f"ИИБ-{rng.randint(100, 999)}/{received.year}"}
        source = rng.choices((ReferralSource.CRISIS_CENTRE, ReferralSource.SELF, ReferralSource.PROBATION),
                             weights=(45, 30, 25))[0]
        document = f"ПД-{rng.randint(10, 99)}/{received.year}" if source == ReferralSource.PROBATION else ""
        return {"source": source.value, "received_on": received, "document_number": document,
                "document_date": received if document else None}

    def move(self, story: Story, target: Status, day: dt.date, reason: str = "", at: dt.datetime | None = None) -> None:
        check_transition(story.status, target)
        self.out.add(StatusChange, story.actor, at or at_time(day, "17:00"), participant_id=story.participant_id,
                     from_status=story.status, to_status=target.value, changed_on=day, reason=reason)
        story.status = target.value
        self.out.set_value(Participant, story.participant_id, status=target.value)

    # --- sessions and marks ---------------------------------------------------------------------

    def individual(self, story: Story, group: PlannedGroup, key: str, day: dt.date, letter: str | None) -> None:
        template = group.curriculum.session(key)
        gender = Gender.MALE.value if group.gender == Gender.MALE else Gender.FEMALE.value
        held = day < self.today and letter is not None
        start = self.rng.choice(("09:00", "11:00", "14:00"))
        extra = {"status": SessionStatus.HELD.value, "held_on": day, "actual_start": start,
                 "actual_end": end_time(start, template.minutes)} if held else {}
        session_id = self.out.add(
            ProgrammeSession, story.actor, at_time(min(day, self.today) - dt.timedelta(days=3), "15:00"),
            participant_id=story.participant_id, curriculum_version_id=group.version_id, template_key=key,
            sequence=template.number, kind=SessionKind.INDIVIDUAL.value, scheduled_date=day, start_time=start,
            minutes=template.minutes, room="5-бөлмө", lead_facilitator_id=group.lead_for(gender), **extra)
        if held:
            self.out.add(ScheduleChange, story.actor, at_time(day, end_time(start, template.minutes)),
                         session_id=session_id, change=ChangeKind.HELD.value, old_date=day, new_date=day,
                         old_time=start, new_time=start)
            self.mark(story, session_id, day, end_time(start, template.minutes), letter)
            if key == "i1":
                story.intake_day = day

    def mark(self, story: Story, session_id: uuid.UUID, day: dt.date, clock: str, letter: str) -> None:
        mark = compliance.MARK_KEYS[letter.upper()]
        concern = letter == "p" and mark == Mark.PRESENT
        self.out.add(Attendance, story.actor, at_time(day, clock), participant_id=story.participant_id,
                     session_id=session_id, mark=mark.value,
                     excuse_reason=self.rng.choice(EXCUSES) if mark == Mark.EXCUSED else "",
                     concern=concern, concern_note=CONCERN if concern else "")

    def letter(self, kind: str) -> str:
        """One mark: ``kind`` is "good" (completes), "usual" (attending) or "poor" (non-compliant)."""
        r = self.rng.random()
        if kind == "poor":
            return "U" if r < 0.4 else "P"
        if kind == "good":
            return "P" if r < 0.85 else ("p" if r < 0.89 else ("L" if r < 0.96 else "E"))
        return "P" if r < 0.84 else ("L" if r < 0.9 else ("E" if r < 0.93 else ("X" if r < 0.97 else "U")))

    # --- a group ----------------------------------------------------------------------------------

    def fill_group(self, group: PlannedGroup) -> None:
        if group.component == Component.MANDATORY and not group.curriculum.within_protection_order:
            return  # the 6-month pilot has not taken its participants in yet
        low, high = (12, 15) if group.component == Component.MANDATORY else (9, 13)
        if group.gender == Gender.FEMALE:
            low, high = (5, 8) if group.component == Component.MANDATORY else (8, 11)
        # a group running now shows every way it goes: suspended, dropped out, non-compliant, refused,
        # an individual session not planned before the order ends
        forced = ([] if not group.showcase else ["refused", "no_i2"] if group.component == Component.MANDATORY
                  else [Status.SUSPENDED, Status.DROPPED_OUT, "poor"])
        members = self.rng.randint(low, high) if not group.showcase else group.capacity  # a full room tonight
        for n in range(min(group.capacity, members)):
            self.member(group, forced[n] if n < len(forced) else None)

    def member(self, group: PlannedGroup, forced: str | None = None) -> None:
        rng, today = self.rng, self.today
        sessions = [s for s in group.sessions if s.status != SessionStatus.CANCELLED]
        g1 = sessions[0].date
        mandatory = group.component == Component.MANDATORY
        order = None
        if mandatory:
            order = max(g1 - dt.timedelta(days=rng.randint(2, 18)), sessions[-1].date - dt.timedelta(days=25))
            order = min(order, today)
            received = self.day_between(order, min(order + dt.timedelta(days=2), g1 - dt.timedelta(days=1), today)) \
                or order
            i1 = self.day_between(received, g1 - dt.timedelta(days=1)) or self.calendar.working_day(received)
            deadline = compliance.last_working_day(intake.default_order_end(order), self.calendar.holidays.is_holiday)
            i2 = self.day_between(sessions[-1].date + dt.timedelta(days=1),
                                  min(sessions[-1].date + dt.timedelta(days=6), deadline))
        else:
            i2 = self.day_between(g1 - dt.timedelta(days=6), g1 - dt.timedelta(days=1)) \
                or self.calendar.working_day(g1 - dt.timedelta(days=1), -1)
            i1 = self.day_between(i2 - dt.timedelta(days=9), i2 - dt.timedelta(days=5)) \
                or self.calendar.working_day(i2 - dt.timedelta(days=7), -1)
            received = min(self.day_between(i1 - dt.timedelta(days=20), i1 - dt.timedelta(days=2)) or i1, today)
        ends = max(sessions[-1].date, i2 or sessions[-1].date)
        state = "future" if g1 >= today else ("running" if ends >= today else "finished")
        choices = FATES[(state, Component(group.component))]
        fate = rng.choices([f for f, _ in choices], weights=[w for _, w in choices])[0]
        held = [s for s in sessions if s.status == SessionStatus.HELD]
        if fate in (Status.DROPPED_OUT, Status.TRANSFERRED, Status.SUSPENDED) and len(held) < 5:
            fate = Status.ACTIVE if state != "finished" else Status.COMPLETED
        if fate == Status.REFUSED and not held:
            fate = Status.ACTIVE
        if fate == Status.COMPLETED and mandatory and i2 is None:
            fate = Status.REFUSED
        poor = forced == "poor"
        if forced == "no_i2":
            i2 = None
        if forced is not None:
            fate = Status.ACTIVE if forced in ("poor", "no_i2") else Status(forced)
        story = self.person(group.gender, group.component, group.language, received, group.actor,
                            order_issued=order)
        story.group = group
        self.individual(story, group, "i1", i1, "P" if rng.random() < 0.97 or fate == Status.COMPLETED else "U")
        if not mandatory:
            self.individual(story, group, "i2", i2, "P")
        enrolled_on = max(received, min(i1 if mandatory else i2, today))
        self.move(story, Status.ACTIVE, enrolled_on)
        left = self._attend(story, group, held, fate, poor)
        if mandatory and i2 is not None and fate in (Status.ACTIVE, Status.COMPLETED) \
                and (i2 >= today or rng.random() > 0.1 or fate == Status.COMPLETED):
            self.individual(story, group, "i2", i2, "P" if i2 < today else None)
        enrolment = {"participant_id": story.participant_id, "group_id": group.id, "joined_on": g1}
        if left is not None:
            enrolment.update(left_on=left, left_reason=fate.value)
        self.out.add(Enrolment, story.actor, at_time(enrolled_on, "16:00"), **enrolment)
        if fate == Status.COMPLETED:
            done = (i2 if mandatory else None) or max(story.attended)
            self.move(story, Status.COMPLETED, done)
            story.completed_on = done
            self._follow_ups(story, done)
        elif fate == Status.REFUSED:
            self._refuse(story, left or today, group)
        elif fate != Status.ACTIVE:
            self.move(story, fate, left or today, rng.choice(LEAVING[fate]))

    def _attend(self, story: Story, group: PlannedGroup, held: list[PlannedSession], fate: Status,
                poor: bool = False) -> dt.date | None:
        """Marks for the held sessions the member was there for; returns the day they left (if they left)."""
        rng = self.rng
        if fate == Status.COMPLETED:
            plan = ["good"] * len(held)
        elif fate == Status.ACTIVE:
            plan = ["poor" if poor or rng.random() < 0.08 else "usual"] * len(held)
        elif fate == Status.REFUSED:
            plan = ["absent"] * min(1, len(held))
        else:
            stay = rng.randint(2, max(2, len(held) - 3))
            plan = ["good"] * stay + (["absent"] * 3 if fate == Status.DROPPED_OUT else [])
        left = None
        for session, kind in zip(held, plan, strict=False):
            letter = "U" if kind == "absent" else self.letter(kind)
            self.mark(story, session.id, session.date, end_time(session.start_time, session.minutes), letter)
            if compliance.MARK_KEYS[letter.upper()] in self.rules.attended_marks:
                story.attended.append(session.date)
            left = session.date
        if fate in (Status.ACTIVE, Status.COMPLETED):
            return None
        return min(self.today, (left or held[0].date) + dt.timedelta(days=rng.randint(1, 6)))

    def _refuse(self, story: Story, day: dt.date, group: PlannedGroup | None) -> None:
        rng = self.rng
        form = rng.choices((RefusalForm.NO_SHOW, RefusalForm.VERBAL, RefusalForm.WRITTEN), weights=(5, 3, 2))[0]
        witnesses = ""
        if form != RefusalForm.WRITTEN:
            pair = group.pair if group is not None else (self.actors[0], self.actors[-1])
            witnesses = ", ".join(self.facilitator_names[p] for p in pair)
        self.move(story, Status.REFUSED, day, "Программадан баш тартты")
        sent = day + dt.timedelta(days=rng.randint(1, 5)) if day + dt.timedelta(days=8) < self.today else None
        self.out.add(Art72Case, story.actor, at_time(day, "17:30"), participant_id=story.participant_id,
                     refused_on=day, how_expressed=form.value, witnesses=witnesses,
                     details="Сабакка келбейм, мага программа керек эмес деди." if form == RefusalForm.VERBAL
                     else "Эскертүүдөн кийин да сабакка келген жок." if form == RefusalForm.NO_SHOW
                     else "Жазуу жүзүндө баш тартты.",
                     contact_attempts="Эки жолу телефон чалынды", sent_on=sent, sent_to=PROBATION if sent else "")

    def _follow_ups(self, story: Story, completed: dt.date) -> None:
        rng, today, grace = self.rng, self.today, dt.timedelta(days=self.rules.follow_up_grace_days)
        for number, due in enumerate(compliance.follow_up_dates(completed, self.rules), start=1):
            values: dict = {"participant_id": story.participant_id, "number": number, "due_on": due}
            # a meeting due more than a year ago was recorded one way or the other (some without reaching
            # the person); of the last year's, some are still to be done (overdue), more of the recent ones
            old = due < today - dt.timedelta(days=365)
            done = old or rng.random() < (0.93 if due < today - dt.timedelta(days=90) else 0.7)
            if due + grace < today and not old and not self._overdue_shown:
                done, self._overdue_shown = False, True  # at least one, whatever the scale
            if due + grace < today and done:
                held_on = min(today, due + dt.timedelta(days=rng.randint(-7, 10)))
                contact = rng.random() < (0.85 if old else 0.95)
                violence = rng.choice(("partner", "police", "participant,partner")) \
                    if contact and rng.random() < 0.06 else ""
                values.update(held_on=held_on, contact_made=contact, new_violence=violence,
                              notes=rng.choice(FOLLOW_UP_NOTES) if contact else "Байланышка чыккан жок")
                at = at_time(held_on, "15:00")
            else:
                at = at_time(completed, "17:30")
            self.out.add(FollowUpMeeting, story.actor, at, **values)

    # --- people who never joined a group ----------------------------------------------------------

    def outsiders(self, count: int) -> None:
        rng, today = self.rng, self.today
        first = today - dt.timedelta(days=1780)
        for n in range(max(0, count)):
            recent = n % 5 == 0
            first_kinds = RECENT_KINDS if recent else OLD_KINDS
            index = n // 5 if recent else n - n // 5 - 1  # the first of each kind comes for sure
            days_ago = rng.randint(1, 40) if recent else rng.randint(41, (today - first).days)
            received = self.calendar.working_day(today - dt.timedelta(days=days_ago), -1)
            component = rng.choice((Component.MANDATORY, Component.VOLUNTARY))
            gender = Gender.FEMALE.value if rng.random() < 0.1 else Gender.MALE.value
            language = "ru" if rng.random() < 0.3 else "ky"
            actor = self.actors[n % len(self.actors)]
            order = received - dt.timedelta(days=rng.randint(0, 2)) if component == Component.MANDATORY else None
            kind = first_kinds[index] if index < len(first_kinds) else \
                rng.choices(first_kinds, weights=(5, 2, 2, 1) if recent else (40, 20, 25, 15))[0]
            if kind == "refused":
                component, order = Component.MANDATORY, received - dt.timedelta(days=rng.randint(0, 2))
            if recent and kind != "refused":
                story = self.person(gender, component, language, received, actor, order_issued=order,
                                    screening=Screening.NEEDS_THERAPY if kind == "therapy" else
                                    rng.choice((Screening.NOT_DONE, Screening.ELIGIBLE)) if kind == "unfinished"
                                    else Screening.ELIGIBLE, contract=kind == "waiting")
                continue
            story = self.person(gender, component, language, received, actor, order_issued=order,
                                screening=Screening.NEEDS_THERAPY if kind == "therapy" else Screening.ELIGIBLE)
            later = min(today, received + dt.timedelta(days=rng.randint(3, 12)))
            if kind == "refused":
                self._refuse(story, later, None)
            elif kind == "transferred":
                self.move(story, Status.TRANSFERRED, later, rng.choice(LEAVING[Status.TRANSFERRED]))
            elif kind == "dropped_out":
                self.move(story, Status.DROPPED_OUT, later, "Келишимге кол койгондон кийин келген жок")
