"""Small widgets shared by pages and dialogs: messages, field errors, password fields, prompts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from instructor_app.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, current_language, format_number
from ui.qt import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFont, QFormLayout, QLabel, QLineEdit,
                   QPushButton, QSizePolicy, Qt, QVBoxLayout, QWidget, Signal)
from ui.translator import Retranslating

BACKUP_FILTER = N_("Instructor App backups (*.iabackup)")

ERROR_STYLE = "color: #b00020;"
INFO_STYLE = "color: #1b5e20;"
NOTE_STYLE = "color: #8a5300;"


class MessageLabel(QLabel):
    """An inline message under a form or action: success (green), error (red) or note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.kind = ""
        self.hide()

    def _show(self, text: str, style: str, kind: str) -> None:
        self.kind = kind
        self.setStyleSheet(style)
        self.setText(text)
        self.setVisible(bool(text))

    def show_info(self, text: str) -> None:
        self._show(text, INFO_STYLE, "info")

    def show_error(self, text: str) -> None:
        self._show(text, ERROR_STYLE, "error")

    def show_note(self, text: str) -> None:
        self._show(text, NOTE_STYLE, "note")

    def clear(self) -> None:  # noqa: D102
        self._show("", "", "")


class FieldError(MessageLabel):
    """The error shown right under the field it is about."""


class SecretEdit(QLineEdit):
    """A field for a password or the recovery key. The window holding one holds secrets: on lock it
    is emptied and closed, never kept for the next facilitator (``forget_secrets``)."""


class PasswordEdit(SecretEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setMinimumWidth(180)


def secret_fields(window: QWidget) -> list[SecretEdit]:
    """The secret fields of ``window`` itself, not those of the dialogs it parents (windows of their own)."""
    return [field for field in window.findChildren(SecretEdit) if field.window() is window]


def forget_secrets(window: QWidget) -> bool:
    """Empty the window's secret fields and close it; False (and nothing done) if it has none.
    A window marked ``closes_on_lock`` (the partner's contact) is closed the same way.

    A dialog that refuses to close (a job running) is hidden: it never comes back after a lock."""
    fields = secret_fields(window)
    if not fields and not getattr(window, "closes_on_lock", False):
        return False
    for field in fields:
        field.clear()
    if window.isVisible():
        window.close()
        window.hide()
    return True


class LanguageCombo(QComboBox):
    """Кыргызча / Русский, each in its own language; emits ``language_chosen(key)``."""

    language_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for key in LANGUAGES:
            self.addItem(LANGUAGE_NAMES[key], key)
        self.sync()
        self.currentIndexChanged.connect(lambda i: self.language_chosen.emit(self.itemData(i)))

    def sync(self) -> None:
        self.blockSignals(True)
        self.setCurrentIndex(max(0, self.findData(current_language())))
        self.blockSignals(False)


def size_text(size_bytes: int) -> str:
    if size_bytes >= 1024 * 1024:
        return _("{size} MB").format(size=format_number(round(size_bytes / (1024 * 1024), 1)))
    return _("{size} KB").format(size=format_number(max(1, round(size_bytes / 1024))))


def choose_backup_to_restore(parent: QWidget) -> Path | None:
    """The file picker for a backup to restore (Settings and the set-up wizard); None if cancelled."""
    path, _filter = QFileDialog.getOpenFileName(parent, _("Choose a backup to restore"), str(Path.home()),
                                                _(BACKUP_FILTER))
    return Path(path) if path else None


def heading(text: str = "", size_delta: int = 4, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSize(font.pointSize() + size_delta)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def wrapped(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


def dialog_frame(dialog: QDialog, intro: QLabel, form: QFormLayout, error: QLabel,
                 on_submit: Callable[[], None], min_width: int) -> tuple[QDialogButtonBox, QPushButton]:
    """The common layout of our form dialogs: intro text, the form, an error line, then Cancel and
    one action button (its text is set by the dialog's ``retranslate_ui``)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    action = QPushButton()
    buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
    action.clicked.connect(on_submit)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(intro)
    layout.addLayout(form)
    layout.addWidget(error)
    layout.addWidget(buttons)
    dialog.setMinimumWidth(min_width)
    action.setDefault(True)  # only once the button is in the dialog: earlier, Qt makes Cancel the default
    return buttons, action


class SecretPrompt(Retranslating, QDialog):
    """Asks for a password (or recovery key) before a serious action; non-blocking (``open()``).

    ``texts()`` returns (title, explanation, field label, action button) in the current language.
    ``on_submit(secret)`` is called on the action button; it starts the job, which ends with
    ``show_error()`` or ``accept()``. While the job runs the prompt cannot be cancelled.
    """

    def __init__(self, texts: Callable[[], tuple[str, str, str, str]],
                 on_submit: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = texts
        self._on_submit = on_submit
        self.busy = False
        self.explanation = wrapped()
        self.field_label = QLabel()
        self.secret = PasswordEdit()
        self.error = FieldError()
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # long ky/ru labels: the field below
        form.addRow(self.field_label, self.secret)
        self.buttons, self.action = dialog_frame(self, self.explanation, form, self.error, self._submit, 460)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        title, explanation, field, action = self._texts()
        self.setWindowTitle(title)
        self.explanation.setText(explanation)
        self.field_label.setText(field)
        self.action.setText(action)

    def _submit(self) -> None:
        if not self.secret.text():
            self.error.show_error(_("Enter a password or the recovery key."))
            return
        self.error.clear()
        self.set_busy(True)
        self._on_submit(self.secret.text())

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.action.setEnabled(not busy)
        self.secret.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)

    def reject(self) -> None:
        if not self.busy:  # Esc or the window's close button while the job runs: ignored
            super().reject()

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.show_error(text)
