"""The small note asked for by two register keys: X (the reason for an excused absence) and C (what
the facilitators noticed, for an engagement concern). One line; Enter saves, Esc cancels.

The dialog only collects the text: ``submitted(text)`` goes to the register page, which saves the
mark on the worker and then calls ``accept()`` or ``show_error()`` (the service decides what is valid).
"""

from __future__ import annotations

from enum import StrEnum

from instructor_app.i18n import _
from ui.qt import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget, Signal
from ui.translator import Retranslating
from ui.widgets import FieldError, dialog_frame, wrapped


class NoteKind(StrEnum):
    EXCUSE = "excuse"
    CONCERN = "concern"


class MarkNoteDialog(Retranslating, QDialog):
    submitted = Signal(str)

    def __init__(self, kind: NoteKind, participant: str, session: str, text: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.participant = participant
        self.session = session
        self.busy = False
        self.intro = wrapped()
        self.field_label = QLabel()
        self.note = QLineEdit(text)
        self.note.setMinimumWidth(320)
        self.error = FieldError()
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.addRow(self.field_label, self.note)
        self.buttons, self.action = dialog_frame(self, self.intro, form, self.error, self._submit, 440)
        self.action.setDefault(False)  # dialog_frame set it before the button had a dialog, so Qt made Cancel
        self.action.setDefault(True)   # the default; set it again now: Enter saves
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        who = _("{participant} — {session}").format(participant=self.participant, session=self.session)
        if self.kind == NoteKind.EXCUSE:
            self.setWindowTitle(_("Excused absence"))
            self.intro.setText(_("{who}\nWhy was the participant absent? For example: ill, with a doctor's note; "
                                 "a court hearing.").format(who=who))
            self.field_label.setText(_("Reason"))
        else:
            self.setWindowTitle(_("Engagement concern"))
            self.intro.setText(_("{who}\nWhat did you notice? For example: did not take part, left the room "
                                 "several times, came intoxicated.").format(who=who))
            self.field_label.setText(_("Note"))
        self.action.setText(_("Save"))

    def _submit(self) -> None:
        if self.busy:
            return
        self.error.clear()
        self.set_busy(True)
        self.submitted.emit(self.note.text())

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.action.setEnabled(not busy)
        self.note.setReadOnly(busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.show_error(text)
        self.note.setFocus()

    def reject(self) -> None:
        if not self.busy:
            super().reject()
