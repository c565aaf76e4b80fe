"""The partner's feedback (the person harmed), taken by a facilitator by phone or in person.

Stored apart from the participant's answers (``ws.instruments.partner_report``) and never shown to the
participant: the dialog closes when the app locks, and the kiosk never reads these reports."""

from __future__ import annotations

import datetime as dt

from instructor_app.i18n import N_, _, current_language, format_date
from instructor_app.instruments.model import FREQUENCY_LABELS, Contradiction, Instrument
from instructor_app.services.instrument_data import InstrumentSummary, PartnerRow
from instructor_app.services.participant_data import ParticipantSummary
from ui.dialogs.new_group import to_date
from ui.dialogs.participant_actions import date_edit, refill
from ui.dialogs.questionnaire_form import ItemsForm, content_language_combo, number, time_point_text
from ui.qt import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, heading, wrapped

PARTNER_INSTRUMENT = "partner-feedback"
CONTACT_MODE_LABELS = {"phone": N_("By phone"), "in_person": N_("In person")}
COMPARE_LABELS = {  # the compare keys shared by the participant's and the partner's questions
    "physical_violence": N_("physical violence"), "psychological_violence": N_("psychological violence"),
    "sexual_violence": N_("sexual violence"), "economic_violence": N_("economic violence"),
    "threats": N_("threats"), "children_exposed": N_("children exposed to violence"),
}


def contradiction_text(flag: Contradiction) -> str:
    """The red flag when the participant said "never" and the partner reports it happened."""
    what = _(COMPARE_LABELS[flag.compare_key]) if flag.compare_key in COMPARE_LABELS else flag.compare_key
    how = flag.partner_value
    if how.isdigit() and int(how) < len(FREQUENCY_LABELS):
        how = _(FREQUENCY_LABELS[int(how)])
        how = how[:1].lower() + how[1:]
    return _("The participant reported no {what}; the partner reported it happened: {how}").format(what=what, how=how)


def partner_row_text(row: PartnerRow, instrument: Instrument | None) -> str:
    """One report in the facilitator's list: when, how, and its scores (or "partial")."""
    ui = current_language()
    titles = {s.key: s.title.get(ui) for s in instrument.subscales} if instrument else {}
    when = _("{time_point}, {date}, {mode}").format(
        time_point=time_point_text(row.time_point), date=format_date(row.contacted_on, "short"),
        mode=_(CONTACT_MODE_LABELS.get(row.contact_mode, row.contact_mode)))
    if not row.scores.complete:
        return f"{when} — {_('partial')}"
    return f"{when} — " + "; ".join(f"{titles.get(k, k)}: {number(v)}" for k, v in row.scores.subscales.items())


def latest_partner_instrument(summaries: list[InstrumentSummary]) -> Instrument | None:
    found = [s for s in summaries if s.key == PARTNER_INSTRUMENT and s.latest]
    return found[0].instrument if found else None


class PartnerFeedbackDialog(Retranslating, QDialog):
    closes_on_lock = True  # the partner's words never wait on screen behind the lock

    def __init__(self, backend: Backend, participant: ParticipantSummary, time_point: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.participant = participant
        self.today = dt.date.today()
        self.preferred_time_point = time_point
        self.instrument: Instrument | None = None
        self.items: ItemsForm | None = None
        self.result: PartnerRow | None = None
        self.busy = False
        self.title = heading(size_delta=2)
        self.privacy = MessageLabel()
        self.intro = wrapped()
        self.labels = {key: QLabel() for key in ("mode", "date", "time_point", "language")}
        self.contact_mode = QComboBox()
        self.contacted_on = date_edit(self.today)
        self.time_point = QComboBox()
        self.language = content_language_combo(current_language())
        self.language.currentIndexChanged.connect(lambda _i: self.retranslate_ui())
        self.form = QFormLayout()
        for key, widget in zip(self.labels, (self.contact_mode, self.contacted_on, self.time_point, self.language)):
            self.form.addRow(self.labels[key], widget)
        self.error = MessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.main = QVBoxLayout(self)
        for widget in (self.title, self.privacy, self.intro):
            self.main.addWidget(widget)
        self.main.addLayout(self.form)
        self.main.addWidget(self.error)
        self.main.addWidget(self.buttons)
        self.setMinimumWidth(600)
        self.resize(720, 760)
        self.retranslate_ui()
        self.backend.run_open(lambda ws: ws.instruments.list(), self._loaded, self._failed, owner=self)

    def _loaded(self, summaries: list[InstrumentSummary]) -> None:
        self.instrument = latest_partner_instrument(summaries)
        if self.instrument is None:
            self.error.show_error(_("The partner feedback form is not in the app."))
            return
        self.items = ItemsForm(self.instrument)
        self.main.insertWidget(self.main.indexOf(self.error), self.items, 1)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.retranslate_ui()
        if self.preferred_time_point:
            self.time_point.setCurrentIndex(max(0, self.time_point.findData(self.preferred_time_point)))

    def retranslate_ui(self) -> None:
        ui = current_language()
        self.setWindowTitle(_("Partner feedback"))
        self.title.setText(self.instrument.title.get(ui) if self.instrument else _("Partner feedback"))
        self.privacy.show_note(_("Stored apart from the participant's answers and never shown to the participant. "
                                 "Ask only when it is safe for the partner to talk."))
        self.intro.setText(_("What the partner of {name} reports.").format(name=self.participant.full_name))
        for key, text in (("mode", _("Contact")), ("date", _("Contacted on")), ("time_point", _("Time point")),
                          ("language", _("Questions in:"))):
            self.labels[key].setText(text)
        refill(self.contact_mode, [(_(label), key) for key, label in CONTACT_MODE_LABELS.items()])
        points = self.instrument.time_points if self.instrument else ()
        refill(self.time_point, [(time_point_text(tp), tp) for tp in points])
        if self.items is not None:
            self.items.retranslate(self.language.currentData())

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)

    def submit(self) -> None:
        if self.busy or self.items is None:
            return
        answers = self.items.answers()
        if not any(answers.values()):
            self.error.show_error(_("Answer at least one question, or press Cancel."))
            return
        pid, today = self.participant.id, self.today
        time_point, mode = self.time_point.currentData(), self.contact_mode.currentData()
        contacted_on = to_date(self.contacted_on.date())
        self.set_busy(True)
        self.backend.run_open(lambda ws: ws.instruments.partner_report(pid, time_point, mode, contacted_on, answers,
                                                                       today),
                              self._saved, self._failed, owner=self)

    def _saved(self, row: PartnerRow) -> None:
        self.result = row
        self.set_busy(False)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.error.show_error(user_message(exc))

    def reject(self) -> None:
        if not self.busy:
            super().reject()
