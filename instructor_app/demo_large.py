"""``instructor-app demo --scale large``: a crisis centre five years into using the app.

About 2,000 participants, 150 groups of every shipped programme, their calendars (weekly, public
holidays skipped, mandatory groups inside the protection order, a few postponements with their
cascade, cancellations with make-ups and cover facilitators), individual sessions, attendance,
every status, art. 72 cases, follow-up meetings and questionnaires — from about five years before
``today`` up to a few weeks after it. Deterministic for a given ``seed`` and ``today``.

The calendar comes from the app's own scheduling rules (``scheduling.rules``), the lifecycle from
``participants.lifecycle`` and the follow-up dates from ``participants.compliance``; rows are
written in bulk with their outbox entries (``demo_large_outbox``), like the services would write
them one by one. ``scale`` shrinks every count proportionally (the tests build a 5 % centre).

Who is in the groups and what happened to them: ``demo_large_people``; questionnaires:
``demo_large_answers``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from dataclasses import dataclass, field

from instructor_app.curricula.model import Component, Curriculum, SessionKind
from instructor_app.demo import DEMO_CENTRE, DEMO_FACILITATORS, DEMO_OTHER_FACILITATORS
from instructor_app.demo_large_outbox import BulkOutbox, at_time
from instructor_app.domain.facilitators import Gender
from instructor_app.domain.regions import Region
from instructor_app.scheduling import rules
from instructor_app.scheduling.holidays import HolidayCalendar
from instructor_app.scheduling.rules import ChangeKind, SessionStatus
from instructor_app.services.data import FacilitatorDraft, SetupRequest, SetupResult
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.workspace import Workspace
from instructor_app.storage.instrument_models import Answer, PartnerAnswer, PartnerReport, Response
from instructor_app.storage.models import Device, Facilitator
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
from instructor_app.storage.programme_models import ProgrammeGroup, ProgrammeSession, ScheduleChange

DEFAULT_SEED = 2026
SPAN_DAYS = 1780  # the first group started this long before today (Jan 2022 for a today in Nov 2026)
MORE_FACILITATORS = (("Эрмек Бообеков", Gender.MALE), ("Айжан Курманова", Gender.FEMALE),
                     ("Тимур Юсупов", Gender.MALE), ("Динара Абдраева", Gender.FEMALE),
                     ("Нурлан Сатыбалдиев", Gender.MALE), ("Чолпон Эсенгулова", Gender.FEMALE))
PAIR_WEIGHTS = (3, 2, 2, 1, 1)  # the laptop's own pair runs the most groups
WRITE_ORDER = (Facilitator, ProgrammeGroup, ProgrammeSession, Participant, Referral, PartnerContact, StatusChange,
               Enrolment, Attendance, ScheduleChange, Art72Case, FollowUpMeeting, Response, Answer, PartnerReport,
               PartnerAnswer)
ROOMS = ("1-бөлмө", "2-бөлмө", "3-бөлмө", "Зал")
SESSION_NOTES = ("", "", "Бардык катышуучулар активдүү катышты.", "Талкуу жанданды; үй тапшырмасы берилди.",
                 "Эки катышуучу кечигип келди.", "Ролдук оюн жакшы өттү.", "Обсуждение было активным.")


@dataclass(frozen=True)
class LargeDemoSize:
    participants: int
    groups: tuple[tuple[str, int], ...]  # (curriculum key, number of groups)
    self_assessments: int   # participant self-assessments (40 answers each)
    partner_reports: int    # partner feedback reports (13 answers each)
    risk_assessments: int   # ODARA (21 answers each)

    @classmethod
    def scaled(cls, scale: float) -> LargeDemoSize:
        if not 0 < scale <= 1:
            raise ValueError("scale must be in (0, 1]")

        def part(n: int, least: int = 1) -> int:
            return max(least, round(n * scale))

        return cls(part(FULL.participants, 40), tuple((key, part(n)) for key, n in FULL.groups),
                   part(FULL.self_assessments, 4), part(FULL.partner_reports, 2), part(FULL.risk_assessments, 2))


FULL = LargeDemoSize(
    participants=2000,
    groups=(("tcp-voluntary-men", 64), ("tcp-voluntary-women", 26), ("tcp-mandatory", 59), ("tcp-extended-6m", 1)),
    self_assessments=250, partner_reports=90, risk_assessments=70,
)


@dataclass
class PlannedSession:
    id: uuid.UUID
    key: str
    date: dt.date
    start_time: str
    minutes: int
    status: str
    is_makeup: bool = False


@dataclass
class PlannedGroup:
    id: uuid.UUID
    number: int
    curriculum: Curriculum
    version_id: uuid.UUID
    name: str
    language: str
    gender: str
    pair: tuple[uuid.UUID, uuid.UUID]   # (man, woman)
    actor: uuid.UUID                    # the account holder who keeps this group's records
    capacity: int
    planned_at: dt.datetime             # when the group and its calendar were made
    showcase: bool = False              # running now: its members show every status and alert
    sessions: list[PlannedSession] = field(default_factory=list)  # group sessions, date order, cancelled included

    @property
    def first(self) -> dt.date:
        return self.sessions[0].date

    @property
    def last(self) -> dt.date:
        return max(s.date for s in self.sessions if s.status != SessionStatus.CANCELLED)

    @property
    def component(self) -> str:
        return self.curriculum.component.value

    def lead_for(self, gender: str) -> uuid.UUID:
        return self.pair[0] if gender == Gender.MALE else self.pair[1]


@dataclass(frozen=True)
class LargeDemoReport:
    counts: dict[str, int]     # rows written per table by the bulk build
    seconds: float
    seed: int
    today: dt.date


class Calendar:
    """Plans groups and their sessions with the app's scheduling rules, and writes them."""

    def __init__(self, out: BulkOutbox, rng: random.Random, today: dt.date, holidays: HolidayCalendar,
                 centre_id: uuid.UUID, pairs: list[tuple[uuid.UUID, uuid.UUID]], actors: list[uuid.UUID]) -> None:
        self.out, self.rng, self.today, self.holidays = out, rng, today, holidays
        self.centre_id, self.pairs, self.actors = centre_id, pairs, actors

    def working_day(self, day: dt.date, step: int = 1) -> dt.date:
        """``day`` or the nearest day in direction ``step`` that is neither a Sunday nor a public holiday."""
        while day.weekday() == 6 or self.holidays.is_holiday(day):
            day += dt.timedelta(days=step)
        return day

    def start_dates(self, count: int, key: str) -> list[tuple[dt.date, bool]]:
        """Start days spread over five years, and (``True``: kept exactly) one group of each programme
        running now — a men's group twelve weeks in that meets on today's weekday, a women's group eight
        weeks in, a mandatory group whose second session was yesterday — plus a men's group and the
        6-month pilot starting soon."""
        first = self.today - dt.timedelta(days=SPAN_DAYS)
        days = lambda n: self.today + dt.timedelta(days=n)  # noqa: E731
        showcase = {"tcp-voluntary-men": [(days(-84), True), (days(10), False)],
                    "tcp-voluntary-women": [(days(-56), True)], "tcp-mandatory": [(days(-8), True)],
                    "tcp-extended-6m": [(days(8), False)]}.get(key, [])
        last = {"tcp-voluntary-men": days(-30), "tcp-voluntary-women": days(-100)}.get(key, days(-40))
        showcase = showcase[:count]
        if key == "tcp-extended-6m":
            return showcase
        rest = count - len(showcase)
        step = (last - first).days / max(1, rest)  # each group in the middle of its share of the years
        dates = [(first + dt.timedelta(days=round((n + 0.5) * step) + self.rng.randint(-3, 3)), False)
                 for n in range(rest)]
        exact = [(day - dt.timedelta(days=1) if day.weekday() == 6 else day, kept) for day, kept in showcase]
        return dates + exact

    def group(self, number: int, key: str, version_id: uuid.UUID, curriculum: Curriculum, start: dt.date,
              women: bool, exact: bool) -> PlannedGroup:
        rng = self.rng
        gender = Gender.FEMALE.value if key == "tcp-voluntary-women" or women else Gender.MALE.value
        language = "ru" if rng.random() < 0.3 else "ky"
        weekday = start.weekday() if exact else rng.choice((0, 1, 2, 3, 4, 5))
        start = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
        pair = self.pairs[rng.choices(range(len(self.pairs)), weights=PAIR_WEIGHTS[:len(self.pairs)])[0]]
        mandatory = curriculum.component == Component.MANDATORY and curriculum.within_protection_order
        start_time = "10:00" if mandatory else ("15:00" if gender == Gender.FEMALE else rng.choice(("18:00", "10:00")))
        group = PlannedGroup(uuid.uuid4(), number, curriculum, version_id, _group_name(key, language, gender, number),
                             language, gender, pair, self.actors[number % len(self.actors)],
                             16 if mandatory else (12 if gender == Gender.FEMALE else 14),
                             at_time(min(start - dt.timedelta(days=21), self.today), "11:00"),
                             showcase=exact and start < self.today)
        order_end = start + dt.timedelta(days=rules.ORDER_DAYS - 1) if mandatory else None
        templates = curriculum.of_kind(SessionKind.GROUP)
        plan = rules.plan_slots(len(templates), start, curriculum.cadence_days, self.holidays)
        rules.check_fits_order(plan.dates[-1], order_end)
        dates = list(plan.dates)
        changes: list[tuple[int, ChangeKind, dt.date, dt.date, str]] = []
        if not mandatory and len(dates) >= 8 and rng.random() < 0.15:
            dates = self._postpone(dates, rng.randrange(3, len(dates) - 3), curriculum.cadence_days, changes)
        room = rng.choice(ROOMS)
        lead, second = (pair[0], pair[1]) if gender == Gender.MALE else (pair[1], pair[0])
        group.id = self.out.add(
            ProgrammeGroup, group.actor, group.planned_at,
            centre_id=self.centre_id, curriculum_version_id=version_id, name=group.name, language=language,
            participant_gender=gender, lead_facilitator_id=lead, co_facilitator_id=second, room=room,
            weekday=weekday, start_time=start_time, start_date=start, order_end=order_end, capacity=group.capacity)
        cancel = rng.randrange(1, len(dates) - 1) if not mandatory and len(dates) > 4 and rng.random() < 0.08 else None
        makeup = self._makeup_day(dates[cancel], dates[cancel + 1]) if cancel is not None else None
        cover = rng.randrange(len(dates)) if rng.random() < 0.12 else None
        for index, (template, day) in enumerate(zip(templates, dates, strict=True)):
            held = day < self.today
            cancelled = index == cancel and makeup is not None
            row = dict(group_id=group.id, curriculum_version_id=version_id, template_key=template.key,
                       sequence=template.number, kind=SessionKind.GROUP.value, scheduled_date=day,
                       start_time=start_time, minutes=template.minutes, room=room, lead_facilitator_id=lead,
                       co_facilitator_id=second)
            if index == cover and held and not cancelled:
                other = self.pairs[(self.pairs.index(pair) + 1) % len(self.pairs)]
                row["lead_facilitator_id"] = other[0] if gender == Gender.MALE else other[1]
                row["cover_reason"] = "Башкы инструктор иш сапарында"
            status = SessionStatus.CANCELLED if cancelled else (SessionStatus.HELD if held else SessionStatus.PLANNED)
            session_id = self._session(group, row, status, day, start_time, template.minutes)
            group.sessions.append(PlannedSession(session_id, template.key, day, start_time, template.minutes,
                                                 status.value))
            for changed, kind, old, new, reason in changes:
                if changed == index:
                    self.out.add(ScheduleChange, group.actor, at_time(old - dt.timedelta(days=2), "17:00"),
                                 session_id=session_id, change=kind.value, old_date=old, new_date=new,
                                 old_time=start_time, new_time=start_time, reason=reason)
            if "cover_reason" in row:
                self.out.add(ScheduleChange, group.actor, at_time(day - dt.timedelta(days=1), "16:00"),
                             session_id=session_id, change=ChangeKind.FACILITATORS.value, old_date=day, new_date=day,
                             old_time=start_time, new_time=start_time, reason=row["cover_reason"])
            if cancelled:
                assert makeup is not None
                self._makeup(group, row, session_id, day, makeup, template.minutes)
        group.sessions.sort(key=lambda s: (s.date, s.start_time))
        return group

    def _postpone(self, dates: list[dt.date], index: int, cadence: int,
                  changes: list[tuple[int, ChangeKind, dt.date, dt.date, str]]) -> list[dt.date]:
        """A facilitator fell ill: session ``index`` and every later one move by one slot (the cascade)."""
        if dates[index] - dt.timedelta(days=2) > self.today:
            return dates  # decided before today only
        placed = [rules.Placed(n, day, SessionStatus.HELD if n < index else SessionStatus.PLANNED)
                  for n, day in enumerate(dates)]
        moved = rules.cascade(placed, index, cadence, self.holidays)
        reason = "Инструктор ооруп калды"
        for n, day in moved.items():
            changes.append((n, ChangeKind.POSTPONED if n == index else ChangeKind.SHIFTED, dates[n], day, reason))  # type: ignore[index]
        return [moved.get(n, day) for n, day in enumerate(dates)]

    def _session(self, group: PlannedGroup, row: dict, status: SessionStatus, day: dt.date, start_time: str,
                 minutes: int, planned_at: dt.datetime | None = None) -> uuid.UUID:
        extra: dict = {"status": status.value}
        if status == SessionStatus.HELD:
            extra.update(held_on=day, actual_start=start_time, actual_end=rules.end_time(start_time, minutes),
                         notes=self.rng.choice(SESSION_NOTES))
        elif status == SessionStatus.CANCELLED:
            extra.update(status_reason="Жарык өчүп калды; бардыгына кабарланды")
        session_id = self.out.add(ProgrammeSession, group.actor, planned_at or group.planned_at, **row, **extra)
        if status == SessionStatus.HELD:
            self.out.add(ScheduleChange, group.actor, at_time(day, rules.end_time(start_time, minutes)),
                         session_id=session_id, change=ChangeKind.HELD.value, old_date=day, new_date=day,
                         old_time=start_time, new_time=start_time)
        elif status == SessionStatus.CANCELLED:
            self.out.add(ScheduleChange, group.actor, at_time(day - dt.timedelta(days=1), "18:00"),
                         session_id=session_id, change=ChangeKind.CANCELLED.value, old_date=day, new_date=day,
                         old_time=start_time, new_time=start_time, reason=extra["status_reason"])
        return session_id

    def _makeup_day(self, day: dt.date, next_day: dt.date) -> dt.date | None:
        """A session cancelled on ``day`` is made up two or three days later, before the next one, if
        all that is already past (otherwise it is not cancelled in this demo)."""
        makeup = self.working_day(day + dt.timedelta(days=2))
        return makeup if makeup < min(next_day, self.today) else None

    def _makeup(self, group: PlannedGroup, row: dict, replaced: uuid.UUID, day: dt.date, makeup: dt.date,
                minutes: int) -> None:
        reason = "Жарык өчкөндүктөн калтырылган сабактын ордуна"
        makeup_row = {**row, "scheduled_date": makeup, "start_time": "16:00", "is_makeup": True,
                      "replaces_session_id": replaced, "status_reason": reason}
        makeup_id = self._session(group, makeup_row, SessionStatus.HELD, makeup, "16:00", minutes,
                                  at_time(day, "18:30"))
        self.out.add(ScheduleChange, group.actor, at_time(day, "18:30"), session_id=makeup_id,
                     change=ChangeKind.MAKEUP_ADDED.value, new_date=makeup, new_time="16:00", reason=reason)
        group.sessions.append(PlannedSession(makeup_id, row["template_key"], makeup, "16:00", minutes,
                                             SessionStatus.HELD.value, is_makeup=True))


