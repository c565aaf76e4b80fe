"""The participant list and Today's alerts read in bulk (``services.participant_roll``, issue 8), on a
5 % five-year centre (every status, every alert): the list gives exactly what each participant's own
record gives, filtered lists are the filtered whole, the alerts agree with each participant's
compliance, the pick list of names matches the list, the high-risk flags follow each participant's
latest complete risk tool, and a participant's sessions are found by index (migration 0009)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from instructor_app.demo_large import create_large_demo
from instructor_app.instruments import model
from instructor_app.participants.compliance import AlertKind
from instructor_app.participants.intake import name_key
from instructor_app.participants.lifecycle import Status
from instructor_app.paths import DataFolder
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.workspace import Workspace
from instructor_app.storage.instrument_models import Answer, InstrumentVersion, Response

from .support import FAST_KDF

TODAY = dt.date(2026, 11, 25)
COMPLIANCE_ALERTS = {AlertKind.NON_COMPLIANT, AlertKind.ORDER_END_SOON, AlertKind.ORDER_END_PASSED,
                     AlertKind.CANNOT_FINISH_IN_TIME}


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenWorkspace]:
    folder = DataFolder(tmp_path_factory.mktemp("roll") / "data")
    opened, _result, _report = create_large_demo(Workspace(folder, FAST_KDF), "demo-pass", today=TODAY, scale=0.05)
    yield opened
    opened.close()


def test_the_list_is_what_each_record_says(ws: OpenWorkspace) -> None:
    people = ws.participants.list(today=TODAY)
    assert len(people) >= 100 and len({p.status for p in people}) >= 6
    assert [p.full_name for p in people] == sorted((p.full_name for p in people), key=name_key)
    for person in people:  # the record reads one participant's facts through the ORM (load_facts)
        assert person == ws.participants.detail(person.id, TODAY).summary, person.full_name
    assert any(p.compliance and p.compliance.completed for p in people)
    assert any(p.alerts for p in people) and any(p.group_name for p in people)


def test_a_filtered_list_is_the_filtered_whole(ws: OpenWorkspace) -> None:
    everyone = ws.participants.list(today=TODAY)
    needle = everyone[len(everyone) // 2].full_name.split()[0][:4]
    for status in (None, Status.ACTIVE.value, Status.COMPLETED.value):
        expected = [p for p in everyone if (status is None or p.status == status) and name_key(needle) in
                    name_key(p.full_name)]
        assert ws.participants.list(needle.upper(), status, TODAY) == expected
        assert expected or status is not None
    assert ws.participants.list("", Status.ACTIVE.value, TODAY) == [p for p in everyone if p.status == "active"]


def test_the_alerts_agree_with_each_participants_compliance(ws: OpenWorkspace) -> None:
    everyone = {p.id: p for p in ws.participants.list(today=TODAY)}
    found = ws.alerts(TODAY)
    assert {item.alert.kind for item in found} >= {AlertKind.NON_COMPLIANT, AlertKind.FOLLOW_UP_OVERDUE,
                                                  AlertKind.INTAKE_INCOMPLETE}
    for participant_id, person in everyone.items():
        mine = [item.alert for item in found if item.participant_id == participant_id
                and item.alert.kind in COMPLIANCE_ALERTS]
        attending = person.status in (Status.ACTIVE, Status.SUSPENDED)
        assert sorted(mine, key=repr) == (sorted(person.alerts, key=repr) if attending else []), person.full_name
    for item in found:
        assert everyone[item.participant_id].full_name == item.participant_name


def test_the_pick_list_of_names_is_the_list(ws: OpenWorkspace) -> None:
    assert [(p.id, p.full_name, p.language) for p in ws.participants.names()] == [
        (p.id, p.full_name, p.language) for p in ws.participants.list(today=TODAY)]


def test_high_risk_is_each_participants_latest_complete_risk_tool(ws: OpenWorkspace) -> None:
    expected: dict[str, str] = {}
    with ws.db.session() as session:
        tools = {row.id: model.Instrument.from_document(json.loads(row.document))
                 for row in session.scalars(select(InstrumentVersion).where(InstrumentVersion.kind == "risk"))}
        responses = session.scalars(select(Response).where(Response.instrument_version_id.in_(tools),
                                                           Response.completed_at.is_not(None))
                                    .order_by(Response.answered_on)).all()
        for response in responses:  # one by one, the newest answer to each item counting
            answers = {a.item_key: a.value for a in session.scalars(
                select(Answer).where(Answer.response_id == response.id).order_by(Answer.created_at))}
            category = model.score(tools[response.instrument_version_id], answers).category
            if category is not None and category.high:
                expected[str(response.participant_id)] = category.key
            else:
                expected.pop(str(response.participant_id), None)
    assert responses and expected
    assert ws.instruments.high_risk_participants() == expected


def test_a_participants_sessions_are_found_by_index(ws: OpenWorkspace) -> None:
    with ws.db.engine.connect() as connection:
        plan = connection.execute(text("EXPLAIN QUERY PLAN SELECT * FROM programme_session "
                                       "WHERE participant_id = 'x'")).all()
    assert any("ix_programme_session_participant" in row[-1] for row in plan), plan
