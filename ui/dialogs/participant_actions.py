"""The actions on a participant's record, one small dialog each: enrol in a group, leave it, a
refusal (art. 72) and its notice, completion, a follow-up meeting, an individual session, and the
partner's contact (loaded only when that dialog opens; never shown on the participant's record).

Every dialog runs its service call on the worker; a ``UserError`` is shown in ``error`` and the
dialog stays open with what was typed. ``result`` holds what the service returned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from instructor_app.i18n import _, current_language, format_date
from instructor_app.participants.intake import REFUSAL_LABELS, VIOLENCE_LABELS
from instructor_app.participants.lifecycle import ALLOWED, STATUS_LABELS, Status
from instructor_app.scheduling.rules import WEEKDAY_LABELS
from instructor_app.services.participant_data import ParticipantDetail
from instructor_app.services.programme_data import GroupFilter, GroupSummary
from ui.dialogs.new_group import DATE_FORMAT, to_date, to_qdate
from ui.qt import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                   QPlainTextEdit, QVBoxLayout, QWidget)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, wrapped

Job = Callable[[Any], Any]
LEAVING = (Status.DROPPED_OUT, Status.SUSPENDED, Status.TRANSFERRED)


def date_edit(value: dt.date) -> QDateEdit:
    edit = QDateEdit(to_qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


def text_box(height: int = 60) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setFixedHeight(height)
    return box


def refill(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
    """Replace the items, keeping the chosen one (a language change re-fills every combo)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


class ActionDialog(Retranslating, QDialog):
    """Intro, a form, an error line and OK / Cancel. Subclasses add rows in ``build()``, name them in
    ``texts()`` and return the worker job from ``job()``."""

    def __init__(self, backend: Backend, detail: ParticipantDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.detail = detail
        self.today = dt.date.today()
        self.result: Any = None
        self.busy = False
        self.intro = wrapped()
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.labels: dict[str, QLabel] = {}
        self.error = MessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.build()
        self.retranslate_ui()
        self.setMinimumWidth(540)

    @property
    def person(self):  # noqa: ANN201
        return self.detail.summary

    def row(self, key: str, widget: QWidget) -> QWidget:
        self.labels[key] = QLabel()
        self.form.addRow(self.labels[key], widget)
        return widget

    def build(self) -> None:
        raise NotImplementedError

    def texts(self) -> tuple[str, str, dict[str, str]]:
        """(window title, explanation, field labels by key) in the current language."""
        raise NotImplementedError

    def job(self) -> Job | None:
        raise NotImplementedError

    def retranslate_ui(self) -> None:
        title, intro, fields = self.texts()
        self.setWindowTitle(title)
        self.intro.setText(intro)
        for key, text in fields.items():
            self.labels[key].setText(text)

    def submit(self) -> None:
        job = self.job()
        if job is None or self.busy:
            return
        self.set_busy(True)
        self.backend.run_open(job, self._done, self._failed, owner=self)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)

    def _done(self, result: Any) -> None:
        self.result = result
        self.set_busy(False)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.error.show_error(user_message(exc))

    def reject(self) -> None:
        if not self.busy:
            super().reject()


class EnrolDialog(ActionDialog):
    """Into one of the running groups of the participant's component and gender."""

    def build(self) -> None:
        self.groups: list[GroupSummary] = []
        self.group = self.row("group", QComboBox())
        self.joined_on = self.row("joined_on", date_edit(self.today))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        today = self.today
        self.backend.run_open(lambda ws: ws.groups.list(GroupFilter(status="active"), today), self._loaded,
                              self._failed, owner=self)

    def _loaded(self, groups: list[GroupSummary]) -> None:
        person = self.person
        fitting = [g for g in groups if g.component == person.component
                   and g.participant_gender == person.gender and g.id != person.group_id]
        self.groups = sorted(fitting, key=lambda g: g.language != person.language)  # their language first
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.groups))
        if not self.groups:
            self.error.show_note(_("No running group fits this participant (component and gender). Create one on "
                                   "the Groups page."))
        self.retranslate_ui()

    def texts(self) -> tuple[str, str, dict[str, str]]:
        lang = current_language()
        refill(self.group, [(_("{group} · {programme} · in {language} · {weekday} {time}").format(
            group=g.name, programme=g.programme.get(lang), language=_("Kyrgyz") if g.language == "ky" else _("Russian"),
            weekday=_(WEEKDAY_LABELS[g.weekday]), time=g.start_time), g.id) for g in self.groups])
        intro = _("{name} joins the group from the chosen date; sessions before it are not expected of them.").format(
            name=self.person.full_name)
        if self.person.group_id:
            intro += " " + _("They leave “{group}” the day before: a transfer, kept in the history.").format(
                group=self.person.group_name)
        return (_("Enrol in a group"), intro,
                {"group": _("Group"), "joined_on": _("Joins on")})

    def job(self) -> Job | None:
        pid, group_id, day, today = self.person.id, self.group.currentData(), to_date(self.joined_on.date()), self.today
        if not group_id:
            return None
        return lambda ws: ws.attendance.enrol(pid, group_id, day, today)


