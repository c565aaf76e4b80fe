"""Settings → Probation server: connect this laptop once with the address and the one-time code
the Probation Department gave the centre; then sync runs by itself (and on "Sync now")."""

from __future__ import annotations

from instructor_app.i18n import _
from ui.qt import QFormLayout, QGroupBox, QLabel, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget, Signal
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, wrapped


class SyncBox(Retranslating, QGroupBox):
    enrolled = Signal()

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.note = wrapped()
        self.server = QLineEdit()
        self.server.setPlaceholderText("https://probation.example.kg")
        self.code = QLineEdit()
        self.code.setMaxLength(64)
        self.connect_button = QPushButton()
        self.connect_button.clicked.connect(self.connect_server)
        self.message = MessageLabel()
        self.server_label, self.code_label = QLabel(), QLabel()
        self.form = QFormLayout()
        self.form.addRow(self.server_label, self.server)
        self.form.addRow(self.code_label, self.code)
        row = QHBoxLayout()
        row.addWidget(self.connect_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(self.form)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Probation server"))
        self.note.setText(_("Changes are sent to the Probation Department when the server can be reached; "
                            "nothing is lost while offline. Connect this laptop once with the address and the "
                            "one-time code from the Probation Department."))
        self.server_label.setText(_("Server address"))
        self.code_label.setText(_("One-time code"))
        self.connect_button.setText(_("&Connect"))

    def refresh(self) -> None:
        self.backend.run_open(lambda ws: ws.sync_link(), self._loaded, lambda exc: None, owner=self)

    def _loaded(self, link: tuple[str, bool]) -> None:
        url, enrolled = link
        if url and not self.server.text():
            self.server.setText(url)
        if enrolled:
            self.message.show_info(_("This laptop is connected to {server}.").format(server=url))

    def connect_server(self) -> None:
        url, code = self.server.text(), self.code.text()
        self.connect_button.setEnabled(False)
        self.backend.run_open(lambda ws: ws.sync_enrol(url, code), self._connected, self._failed, owner=self)

    def _connected(self, _result: object) -> None:
        self.connect_button.setEnabled(True)
        self.code.clear()
        self.message.show_info(_("Connected. The first sync starts now."))
        self.enrolled.emit()

    def _failed(self, exc: BaseException) -> None:
        self.connect_button.setEnabled(True)
        self.message.show_error(user_message(exc))
