"""The participant progress / completion report for a court or the Probation Department: loading
its plain data, the participant chooser, and ``make_progress`` (number, render, atomic write).

The number is reserved in the same transaction that loads the data, and that transaction commits
only once the PDF is written: a refused output path leaves neither a file nor a used number.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app.i18n import language_of_document
from instructor_app.participants import compliance
from instructor_app.participants.lifecycle import Status
from instructor_app.scheduling.rules import SessionStatus
from instructor_app.services.document_data import IssuedFile
from instructor_app.services.document_parts import (centre_name, document_meta, participant_or_refuse,
                                                    referral_facts)
from instructor_app.services.instrument_data import ResultRow
from instructor_app.services.instruments import SELF_ASSESSMENT
from instructor_app.services.participant_facts import ParticipantFacts, compliance_input, load_facts, today_default
from instructor_app.services.progress_data import (AttendanceLine, FollowUpLine, ParticipantChoice, ProgressReport,
                                                   ScaleChange, SelfAssessmentChange, SessionCounts)
from instructor_app.services.session_rows import FacilitatorNames, session_rows
from instructor_app.storage.participant_models import FollowUpMeeting, Participant, StatusChange
from instructor_app.storage.programme_models import ProgrammeGroup

if TYPE_CHECKING:
    from instructor_app.services.open_workspace import OpenWorkspace

LEFT = {Status.DROPPED_OUT, Status.REFUSED, Status.TRANSFERRED}


def progress_choices(opened: OpenWorkspace) -> list[ParticipantChoice]:
    """Every participant on record, sorted by name, for the report's chooser."""
    with opened.db.session(opened.actor.id) as session:
        rows = session.execute(select(Participant.id, Participant.full_name, Participant.status)
                               .where(Participant.deleted_at.is_(None))).all()
    choices = [ParticipantChoice(str(pid), name, status) for pid, name, status in rows]
    return sorted(choices, key=lambda c: (c.name.casefold(), c.id))


def make_progress(opened: OpenWorkspace, participant_id: str, *, language: str, out: Path, conclusion: str = "",
                  today: dt.date | None = None) -> IssuedFile:
    """Write the report of one participant in ``language`` (ky | ru) to ``out``."""
    from instructor_app.reports.progress_pdf import progress_document, progress_title

    today = today_default(today)
    out = Path(out)
    own_results = _self_assessments(opened, participant_id)
    with language_of_document(language), opened.db.session(opened.actor.id) as session:
        report = load_progress(opened, session, participant_id, today, own_results)
        meta = document_meta(session, "progress", progress_title(report), subject=report.participant_id,
                             language=language, on=today, actor_id=opened.actor.id)
        document = progress_document(report, meta, conclusion)
        size = document.save(out)  # fails before the commit: the number is not used up
    opened.record_access("progress_report_issued", report.participant_id)
    return IssuedFile(meta.number, out, document.pages, size)


def _self_assessments(opened: OpenWorkspace, participant_id: str) -> list[ResultRow]:
    with opened.db.session(opened.actor.id) as session:
        participant_or_refuse(session, participant_id)
    rows = opened.instruments.results(str(participant_id)).rows
    return [r for r in rows if r.instrument_key == SELF_ASSESSMENT and r.scores.complete]


