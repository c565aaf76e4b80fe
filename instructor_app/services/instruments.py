"""Instruments: stored versions (shipped and imported), responses saved answer by answer (kiosk),
scores per time point, group averages, risk category, and the partner's reports kept apart."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from instructor_app import errors
from instructor_app.i18n import N_
from instructor_app.instruments import model
from instructor_app.instruments.files import LoadedInstrument, load_instrument, shipped_files
from instructor_app.instruments.model import Instrument
from instructor_app.services.curricula import version_id
from instructor_app.services.instrument_data import (GroupAverage, InstrumentSummary, ParticipantResults, PartnerRow,
                                                     ResponseState, ResultRow)
from instructor_app.storage.database import Database
from instructor_app.storage.instrument_models import (Answer, InstrumentVersion, PartnerAnswer, PartnerReport,
                                                      Response)
from instructor_app.storage.models import utcnow
from instructor_app.storage.participant_models import Enrolment, Participant

PARTNER_INSTRUMENT = "partner-feedback"
SELF_ASSESSMENT = "participant-self-assessment"


class InstrumentService:
    def __init__(self, db: Database, actor_id: str, audit: Callable[[str, str], None] | None = None) -> None:
        self.db = db
        self.actor_id = actor_id
        self._audit = audit or (lambda _event, _detail: None)
        self._parsed: dict[uuid.UUID, Instrument] = {}
        self._checked = False

    # --- versions ---------------------------------------------------------------------------

    def _instrument(self, session: Session, version_id: uuid.UUID) -> Instrument:
        found = self._parsed.get(version_id)
        if found is None:
            row = session.get(InstrumentVersion, version_id)
            found = self._parsed[version_id] = Instrument.from_document(json.loads(row.document))
        return found

    def ensure_shipped(self) -> None:
        if self._checked:
            return
        with self.db.session(self.actor_id) as session:
            known = set(session.scalars(select(InstrumentVersion.sha256)))
            keys = set(session.execute(select(InstrumentVersion.instrument_key, InstrumentVersion.version)).all())
            for path in shipped_files():
                if hashlib.sha256(path.read_bytes()).hexdigest() in known:
                    continue
                loaded = load_instrument(path)
                if (loaded.instrument.id, loaded.instrument.version) not in keys:
                    session.add(self._row(loaded, "shipped", path.name))
        self._checked = True

    @staticmethod
    def _row(loaded: LoadedInstrument, origin: str, name: str) -> InstrumentVersion:
        item = loaded.instrument
        return InstrumentVersion(id=version_id("instrument", item.id, item.version), instrument_key=item.id, version=item.version, kind=item.kind,
                                 respondent=item.respondent, sha256=loaded.sha256, origin=origin, file_name=name[:260],
                                 document=json.dumps(loaded.document, ensure_ascii=False, separators=(",", ":")))

    def list(self) -> list[InstrumentSummary]:
        self.ensure_shipped()
        with self.db.session(self.actor_id) as session:
            rows = session.scalars(select(InstrumentVersion).order_by(InstrumentVersion.instrument_key,
                                                                      InstrumentVersion.version)).all()
            newest = {r.instrument_key: r.version for r in rows}
            return [InstrumentSummary(str(r.id), r.instrument_key, r.version, r.kind, r.respondent,
                                      self._instrument(session, r.id), newest[r.instrument_key] == r.version)
                    for r in rows]

    def import_file(self, path: Path) -> InstrumentSummary:
        loaded = load_instrument(path)  # InstrumentInvalid: file, line and reason; nothing stored
        self.ensure_shipped()
        with self.db.session(self.actor_id) as session:
            exists = session.scalar(select(InstrumentVersion).where(
                InstrumentVersion.instrument_key == loaded.instrument.id,
                InstrumentVersion.version == loaded.instrument.version))
            if exists is not None:
                raise errors.InvalidInput("file", N_("Version {version} of “{key}” is already in the app; give the "
                                                     "new file a higher version number. Nothing was changed."),
                                          version=loaded.instrument.version, key=loaded.instrument.id)
            row = self._row(loaded, "imported", path.name)
            session.add(row)
            session.flush()
            return InstrumentSummary(str(row.id), row.instrument_key, row.version, row.kind, row.respondent,
                                     loaded.instrument, True)

    def _latest(self, session: Session, key: str) -> InstrumentVersion:
        self.ensure_shipped()
        row = session.scalar(select(InstrumentVersion).where(InstrumentVersion.instrument_key == key)
                             .order_by(InstrumentVersion.version.desc()).limit(1))
        if row is None:
            raise errors.InvalidInput("instrument", N_("This questionnaire is not in the app."))
        return row

    # --- responses (participant and facilitator instruments) --------------------------------

    def start(self, participant_id: str, instrument_key: str, time_point: str, mode: str, today: dt.date,
              session_id: str | None = None) -> ResponseState:
        """A new response, or the unfinished one of the same instrument and time point (continued)."""
        self.ensure_shipped()
        with self.db.session(self.actor_id) as session:
            version = self._latest(session, instrument_key)
            instrument = self._instrument(session, version.id)
            if instrument.respondent == "partner":
                raise errors.InvalidInput("instrument", N_("The partner's view is entered as a partner report."))
            if time_point not in instrument.time_points and "any" not in instrument.time_points:
                raise errors.InvalidInput("time_point", N_("This questionnaire is not used at this time point."))
            person = session.get(Participant, uuid.UUID(participant_id))
            if person is None:
                raise errors.InvalidInput("participant", N_("This participant's record no longer exists."))
            open_ = session.scalar(select(Response).where(
                Response.participant_id == person.id, Response.instrument_version_id == version.id,
                Response.time_point == time_point, Response.completed_at.is_(None)))
            if open_ is None:
                open_ = Response(participant_id=person.id, instrument_version_id=version.id, time_point=time_point,
                                 mode=mode, answered_on=today,
                                 session_id=uuid.UUID(session_id) if session_id else None)
                session.add(open_)
                session.flush()
            return ResponseState(str(open_.id), participant_id, instrument, time_point,
                                 self._answers(session, Answer, Answer.response_id, open_.id))

    @staticmethod
    def _answers(session: Session, table, column, owner_id: uuid.UUID) -> dict[str, str]:  # noqa: ANN001
        found: dict[str, str] = {}
        for row in session.scalars(select(table).where(column == owner_id).order_by(table.created_at)):
            found[row.item_key] = row.value  # the newest answer to an item counts
        return found

    def answer(self, response_id: str, item_key: str, value: str) -> None:
        """One answer, committed at once (the kiosk calls this for every tap)."""
        with self.db.session(self.actor_id) as session:
            response = session.get(Response, uuid.UUID(response_id))
            if response is None or response.completed_at is not None:
                raise errors.InvalidInput("response", N_("This questionnaire is already finished."))
            item = self._instrument(session, response.instrument_version_id).item(item_key)
            if not item.valid(value.strip()):
                raise errors.InvalidInput(item_key, N_("This answer is not one of the allowed answers."))
            session.add(Answer(response_id=response.id, item_key=item_key, value=value.strip()))

    def finish(self, response_id: str) -> model.Scores:
        """Close a response: complete when every required item is answered, otherwise kept as partial."""
        with self.db.session(self.actor_id) as session:
            response = session.get(Response, uuid.UUID(response_id))
            instrument = self._instrument(session, response.instrument_version_id)
            scores = model.score(instrument, self._answers(session, Answer, Answer.response_id, response.id))
            if scores.complete and response.completed_at is None:
                response.completed_at = utcnow()
            return scores

    def results(self, participant_id: str) -> ParticipantResults:
        with self.db.session(self.actor_id) as session:
            pid = uuid.UUID(participant_id)
            responses = session.scalars(select(Response).where(Response.participant_id == pid)
                                        .order_by(Response.answered_on, Response.created_at)).all()
            rows = []
            for response in responses:
                instrument = self._instrument(session, response.instrument_version_id)
                answers = self._answers(session, Answer, Answer.response_id, response.id)
                rows.append(ResultRow(str(response.id), instrument.id, instrument, response.time_point,
                                      response.answered_on, model.score(instrument, answers)))
            risks = [r for r in rows if r.instrument.kind == "risk" and r.scores.complete]
            return ParticipantResults(participant_id, tuple(rows), risks[-1] if risks else None)

    def group_averages(self, group_id: str, instrument_key: str = SELF_ASSESSMENT) -> list[GroupAverage]:
        """Mean subscale scores of the group's participants per time point (complete responses only)."""
        with self.db.session(self.actor_id) as session:
            members = set(session.scalars(select(Enrolment.participant_id).where(Enrolment.group_id == uuid.UUID(group_id))))
            sums: dict[tuple[str, str], list[float]] = defaultdict(list)
            for response in session.scalars(select(Response).where(Response.participant_id.in_(members),
                                                                   Response.completed_at.is_not(None))):
                instrument = self._instrument(session, response.instrument_version_id)
                if instrument.id != instrument_key:
                    continue
                scores = model.score(instrument, self._answers(session, Answer, Answer.response_id, response.id))
                for key, value in scores.subscales.items():
                    if value is not None:
                        sums[(response.time_point, key)].append(value)
            return [GroupAverage(tp, key, round(sum(v) / len(v), 2), len(v)) for (tp, key), v in sorted(sums.items())]

    # --- the partner's view (never part of a participant-facing call) -----------------------

    def partner_report(self, participant_id: str, time_point: str, contact_mode: str, contacted_on: dt.date,
                       answers: dict[str, str], today: dt.date) -> PartnerRow:
        if contact_mode not in ("phone", "in_person"):
            raise errors.InvalidInput("contact_mode", N_("Choose how the partner was contacted."))
        if contacted_on > today:
            raise errors.InvalidInput("contacted_on", N_("The date is in the future."))
        with self.db.session(self.actor_id) as session:
            version = self._latest(session, PARTNER_INSTRUMENT)
            instrument = self._instrument(session, version.id)
            for key, value in answers.items():
                if value != "" and not instrument.item(key).valid(value):
                    raise errors.InvalidInput(key, N_("This answer is not one of the allowed answers."))
            report = PartnerReport(participant_id=uuid.UUID(participant_id), instrument_version_id=version.id,
                                   time_point=time_point, contact_mode=contact_mode, contacted_on=contacted_on)
            session.add(report)
            session.flush()
            for key, value in answers.items():
                if value != "":
                    session.add(PartnerAnswer(report_id=report.id, item_key=key, value=value))
            scores = model.score(instrument, {k: v for k, v in answers.items() if v != ""})
            if scores.complete:
                report.completed_at = utcnow()
            session.flush()
            return self._partner_rows(session, uuid.UUID(participant_id), [report])[0]

    def partner_rows(self, participant_id: str) -> list[PartnerRow]:
        """The partner's reports with the contradiction flags (for facilitators' screens only)."""
        with self.db.session(self.actor_id) as session:
            pid = uuid.UUID(participant_id)
            reports = session.scalars(select(PartnerReport).where(PartnerReport.participant_id == pid)
                                      .order_by(PartnerReport.contacted_on)).all()
            rows = self._partner_rows(session, pid, reports)
        self._audit("partner_reports_opened", participant_id)
        return rows

    def _partner_rows(self, session: Session, pid: uuid.UUID, reports) -> list[PartnerRow]:  # noqa: ANN001
        own = {}  # per time point the latest self-assessment, a complete one before a partial one
        for response in session.scalars(select(Response).where(Response.participant_id == pid)
                                        .order_by(Response.completed_at.is_not(None), Response.answered_on,
                                                  Response.created_at)):
            instrument = self._instrument(session, response.instrument_version_id)
            if instrument.id == SELF_ASSESSMENT:
                own[response.time_point] = (instrument, self._answers(session, Answer, Answer.response_id, response.id))
        rows = []
        for report in reports:
            instrument = self._instrument(session, report.instrument_version_id)
            answers = self._answers(session, PartnerAnswer, PartnerAnswer.report_id, report.id)
            flags = ()
            if report.time_point in own:
                mine, my_answers = own[report.time_point]
                flags = tuple(model.contradictions(mine, my_answers, instrument, answers))
            rows.append(PartnerRow(str(report.id), report.time_point, report.contacted_on, report.contact_mode,
                                   model.score(instrument, answers), flags))
        return rows

    def high_risk_participants(self) -> dict[str, str]:
        """Participant id → risk category key, for those whose latest complete risk tool is high.
        Every answer of every risk response in one select (not one per response)."""
        found: dict[str, str] = {}
        with self.db.session(self.actor_id) as session:
            tools = select(InstrumentVersion.id).where(InstrumentVersion.kind == "risk")
            risk = (Response.completed_at.is_not(None), Response.instrument_version_id.in_(tools))
            rows = session.execute(select(Response.id, Response.participant_id, Response.instrument_version_id)
                                   .where(*risk).order_by(Response.answered_on)).all()
            answers: dict[uuid.UUID, dict[str, str]] = defaultdict(dict)
            for response_id, item_key, value in session.execute(
                    select(Answer.response_id, Answer.item_key, Answer.value)
                    .where(Answer.response_id.in_(select(Response.id).where(*risk))).order_by(Answer.created_at)):
                answers[response_id][item_key] = value  # the newest answer to an item counts
            for response_id, participant_id, version in rows:
                scores = model.score(self._instrument(session, version), answers[response_id])
                key = str(participant_id)
                if scores.category is not None and scores.category.high:
                    found[key] = scores.category.key
                else:
                    found.pop(key, None)
        return found
