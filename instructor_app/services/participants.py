"""Participants: intake (with duplicate detection), the register of people, their record (every
opening audited), status changes with their history, art. 72 cases and follow-up meetings."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app import errors
from instructor_app.curricula.model import Component
from instructor_app.domain.facilitators import Gender
from instructor_app.errors import Label
from instructor_app.i18n import N_
from instructor_app.participants import compliance, intake
from instructor_app.participants.intake import ReferralSource, RefusalForm, Screening
from instructor_app.participants.lifecycle import STATUS_LABELS, Status, check_transition
from instructor_app.participants.rules import RuleParameters
from instructor_app.scheduling.holidays import HolidayCalendar
from instructor_app.services.curricula import CurriculumStore
from instructor_app.services.participant_data import (Art72Info, EnrolmentInfo, FollowUpInfo, IntakeDraft,
                                                      ParticipantDetail, ParticipantName, ParticipantSummary,
                                                      PartnerDraft, ReferralInfo, StatusEntry)
from instructor_app.services.participant_facts import ParticipantFacts, compliance_input, load_facts
from instructor_app.services.participant_roll import Roll, canonical, text_id
from instructor_app.services.session_rows import FacilitatorNames, session_rows
from instructor_app.storage.database import Database
from instructor_app.storage.models import Device
from instructor_app.storage.participant_models import (Art72Case, FollowUpMeeting, Participant, PartnerContact,
                                                       Referral, StatusChange)
from instructor_app.storage.programme_models import ProgrammeGroup

MIN_AGE = 14
P = Participant.__table__.c


class DuplicateParticipant(errors.InvalidInput):
    def __init__(self, existing_id: str, status: str) -> None:
        super().__init__("full_name", N_("A participant with the same name and birth date is already registered "
                                         "(status: {status}). Open that record instead, or confirm that this is "
                                         "another person."), status=Label(STATUS_LABELS[Status(status)]))
        self.existing_id = existing_id


def _require(value: object, field: str, msgid: str) -> None:
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        raise errors.InvalidInput(field, msgid)


def check_intake(draft: IntakeDraft, today: dt.date) -> dt.date | None:
    """Every field rule of the intake form; returns the protection order's end (filled in if missing)."""
    _require(draft.full_name, "full_name", N_("Enter the participant's full name."))
    _require(draft.birth_date, "birth_date", N_("Enter the date of birth."))
    if draft.birth_date > today:
        raise errors.InvalidInput("birth_date", N_("The date of birth is in the future."))
    if (today - draft.birth_date).days < MIN_AGE * 365:
        raise errors.InvalidInput("birth_date", N_("The date of birth makes the participant younger than {age}; check "
                                                   "it."), age=MIN_AGE)
    if draft.gender not in (Gender.MALE, Gender.FEMALE):
        raise errors.InvalidInput("gender", N_("Choose the participant's gender."))
    if draft.language not in ("ky", "ru"):
        raise errors.InvalidInput("language", N_("Choose the language the participant chose: Kyrgyz or Russian."))
    if draft.component not in (Component.MANDATORY, Component.VOLUNTARY):
        raise errors.InvalidInput("component", N_("Choose the programme component: mandatory or voluntary."))
    if draft.referral_source not in set(ReferralSource):
        raise errors.InvalidInput("referral_source", N_("Choose who referred the participant."))
    _require(draft.received_on, "received_on", N_("Enter the date the referral was received."))
    if draft.received_on > today:
        raise errors.InvalidInput("received_on", N_("The referral date is in the future."))
    if draft.document_date and draft.document_date > draft.received_on:
        raise errors.InvalidInput("document_date", N_("The document is dated after the referral was received; check "
                                                      "both dates."))
    order_end = draft.order_ends_on
    if draft.order_issued_on:
        order_end = order_end or intake.default_order_end(draft.order_issued_on)
        if order_end < draft.order_issued_on:
            raise errors.InvalidInput("order_ends_on", N_("The protection order ends before it was issued; check both "
                                                          "dates."))
        if draft.order_issued_on > today:
            raise errors.InvalidInput("order_issued_on", N_("The protection order's issue date is in the future."))
    elif draft.order_ends_on:
        raise errors.InvalidInput("order_issued_on", N_("Enter the date the protection order was issued."))
    if draft.component == Component.MANDATORY and draft.order_issued_on is None:
        raise errors.InvalidInput("order_issued_on", N_("The mandatory component runs within the protection order: "
                                                        "enter the date it was issued."))
    if draft.screening not in set(Screening):
        raise errors.InvalidInput("screening", N_("Choose the result of the eligibility screening."))
    if draft.screening == Screening.THERAPY_COMPLETED and not draft.therapy_certificate.strip():
        raise errors.InvalidInput("therapy_certificate", N_("Enter the certificate of completed therapy (number and "
                                                            "date)."))
    if draft.contract_signed_on and draft.contract_signed_on > today:
        raise errors.InvalidInput("contract_signed_on", N_("The contract date is in the future."))
    return order_end


