"""A realistic demo installation: a crisis centre in Osh, two facilitator pairs, and groups of
every shipped programme at different stages (finished sessions marked held, one postponement with
its cascade, one cover facilitator), all dated relative to today so Today and the calendar are alive.

``demo_participants`` adds participants in every status with their attendance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from instructor_app.domain.facilitators import Gender
from instructor_app.domain.regions import Region
from instructor_app.services.data import FacilitatorDraft, SetupRequest, SetupResult
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.programme_data import FacilitatorOption, GroupDraft
from instructor_app.services.workspace import Workspace

DEMO_CENTRE = "Ош шаардык «Үмүт» кризистик борбору"
DEMO_FACILITATORS = (
    ("Бакыт Жумабеков", Gender.MALE),
    ("Гүлзат Ормонова", Gender.FEMALE),
)
# A second pair without a password on this laptop: they run other groups and stand in as cover.
DEMO_OTHER_FACILITATORS = (
    ("Азамат Токтогулов", Gender.MALE),
    ("Нургүл Садыкова", Gender.FEMALE),
)


@dataclass(frozen=True)
class DemoGroup:
    name: str
    curriculum: str
    language: str
    gender: Gender
    pair: int           # 0: the first pair, 1: the second
    room: str
    weekday_offset: int  # weekday relative to today's
    start_time: str
    weeks_ago: int       # the group started this many weeks ago (negative: starts in the future)


DEMO_GROUPS = (
    DemoGroup("Эркектер тобу — кечки", "tcp-voluntary-men", "ky", Gender.MALE, 0, "2-бөлмө", 0, "18:00", 11),
    DemoGroup("Мужская группа — утренняя", "tcp-voluntary-men", "ru", Gender.MALE, 1, "Зал", 3, "10:00", 3),
    DemoGroup("Аялдар тобу", "tcp-voluntary-women", "ky", Gender.FEMALE, 0, "3-бөлмө", 1, "15:00", 6),
    DemoGroup("Милдеттүү программа — 1-топ", "tcp-mandatory", "ky", Gender.MALE, 0, "2-бөлмө", 2, "10:00", 0),
    DemoGroup("Расширенная программа — пилот", "tcp-extended-6m", "ru", Gender.MALE, 1, "Зал", 4, "17:00", -1),
)


def create_demo(workspace: Workspace, password: str, language: str = "ky",
                today: dt.date | None = None) -> tuple[OpenWorkspace, SetupResult]:
    request = SetupRequest(
        centre_name=DEMO_CENTRE,
        region=Region.OSH_CITY.value,
        language=language,
        facilitators=tuple(FacilitatorDraft(name, gender.value, password) for name, gender in DEMO_FACILITATORS),
    )
    opened, result = workspace.set_up(request)
    today = today or dt.date.today()
    add_demo_programmes(opened, today)
    from instructor_app.demo_participants import add_demo_assessments, add_demo_participants, add_past_mandatory_group

    add_demo_participants(opened, today, add_past_mandatory_group(opened, today))
    add_demo_assessments(opened, today)
    return opened, result


def add_demo_programmes(ws: OpenWorkspace, today: dt.date) -> None:
    people = ws.facilitators()
    for name, gender in DEMO_OTHER_FACILITATORS:
        people.append(ws.add_facilitator(name, gender.value))
    pairs = _pairs(people)
    latest = {c.key: c for c in ws.curricula.list() if c.latest}
    for spec in DEMO_GROUPS:
        curriculum = latest.get(spec.curriculum)
        if curriculum is None:
            continue
        lead, second = pairs[spec.pair] if spec.gender == Gender.MALE else reversed(pairs[spec.pair])
        weekday = (today.weekday() + spec.weekday_offset) % 7
        start = today - dt.timedelta(weeks=spec.weeks_ago)
        start -= dt.timedelta(days=(start.weekday() - weekday) % 7)  # the first meeting day on or before
        draft = GroupDraft(
            name=spec.name, curriculum_version_id=curriculum.id, language=spec.language,
            participant_gender=spec.gender.value, lead_facilitator_id=lead.id, co_facilitator_id=second.id,
            pair_exception_reason="", room=spec.room, weekday=weekday, start_time=spec.start_time,
            start_date=start,
        )
        detail = ws.groups.create(draft, today=min(start, today))  # as planned on its start day
        _run_past_sessions(ws, detail.group.id, today, pairs)


def _pairs(people: list[FacilitatorOption]) -> list[tuple[FacilitatorOption, FacilitatorOption]]:
    men = [p for p in people if p.gender == Gender.MALE]
    women = [p for p in people if p.gender == Gender.FEMALE]
    return list(zip(men, women, strict=False))


def _run_past_sessions(ws: OpenWorkspace, group_id: str, today: dt.date,
                       pairs: list[tuple[FacilitatorOption, FacilitatorOption]]) -> None:
    """Sessions before today were held; in a long group the second had a cover facilitator and the
    fourth was postponed (with the later sessions) because a facilitator was ill."""
    sessions = ws.groups.detail(group_id, today).sessions
    past = [s for s in sessions if s.date < today]
    if len(past) > 6:
        cover = next(p for p in pairs[-1] if p.gender == past[1].lead.gender)
        ws.sessions.set_facilitators(past[1].id, cover.id, past[1].second.id if past[1].second else None,
                                     "Башкы инструктор иш сапарында")
        ws.sessions.postpone(past[3].id, "Инструктор ооруп калды", today=past[3].date)
        sessions = ws.groups.detail(group_id, today).sessions
    for row in sessions:
        if row.date < today and row.status == "planned":
            ws.sessions.mark_held(row.id, row.date, row.start_time, row.end_time, row.lead.id,
                                  row.second.id if row.second else None,
                                  "Бардык катышуучулар активдүү катышты.", today)
