"""Participant actions that reach beyond the status: an individual session, the partner's contact."""

from __future__ import annotations

import datetime as dt

from instructor_app.curricula.model import SessionKind, SessionTemplate
from instructor_app.domain.facilitators import GENDER_LABELS, Gender
from instructor_app.i18n import _, current_language, format_date
from instructor_app.services.participant_data import PartnerDraft
from instructor_app.services.programme_data import CurriculumSummary, FacilitatorOption
from ui.dialogs.new_group import to_date
from ui.dialogs.participant_actions import (
    ActionDialog,
    Job,
    date_edit,
    refill,
    text_box,
)
from ui.qt import QCheckBox, QComboBox, QDialogButtonBox, QLineEdit, QTime, QTimeEdit
from ui.views.calendar import session_text, status_text
from ui.widgets import MessageLabel


def individual_options(ws, group_id: str | None, curriculum_key: str | None, component: str, gender: str,  # noqa: ANN001
                       today: dt.date) -> tuple[list, list]:
    """On the worker: the programme versions whose individual sessions fit the participant — the exact
    version of their group, else the latest of their last group's programme, else the latest of their
    component — each with its individual session templates; and the facilitators."""
    summaries = ws.curricula.list()
    chosen = []
    if group_id:
        group = ws.groups.detail(group_id, today).group
        chosen = [c for c in summaries if c.key == group.curriculum_key and c.version == group.curriculum_version]
    if not chosen and curriculum_key:
        chosen = [c for c in summaries if c.key == curriculum_key and c.latest]
    if not chosen:
        chosen = [c for c in summaries if c.latest and c.component == component and c.target_gender in (gender, "any")]
    options = [(c, ws.curricula.outline(c.id).of_kind(SessionKind.INDIVIDUAL)) for c in chosen if c.individual_sessions]
    return options, ws.facilitators()


class IndividualSessionDialog(ActionDialog):
    """Plan one of the programme's individual sessions for this participant."""

    def build(self) -> None:
        self.options: list[tuple[CurriculumSummary, tuple[SessionTemplate, ...]]] = []
        self.people: list[FacilitatorOption] = []
        self.planned = [s for s in self.detail.sessions if s.kind == SessionKind.INDIVIDUAL]
        self.programme = self.row("programme", QComboBox())
        self.programme.currentIndexChanged.connect(lambda _i: self.retranslate_ui())
        self.template = self.row("template", QComboBox())
        self.day = self.row("date", date_edit(self.today + dt.timedelta(days=1)))
        self.time = self.row("time", QTimeEdit(QTime(10, 0)))
        self.time.setDisplayFormat("HH:mm")
        self.lead = self.row("lead", QComboBox())
        self.second = self.row("second", QComboBox())
        self.room = self.row("room", QLineEdit())
        self.room.setMaxLength(120)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        person, enrolments, today = self.person, self.detail.enrolments, self.today
        key = enrolments[-1].curriculum_key if enrolments else None
        self.backend.run_open(lambda ws: individual_options(ws, person.group_id, key, person.component,
                                                            person.gender, today),
                              self._loaded, self._failed, owner=self)

    def _loaded(self, result: tuple[list, list[FacilitatorOption]]) -> None:
        self.options, self.people = result
        self.retranslate_ui()
        actor = self.backend.actor
        self.lead.setCurrentIndex(max(0, self.lead.findData(actor.id if actor else None)))
        done = {s.template_key for s in self.planned if s.status != "cancelled"}
        templates = self._templates()
        first_open = next((n for n, t in enumerate(templates) if t.key not in done), 0)
        self.template.setCurrentIndex(first_open)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(templates))
        if not self.options:
            self.error.show_note(_("No programme with individual sessions fits this participant."))

    def _templates(self) -> tuple[SessionTemplate, ...]:
        chosen = self.programme.currentData()
        return next((templates for c, templates in self.options if c.id == chosen), ())

    def texts(self) -> tuple[str, str, dict[str, str]]:
        lang, own = current_language(), self.person.language
        refill(self.programme, [(_("{programme}, version {version}").format(programme=c.title.get(lang),
                                                                             version=c.version), c.id)
                                for c, _templates in self.options])
        self.programme.setEnabled(len(self.options) > 1)
        refill(self.template, [(_("Individual session {number}: {title}").format(number=n, title=t.title.get(own)),
                                t.key) for n, t in enumerate(self._templates(), start=1)])
        people = [(f"{p.display_name} ({_(GENDER_LABELS[Gender(p.gender)])})", p.id) for p in self.people]
        refill(self.lead, people)
        refill(self.second, [(_("— none —"), None), *people])
        self.room.setPlaceholderText(_("Where you meet the participant"))
        planned = "\n".join(_("{session}: {date}, {status}").format(
            session=session_text(s), date=format_date(s.date, "short"), status=status_text(s)) for s in self.planned)
        intro = _("An individual session with {name}, outside the group's weekly slot.").format(
            name=self.person.full_name)
        if planned:
            intro += "\n" + _("Already planned:") + "\n" + planned
        return (_("Individual session"), intro,
                {"programme": _("Programme"), "template": _("Session"), "date": _("Date"), "time": _("Start time"),
                 "lead": _("Lead facilitator"), "second": _("Second facilitator"), "room": _("Room")})

    def job(self) -> Job | None:
        version, key, pid = self.programme.currentData(), self.template.currentData(), self.person.id
        if not version or not key:
            return None
        day, start, today = to_date(self.day.date()), self.time.time().toString("HH:mm"), self.today
        lead, second, room = self.lead.currentData() or "", self.second.currentData(), self.room.text()
        return lambda ws: ws.sessions.schedule_individual(version, key, pid, day, start, lead, second, room, today)