def _group_name(key: str, language: str, gender: str, number: int) -> str:
    names = {
        ("tcp-voluntary-men", "ky"): "Эркектер тобу", ("tcp-voluntary-men", "ru"): "Мужская группа",
        ("tcp-voluntary-women", "ky"): "Аялдар тобу", ("tcp-voluntary-women", "ru"): "Женская группа",
        ("tcp-mandatory", "ky"): "Милдеттүү программа", ("tcp-mandatory", "ru"): "Обязательная программа",
        ("tcp-extended-6m", "ky"): "Кеңейтилген программа — пилот", ("tcp-extended-6m", "ru"):
            "Расширенная программа — пилот",
    }
    name = f"{names[(key, language)]} №{number}"
    if key == "tcp-mandatory" and gender == Gender.FEMALE:
        name += " (аялдар)" if language == "ky" else " (женщины)"
    return name


def create_large_demo(workspace: Workspace, password: str, language: str = "ky", today: dt.date | None = None,
                      seed: int = DEFAULT_SEED, scale: float = 1.0
                      ) -> tuple[OpenWorkspace, SetupResult, LargeDemoReport]:
    """Set up the demo centre (its facilitator pair gets ``password``) and fill it with five years."""
    size = LargeDemoSize.scaled(scale)
    request = SetupRequest(
        centre_name=DEMO_CENTRE, region=Region.OSH_CITY.value, language=language,
        facilitators=tuple(FacilitatorDraft(name, gender.value, password) for name, gender in DEMO_FACILITATORS),
    )
    opened, result = workspace.set_up(request)
    try:
        report = fill_large_demo(opened, today or dt.date.today(), seed, size)
    except BaseException:
        opened.close()
        raise
    return opened, result, report


