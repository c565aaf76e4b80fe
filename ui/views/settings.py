"""Settings: language, idle lock, the data folder, backups and restore, my password.

Every change is saved through the DB worker; each action ends with a message next to it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from instructor_app.config import AUTO_BACKUP_RANGE, IDLE_LOCK_RANGE
from instructor_app.i18n import N_, _, format_datetime
from instructor_app.paths import ENV_HOME
from instructor_app.services.data import BackupInfo
from ui.dialogs.password import PasswordDialog
from ui.qt import (QDesktopServices, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                   QListWidget, QPushButton, QScrollArea, QSpinBox, QUrl, QVBoxLayout, QWidget)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.views.facilitators_box import FacilitatorsBox
from ui.views.sync_box import SyncBox
from ui.widgets import (BACKUP_FILTER, LanguageCombo, MessageLabel, SecretPrompt, choose_backup_to_restore, heading,
                        size_text, wrapped)

if TYPE_CHECKING:
    from ui.app import DesktopApp


def backup_text(info: BackupInfo) -> str:
    return _("{when} — {size} — {name}").format(
        when=format_datetime(info.created_at, "short"), size=size_text(info.size_bytes), name=info.path.name)


def compact_form(parent: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    return form


class SettingsPage(Retranslating, QWidget):
    nav_label = N_("Settings")

    def __init__(self, backend: Backend, desktop: "DesktopApp", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.desktop = desktop
        self.title = heading(size_delta=6)
        self.language_box, self.lock_box, self.folder_box, self.backup_box, self.password_box = (
            QGroupBox() for _ in range(5))

        self.language = LanguageCombo()
        self.language.language_chosen.connect(desktop.choose_language)
        self.language_label = QLabel()
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(*IDLE_LOCK_RANGE)
        self.idle_minutes.setKeyboardTracking(False)
        self.idle_minutes.setValue(backend.settings.idle_lock_minutes)
        self.idle_minutes.valueChanged.connect(desktop.set_idle_minutes)
        self.idle_label = QLabel()
        compact_form(self.language_box).addRow(self.language_label, self.language)
        compact_form(self.lock_box).addRow(self.idle_label, self.idle_minutes)

        self.folder = QLineEdit(str(backend.folder.root))
        self.folder.setReadOnly(True)
        self.folder_note = wrapped()
        self.open_folder_button = QPushButton()
        self.open_folder_button.clicked.connect(self.open_folder)
        box = QVBoxLayout(self.folder_box)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.open_folder_button)
        box.addLayout(row)
        box.addWidget(self.folder_note)

        self.backup_note = wrapped()
        self.backup_button, self.restore_button = QPushButton(), QPushButton()
        self.backup_button.clicked.connect(self.make_backup)
        self.restore_button.clicked.connect(self.restore_backup)
        self.backup_message = MessageLabel()
        self.backups_label = QLabel()
        self.backups = QListWidget()
        self.backups.setMinimumHeight(110)
        self.backups.setMaximumHeight(180)
        self.kept_label = QLabel()
        self.kept = QSpinBox()
        self.kept.setRange(*AUTO_BACKUP_RANGE)
        self.kept.setKeyboardTracking(False)
        self.kept.setValue(backend.settings.auto_backups_kept)
        self.kept.valueChanged.connect(lambda value: backend.save_settings(self._save_failed, auto_backups_kept=value))
        box = QVBoxLayout(self.backup_box)
        box.addWidget(self.backup_note)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        box.addLayout(row)
        box.addWidget(self.backup_message)
        box.addWidget(self.backups_label)
        box.addWidget(self.backups)
        form = compact_form()
        form.addRow(self.kept_label, self.kept)
        box.addLayout(form)

        self.password_button = QPushButton()
        self.password_button.clicked.connect(self.change_password)
        self.password_message = MessageLabel()
        box = QVBoxLayout(self.password_box)
        row = QHBoxLayout()
        row.addWidget(self.password_button)
        row.addStretch(1)
        box.addLayout(row)
        box.addWidget(self.password_message)

        self.facilitators_box = FacilitatorsBox(backend)
        self.sync_box = SyncBox(backend)

        content = QWidget()
        content.setMaximumWidth(1000)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(self.title)
        for group in (self.language_box, self.lock_box, self.sync_box, self.backup_box, self.facilitators_box,
                      self.password_box, self.folder_box):
            layout.addWidget(group)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(_("Settings"))
        self.language_box.setTitle(_("Language"))
        self.language_label.setText(_("Language of the app:"))
        self.language.sync()
        self.lock_box.setTitle(_("Automatic lock"))
        self.idle_label.setText(_("Lock after this many minutes without use:"))
        self.idle_minutes.setSuffix(" " + _("min"))
        self.folder_box.setTitle(_("Data folder"))
        self.folder_note.setText(_("The encrypted data, the key file and the automatic backups are kept here. "
                                   "Another folder is chosen when the app starts, with --data-dir or the "
                                   "{env} environment variable.").format(env=ENV_HOME))
        self.open_folder_button.setText(_("&Open the folder"))
        self.backup_box.setTitle(_("Backups"))
        self.backup_note.setText(_("A backup is one encrypted file. Save one regularly to a USB stick kept "
                                   "in a safe place. A password or the recovery key opens it."))
        self.backup_button.setText(_("&Make a backup…"))
        self.restore_button.setText(_("&Restore from a backup…"))
        self.backups_label.setText(_("Backups in the data folder (one is made at each start):"))
        self.kept_label.setText(_("Automatic backups to keep:"))
        self.password_box.setTitle(_("My password"))
        self.password_button.setText(_("&Change my password…"))

    # --- data -----------------------------------------------------------------------------

    def refresh(self) -> None:
        self.facilitators_box.refresh()
        self.sync_box.refresh()
        self.backend.run_open(lambda ws: ws.list_backups(), self._backups_loaded,
                              lambda exc: self.backup_message.show_error(user_message(exc)), owner=self)

    def _backups_loaded(self, backups: list[BackupInfo]) -> None:
        self.backups.clear()
        for info in backups:
            self.backups.addItem(backup_text(info))

    def _save_failed(self, exc: BaseException) -> None:
        self.desktop.show_status(user_message(exc))

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.backend.folder.root)))

    # --- backup and restore ---------------------------------------------------------------

    def make_backup(self) -> None:
        suggested = Path.home() / f"instructor-app-{dt.date.today():%Y-%m-%d}.iabackup"
        with self.desktop.idle_paused():
            path, _filter = QFileDialog.getSaveFileName(self, _("Save a backup"), str(suggested), _(BACKUP_FILTER))
        if not path or self.backend.is_locked:  # cancelled, or locked meanwhile
            return
        self.backup_button.setEnabled(False)
        self.backup_message.show_note(_("Making the backup…"))
        self.backend.run_open(lambda ws: ws.backup_to(Path(path)), self._backup_made, self._backup_failed, owner=self)

    def _backup_made(self, info: BackupInfo) -> None:
        self.backup_button.setEnabled(True)
        self.backup_message.show_info(_("Backup saved and checked: {path} ({size}).").format(
            path=str(info.path), size=size_text(info.size_bytes)))
        self.refresh()

    def _backup_failed(self, exc: BaseException) -> None:
        self.backup_button.setEnabled(True)
        self.backup_message.show_error(user_message(exc))

    def restore_backup(self) -> None:
        with self.desktop.idle_paused():
            path = choose_backup_to_restore(self)
        if path is None or self.backend.is_locked:  # cancelled, or locked meanwhile: no prompt over the lock
            return
        name = path.name

        def texts() -> tuple[str, str, str, str]:
            return (_("Restore a backup"),
                    _("All data on this laptop will be replaced by the backup {name}. The current data is "
                      "kept in the backups folder first. The app locks while restoring; then unlock with "
                      "a password from the backup.").format(name=name),
                    _("Password or recovery key of the backup:"),
                    _("Replace the data and restore"))

        def submit(secret: str) -> None:
            self.restore_prompt.accept()
            self.desktop.restore(path, secret)

        self.restore_prompt = SecretPrompt(texts, submit, self)
        self.restore_prompt.open()

    # --- password -------------------------------------------------------------------------

    def change_password(self) -> None:
        self.password_message.clear()
        self.password_dialog = PasswordDialog(self.backend, self)
        self.password_dialog.changed.connect(
            lambda: self.password_message.show_info(_("Your password is changed. Use it from the next unlock.")))
        self.password_dialog.open()
