"""The Today page's alerts: deadlines, non-compliance, art. 72 notices to send, follow-ups due or
overdue, incomplete intakes. Each names the participant it is about, so it opens that record."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app.participants import compliance
from instructor_app.participants.compliance import Alert, AlertKind, FollowUpFact, Severity
from instructor_app.participants.intake import Screening
from instructor_app.participants.lifecycle import Status
from instructor_app.participants.rules import RuleParameters
from instructor_app.scheduling.holidays import HolidayCalendar
from instructor_app.services.curricula import CurriculumStore
from instructor_app.services.participant_data import AlertItem
from instructor_app.services.participant_roll import Roll, text_id, canonical
from instructor_app.storage.database import Database
from instructor_app.storage.participant_models import Art72Case, FollowUpMeeting, Participant, Referral

SEVERITY_ORDER = {Severity.URGENT: 0, Severity.WARNING: 1, Severity.NOTICE: 2}
P, R = Participant.__table__.c, Referral.__table__.c
C, F = Art72Case.__table__.c, FollowUpMeeting.__table__.c
WATCHED = (Status.INTAKE, Status.ACTIVE, Status.SUSPENDED, Status.REFUSED, Status.COMPLETED)


def alerts(db: Database, actor_id: str, curricula: CurriculumStore, holidays: HolidayCalendar,
           rules: RuleParameters, today: dt.date, high_risk: dict[str, str] | None = None) -> list[AlertItem]:
    """Every alert of the centre, most urgent first. Read as plain columns in a few selects (``Roll``),
    whatever the number of participants."""
    found: list[AlertItem] = []
    with db.session(actor_id) as session:
        people = {row.id: row for row in session.execute(
            select(text_id(P.id), P.full_name, P.status, P.screening, P.contract_signed_on, P.created_at)
            .where(P.deleted_at.is_(None), P.status.in_([s.value for s in WATCHED]))).all()}
        ids = _Ids()
        attending = Roll(session, P.status.in_([Status.ACTIVE.value, Status.SUSPENDED.value]))
        for key, state in attending.states(curricula, session, today, rules, holidays).items():
            if state is not None and key in people:
                found += [AlertItem(ids[key], people[key].full_name, a) for a in state.alerts]
        for key, refused_on in session.execute(select(text_id(C.participant_id), C.refused_on).where(
                C.sent_on.is_(None), C.deleted_at.is_(None))).all():
            if key in people:
                found.append(AlertItem(ids[key], people[key].full_name,
                                       Alert(AlertKind.ART72_TO_SEND, Severity.URGENT, due=refused_on,
                                             days=(today - refused_on).days)))
        meetings = defaultdict(list)
        for key, number, due_on in session.execute(select(text_id(F.participant_id), F.number, F.due_on).where(
                F.held_on.is_(None), F.deleted_at.is_(None))).all():
            meetings[key].append(FollowUpFact(number, due_on, False))
        for key, items in meetings.items():
            if key in people:
                found += [AlertItem(ids[key], people[key].full_name, a)
                          for a in compliance.follow_up_alerts(items, today, rules)]
        found += _intakes_waiting(session, people, ids, today, rules)
        risky = {uuid.UUID(pid).hex for pid in high_risk or {}}
        for key, person in people.items():
            if key in risky and person.status in (Status.INTAKE, Status.ACTIVE, Status.SUSPENDED):
                found.append(AlertItem(ids[key], person.full_name, Alert(AlertKind.HIGH_RISK, Severity.URGENT)))
    found.sort(key=lambda item: (SEVERITY_ORDER[item.alert.severity], item.alert.due or today, item.participant_name))
    return found


class _Ids(dict):
    """Stored id (32 hex digits) → its usual text, made only for the participants an alert names."""

    def __missing__(self, key: str) -> str:
        self[key] = value = canonical(key)
        return value


def _intakes_waiting(session: Session, people: dict[str, Any], ids: _Ids, today: dt.date,
                     rules: RuleParameters) -> list[AlertItem]:
    """Intakes without a signed contract or a screening, counted from the latest referral's date."""
    stale = today - dt.timedelta(days=rules.intake_incomplete_days)
    waiting = {key: p for key, p in people.items() if p.status == Status.INTAKE
               and (p.contract_signed_on is None or p.screening == Screening.NOT_DONE)}
    if not waiting:
        return []
    received: dict[str, dt.date] = {}
    for key, day in session.execute(select(text_id(R.participant_id), R.received_on).where(
            R.participant_id.in_(select(P.id).where(P.deleted_at.is_(None), P.status == Status.INTAKE.value)),
            R.deleted_at.is_(None)).order_by(R.received_on, R.created_at)).all():
        received[key] = day  # the latest wins
    found = []
    for key, person in waiting.items():
        since = received[key] if key in received else person.created_at.date()
        if since <= stale:
            found.append(AlertItem(ids[key], person.full_name, Alert(AlertKind.INTAKE_INCOMPLETE, Severity.NOTICE,
                                                                      due=since, days=(today - since).days)))
    return found