def fill_large_demo(ws: OpenWorkspace, today: dt.date, seed: int, size: LargeDemoSize) -> LargeDemoReport:
    from sqlalchemy import select

    from instructor_app.demo_large_answers import add_questionnaires
    from instructor_app.demo_large_people import People
    from instructor_app.participants.rules import compliance_rules

    began = time.perf_counter()
    rng = random.Random(seed)
    out = BulkOutbox(ws.db)
    curricula = {c.key: c for c in ws.curricula.list() if c.latest}
    instruments = {s.key: (uuid.UUID(s.id), s.instrument) for s in ws.instruments.list() if s.latest}
    with ws.db.session() as session:
        centre_id = session.scalars(select(Device.centre_id)).one()
    accounts = ws.facilitators()  # the set-up pair: men first
    actors = [uuid.UUID(a.id) for a in accounts]
    people = {Gender.MALE.value: [uuid.UUID(a.id) for a in accounts if a.gender == Gender.MALE],
              Gender.FEMALE.value: [uuid.UUID(a.id) for a in accounts if a.gender == Gender.FEMALE]}
    facilitator_names = {uuid.UUID(a.id): a.display_name for a in accounts}
    for name, gender in (*DEMO_OTHER_FACILITATORS, *MORE_FACILITATORS):
        person = out.add(Facilitator, actors[0], None, centre_id=centre_id, display_name=name, gender=gender.value)
        people[gender.value].append(person)
        facilitator_names[person] = name
    pairs = list(zip(people[Gender.MALE.value], people[Gender.FEMALE.value], strict=False))
    calendar = Calendar(out, rng, today, ws.groups.holidays, centre_id, pairs, actors)
    groups: list[PlannedGroup] = []
    for key, count in size.groups:
        summary = curricula[key]
        curriculum = ws.curricula.outline(summary.id)
        for n, (start, exact) in enumerate(calendar.start_dates(count, key)):
            women = key == "tcp-mandatory" and n % 10 == 9
            groups.append(calendar.group(n + 1, key, uuid.UUID(summary.id), curriculum, start, women, exact))
    cast = People(out, rng, today, calendar, compliance_rules(), centre_id, actors, facilitator_names)
    for group in sorted(groups, key=lambda g: (g.first, g.name)):
        cast.fill_group(group)
    cast.outsiders(size.participants - cast.count)
    add_questionnaires(out, rng, today, cast.stories, instruments, size)
    counts = out.counts()
    out.write(WRITE_ORDER)
    return LargeDemoReport(counts, time.perf_counter() - began, seed, today)


__all__ = ["DEFAULT_SEED", "FULL", "LargeDemoReport", "LargeDemoSize", "create_large_demo", "fill_large_demo"]