class LeaveDialog(ActionDialog):
    def build(self) -> None:
        self.status = self.row("status", QComboBox())
        self.left_on = self.row("left_on", date_edit(self.today))
        self.reason = self.row("reason", text_box())

    def texts(self) -> tuple[str, str, dict[str, str]]:
        allowed = ALLOWED[Status(self.person.status)]
        refill(self.status, [(_(STATUS_LABELS[s]), s.value) for s in LEAVING if s in allowed])
        self.reason.setPlaceholderText(_("Kept in the participant's history"))
        return (_("Leave the group"),
                _("{name} stops attending: dropped out (may rejoin a later group of the same programme at the point "
                  "reached), suspended for a while, or transferred to another centre.").format(
                    name=self.person.full_name),
                {"status": _("What happened"), "left_on": _("Last day"), "reason": _("Reason")})

    def job(self) -> Job | None:
        pid, status, day = self.person.id, self.status.currentData(), to_date(self.left_on.date())
        reason, today = self.reason.toPlainText(), self.today
        return lambda ws: ws.attendance.leave(pid, day, status, reason, today)


class RefusalDialog(ActionDialog):
    def build(self) -> None:
        self.refused_on = self.row("refused_on", date_edit(self.today))
        self.how = self.row("how", QComboBox())
        self.witnesses = self.row("witnesses", QLineEdit())
        self.details = self.row("details", text_box())
        self.attempts = self.row("attempts", text_box())

    def texts(self) -> tuple[str, str, dict[str, str]]:
        refill(self.how, [(_(text), key.value) for key, text in REFUSAL_LABELS.items()])
        self.witnesses.setPlaceholderText(_("Full names and roles; a refusal in writing needs none"))
        self.attempts.setPlaceholderText(_("When and how you tried to reach the participant"))
        return (_("Refusal (art. 72)"),
                _("{name} refuses the correctional programme. The record becomes an art. 72 case (Code of Offences); "
                  "send the notice to the Probation Department or the police, then record it.").format(
                    name=self.person.full_name),
                {"refused_on": _("Date of the refusal"), "how": _("How it was expressed"),
                 "witnesses": _("Witnesses"), "details": _("What was said or written"),
                 "attempts": _("Contact attempts")})

    def job(self) -> Job | None:
        pid, day, how, today = self.person.id, to_date(self.refused_on.date()), self.how.currentData(), self.today
        witnesses, details, attempts = self.witnesses.text(), self.details.toPlainText(), self.attempts.toPlainText()
        return lambda ws: ws.participants.refuse(pid, day, how, witnesses, details, attempts, today)


class NoticeSentDialog(ActionDialog):
    """For the oldest art. 72 case whose notice is not sent yet."""

    def build(self) -> None:
        self.case = next(c for c in self.detail.art72_cases if c.sent_on is None)
        self.sent_on = self.row("sent_on", date_edit(self.today))
        self.sent_to = self.row("sent_to", QLineEdit())

    def texts(self) -> tuple[str, str, dict[str, str]]:
        self.sent_to.setPlaceholderText(_("Probation Department, police"))
        return (_("Art. 72 notice sent"),
                _("The notice of {name}'s refusal on {date}.").format(
                    name=self.person.full_name, date=format_date(self.case.refused_on, "short")),
                {"sent_on": _("Sent on"), "sent_to": _("Sent to")})

    def job(self) -> Job | None:
        case_id, day, to, today = self.case.id, to_date(self.sent_on.date()), self.sent_to.text(), self.today
        return lambda ws: ws.participants.mark_art72_sent(case_id, day, to, today)


class CompletedDialog(ActionDialog):
    def build(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("confirm")

    def texts(self) -> tuple[str, str, dict[str, str]]:
        return (_("Programme completed"),
                _("Record that {name} completed the programme today? Every required session must be attended. Three "
                  "follow-up meetings are then planned over the next 18 months.").format(name=self.person.full_name),
                {})

    def job(self) -> Job | None:
        pid, today = self.person.id, self.today
        return lambda ws: ws.participants.change_status(pid, Status.COMPLETED.value, "", today)


class FollowUpDialog(ActionDialog):
    """For the next follow-up meeting not held yet."""

    def build(self) -> None:
        self.meeting = next(m for m in self.detail.follow_ups if m.held_on is None)
        self.held_on = self.row("held_on", date_edit(self.today))
        self.contact = self.row("contact", QCheckBox())
        self.violence = {key: QCheckBox() for key in VIOLENCE_LABELS}
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        for check in self.violence.values():
            column.addWidget(check)
        self.row("violence", box)
        self.notes = self.row("notes", text_box(80))

    def texts(self) -> tuple[str, str, dict[str, str]]:
        self.contact.setText(_("Contact was made"))
        for key, check in self.violence.items():
            check.setText(_(VIOLENCE_LABELS[key]))
        return (_("Follow-up meeting"),
                _("Follow-up meeting {number} with {name}, due on {date}.").format(
                    number=self.meeting.number, name=self.person.full_name,
                    date=format_date(self.meeting.due_on, "short")),
                {"held_on": _("Held on"), "contact": _("Contact"), "violence": _("New violence reported"),
                 "notes": _("Notes")})

    def job(self) -> Job | None:
        meeting_id, day, today = self.meeting.id, to_date(self.held_on.date()), self.today
        contact, notes = self.contact.isChecked(), self.notes.toPlainText()
        violence = tuple(key.value for key, check in self.violence.items() if check.isChecked())
        return lambda ws: ws.participants.record_follow_up(meeting_id, day, contact, violence, notes, today)