def load_progress(opened: OpenWorkspace, session: Session, participant_id: str, today: dt.date,
                  own_results: list[ResultRow]) -> ProgressReport:
    """Everything the report prints about one participant, as plain data."""
    person = participant_or_refuse(session, participant_id)
    item = load_facts(session, [person])[person.id]
    service = opened.participants
    facts = compliance_input(item, opened.curricula, session)
    state = compliance.evaluate(facts, today, service.rules, service.holidays.is_holiday) if facts else None
    curriculum = opened.curricula.curriculum(session, item.curriculum_version_id) \
        if item.curriculum_version_id else None
    names = FacilitatorNames(session)
    lines = _attendance(opened, session, item, names)
    attended_marks = service.rules.attended_marks
    history = session.scalars(select(StatusChange).where(StatusChange.participant_id == person.id,
                                                         StatusChange.deleted_at.is_(None))
                              .order_by(StatusChange.changed_on, StatusChange.created_at)).all()
    status_since = next((h.changed_on for h in reversed(history) if h.to_status == person.status), None)
    lead, second = _facilitators(session, item, names)
    referral = item.referral
    return ProgressReport(
        centre=centre_name(session), participant_id=str(person.id), full_name=person.full_name,
        birth_date=person.birth_date, gender=person.gender or "", language=person.language or "",
        component=person.component or "", status=person.status, status_since=status_since,
        programme=curriculum.title if curriculum else None, programme_version=curriculum.version if curriculum else None,
        group_name=_group_name(session, item), joined_on=_joined(item, lines),
        finished_on=_finished_on(person, item, status_since),
        deadline=state.deadline if state and not state.completed and person.status not in LEFT else None,
        referral=referral_facts(referral),
        counts=SessionCounts(
            required=state.required if state else None, attended=state.attended if state else 0,
            excused=state.excused if state else 0, unexcused=state.unexcused if state else 0,
            still_missing=len(state.missing_keys) if state else 0,
            makeups_attended=sum(1 for line in lines if line.is_makeup and line.mark in attended_marks),
            makeups_planned=sum(1 for line in lines if line.is_makeup and line.status == SessionStatus.PLANNED)),
        attendance=tuple(lines), self_assessment=_change(own_results), follow_ups=_follow_ups(session, person, service.rules.follow_up_months),
        lead_facilitator=lead, second_facilitator=second,
    )


def _attendance(opened: OpenWorkspace, session: Session, item: ParticipantFacts,
                names: FacilitatorNames) -> list[AttendanceLine]:
    lines = []
    for row in session_rows(session, opened.curricula, item.sessions, names):
        mark = item.marks.get(uuid.UUID(row.id))
        lines.append(AttendanceLine(row.date, row.kind, row.number, row.title, row.status,
                                    mark.mark if mark else None, row.is_makeup, row.replaces_number))
    return lines


def _group_name(session: Session, item: ParticipantFacts) -> str:
    if not item.enrolments:
        return ""
    group = session.get(ProgrammeGroup, item.enrolments[-1].group_id)
    return group.name if group else ""


def _joined(item: ParticipantFacts, lines: list[AttendanceLine]) -> dt.date | None:
    """The first day in the programme: the first group joined or the first session marked."""
    days = [e.joined_on for e in item.enrolments] + [line.date for line in lines if line.mark is not None]
    return min(days, default=None)


def _finished_on(person: Participant, item: ParticipantFacts, status_since: dt.date | None) -> dt.date | None:
    if person.status == Status.COMPLETED:
        return status_since
    if person.status in LEFT:
        left = [e.left_on for e in item.enrolments if e.left_on is not None]
        return max(left) if left else status_since
    return None


def _facilitators(session: Session, item: ParticipantFacts, names: FacilitatorNames) -> tuple[str, str]:
    """The pair of the participant's latest group, else of their latest individual session."""
    if item.enrolments:
        group = session.get(ProgrammeGroup, item.enrolments[-1].group_id)
        if group is not None:
            return names.name(group.lead_facilitator_id), names.name(group.co_facilitator_id)
    individual = [s for s in item.sessions if s.group_id is None]
    if individual:
        last = individual[-1]
        return names.name(last.lead_facilitator_id), names.name(last.co_facilitator_id)
    return "", ""


def _change(rows: list[ResultRow]) -> SelfAssessmentChange | None:
    """First vs latest complete self-assessment, per subscale (of the latest version) and in total."""
    if not rows:
        return None
    first, latest = rows[0], rows[-1]
    two = len(rows) > 1
    scales = tuple(ScaleChange(s.key, s.title, first.scores.subscales.get(s.key),
                               latest.scores.subscales.get(s.key) if two else None, s.higher_is_better)
                   for s in latest.instrument.subscales)
    total = ScaleChange("total", latest.instrument.title, first.scores.total, latest.scores.total if two else None)
    return SelfAssessmentChange(len(rows), first.answered_on, first.time_point, latest.answered_on if two else None,
                                latest.time_point if two else "", scales, total)


def _follow_ups(session: Session, person: Participant, months: tuple[int, ...]) -> tuple[FollowUpLine, ...]:
    meetings = session.scalars(select(FollowUpMeeting).where(FollowUpMeeting.participant_id == person.id,
                                                             FollowUpMeeting.deleted_at.is_(None))
                               .order_by(FollowUpMeeting.number)).all()
    return tuple(FollowUpLine(m.number, months[m.number - 1] if 0 < m.number <= len(months) else None, m.due_on,
                              m.held_on) for m in meetings)
