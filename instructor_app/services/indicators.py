"""The indicators of this laptop's centre for a period (definitions: ``instructor_app.indicators``).

A fixed handful of Core selects whatever the number of participants (one per table, plus two for
the self-assessments), read as plain row mappings and handed to the same builder and the same
function the receiving service uses. Only the self-assessment change is the laptop's own: the
questionnaires are scored here (``instruments.model.score``), not on the server.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, Table, Uuid, select, type_coerce
from sqlalchemy.orm import Session

from instructor_app.indicators import Indicators, Period, compute_indicators, records_from_rows
from instructor_app.instruments import model
from instructor_app.instruments.model import Instrument
from instructor_app.participants.rules import compliance_rules
from instructor_app.services.instruments import SELF_ASSESSMENT
from instructor_app.storage.instrument_models import Answer, InstrumentVersion, Response
from instructor_app.storage.participant_models import Attendance, FollowUpMeeting, Participant, Referral, StatusChange
from instructor_app.storage.programme_models import ProgrammeSession

if TYPE_CHECKING:
    from instructor_app.services.open_workspace import OpenWorkspace

# table → the columns the builder reads (``deleted_at`` is filtered in SQL, and read so that the
# builder's own check finds it)
_COLUMNS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "participant": (Participant, ("id", "component", "gender")),
    "referral": (Referral, ("id", "participant_id", "received_on")),
    "status_change": (StatusChange, ("id", "participant_id", "to_status", "changed_on", "created_at")),
    "attendance": (Attendance, ("id", "participant_id", "session_id", "mark", "created_at")),
    "programme_session": (ProgrammeSession, ("id", "status", "scheduled_date", "held_on")),
    "follow_up_meeting": (FollowUpMeeting, ("id", "participant_id", "due_on", "held_on")),
}


def _rows(session: Session, table: str) -> list[Any]:
    """The live rows of ``table`` as mappings. Ids are read as the stored text (no UUID object per
    value: tens of thousands of attendance marks), which the builder accepts like any id."""
    orm, columns = _COLUMNS[table]
    core: Table = orm.__table__
    wanted = [type_coerce(core.c[name], String) if isinstance(core.c[name].type, Uuid) else core.c[name]
              for name in (*columns, "deleted_at")]
    query = select(*wanted).where(core.c.deleted_at.is_(None))
    return list(session.execute(query).mappings())


def self_assessment_changes(session: Session) -> dict[uuid.UUID, float]:
    """Participant id → total of their latest complete self-assessment minus their first one (only
    participants with at least two complete ones)."""
    versions = {row.id: Instrument.from_document(json.loads(row.document)) for row in session.execute(
        select(InstrumentVersion.id, InstrumentVersion.document)
        .where(InstrumentVersion.instrument_key == SELF_ASSESSMENT))}
    if not versions:
        return {}
    responses = session.execute(
        select(Response.id, Response.participant_id, Response.instrument_version_id)
        .where(Response.instrument_version_id.in_(versions), Response.completed_at.is_not(None),
               Response.deleted_at.is_(None))
        .order_by(Response.answered_on, Response.created_at)).all()
    answers: dict[uuid.UUID, dict[str, str]] = defaultdict(dict)
    for response_id, item_key, value in session.execute(
            select(Answer.response_id, Answer.item_key, Answer.value)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.instrument_version_id.in_(versions), Response.completed_at.is_not(None),
                   Response.deleted_at.is_(None), Answer.deleted_at.is_(None))
            .order_by(Answer.created_at)):
        answers[response_id][item_key] = value  # the newest answer to an item counts
    totals: dict[uuid.UUID, list[float]] = defaultdict(list)
    for response_id, participant_id, version_id in responses:
        total = model.score(versions[version_id], answers[response_id]).total
        if total is not None:
            totals[participant_id].append(total)
    return {pid: found[-1] - found[0] for pid, found in totals.items() if len(found) >= 2}


def load_indicators(opened: OpenWorkspace, period: Period, today: dt.date | None = None) -> Indicators:
    """The indicators of every participant on this laptop for ``period`` (a period not over yet is
    counted up to ``today``, by default the computer's date)."""
    with opened.db.session(opened.actor.id) as session:
        rows = {table: _rows(session, table) for table in _COLUMNS}
        changes = self_assessment_changes(session)
    records = records_from_rows(**rows, self_assessment_changes=changes,
                                attended_marks=compliance_rules().attended_marks)
    return compute_indicators(records, period, today=today or dt.date.today(),
                              follow_up_grace_days=compliance_rules().follow_up_grace_days)
