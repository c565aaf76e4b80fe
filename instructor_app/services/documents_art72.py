"""The art. 72 notice: a participant refused to undergo the correctional programme (Code of Offences
art. 72), written for the Probation Department or the police.

``load_notice`` reads the participant's latest art. 72 case with the referral, the protection order,
the sessions they missed without excuse and the facilitator pair into plain data (``Art72Notice``);
``reports/art72_pdf.py`` lays it out; ``make_art72`` does both and records the document's number.
``art72_participants`` lists the participants who have a case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app import errors
from instructor_app.i18n import N_, _, language_of_document
from instructor_app.participants.compliance import Mark
from instructor_app.services.curricula import CurriculumStore
from instructor_app.services.document_data import IssuedFile
from instructor_app.services.document_data import ReferralFacts
from instructor_app.services.document_parts import document_meta, parse_id, participant_or_refuse, referral_facts
from instructor_app.services.participant_facts import ParticipantFacts, load_facts, today_default
from instructor_app.services.session_rows import FacilitatorNames, kind_number
from instructor_app.storage.keystore import Keystore, KeystoreFormatError
from instructor_app.storage.participant_models import Art72Case, Participant
from instructor_app.storage.programme_models import ProgrammeGroup, ProgrammeSession

if TYPE_CHECKING:
    from instructor_app.services.open_workspace import OpenWorkspace

TITLE = N_("Notice of refusal to undergo the correctional programme")


@dataclass(frozen=True)
class Art72Choice:
    participant_id: str
    name: str
    refused_on: dt.date      # of the latest case
    sent_on: dt.date | None


@dataclass(frozen=True)
class MissedSession:
    date: dt.date
    number: int              # among the sessions of its kind
    kind: str                # curricula.model.SessionKind
    title: str               # in the document's language
    group: str               # "" for an individual session


@dataclass(frozen=True)
class Art72Notice:
    participant_id: str
    name: str
    birth_date: dt.date
    component: str           # curricula.model.Component
    curator: str
    group: str               # the group they were last in, or ""
    referral: ReferralFacts | None
    refused_on: dt.date
    how_expressed: str       # participants.intake.RefusalForm
    witnesses: str
    details: str
    contact_attempts: str
    sent_on: dt.date | None
    sent_to: str             # the addressee, if the notice was already sent
    missed: tuple[MissedSession, ...]   # unexcused absences, oldest first
    lead: str
    second: str


def art72_participants(opened: OpenWorkspace) -> list[Art72Choice]:
    """Participants with an art. 72 case, by name: the choices for a notice."""
    with opened.db.session(opened.actor.id) as session:
        latest: dict = {}
        for case in session.scalars(select(Art72Case).where(Art72Case.deleted_at.is_(None))
                                    .order_by(Art72Case.refused_on, Art72Case.created_at)):
            latest[case.participant_id] = case
        if not latest:
            return []
        people = session.scalars(select(Participant).where(Participant.id.in_(list(latest)))
                                 .order_by(Participant.name_key)).all()
        return [Art72Choice(str(p.id), p.full_name, latest[p.id].refused_on, latest[p.id].sent_on) for p in people]


def _missed(session: Session, curricula: CurriculumStore, item: ParticipantFacts, groups: dict,
            language: str) -> tuple[MissedSession, ...]:
    found = []
    for row in item.sessions:
        mark = item.marks.get(row.id)
        if mark is None or mark.mark != Mark.UNEXCUSED:
            continue
        template = curricula.curriculum(session, row.curriculum_version_id).session(row.template_key)
        group = groups.get(row.group_id)
        found.append(MissedSession(row.scheduled_date, kind_number(curricula, session, row), row.kind,
                                   template.title.get(language), group.name if group else ""))
    return tuple(found)


def _pair(session: Session, item: ParticipantFacts, groups: dict, names: FacilitatorNames,
          fallback: tuple[str, str]) -> tuple[str, str]:
    """The pair of the group they were last in, else who ran their latest session, else ``fallback``."""
    if item.enrolments:
        group = groups[item.enrolments[-1].group_id]
        return names.name(group.lead_facilitator_id), names.name(group.co_facilitator_id)
    individual: list[ProgrammeSession] = [s for s in item.sessions if s.group_id is None]
    if individual:
        last = individual[-1]
        return names.name(last.lead_facilitator_id), names.name(last.co_facilitator_id)
    return fallback


def load_notice(session: Session, curricula: CurriculumStore, participant_id: str, language: str,
                signers: tuple[str, str] = ("", "")) -> Art72Notice:
    """The participant's latest art. 72 case as plain data; ``signers`` (this laptop's pair) sign when
    no group or session links the participant to a pair."""
    person = participant_or_refuse(session, participant_id)
    case = session.scalars(select(Art72Case).where(Art72Case.participant_id == person.id,
                                                   Art72Case.deleted_at.is_(None))
                           .order_by(Art72Case.refused_on.desc(), Art72Case.created_at.desc()).limit(1)).first()
    if case is None:
        raise errors.InvalidInput("participant", N_("{name} has no art. 72 case. Record the refusal on the "
                                                     "participant's record first."), name=person.full_name)
    item = load_facts(session, [person])[person.id]
    group_ids = {e.group_id for e in item.enrolments} | {s.group_id for s in item.sessions if s.group_id}
    groups = {g.id: g for g in session.scalars(select(ProgrammeGroup).where(ProgrammeGroup.id.in_(group_ids)))} \
        if group_ids else {}
    referral = item.referral
    lead, second = _pair(session, item, groups, FacilitatorNames(session), signers)
    return Art72Notice(
        participant_id=str(person.id), name=person.full_name, birth_date=person.birth_date,
        component=person.component, curator=person.curator_name,
        group=groups[item.enrolments[-1].group_id].name if item.enrolments else "",
        referral=referral_facts(referral),
        refused_on=case.refused_on, how_expressed=case.how_expressed, witnesses=case.witnesses,
        details=case.details, contact_attempts=case.contact_attempts, sent_on=case.sent_on, sent_to=case.sent_to,
        missed=_missed(session, curricula, item, groups, language), lead=lead, second=second)


def laptop_pair(opened: OpenWorkspace, session: Session) -> tuple[str, str]:
    """The signed-in facilitator and the other facilitator with a password on this laptop (the pair)."""
    names = FacilitatorNames(session)
    try:
        ids = [a.id for a in Keystore.load(opened.folder.keystore).accounts if a.id != opened.actor.id]
    except (OSError, KeystoreFormatError):
        ids = []
    others = [name for name in (names.name(parse_id(i)) for i in ids) if name]
    return opened.actor.display_name, others[0] if others else ""


def make_art72(opened: OpenWorkspace, participant_id: str, *, language: str, out: Path,
               today: dt.date | None = None) -> IssuedFile:
    """The notice on the participant's latest art. 72 case as a PDF at ``out``, in ``language``."""
    from instructor_app.reports.art72_pdf import art72_document

    today = today_default(today)
    out = Path(out)
    with language_of_document(language), opened.db.session(opened.actor.id) as session:
        notice = load_notice(session, opened.curricula, participant_id, language, laptop_pair(opened, session))
        meta = document_meta(session, "art72", _(TITLE), subject=notice.participant_id, language=language,
                             on=today, actor_id=opened.actor.id)
        document = art72_document(notice, meta)
        size = document.save(out)  # fails before the commit: the number is not used up
    return IssuedFile(meta.number, out, document.pages, size)
