"""The recovery key: its printable sheet, the set-up page that shows it once, and the
"Forgot password?" dialog that uses it.

With the recovery key a facilitator sets a new password (``Workspace.reset_password``) and the
data opens; the dialog then emits ``unlocked(OpenWorkspace)`` like the unlock screen.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from instructor_app import errors
from instructor_app.i18n import _, format_date
from instructor_app.services.data import Account
from ui.fonts import monospace_font
from ui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGuiApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QTextDocument,
    QVBoxLayout,
    QWidget,
    QWizardPage,
    Signal,
    print_support,
)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import FieldError, MessageLabel, PasswordEdit, SecretEdit, dialog_frame, wrapped

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter


def recovery_sheet_html(centre_name: str, key: str) -> str:
    """The printed sheet: centre, the key in large type, and what to do with it."""
    esc = html.escape
    steps = [
        _("Keep this sheet locked away, apart from the laptop. Anyone with this key and the laptop can read the data."),
        _("If a facilitator forgets the password: on the unlock screen choose “Forgot password?”, type this key and set a new password."),
        _("When restoring a backup on a new laptop, this key opens the backup as well."),
    ]
    items = "".join(f"<li>{esc(text)}</li>" for text in steps)
    return (
        f"<h1>{esc(_('Instructor App — recovery key'))}</h1>"
        f"<p><b>{esc(_('Centre:'))}</b> {esc(centre_name)}<br>"
        f"<b>{esc(_('Date:'))}</b> {esc(format_date(dt.date.today()))}</p>"
        f"<p style='font-family: monospace; font-size: 22pt; font-weight: bold;'>{esc(key)}</p>"
        f"<ol>{items}</ol>"
    )


def print_recovery_sheet(printer: "QPrinter", centre_name: str, key: str) -> None:
    document = QTextDocument()
    document.setHtml(recovery_sheet_html(centre_name, key))
    document.print_(printer)


class RecoveryKeyPage(Retranslating, QWizardPage):
    """The set-up wizard's last page: the key, large, with Print and Copy, and a required tick."""

    def __init__(self, centre_name: Callable[[], str]) -> None:
        super().__init__()
        self._centre_name = centre_name
        self.key = ""
        self.intro = wrapped()
        self.key_label = QLabel()
        self.key_label.setFont(monospace_font(20))
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setStyleSheet("QLabel { border: 2px solid #555; padding: 14px; background: white; color: black; }")
        self.print_button, self.copy_button = QPushButton(), QPushButton()
        self.print_button.clicked.connect(self.print_sheet)
        self.copy_button.clicked.connect(self.copy_key)
        self.feedback = MessageLabel()
        self.confirmed = QCheckBox()
        self.registerField("recoveryKeySaved*", self.confirmed)  # mandatory: Finish needs the tick
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.key_label)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback)
        layout.addSpacing(12)
        layout.addWidget(self.confirmed)
        layout.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("The recovery key"))
        self.setSubTitle(_("The only way back into the data if every password is forgotten."))
        self.intro.setText(_("Print this key or write it down now, and keep it locked away from the laptop. "
                             "It is shown only once. With it a facilitator can set a new password, and a "
                             "backup can be restored on another laptop."))
        self.print_button.setText(_("&Print…"))
        self.copy_button.setText(_("&Copy"))
        self.confirmed.setText(_("I have printed or written down the recovery key"))

    def set_key(self, key: str) -> None:
        self.key = key
        self.key_label.setText(key)

    def copy_key(self) -> None:
        QGuiApplication.clipboard().setText(self.key)
        self.feedback.show_info(_("The key is copied. Paste it into a note you print, then clear the clipboard."))

    def clear_clipboard(self) -> None:
        """Called when the wizard finishes or the app quits: the key must not stay on the clipboard
        (anything copied after it is left alone)."""
        clipboard = QGuiApplication.clipboard()
        if self.key and clipboard.text() == self.key:
            clipboard.clear()

    def print_sheet(self) -> None:
        printing = print_support()
        self.printer = printing.QPrinter(printing.QPrinter.PrinterMode.HighResolution)
        dialog = printing.QPrintDialog(self.printer, self)
        dialog.accepted.connect(lambda: self._print(self.printer))
        dialog.open()
        self.print_dialog = dialog

    def _print(self, printer: "QPrinter") -> None:
        print_recovery_sheet(printer, self._centre_name(), self.key)
        self.feedback.show_info(_("The recovery key was sent to the printer."))


class RecoveryDialog(Retranslating, QDialog):
    unlocked = Signal(object)  # OpenWorkspace

    def __init__(self, backend: Backend, accounts: list[Account], selected: Account | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.intro = wrapped()
        self.account = QComboBox()
        for account in accounts:
            self.account.addItem(account.display_name, account.id)
        if selected is not None:
            self.account.setCurrentIndex(max(0, self.account.findData(selected.id)))
        self.key = SecretEdit()
        self.key.setFont(monospace_font(self.key.font().pointSize() + 2))
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.key_error = FieldError()
        self.new_password = PasswordEdit()
        self.confirm = PasswordEdit()
        self.password_error = FieldError()
        self.error = FieldError()
        self.labels = [QLabel() for _ in range(4)]
        for label, field in zip(self.labels, (self.account, self.key, self.new_password, self.confirm)):
            label.setBuddy(field)
        form = QFormLayout()
        form.addRow(self.labels[0], self.account)
        form.addRow(self.labels[1], self.key)
        form.addRow(self.key_error)
        form.addRow(self.labels[2], self.new_password)
        form.addRow(self.labels[3], self.confirm)
        form.addRow(self.password_error)
        self.buttons, self.submit = dialog_frame(self, self.intro, form, self.error, self._submit, 560)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Forgot password"))
        self.intro.setText(_("Type the recovery key printed at set-up, then choose a new password. "
                             "Letters may be typed in small or capital letters; dashes are optional."))
        texts = (_("Facilitator:"), _("Recovery key:"), _("New password:"), _("Repeat the new password:"))
        for label, text in zip(self.labels, texts):
            label.setText(text)
        self.submit.setText(_("Set the new password and unlock"))

    def _submit(self) -> None:
        for label in (self.key_error, self.password_error, self.error):
            label.clear()
        account_id = self.account.currentData()
        key, password = self.key.text().strip(), self.new_password.text()
        if not key:
            self.key_error.show_error(_("Type the recovery key."))
            return
        if password != self.confirm.text():
            self.password_error.show_error(_("The two passwords do not match."))
            return
        self.submit.setEnabled(False)
        self.backend.run(lambda ws: ws.reset_password(key, account_id, password),
                         self._succeeded, self._failed, owner=self)

    def _succeeded(self, workspace) -> None:
        self.accept()
        self.unlocked.emit(workspace)

    def _failed(self, exc: BaseException) -> None:
        self.submit.setEnabled(True)
        if isinstance(exc, errors.InvalidInput) and exc.field == "new_password":
            self.password_error.show_error(exc.message())
        elif isinstance(exc, errors.WrongPassword):
            self.key_error.show_error(exc.message())
        else:
            self.error.show_error(user_message(exc))
