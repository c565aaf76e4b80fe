"""How a record of a concurrent edit is named and its fields shown to the coordinator: the record's
kind and subject (a participant's name, a group's name, a session's date), field names, and values
with ids resolved to names and enum keys to their labels (msgids, translated at the edge)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from instructor_app.curricula.model import COMPONENT_LABELS, SESSION_KIND_LABELS
from instructor_app.domain.facilitators import GENDER_LABELS
from instructor_app.domain.regions import REGION_LABELS
from instructor_app.errors import Label
from instructor_app.i18n import LANGUAGE_NAMES, N_
from instructor_app.participants.compliance import MARK_LABELS
from instructor_app.participants.intake import REFERRAL_LABELS, REFUSAL_LABELS, SCREENING_LABELS
from instructor_app.participants.lifecycle import STATUS_LABELS as PARTICIPANT_STATUS_LABELS
from instructor_app.scheduling.rules import CHANGE_LABELS, WEEKDAY_LABELS
from instructor_app.scheduling.rules import STATUS_LABELS as SESSION_STATUS_LABELS
from instructor_app.services.conflict_data import Shown
from instructor_app.storage.models import Centre, Facilitator
from instructor_app.storage.participant_models import Participant
from instructor_app.storage.programme_models import CurriculumVersion, ProgrammeGroup, ProgrammeSession

# Never compared or shown: the envelope and the stamps (who and when are shown apart), derived values.
STAMPS = frozenset({"id", "created_at", "updated_at", "updated_by", "row_version"})
NOT_SHOWN = STAMPS | {"name_key", "document", "sha256"}

KIND_LABELS = {
    "participant": N_("Participant"), "referral": N_("Referral"), "partner_contact": N_("Partner's contact"),
    "status_change": N_("Status change"), "enrolment": N_("Enrolment"), "attendance": N_("Attendance mark"),
    "art72_case": N_("Art. 72 case"), "follow_up_meeting": N_("Follow-up meeting"),
    "programme_group": N_("Group"), "programme_session": N_("Session"), "schedule_change": N_("Schedule change"),
    "centre": N_("Centre"), "facilitator": N_("Facilitator"), "curriculum_version": N_("Programme"),
    "instrument_version": N_("Questionnaire"), "response": N_("Questionnaire"), "answer": N_("Answer"),
    "partner_report": N_("Partner's feedback"), "partner_answer": N_("Partner's answer"),
}

FIELD_LABELS = {
    "full_name": N_("Full name"), "display_name": N_("Full name"), "name": N_("Name"),
    "birth_date": N_("Date of birth"), "gender": N_("Gender"), "participant_gender": N_("Participants"),
    "language": N_("Language"), "phone": N_("Phone"), "address": N_("Address"),
    "component": N_("Programme component"), "status": N_("Status"), "screening": N_("Eligibility screening"),
    "therapy_certificate": N_("Therapy certificate"), "contract_signed_on": N_("Contract signed"),
    "curator_name": N_("Curator (probation officer)"), "curator_contact": N_("Curator's contact"),
    "notes": N_("Notes"), "source": N_("Referred by"), "document_number": N_("Document number"),
    "document_date": N_("Document dated"), "received_on": N_("Referral received on"),
    "order_number": N_("Protection order number"), "order_issued_on": N_("Protection order issued on"),
    "order_ends_on": N_("Protection order ends on"), "relation": N_("Relation to the participant"),
    "safe_to_contact": N_("Safe to contact"), "room": N_("Room"), "weekday": N_("Weekday"),
    "start_time": N_("Start time"), "start_date": N_("Start date"), "order_end": N_("Protection order ends"),
    "capacity": N_("Places"), "lead_facilitator_id": N_("Lead facilitator"),
    "co_facilitator_id": N_("Second facilitator"), "pair_exception_reason": N_("Reason for another arrangement"),
    "scheduled_date": N_("Date"), "minutes": N_("Minutes"), "status_reason": N_("Reason"),
    "cover_reason": N_("Reason for the cover"), "held_on": N_("Held on"), "actual_start": N_("Started at"),
    "actual_end": N_("Ended at"), "reason": N_("Reason"), "mark": N_("Mark"), "excuse_reason": N_("Reason"),
    "concern": N_("Engagement concern"), "concern_note": N_("Note"), "left_on": N_("Left on"),
    "left_reason": N_("Reason for leaving"), "joined_on": N_("Joined on"), "region": N_("Region"),
    "active": N_("Active"), "deleted_at": N_("Deleted"), "witnesses": N_("Witnesses"), "details": N_("Details"),
    "contact_attempts": N_("Contact attempts"), "how_expressed": N_("How the refusal was expressed"),
    "sent_on": N_("Sent on"), "sent_to": N_("Sent to"), "due_on": N_("Due on"), "contact_made": N_("Contact made"),
    "value": N_("Answer"), "participant_id": N_("Participant"), "group_id": N_("Group"),
    "centre_id": N_("Centre"), "session_id": N_("Session"), "curriculum_version_id": N_("Programme"),
    "kind": N_("Kind"), "change": N_("Change"), "old_date": N_("Old date"), "new_date": N_("New date"),
    "old_time": N_("Old time"), "new_time": N_("New time"), "time_point": N_("Time point"),
    "contact_mode": N_("Contact"), "answered_on": N_("Answered on"), "contacted_on": N_("Contacted on"),
}

_ENUMS: dict[str, dict[Any, str]] = {
    "gender": GENDER_LABELS, "participant_gender": GENDER_LABELS, "component": COMPONENT_LABELS,
    "screening": SCREENING_LABELS, "source": REFERRAL_LABELS, "mark": MARK_LABELS, "how_expressed": REFUSAL_LABELS,
    "region": REGION_LABELS, "change": CHANGE_LABELS, "kind": SESSION_KIND_LABELS,
}
_STATUS = {"participant": PARTICIPANT_STATUS_LABELS, "programme_session": SESSION_STATUS_LABELS}
_FACILITATOR_IDS = frozenset({"lead_facilitator_id", "co_facilitator_id", "updated_by"})


def field_label(column: str) -> str:
    """The msgid naming ``column`` (an unknown column: its own name, readable)."""
    return FIELD_LABELS.get(column, column.replace("_", " ").capitalize())


def _name_of(session: Session, model: type, row_id: uuid.UUID, attribute: str) -> str:
    row = session.get(model, row_id)
    return str(getattr(row, attribute)) if row is not None else ""


def facilitator_name(session: Session, facilitator_id: uuid.UUID | None) -> str:
    return _name_of(session, Facilitator, facilitator_id, "display_name") if facilitator_id else ""


def shown(session: Session, table: str, column: str, value: Any) -> Shown:
    """A value as the coordinator reads it: names for ids, labels for enum keys."""
    if value is None or value == "":
        return None
    if isinstance(value, uuid.UUID):
        if column in _FACILITATOR_IDS:
            return facilitator_name(session, value) or str(value)[:8]
        looked_up = {"participant_id": (Participant, "full_name"), "group_id": (ProgrammeGroup, "name"),
                     "centre_id": (Centre, "name"), "curriculum_version_id": (CurriculumVersion, "curriculum_key")}
        if column in looked_up:
            return _name_of(session, *looked_up[column], value) or str(value)[:8]
        if column == "session_id":
            found = session.get(ProgrammeSession, value)
            return found.scheduled_date if found is not None else str(value)[:8]
        return str(value)[:8]
    if column == "status" and table in _STATUS:
        return Label(_STATUS[table][value]) if value in _STATUS[table] else value
    if column in _ENUMS and isinstance(value, str):
        return Label(_ENUMS[column][value]) if value in _ENUMS[column] else value
    if column == "weekday" and isinstance(value, int) and 0 <= value < len(WEEKDAY_LABELS):
        return Label(WEEKDAY_LABELS[value])
    if column == "language" and isinstance(value, str):
        return LANGUAGE_NAMES.get(value, value)
    return value


def subject(session: Session, table: str, values: dict[str, Any]) -> tuple[str, dt.date | None]:
    """Which record: (a name, a date) from the record's current or losing values."""
    def participant(participant_id: Any) -> str:
        return _name_of(session, Participant, participant_id, "full_name") if participant_id else ""

    if table == "participant":
        return str(values.get("full_name", "")), None
    if table in ("programme_group", "centre"):
        return str(values.get("name", "")), None
    if table == "facilitator":
        return str(values.get("display_name", "")), None
    if table == "programme_session":
        group_id = values.get("group_id")
        name = _name_of(session, ProgrammeGroup, group_id, "name") if group_id else participant(
            values.get("participant_id"))
        return name, values.get("scheduled_date")
    if table == "schedule_change":
        found = session.get(ProgrammeSession, values["session_id"]) if values.get("session_id") else None
        if found is None:
            return "", values.get("old_date")
        return (_name_of(session, ProgrammeGroup, found.group_id, "name") if found.group_id
                else participant(found.participant_id)), found.scheduled_date
    if table == "curriculum_version":
        return f"{values.get('curriculum_key', '')} {values.get('version', '')}".strip(), None
    if table == "instrument_version":
        return f"{values.get('instrument_key', '')} {values.get('version', '')}".strip(), None
    if "participant_id" in values:
        return participant(values.get("participant_id")), None
    return "", None


__all__ = ["FIELD_LABELS", "KIND_LABELS", "NOT_SHOWN", "STAMPS", "facilitator_name", "field_label", "shown",
           "subject"]