def move_status(session: Session, person: Participant, target: Status, reason: str, today: dt.date) -> None:
    """Change a participant's status if the lifecycle allows it, keeping the history row."""
    check_transition(person.status, target)
    if target in (Status.DROPPED_OUT, Status.SUSPENDED, Status.TRANSFERRED) and len(reason.strip()) < 3:
        raise errors.InvalidInput("reason", N_("Write the reason; it is kept in the participant's history."))
    if target == Status.ACTIVE and not intake.admitted(person.screening, person.therapy_certificate):
        raise errors.InvalidInput("screening", N_("The eligibility screening does not admit this participant yet "
                                                  "(specialised therapy first, or not screened)."))
    if target == Status.ACTIVE and person.contract_signed_on is None:
        raise errors.InvalidInput("contract_signed_on", N_("Record the signed contract (with the 18-month "
                                                           "follow-up clause) before the participant starts."))
    session.add(StatusChange(participant_id=person.id, from_status=person.status, to_status=target.value,
                             changed_on=today, reason=reason.strip()))
    person.status = target.value


class ParticipantService:
    def __init__(self, db: Database, actor_id: str, curricula: CurriculumStore, holidays: HolidayCalendar,
                 rules: RuleParameters, audit: Callable[[str, str], None]) -> None:
        self.db = db
        self.actor_id = actor_id
        self.curricula = curricula
        self.holidays = holidays
        self.rules = rules
        self._audit = audit

    # --- intake -----------------------------------------------------------------------------

    def create(self, draft: IntakeDraft, today: dt.date) -> ParticipantSummary:
        order_end = check_intake(draft, today)
        key = intake.name_key(draft.full_name)
        with self.db.session(self.actor_id) as session:
            if not draft.confirm_not_duplicate:
                existing = session.scalar(select(Participant).where(
                    Participant.name_key == key, Participant.birth_date == draft.birth_date,
                    Participant.deleted_at.is_(None)))
                if existing is not None:
                    raise DuplicateParticipant(str(existing.id), existing.status)
            centre_id = session.scalars(select(Device.centre_id)).one()
            person = Participant(
                centre_id=centre_id, full_name=" ".join(draft.full_name.split())[:200], name_key=key[:200],
                birth_date=draft.birth_date, gender=draft.gender, language=draft.language,
                phone=draft.phone.strip()[:40], address=draft.address.strip()[:300], component=draft.component,
                status=Status.INTAKE.value, screening=draft.screening,
                therapy_certificate=draft.therapy_certificate.strip()[:200],
                contract_signed_on=draft.contract_signed_on, curator_name=draft.curator_name.strip()[:200],
                curator_contact=draft.curator_contact.strip()[:200], notes=draft.notes.strip(),
            )
            session.add(person)
            session.flush()
            session.add(Referral(participant_id=person.id, source=draft.referral_source,
                                 document_number=draft.document_number.strip()[:100],
                                 document_date=draft.document_date, received_on=draft.received_on,
                                 order_number=draft.order_number.strip()[:100], order_issued_on=draft.order_issued_on,
                                 order_ends_on=order_end))
            session.add(StatusChange(participant_id=person.id, from_status=None, to_status=Status.REFERRED.value,
                                     changed_on=draft.received_on))
            session.add(StatusChange(participant_id=person.id, from_status=Status.REFERRED.value,
                                     to_status=Status.INTAKE.value, changed_on=today))
            if draft.partner is not None and any((draft.partner.full_name, draft.partner.phone, draft.partner.notes)):
                self._write_partner(session, person.id, draft.partner)
            session.flush()
            return self._summaries(session, [person], today)[0]

    @staticmethod
    def _write_partner(session: Session, participant_id: uuid.UUID, partner: PartnerDraft) -> None:
        row = session.scalar(select(PartnerContact).where(PartnerContact.participant_id == participant_id))
        if row is None:
            row = PartnerContact(participant_id=participant_id)
            session.add(row)
        row.full_name, row.relation = partner.full_name.strip()[:200], partner.relation.strip()[:40]
        row.phone, row.safe_to_contact, row.notes = partner.phone.strip()[:40], partner.safe_to_contact, partner.notes

    # --- reading ----------------------------------------------------------------------------

    def list(self, text: str = "", status: str | None = None, today: dt.date | None = None) -> list[ParticipantSummary]:
        """The register of people in name order, each with their compliance (read in bulk: ``Roll``)."""
        today = today or dt.date.today()
        conditions = []
        if status:
            conditions.append(Participant.status == status)
        needle = intake.name_key(text)
        if needle:
            conditions.append(Participant.name_key.contains(needle))
        with self.db.session(self.actor_id) as session:
            return Roll(session, *conditions).summaries(self.curricula, session, today, self.rules, self.holidays)

    def names(self) -> list[ParticipantName]:
        """Every participant's id, name and language in name order, for pick lists: one select, no
        compliance computed (the list of 2,000 with compliance takes the worker half a second)."""
        with self.db.session(self.actor_id) as session:
            rows = session.execute(select(text_id(P.id), P.full_name, P.language)
                                   .where(P.deleted_at.is_(None)).order_by(P.name_key)).all()
        return [ParticipantName(canonical(key), name, language) for key, name, language in rows]

    def _summaries(self, session: Session, people: list[Participant], today: dt.date) -> list[ParticipantSummary]:
        facts = load_facts(session, people)
        groups = {g.id: g.name for g in session.scalars(select(ProgrammeGroup))}
        return [self._summary(session, facts[p.id], groups, today) for p in people]

    def _summary(self, session: Session, item: ParticipantFacts, groups: dict, today: dt.date) -> ParticipantSummary:
        person = item.participant
        facts = compliance_input(item, self.curricula, session)
        state = compliance.evaluate(facts, today, self.rules, self.holidays.is_holiday) if facts else None
        current = item.current_enrolment
        return ParticipantSummary(
            id=str(person.id), full_name=person.full_name, birth_date=person.birth_date, gender=person.gender,
            language=person.language, component=person.component, status=person.status,
            group_id=str(current.group_id) if current else None, group_name=groups.get(current.group_id, "") if current
            else "", order_ends_on=item.referral.order_ends_on if item.referral else None, compliance=state,
            alerts=state.alerts if state else (),
        )

    def _get(self, session: Session, participant_id: str) -> Participant:
        try:
            person = session.get(Participant, uuid.UUID(str(participant_id)))
        except ValueError:
            person = None
        if person is None or person.deleted_at is not None:
            raise errors.InvalidInput("participant", N_("This participant's record no longer exists."))
        return person

    def detail(self, participant_id: str, today: dt.date | None = None) -> ParticipantDetail:
        """The participant's record; every opening is written to the audit log (who, when)."""
        today = today or dt.date.today()
        with self.db.session(self.actor_id) as session:
            person = self._get(session, participant_id)
            item = load_facts(session, [person])[person.id]
            groups = {g.id: g for g in session.scalars(select(ProgrammeGroup))}
            summary = self._summary(session, item, {k: g.name for k, g in groups.items()}, today)
            names = FacilitatorNames(session)
            referral = item.referral
            history = session.scalars(select(StatusChange).where(StatusChange.participant_id == person.id)
                                      .order_by(StatusChange.changed_on, StatusChange.created_at)).all()
            cases = session.scalars(select(Art72Case).where(Art72Case.participant_id == person.id)
                                    .order_by(Art72Case.refused_on)).all()
            meetings = session.scalars(select(FollowUpMeeting).where(FollowUpMeeting.participant_id == person.id)
                                       .order_by(FollowUpMeeting.number)).all()
            detail = ParticipantDetail(
                summary=summary, phone=person.phone, address=person.address, screening=person.screening,
                therapy_certificate=person.therapy_certificate, contract_signed_on=person.contract_signed_on,
                curator_name=person.curator_name, curator_contact=person.curator_contact, notes=person.notes,
                referral=ReferralInfo(referral.source, referral.document_number, referral.document_date,
                                      referral.received_on, referral.order_number, referral.order_issued_on,
                                      referral.order_ends_on) if referral else None,
                history=tuple(StatusEntry(h.from_status, h.to_status, h.changed_on, h.reason, names.name(h.updated_by))
                              for h in history),
                enrolments=tuple(EnrolmentInfo(str(e.id), str(e.group_id), groups[e.group_id].name,
                                               self.curricula.curriculum(session, groups[e.group_id]
                                                                         .curriculum_version_id).id,
                                               e.joined_on, e.left_on, e.left_reason) for e in item.enrolments),
                sessions=tuple(session_rows(session, self.curricula, item.sessions, names)),
                marks={str(k): v.mark for k, v in item.marks.items()},
                art72_cases=tuple(Art72Info(str(c.id), c.refused_on, c.how_expressed, c.witnesses, c.details,
                                            c.contact_attempts, c.sent_on, c.sent_to) for c in cases),
                follow_ups=tuple(FollowUpInfo(str(m.id), m.number, m.due_on, m.held_on, m.contact_made,
                                              tuple(v for v in m.new_violence.split(",") if v), m.notes)
                                 for m in meetings),
            )
        self._audit("participant_opened", str(person.id))
        return detail

    def partner(self, participant_id: str) -> PartnerDraft | None:
        """The partner's contact: asked for separately, never part of the participant's record."""
        with self.db.session(self.actor_id) as session:
            person = self._get(session, participant_id)
            row = session.scalar(select(PartnerContact).where(PartnerContact.participant_id == person.id))
            result = None if row is None else PartnerDraft(row.full_name, row.relation, row.phone, row.safe_to_contact,
                                                           row.notes)
        self._audit("partner_contact_opened", str(person.id))
        return result

    def save_partner(self, participant_id: str, partner: PartnerDraft) -> None:
        with self.db.session(self.actor_id) as session:
            self._write_partner(session, self._get(session, participant_id).id, partner)

    # --- status, art. 72, follow-up ---------------------------------------------------------

    def change_status(self, participant_id: str, target: str, reason: str, today: dt.date) -> ParticipantSummary:
        if target == Status.REFUSED:
            raise errors.InvalidInput("status", N_("Record a refusal as an art. 72 case."))
        with self.db.session(self.actor_id) as session:
            person = self._get(session, participant_id)
            move_status(session, person, Status(target), reason, today)
            if target == Status.COMPLETED:
                self._check_completed(session, person, today)
                for number, due in enumerate(compliance.follow_up_dates(today, self.rules), start=1):
                    session.add(FollowUpMeeting(participant_id=person.id, number=number, due_on=due))
            session.flush()
            return self._summaries(session, [person], today)[0]

    def _check_completed(self, session: Session, person: Participant, today: dt.date) -> None:
        item = load_facts(session, [person])[person.id]
        facts = compliance_input(item, self.curricula, session)
        state = compliance.evaluate(facts, today, self.rules, self.holidays.is_holiday) if facts else None
        if state is None or not state.completed:
            missing = len(state.missing_keys) if state else 0
            raise errors.InvalidInput("status", N_("Not every required session is attended yet ({count} missing); "
                                                   "add make-up sessions first."), count=missing)

    def refuse(self, participant_id: str, refused_on: dt.date, how_expressed: str, witnesses: str, details: str,
               contact_attempts: str, today: dt.date) -> Art72Info:
        """An explicit refusal: the status becomes "refused" and an art. 72 case is opened."""
        if how_expressed not in set(RefusalForm):
            raise errors.InvalidInput("how_expressed", N_("Choose how the refusal was expressed."))
        if refused_on > today:
            raise errors.InvalidInput("refused_on", N_("The date of the refusal is in the future."))
        if how_expressed != RefusalForm.WRITTEN and len(witnesses.strip()) < 3:
            raise errors.InvalidInput("witnesses", N_("Name who witnessed the refusal (a refusal in writing needs no "
                                                      "witness)."))
        with self.db.session(self.actor_id) as session:
            person = self._get(session, participant_id)
            move_status(session, person, Status.REFUSED, details, refused_on)
            case = Art72Case(participant_id=person.id, refused_on=refused_on, how_expressed=how_expressed,
                             witnesses=witnesses.strip(), details=details.strip(),
                             contact_attempts=contact_attempts.strip())
            session.add(case)
            session.flush()
            return Art72Info(str(case.id), case.refused_on, case.how_expressed, case.witnesses, case.details,
                             case.contact_attempts, None, "")

    def mark_art72_sent(self, case_id: str, sent_on: dt.date, sent_to: str, today: dt.date) -> None:
        if sent_on > today:
            raise errors.InvalidInput("sent_on", N_("The date is in the future."))
        _require(sent_to, "sent_to", N_("Write to whom the notice was sent (Probation, police)."))
        with self.db.session(self.actor_id) as session:
            case = session.get(Art72Case, uuid.UUID(case_id))
            if case is None:
                raise errors.InvalidInput("case", N_("This art. 72 case no longer exists."))
            case.sent_on, case.sent_to = sent_on, sent_to.strip()[:200]

    def record_follow_up(self, meeting_id: str, held_on: dt.date, contact_made: bool, new_violence: tuple[str, ...],
                         notes: str, today: dt.date) -> None:
        if held_on > today:
            raise errors.InvalidInput("held_on", N_("The date is in the future."))
        with self.db.session(self.actor_id) as session:
            meeting = session.get(FollowUpMeeting, uuid.UUID(meeting_id))
            if meeting is None:
                raise errors.InvalidInput("meeting", N_("This follow-up meeting no longer exists."))
            meeting.held_on, meeting.contact_made, meeting.notes = held_on, contact_made, notes.strip()
            meeting.new_violence = ",".join(sorted(set(new_violence)))
