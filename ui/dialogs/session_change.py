"""One dialog for each schedule change of a session: move, postpone (with the later sessions),
cancel, add a make-up, change the facilitators (cover). Every change needs a written reason."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from instructor_app.domain.facilitators import GENDER_LABELS, Gender
from instructor_app.i18n import _, format_date
from instructor_app.services.programme_data import FacilitatorOption, SessionRow
from ui.dialogs.new_group import DATE_FORMAT, to_date, to_qdate
from ui.qt import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QTime,
                   QTimeEdit, QVBoxLayout, QWidget)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, wrapped


class Change(StrEnum):
    MOVE = "move"
    POSTPONE = "postpone"
    CANCEL = "cancel"
    MAKEUP = "makeup"
    COVER = "cover"


class SessionChangeDialog(Retranslating, QDialog):
    def __init__(self, backend: Backend, change: Change, row: SessionRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.change = change
        self.row = row
        self.result_rows: list[SessionRow] = []
        self.intro = wrapped()
        self.date = QDateEdit(to_qdate(max(row.date, dt.date.today())))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(DATE_FORMAT)
        hours, minutes = (int(p) for p in row.start_time.split(":"))
        self.time = QTimeEdit(QTime(hours, minutes))
        self.time.setDisplayFormat("HH:mm")
        self.lead, self.second = QComboBox(), QComboBox()
        self.reason = QPlainTextEdit()
        self.reason.setFixedHeight(70)
        self.error = MessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.date_label, self.time_label, self.lead_label, self.second_label, self.reason_label = (
            QLabel() for _ in range(5))
        form = QFormLayout()
        if change in (Change.MOVE, Change.MAKEUP):
            form.addRow(self.date_label, self.date)
            form.addRow(self.time_label, self.time)
        if change == Change.COVER:
            form.addRow(self.lead_label, self.lead)
            form.addRow(self.second_label, self.second)
            backend.run_open(lambda ws: ws.facilitators(), self._people_loaded, self._failed, owner=self)
        form.addRow(self.reason_label, self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.people: list[FacilitatorOption] = []
        self.retranslate_ui()
        self.resize(520, 0)

    def _people_loaded(self, people: list[FacilitatorOption]) -> None:
        self.people = people
        self.retranslate_ui()
        self.lead.setCurrentIndex(max(0, self.lead.findData(self.row.lead.id)))
        self.second.setCurrentIndex(max(0, self.second.findData(self.row.second.id if self.row.second else None)))

    def retranslate_ui(self) -> None:
        row = self.row
        what = _("Session {number}: {title}, {date} at {time}").format(
            number=row.number, title=row.title.get(row.language), date=format_date(row.date, "medium"),
            time=row.start_time)
        titles = {
            Change.MOVE: (_("Move a session"), _("Only this session moves; the others keep their dates.")),
            Change.POSTPONE: (_("Postpone with the later sessions"),
                              _("This session and every later planned session move one slot later (skipping "
                                "public holidays). Held sessions never move.")),
            Change.CANCEL: (_("Cancel a session"), _("The session stays in the schedule as cancelled; add a make-up "
                                                     "session so that participants can catch up.")),
            Change.MAKEUP: (_("Add a make-up session"), _("A catch-up session that counts in place of this one.")),
            Change.COVER: (_("Change the facilitators"), _("For this session only, for example when a cover "
                                                           "facilitator stands in.")),
        }
        title, explanation = titles[self.change]
        self.setWindowTitle(title)
        self.intro.setText(f"{what}\n{explanation}")
        self.date_label.setText(_("New date") if self.change == Change.MOVE else _("Date"))
        self.time_label.setText(_("Start time"))
        self.lead_label.setText(_("Lead facilitator"))
        self.second_label.setText(_("Second facilitator"))
        self.reason_label.setText(_("Reason"))
        self.reason.setPlaceholderText(_("Kept with the schedule, for example: the facilitator is ill"))
        people = [(f"{p.display_name} ({_(GENDER_LABELS[Gender(p.gender)])})", p.id) for p in self.people]
        for combo, items in ((self.lead, people), (self.second, [(_("— none —"), None), *people])):
            current = combo.currentData()
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(current)))

    def submit(self) -> None:
        row, reason, today = self.row, self.reason.toPlainText(), dt.date.today()
        day, start = to_date(self.date.date()), self.time.time().toString("HH:mm")
        lead, second = self.lead.currentData(), self.second.currentData()
        jobs = {
            Change.MOVE: lambda ws: [ws.sessions.reschedule(row.id, day, start, reason, today)],
            Change.POSTPONE: lambda ws: ws.sessions.postpone(row.id, reason, today),
            Change.CANCEL: lambda ws: [ws.sessions.cancel(row.id, reason)],
            Change.MAKEUP: lambda ws: [ws.sessions.add_makeup(row.id, day, start, reason, today)],
            Change.COVER: lambda ws: [ws.sessions.set_facilitators(row.id, lead or "", second, reason)],
        }
        self.buttons.setEnabled(False)
        self.backend.run_open(jobs[self.change], self._done, self._failed, owner=self)

    def _done(self, rows: list[SessionRow]) -> None:
        self.result_rows = rows
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.show_error(user_message(exc))