class PartnerDialog(ActionDialog):
    closes_on_lock = True  # the victim's contact never waits on screen behind the lock
    """The partner's contact: read only when this dialog opens (the opening is audited), never shown
    on the participant's record or to the participant."""

    def build(self) -> None:
        self.privacy = MessageLabel()
        self.layout().insertWidget(1, self.privacy)
        self.full_name = self.row("full_name", QLineEdit())
        self.relation = self.row("relation", QLineEdit())
        self.phone = self.row("phone", QLineEdit())
        self.safe = self.row("safe", QCheckBox())
        self.notes = self.row("notes", text_box(80))
        self.loaded = False
        self._enable(False)
        pid = self.person.id
        self.backend.run_open(lambda ws: ws.participants.partner(pid), self._loaded, self._failed, owner=self)

    def _enable(self, enabled: bool) -> None:
        for widget in (self.full_name, self.relation, self.phone, self.safe, self.notes):
            widget.setEnabled(enabled)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(enabled)

    def _loaded(self, partner: PartnerDraft | None) -> None:
        partner = partner or PartnerDraft()
        self.full_name.setText(partner.full_name)
        self.relation.setText(partner.relation)
        self.phone.setText(partner.phone)
        self.safe.setChecked(partner.safe_to_contact)
        self.notes.setPlainText(partner.notes)
        self.loaded = True
        self._enable(True)

    def texts(self) -> tuple[str, str, dict[str, str]]:
        self.privacy.show_note(_("Never shown to the participant or on their record. Contact the partner only when "
                                 "it is safe for her or him."))
        self.relation.setPlaceholderText(_("for example: wife, former wife"))
        self.safe.setText(_("Safe to contact"))
        return (_("Partner contact"),
                _("The partner (the person harmed) of {name}, for outcome monitoring and follow-up.").format(
                    name=self.person.full_name),
                {"full_name": _("Full name"), "relation": _("Relation"), "phone": _("Phone"), "safe": _("Contact"),
                 "notes": _("Notes")})

    def job(self) -> Job | None:
        if not self.loaded:
            return None
        pid = self.person.id
        draft = PartnerDraft(self.full_name.text(), self.relation.text(), self.phone.text(), self.safe.isChecked(),
                             self.notes.toPlainText())
        return lambda ws: ws.participants.save_partner(pid, draft)
