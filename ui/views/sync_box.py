"""Settings → Probation server: connect this laptop once with the address and the one-time code
the Probation Department gave the centre; then sync runs by itself (and on "Sync now"). Changes made
on both laptops before they synced are counted here, with a button to review them."""

from __future__ import annotations

from instructor_app.i18n import _
from ui.qt import QFormLayout, QGroupBox, QLabel, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget, Signal
from ui.dialogs.sync_conflicts import SyncConflictsDialog, count_text
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
        self.to_review = 0
        self.review_label = QLabel()
        self.review_button = QPushButton()
        self.review_button.clicked.connect(self.open_review)
        self.review_dialog: SyncConflictsDialog | None = None
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
        review = QHBoxLayout()
        review.addWidget(self.review_label)
        review.addWidget(self.review_button)
        review.addStretch(1)
        layout.addLayout(review)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Probation server"))
        self.note.setText(_("Changes are sent to the Probation Department when the server can be reached; "
                            "nothing is lost while offline. Connect this laptop once with the address and the "
                            "one-time code from the Probation Department."))
        self.server_label.setText(_("Server address"))
        self.code_label.setText(_("One-time code"))
        self.connect_button.setText(_("&Connect"))
        self.review_button.setText(_("&Review…"))
        self.review_label.setText(count_text(self.to_review))
        self.review_label.setVisible(self.to_review > 0)
        self.review_button.setVisible(self.to_review > 0)

    def refresh(self) -> None:
        self.backend.run_open(lambda ws: (ws.sync_link(), ws.sync_conflicts.count()), self._loaded, lambda exc: None,
                              owner=self)

    def _loaded(self, found: tuple[tuple[str, bool], int]) -> None:
        (url, enrolled), self.to_review = found
        self.retranslate_ui()
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

    def open_review(self) -> None:
        """The list of changes to review (one window; shown again if already open)."""
        if self.review_dialog is None:
            self.review_dialog = SyncConflictsDialog(self.backend, self.window())
            self.review_dialog.changed.connect(self.refresh)
            self.review_dialog.finished.connect(lambda _result: self._review_closed())
        self.review_dialog.show()
        self.review_dialog.raise_()

    def _review_closed(self) -> None:
        if self.review_dialog is not None:
            self.review_dialog.deleteLater()
            self.review_dialog = None
        self.refresh()
