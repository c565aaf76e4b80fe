"""`instructor-app demo` (the real CLI, run once per test session) fills the calendar: a group of
every shipped programme, past sessions held, a postponement and a cover facilitator on record."""

from __future__ import annotations

import datetime as dt

from instructor_app.curricula.files import load_curriculum, shipped_files
from instructor_app.participants.compliance import AlertKind
from instructor_app.participants.lifecycle import Status
from instructor_app.paths import DataFolder
from instructor_app.scheduling.holidays import kyrgyz_holidays
from instructor_app.services.programme_data import GroupFilter
from instructor_app.services.workspace import Workspace

from .conftest import DEMO_NAMES, DEMO_PASSWORD, Demo


def test_demo_has_a_group_of_every_programme_with_a_realistic_calendar(demo_folder: Demo) -> None:
    workspace = Workspace(DataFolder(demo_folder.root))
    account = next(a for a in workspace.accounts() if a.display_name == DEMO_NAMES[0])
    ws = workspace.unlock(account.id, DEMO_PASSWORD)
    try:
        today = dt.date.today()
        groups = ws.groups.list(GroupFilter(), today)
        shipped = {load_curriculum(p).curriculum.id for p in shipped_files()}
        assert {g.curriculum_key for g in groups} == shipped
        assert {g.language for g in groups} == {"ky", "ru"}
        holidays = kyrgyz_holidays()
        changes = set()
        for summary in groups:
            detail = ws.groups.detail(summary.id, today)
            assert all(s.status == "held" for s in detail.sessions if s.date < today)
            assert all(s.status == "planned" for s in detail.sessions if s.date >= today)
            assert not any(holidays.is_holiday(s.date) for s in detail.sessions)
            if summary.order_end:
                assert all(s.date <= summary.order_end for s in detail.sessions)
            assert summary.pair_problems == ()
            changes |= {h.change for h in detail.history}
        assert {"postponed", "shifted", "facilitators", "held"} <= changes
        assert any(g.sessions_held > 0 for g in groups) and any(g.sessions_held == 0 for g in groups)
        week = ws.sessions.between(today, today + dt.timedelta(days=6))
        assert len(week) >= 4  # the Today page and the calendar have something to show
        assert len(ws.facilitators()) == 4
        statuses = {p.status for p in ws.participants.list(today=today)}
        assert statuses == {s.value for s in Status} - {"referred"}  # every status an intake can reach
        assert {a.alert.kind for a in ws.alerts(today)} == set(AlertKind)  # every alert the Today page knows
        people = {p.full_name: p.id for p in ws.participants.list(today=today)}
        rows = ws.instruments.results(people["Азамат Осмонов"]).rows
        points = [r.time_point for r in rows if r.instrument_key == "participant-self-assessment"]
        assert points == ["intake", "mid"] and all(r.scores.complete for r in rows)
        flagged = [r for r in ws.instruments.partner_rows(people["Дастан Мамытов"]) if r.contradictions]
        assert flagged and flagged[0].contradictions[0].participant_value == "0"
        [partial] = ws.instruments.results(people["Бермет Кочкорова"]).rows
        assert not partial.scores.complete and partial.scores.total is None
    finally:
        ws.close()
