"""The Today page's alerts: deadlines, non-compliance, art. 72 notices to send, follow-ups due or
overdue, incomplete intakes. Each names the participant it is about, so it opens that record."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select

from instructor_app.participants import compliance
from instructor_app.participants.compliance import Alert, AlertKind, FollowUpFact, Severity
from instructor_app.participants.intake import Screening
from instructor_app.participants.lifecycle import Status
from instructor_app.participants.rules import RuleParameters
from instructor_app.scheduling.holidays import HolidayCalendar
from instructor_app.services.curricula import CurriculumStore
from instructor_app.services.participant_data import AlertItem
from instructor_app.services.participant_facts import compliance_input, latest_referrals, load_facts
from instructor_app.storage.database import Database
from instructor_app.storage.participant_models import Art72Case, FollowUpMeeting, Participant

SEVERITY_ORDER = {Severity.URGENT: 0, Severity.WARNING: 1, Severity.NOTICE: 2}
WATCHED = (Status.INTAKE, Status.ACTIVE, Status.SUSPENDED, Status.REFUSED, Status.COMPLETED)


def alerts(db: Database, actor_id: str, curricula: CurriculumStore, holidays: HolidayCalendar,
           rules: RuleParameters, today: dt.date, high_risk: dict[str, str] | None = None) -> list[AlertItem]:
    found: list[AlertItem] = []
    with db.session(actor_id) as session:
        people = session.scalars(select(Participant).where(Participant.deleted_at.is_(None),
                                                           Participant.status.in_([s.value for s in WATCHED]))).all()
        by_id = {p.id: p for p in people}
        attending = [p for p in people if p.status in (Status.ACTIVE, Status.SUSPENDED)]
        facts = load_facts(session, attending)
        for person in attending:
            data = compliance_input(facts[person.id], curricula, session)
            if data is not None:
                state = compliance.evaluate(data, today, rules, holidays.is_holiday)
                found += [AlertItem(str(person.id), person.full_name, a) for a in state.alerts]
        for case in session.scalars(select(Art72Case).where(Art72Case.sent_on.is_(None),
                                                            Art72Case.deleted_at.is_(None))):
            person = by_id.get(case.participant_id)
            if person is not None:
                found.append(AlertItem(str(person.id), person.full_name,
                                       Alert(AlertKind.ART72_TO_SEND, Severity.URGENT, due=case.refused_on,
                                             days=(today - case.refused_on).days)))
        meetings = defaultdict(list)
        for meeting in session.scalars(select(FollowUpMeeting).where(FollowUpMeeting.held_on.is_(None),
                                                                     FollowUpMeeting.deleted_at.is_(None))):
            meetings[meeting.participant_id].append(FollowUpFact(meeting.number, meeting.due_on, False))
        for participant_id, items in meetings.items():
            person = by_id.get(participant_id)
            if person is not None:
                found += [AlertItem(str(person.id), person.full_name, a)
                          for a in compliance.follow_up_alerts(items, today, rules)]
        stale = today - dt.timedelta(days=rules.intake_incomplete_days)
        waiting = [p for p in people if p.status == Status.INTAKE
                   and (p.contract_signed_on is None or p.screening == Screening.NOT_DONE)]
        referrals = latest_referrals(session, [p.id for p in waiting]) if waiting else {}
        for person in waiting:
            since = referrals[person.id].received_on if person.id in referrals else person.created_at.date()
            if since <= stale:
                found.append(AlertItem(str(person.id), person.full_name,
                                       Alert(AlertKind.INTAKE_INCOMPLETE, Severity.NOTICE, due=since,
                                             days=(today - since).days)))
        for person in people:
            if str(person.id) in (high_risk or {}) and person.status in (Status.INTAKE, Status.ACTIVE,
                                                                          Status.SUSPENDED):
                found.append(AlertItem(str(person.id), person.full_name, Alert(AlertKind.HIGH_RISK, Severity.URGENT)))
    found.sort(key=lambda item: (SEVERITY_ORDER[item.alert.severity], item.alert.due or today, item.participant_name))
    return found
