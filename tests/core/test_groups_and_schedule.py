"""Groups and their schedules against a real encrypted database: weekly slots skip holidays, a
mandatory group stays inside its protection order, the pair rule and its reason, and schedule
changes that never move a held session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from instructor_app import errors, i18n
from instructor_app.scheduling.holidays import kyrgyz_holidays
from instructor_app.scheduling.rules import ORDER_DAYS
from instructor_app.services.programme_data import GroupFilter
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.programme_data import GroupDraft

from .conftest import Installed

PILOT = Path(__file__).parent / "data" / "pilot-curriculum.yaml"
TODAY = dt.date(2026, 3, 2)  # a Monday, three weeks before Nooruz (21 March) and Orozo Ait (20 March)


@pytest.fixture
def ws(installed: Installed) -> OpenWorkspace:
    opened = installed.unlock()
    yield opened
    opened.close()


def programme(ws: OpenWorkspace, key: str):
    return next(c for c in ws.curricula.list() if c.key == key and c.latest)


def people(ws: OpenWorkspace):
    found = ws.facilitators()
    return next(p for p in found if p.gender == "male"), next(p for p in found if p.gender == "female")


def draft(ws: OpenWorkspace, key: str, **changes) -> GroupDraft:
    man, woman = people(ws)
    values = dict(name="Топ", curriculum_version_id=programme(ws, key).id, language="ky", participant_gender="male",
                  lead_facilitator_id=man.id, co_facilitator_id=woman.id, pair_exception_reason="", room="1",
                  weekday=4, start_time="15:00", start_date=TODAY)
    values.update(changes)
    return GroupDraft(**values)


def test_weekly_schedule_skips_public_holidays(ws: OpenWorkspace) -> None:
    detail = ws.groups.create(draft(ws, "tcp-voluntary-men"), TODAY)  # Fridays from 6 March 2026
    dates = [s.date for s in detail.sessions]
    assert len(dates) == 24
    assert dt.date(2026, 3, 20) not in dates  # Orozo Ait 2026 falls on a Friday
    assert dates[:3] == [dt.date(2026, 3, 6), dt.date(2026, 3, 13), dt.date(2026, 3, 27)]
    holidays = kyrgyz_holidays()
    assert not any(holidays.is_holiday(d) for d in dates)
    assert all((b - a).days % 7 == 0 and b > a for a, b in zip(dates, dates[1:]))
    assert [s.number for s in detail.sessions] == list(range(1, 25))
    assert detail.sessions[0].end_time == "17:00"  # two-hour group sessions


def test_mandatory_group_never_runs_past_the_protection_order(ws: OpenWorkspace) -> None:
    detail = ws.groups.create(draft(ws, "tcp-mandatory", weekday=0), TODAY)
    assert detail.group.order_end == TODAY + dt.timedelta(days=ORDER_DAYS - 1)
    assert all(s.date <= detail.group.order_end for s in detail.sessions)
    assert len(detail.sessions) == 2
    # an order that ends too soon: a clear message with both dates, nothing saved
    too_short = draft(ws, "tcp-mandatory", weekday=0, order_end=TODAY + dt.timedelta(days=5))
    with pytest.raises(errors.InvalidInput) as caught:
        ws.groups.create(too_short, TODAY)
    assert caught.value.field == "order_end"
    assert "2026" in caught.value.message()
    assert len(ws.groups.list(GroupFilter(), TODAY)) == 1
    # an order ending on 12 March still fits (2 and 9 March), but no postponement can
    tight = ws.groups.create(draft(ws, "tcp-mandatory", weekday=0, order_end=dt.date(2026, 3, 12)), TODAY)
    assert [s.date for s in tight.sessions] == [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    with pytest.raises(errors.InvalidInput) as caught:
        ws.sessions.postpone(tight.sessions[1].id, "Инструктор ооруп калды", TODAY)
    assert caught.value.field == "order_end"
    with pytest.raises(errors.InvalidInput):
        ws.sessions.reschedule(tight.sessions[1].id, dt.date(2026, 3, 13), "10:00", "зал бош эмес", TODAY)
    assert [s.date for s in ws.groups.detail(tight.group.id).sessions] == [s.date for s in tight.sessions]


def test_pair_rule_requires_a_written_reason_that_is_kept(ws: OpenWorkspace) -> None:
    man, woman = people(ws)
    lone = draft(ws, "tcp-voluntary-women", participant_gender="female", lead_facilitator_id=woman.id,
                 co_facilitator_id=None)
    with pytest.raises(errors.InvalidInput) as caught:
        ws.groups.create(lone, TODAY)
    assert caught.value.field == "pair_exception_reason"
    wrong_lead = draft(ws, "tcp-voluntary-women", participant_gender="female")  # a man leads a women's group
    with pytest.raises(errors.InvalidInput):
        ws.groups.create(wrong_lead, TODAY)
    ok = draft(ws, "tcp-voluntary-women", participant_gender="female", lead_facilitator_id=woman.id,
               co_facilitator_id=man.id)
    assert ws.groups.create(ok, TODAY).group.pair_problems == ()
    reason = "Экинчи инструктор декреттик өргүүдө"
    created = ws.groups.create(GroupDraft(**{**lone.__dict__, "pair_exception_reason": reason}), TODAY)
    assert created.group.pair_problems == ("no_second",)
    assert ws.groups.detail(created.group.id).group.pair_exception_reason == reason
    same = draft(ws, "tcp-voluntary-men", co_facilitator_id=man.id)
    with pytest.raises(errors.InvalidInput):
        ws.groups.create(same, TODAY)  # the same person twice


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_bad_group_input_says_what_to_change(ws: OpenWorkspace, language: str) -> None:
    i18n.set_language(language)
    with pytest.raises(errors.InvalidInput) as caught:
        ws.groups.create(draft(ws, "tcp-voluntary-men", start_date=TODAY - dt.timedelta(days=1)), TODAY)
    assert caught.value.field == "start_date"
    assert caught.value.message() != caught.value.msgid or language == "en"
    with pytest.raises(errors.InvalidInput) as caught:
        ws.groups.create(draft(ws, "tcp-voluntary-men", lead_facilitator_id=""), TODAY)
    assert caught.value.field == "lead"
    with pytest.raises(errors.InvalidInput) as caught:
        ws.groups.create(draft(ws, "tcp-voluntary-men", participant_gender="female"), TODAY)
    assert caught.value.field == "participant_gender"
    with pytest.raises(errors.InvalidInput) as caught:
        ws.groups.create(draft(ws, "tcp-voluntary-men", start_time="25:99"), TODAY)
    assert caught.value.field == "start_time"
    assert ws.groups.list(GroupFilter(), TODAY) == []


def test_postpone_cascades_but_never_moves_held_sessions(ws: OpenWorkspace) -> None:
    man, woman = people(ws)
    detail = ws.groups.create(draft(ws, "tcp-voluntary-men"), TODAY)
    first, second, third = detail.sessions[:3]
    later = dt.date(2026, 3, 14)
    ws.sessions.mark_held(first.id, first.date, "15:05", "17:00", man.id, woman.id, "", later)
    moved = ws.sessions.postpone(second.id, "Инструктор ооруп калды", TODAY)
    assert len(moved) == 23
    after = ws.groups.detail(detail.group.id)
    by_id = {s.id: s for s in after.sessions}
    assert by_id[first.id].date == first.date and by_id[first.id].status == "held"
    assert by_id[second.id].date == third.date  # one slot later (20 March, Orozo Ait, is skipped)
    assert all(by_id[s.id].date > s.date for s in detail.sessions[1:])
    assert {h.change for h in after.history} == {"held", "postponed", "shifted"}
    assert sum(h.change == "shifted" for h in after.history) == 22
    with pytest.raises(errors.InvalidInput):
        ws.sessions.reschedule(first.id, dt.date(2026, 4, 1), "15:00", "ошибка", TODAY)  # held: never moved
    with pytest.raises(errors.InvalidInput):
        ws.sessions.cancel(first.id, "ошибка")


def test_move_cancel_make_up_and_cover(ws: OpenWorkspace) -> None:
    man, woman = people(ws)
    detail = ws.groups.create(draft(ws, "tcp-voluntary-men"), TODAY)
    cover = ws.add_facilitator("Азамат Токтогулов", "male")  # no password here: runs sessions, cannot unlock
    one, two = detail.sessions[:2]
    with pytest.raises(errors.InvalidInput):
        ws.sessions.reschedule(one.id, dt.date(2026, 3, 21), "15:00", "зал бош эмес", TODAY)  # Nooruz
    with pytest.raises(errors.InvalidInput):
        ws.sessions.reschedule(one.id, dt.date(2026, 3, 7), "15:00", "", TODAY)  # no reason
    moved = ws.sessions.reschedule(one.id, dt.date(2026, 3, 7), "11:00", "зал бош эмес", TODAY)
    assert (moved.date, moved.start_time) == (dt.date(2026, 3, 7), "11:00")
    assert ws.groups.detail(detail.group.id).sessions[1].date == two.date  # the others stay
    cancelled = ws.sessions.cancel(two.id, "Жарык өчүп калды")
    assert cancelled.status == "cancelled"
    makeup = ws.sessions.add_makeup(two.id, dt.date(2026, 3, 16), "15:00", "Жарык өчкөндөн кийин", TODAY)
    assert makeup.is_makeup and makeup.replaces_number == 2 and makeup.title == two.title
    covered = ws.sessions.set_facilitators(makeup.id, cover.id, woman.id, "Башкы инструктор ооруп калды")
    assert covered.lead.display_name == "Азамат Токтогулов" and covered.cover_reason
    group = ws.groups.detail(detail.group.id).group
    assert (group.lead.id, group.second.id) == (man.id, woman.id)  # the group's pair is unchanged
    assert group.sessions_total == 24  # the cancelled one no longer counts, its make-up does


def test_calendar_query_and_plan(ws: OpenWorkspace) -> None:
    ws.groups.create(draft(ws, "tcp-voluntary-men"), TODAY)
    ws.groups.create(draft(ws, "tcp-voluntary-women", participant_gender="female", weekday=1,
                           lead_facilitator_id=people(ws)[1].id, co_facilitator_id=people(ws)[0].id), TODAY)
    week = ws.sessions.between(dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert [(s.date.weekday(), s.group_name) for s in week] == [(1, "Топ"), (4, "Топ")]
    plan = ws.sessions.plan(week[0].id)
    assert plan.template.kind == "group" and plan.sessions_in_programme == 16
    assert plan.template.activities and plan.programme.ky


def test_imported_version_is_used_for_new_groups_and_old_groups_keep_theirs(ws: OpenWorkspace, tmp_path: Path) -> None:
    first = ws.curricula.import_file(PILOT)
    old_group = ws.groups.create(draft(ws, "pilot-short"), TODAY)
    newer = tmp_path / "pilot-v3.yaml"
    newer.write_text(PILOT.read_text(encoding="utf-8").replace("version: 2", "version: 3")
                     .replace("Формы насилия", "Формы насилия и контроля"), encoding="utf-8")
    second = ws.curricula.import_file(newer)
    versions = {c.version: c for c in ws.curricula.list() if c.key == "pilot-short"}
    assert versions[2].id == first.id and not versions[2].latest and versions[2].groups == 1
    assert versions[3].id == second.id and versions[3].latest
    assert ws.groups.detail(old_group.group.id).sessions[0].title.ru == "Формы насилия"
    new_group = ws.groups.create(draft(ws, "pilot-short"), TODAY)
    assert new_group.sessions[0].title.ru == "Формы насилия и контроля"
    with pytest.raises(errors.InvalidInput):
        ws.curricula.import_file(newer)  # the same version again
    before = len(ws.curricula.list())
    broken = tmp_path / "pilot-v4.yaml"
    broken.write_text(newer.read_text(encoding="utf-8").replace("version: 3", "version: 4")
                      .replace('ru: "Тайм-аут"', 'ru: ""'), encoding="utf-8")
    with pytest.raises(errors.UserError) as caught:
        ws.curricula.import_file(broken)
    assert "pilot-v4.yaml" in caught.value.message()
    assert len(ws.curricula.list()) == before
