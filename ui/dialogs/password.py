"""Change my password: current password, new one twice → ``OpenWorkspace.change_password``."""

from __future__ import annotations

from instructor_app import errors
from instructor_app.i18n import N_, _
from ui.qt import QDialog, QFormLayout, QLabel, QWidget, Signal
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import FieldError, PasswordEdit, dialog_frame, wrapped


class PasswordDialog(Retranslating, QDialog):
    changed = Signal()

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.intro = wrapped()
        self.old_password = PasswordEdit()
        self.new_password = PasswordEdit()
        self.confirm = PasswordEdit()
        self.old_error = FieldError()
        self.new_error = FieldError()
        self.error = FieldError()
        self.labels = [QLabel() for _ in range(3)]
        form = QFormLayout()
        form.addRow(self.labels[0], self.old_password)
        form.addRow(self.old_error)
        form.addRow(self.labels[1], self.new_password)
        form.addRow(self.labels[2], self.confirm)
        form.addRow(self.new_error)
        for label, field in zip(self.labels, (self.old_password, self.new_password, self.confirm)):
            label.setBuddy(field)
        self.buttons, self.submit = dialog_frame(self, self.intro, form, self.error, self._submit, 480)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Change my password"))
        actor = self.backend.actor
        self.intro.setText(_("Change the password of {name}. The other facilitator's password and the "
                             "recovery key stay the same.").format(name=actor.display_name if actor else ""))
        for label, text in zip(self.labels, (_("Current password:"), _("New password:"),
                                             _("Repeat the new password:"))):
            label.setText(text)
        self.submit.setText(_("Change password"))

    def _submit(self) -> None:
        for label in (self.old_error, self.new_error, self.error):
            label.clear()
        old, new = self.old_password.text(), self.new_password.text()
        if new != self.confirm.text():
            self.new_error.show_error(_("The two passwords do not match."))
            return
        self.submit.setEnabled(False)
        job = self.backend.run_open(lambda ws: ws.change_password(old, new), self._succeeded, self._failed,
                                    owner=self)
        if job is None:
            self._failed(errors.UserError(N_("The data is locked. Unlock it and try again.")))

    def _succeeded(self, _result: object) -> None:
        self.accept()
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.submit.setEnabled(True)
        field = exc.field if isinstance(exc, errors.InvalidInput) else ""
        target = {"old_password": self.old_error, "new_password": self.new_error}.get(field, self.error)
        target.show_error(user_message(exc))
