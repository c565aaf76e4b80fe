"""Mark a session as held: when it really took place, who ran it, notes → ``ws.sessions.mark_held``.

The facilitators are loaded on the worker when the dialog opens; OK stays disabled until then. A
refused entry (e.g. an end time before the start) is shown in the dialog and every field keeps its value.
"""

from __future__ import annotations

import datetime as dt

from instructor_app import errors
from instructor_app.i18n import N_, _, format_date
from instructor_app.services.programme_data import FacilitatorOption, SessionRow
from ui.qt import (QComboBox, QDate, QDateEdit, QDialog, QFormLayout, QLabel, QPlainTextEdit, QTime, QTimeEdit,
                   QWidget, Signal)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import FieldError, dialog_frame, wrapped

TIME_FORMAT = "HH:mm"
DATE_FORMAT = "dd.MM.yyyy"
NO_SECOND = N_("— none —")


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def qtime(text: str) -> QTime:
    return QTime.fromString(text, TIME_FORMAT)


class MarkHeldDialog(Retranslating, QDialog):
    """Opened with ``open()`` (window-modal); ``held(SessionRow)`` and ``accept()`` on success."""

    held = Signal(object)

    def __init__(self, backend: Backend, session: SessionRow, parent: QWidget | None = None,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.session = session
        self.today = today or dt.date.today()
        self.people: list[FacilitatorOption] = []
        self.intro = wrapped()
        self.held_on = QDateEdit()
        self.held_on.setCalendarPopup(True)
        self.held_on.setMaximumDate(qdate(self.today))
        self.held_on.setDate(qdate(min(session.held_on or session.date, self.today)))
        self.start = QTimeEdit(qtime(session.actual_start or session.start_time))
        self.end = QTimeEdit(qtime(session.actual_end or session.end_time))
        for edit in (self.start, self.end):
            edit.setDisplayFormat(TIME_FORMAT)
        self.held_on.setDisplayFormat(DATE_FORMAT)
        self.lead = QComboBox()
        self.second = QComboBox()
        self.notes = QPlainTextEdit(session.notes)
        self.notes.setMinimumHeight(90)
        self.date_error, self.time_error, self.people_error, self.error = (FieldError() for _ in range(4))
        self.labels = [QLabel() for _ in range(6)]
        form = QFormLayout()
        fields = (self.held_on, self.start, self.end, self.lead, self.second, self.notes)
        errors_after = {0: self.date_error, 2: self.time_error, 4: self.people_error}
        for index, (label, field) in enumerate(zip(self.labels, fields)):
            label.setBuddy(field)
            form.addRow(label, field)
            if index in errors_after:
                form.addRow(errors_after[index])
        self.buttons, self.submit = dialog_frame(self, self.intro, form, self.error, self._submit, 480)
        self.submit.setEnabled(False)
        self.retranslate_ui()
        self._load_people()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Mark the session as held"))
        self.intro.setText(_("Session {number}, planned for {date} at {start}. Record when it really took place "
                             "and who ran it.").format(number=self.session.number,
                                                       date=format_date(self.session.date, "medium"),
                                                       start=self.session.start_time))
        texts = (_("Held on:"), _("Started at:"), _("Ended at:"), _("Lead facilitator:"), _("Second facilitator:"),
                 _("Notes:"))
        for label, text in zip(self.labels, texts):
            label.setText(text)
        if self.second.count():
            self.second.setItemText(0, _(NO_SECOND))
        self.notes.setPlaceholderText(_("What went well, what to follow up"))
        self.submit.setText(_("Mark as held"))

    # --- data -----------------------------------------------------------------------------

    def _load_people(self) -> None:
        job = self.backend.run_open(lambda ws: ws.facilitators(), self._people_loaded,
                                    lambda exc: self.error.show_error(user_message(exc)), owner=self)
        if job is None:
            self.error.show_error(_("The data is locked. Unlock it and try again."))

    def _people_loaded(self, people: list[FacilitatorOption]) -> None:
        known = {p.id for p in people}
        # whoever the session names stays choosable, also when no longer active
        for person in (self.session.lead, self.session.second):
            if person is not None and person.id not in known:
                people.append(person)
        self.people = people
        self.lead.clear()
        self.second.clear()
        self.second.addItem(_(NO_SECOND), None)
        for person in people:
            self.lead.addItem(person.display_name, person.id)
            self.second.addItem(person.display_name, person.id)
        self.lead.setCurrentIndex(max(0, self.lead.findData(self.session.lead.id)))
        second = self.session.second.id if self.session.second else None
        self.second.setCurrentIndex(max(0, self.second.findData(second)) if second else 0)
        self.submit.setEnabled(True)

    def _submit(self) -> None:
        for label in (self.date_error, self.time_error, self.people_error, self.error):
            label.clear()
        session_id = self.session.id
        held_on = self.held_on.date().toPython()
        start = self.start.time().toString(TIME_FORMAT)
        end = self.end.time().toString(TIME_FORMAT)
        lead, second = self.lead.currentData(), self.second.currentData()
        notes, today = self.notes.toPlainText(), self.today
        self.submit.setEnabled(False)
        job = self.backend.run_open(
            lambda ws: ws.sessions.mark_held(session_id, held_on, start, end, lead, second, notes, today),
            self._succeeded, self._failed, owner=self)
        if job is None:
            self._failed(errors.UserError(N_("The data is locked. Unlock it and try again.")))

    def _succeeded(self, row: SessionRow) -> None:
        self.session = row
        self.accept()
        self.held.emit(row)

    def _failed(self, exc: BaseException) -> None:
        self.submit.setEnabled(True)
        field = exc.field if isinstance(exc, errors.InvalidInput) else ""
        target = {"held_on": self.date_error, "actual_start": self.time_error, "actual_end": self.time_error,
                  "lead": self.people_error, "second": self.people_error}.get(field, self.error)
        target.show_error(user_message(exc))
