"""The set-up wizard's first page: the language, and restoring a backup instead of setting up.

The restore option is for a facilitator moving to a new laptop with a backup file and the printed
recovery key (or a password from that backup). It picks the ``.iabackup`` file, asks for the
password or key, and runs ``Workspace.restore`` on the DB worker. A wrong secret or a damaged file
is said in the prompt, which stays open for another try (nothing is written in the data folder
then). On success ``restored(Manifest)`` is emitted: the app closes the wizard and shows the
unlock screen (``DesktopApp._restored``, the same ending as a restore from Settings).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from instructor_app.i18n import LANGUAGE_NAMES, LANGUAGES, _, current_language
from ui.qt import (QButtonGroup, QFrame, QHBoxLayout, QPushButton, QRadioButton, QVBoxLayout, QWidget, QWizardPage,
                   Signal)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, SecretPrompt, choose_backup_to_restore, wrapped


class RestoreOption(Retranslating, QWidget):
    restored = Signal(object)      # instructor_app.storage.backup.Manifest
    busy_changed = Signal(bool)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.busy = False
        self.prompt: SecretPrompt | None = None
        self.line = QFrame()
        self.line.setFrameShape(QFrame.Shape.HLine)
        self.line.setFrameShadow(QFrame.Shadow.Sunken)
        self.explanation = wrapped()
        self.button = QPushButton()
        self.button.clicked.connect(self.choose_backup)
        self.message = MessageLabel()
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line)
        layout.addSpacing(6)
        layout.addWidget(self.explanation)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.explanation.setText(_("Moving to a new laptop? Restore the data from a backup file instead of "
                                   "setting up."))
        self.button.setText(_("&Restore from a backup…"))
        if self.busy:
            self.message.show_note(_("Restoring the backup…"))

    def choose_backup(self) -> None:
        path = choose_backup_to_restore(self.window())
        if path is None:
            return
        self.message.clear()

        def texts() -> tuple[str, str, str, str]:
            return (_("Restore a backup"),
                    _("The data in the backup {name} will be restored on this laptop. Enter the password of "
                      "a facilitator from that backup, or its recovery key.").format(name=path.name),
                    _("Password or recovery key of the backup:"),
                    _("Restore"))

        self.prompt = SecretPrompt(texts, lambda secret: self._restore(path, secret), self.window())
        self.prompt.open()

    def _restore(self, path: Path, secret: str) -> None:
        self._set_busy(True)
        self.backend.run(lambda ws: ws.restore(path, secret), self._restored, self._failed, owner=self)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.button.setEnabled(not busy)
        labels = [self.message] if self.prompt is None else [self.message, self.prompt.error]
        for label in labels:
            if busy:
                label.show_note(_("Restoring the backup…"))
            else:
                label.clear()
        self.busy_changed.emit(busy)

    def _restored(self, manifest) -> None:
        self._set_busy(False)
        if self.prompt is not None:
            self.prompt.set_busy(False)
            self.prompt.accept()
        self.restored.emit(manifest)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        text = user_message(exc)
        if self.prompt is None or not self.prompt.isVisible():
            self.message.show_error(text)
            return
        self.prompt.show_error(text)  # stays open: another password, or Cancel and another file
        self.prompt.secret.selectAll()
        self.prompt.secret.setFocus()


class LanguagePage(Retranslating, QWizardPage):
    def __init__(self, on_language: Callable[[str], None], backend: Backend) -> None:
        super().__init__()
        self.intro = wrapped()
        self.restore_option = RestoreOption(backend)
        self.choices = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        for key in LANGUAGES:
            button = QRadioButton(LANGUAGE_NAMES[key])  # each in its own language, never translated
            button.setProperty("language", key)
            button.setChecked(key == current_language())
            self.choices.addButton(button)
            layout.addWidget(button)
        layout.addSpacing(28)
        layout.addWidget(self.restore_option)  # below the language: the choice applies to it too
        layout.addStretch(1)
        self.choices.buttonToggled.connect(
            lambda button, on: on and on_language(button.property("language")))
        self.retranslate_ui()

    def button(self, language: str) -> QRadioButton:
        return next(b for b in self.choices.buttons() if b.property("language") == language)

    def retranslate_ui(self) -> None:
        self.setTitle(_("Welcome to Instructor App"))
        self.setSubTitle(_("First, choose the language of the app. You can change it later in Settings."))
        self.intro.setText(_("This set-up takes a few minutes: the centre, the two facilitators who "
                             "will use this laptop, and a recovery key to print."))
