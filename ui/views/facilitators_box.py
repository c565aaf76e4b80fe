"""Settings → Facilitators of the centre: who can run sessions, and adding one who has no
password on this laptop (a second pair, a cover facilitator)."""

from __future__ import annotations

from instructor_app.domain.facilitators import GENDER_LABELS, Gender
from instructor_app.i18n import _
from instructor_app.services.programme_data import FacilitatorOption
from ui.qt import QComboBox, QGroupBox, QHBoxLayout, QLineEdit, QListWidget, QPushButton, QVBoxLayout, QWidget
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, wrapped


class FacilitatorsBox(Retranslating, QGroupBox):
    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.people: list[FacilitatorOption] = []
        self.note = wrapped()
        self.list = QListWidget()
        self.list.setMaximumHeight(130)
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.gender = QComboBox()
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add)
        self.name.returnPressed.connect(self.add)
        self.message = MessageLabel()
        row = QHBoxLayout()
        row.addWidget(self.name, 2)
        row.addWidget(self.gender, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Facilitators of the centre"))
        self.note.setText(_("Everyone who runs sessions here. A facilitator added here can lead or cover sessions "
                            "but has no password on this laptop."))
        self.name.setPlaceholderText(_("Full name"))
        self.add_button.setText(_("&Add facilitator"))
        current = self.gender.currentData()
        self.gender.clear()
        for gender in Gender:
            self.gender.addItem(_(GENDER_LABELS[gender]), gender.value)
        self.gender.setCurrentIndex(max(0, self.gender.findData(current)))
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        for person in self.people:
            self.list.addItem(f"{person.display_name} — {_(GENDER_LABELS[Gender(person.gender)])}")

    def refresh(self) -> None:
        self.backend.run_open(lambda ws: ws.facilitators(), self._loaded,
                              lambda exc: self.message.show_error(user_message(exc)), owner=self)

    def _loaded(self, people: list[FacilitatorOption]) -> None:
        self.people = people
        self._fill()

    def add(self) -> None:
        name, gender = self.name.text(), self.gender.currentData()
        self.add_button.setEnabled(False)
        self.backend.run_open(lambda ws: ws.add_facilitator(name, gender), self._added, self._failed, owner=self)

    def _added(self, person: FacilitatorOption) -> None:
        self.add_button.setEnabled(True)
        self.name.clear()
        self.message.show_info(_("{name} was added.").format(name=person.display_name))
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.add_button.setEnabled(True)
        self.message.show_error(user_message(exc))
