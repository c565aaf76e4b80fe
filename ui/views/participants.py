"""Participants: the register of people (search as you type, a status filter) above the chosen
person's record. The whole list (with compliance) is read once on the DB worker when the page is
shown or a record changes; typing and the status filter then only filter that list on the GUI thread
(2,000 people: a few milliseconds a keystroke, no database round trip). Opening a record is audited by the service, so a record is read only when the
facilitator chooses it (a click, Today's alert, a new intake) — never just because the list loaded."""

from __future__ import annotations

import datetime as dt

from instructor_app.i18n import N_, _
from instructor_app.participants.intake import name_key
from instructor_app.participants.lifecycle import STATUS_LABELS, Status
from instructor_app.services.participant_data import ParticipantDetail, ParticipantSummary
from ui.dialogs.participant_actions import refill
from ui.models.participants_model import ParticipantListModel
from ui.qt import (QAbstractItemView, QComboBox, QDialog, QHBoxLayout, QHeaderView, QLineEdit, QPushButton, QSplitter,
                   Qt, QTableView, QVBoxLayout, QWidget, Signal)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.views.participant_detail import ParticipantDetailPanel
from ui.widgets import MessageLabel, heading


def matching(people: list[ParticipantSummary], text: str, status: str | None,
             keys: list[str] | None = None) -> list[ParticipantSummary]:
    """The people whose name contains ``text`` (case and spacing ignored) and who have ``status``.
    ``keys``: each person's ``name_key``, computed once when the list was read."""
    needle = name_key(text)
    if not needle and not status:
        return list(people)
    keys = keys if keys is not None else [name_key(p.full_name) for p in people]
    return [p for p, key in zip(people, keys, strict=True)
            if (not status or p.status == status) and (not needle or needle in key)]


class ParticipantsPage(Retranslating, QWidget):
    nav_label = N_("Participants")
    open_session = Signal(str)  # a session's id

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.selected_id: str | None = None
        self.everyone: list[ParticipantSummary] = []  # the last list read; the table shows the filtered part
        self.name_keys: list[str] = []  # name_key of each of them, for filtering as one types
        self._reading: str | None = None  # a record being read: the page shown meanwhile reads it once
        self.dialog: QDialog | None = None
        self.title = heading(size_delta=6)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.new_participant)
        self.message = MessageLabel()
        self.model = ParticipantListModel(self)
        self.table = QTableView()
        self.table.setObjectName("participants")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(0)  # fit the rows on screen, not 1,000 of 2,000 at each keystroke
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 220)
        header.setStretchLastSection(True)
        self.table.setMinimumHeight(150)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._chosen())
        self.detail = ParticipantDetailPanel(backend)
        self.detail.changed.connect(self._changed)
        self.detail.open_session.connect(self.open_session)
        self.search.textChanged.connect(lambda _t: self._show_filtered())
        self.status_filter.currentIndexChanged.connect(lambda _i: self._show_filtered())

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.new_button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(filters)
        top_layout.addWidget(self.message)
        top_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([220, 480])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(self.title)
        layout.addWidget(splitter, 1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(_("Participants"))
        self.search.setPlaceholderText(_("Search by name"))
        self.new_button.setText(_("New participant…"))
        refill(self.status_filter, [(_("All statuses"), None), *((_(STATUS_LABELS[s]), s.value) for s in Status)])
        self.model.retranslate()

    # --- the list ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the list and the open record (the page is shown again; data may have changed)."""
        if self.selected_id is not None and self.detail.detail is not None and self._reading is None:
            self.open_participant(self.selected_id, reload_list=False)
        self._reload_list()

    def _reload_list(self) -> None:
        today = dt.date.today()
        self.backend.run_open(lambda ws: ws.participants.list("", None, today), self._loaded, self._failed,
                              owner=self)

    def _loaded(self, people: list[ParticipantSummary]) -> None:
        self.everyone = people
        self.name_keys = [name_key(p.full_name) for p in people]
        self._show_filtered()

    def _show_filtered(self) -> None:
        people = matching(self.everyone, self.search.text(), self.status_filter.currentData(), self.name_keys)
        self.model.set_rows(people)
        row = next((n for n, p in enumerate(people) if p.id == self.selected_id), None)
        selection = self.table.selectionModel()
        selection.blockSignals(True)  # re-selecting the open record is not a new opening
        if row is None:
            self.table.clearSelection()
        else:
            self.table.selectRow(row)
        selection.blockSignals(False)
        self.table.viewport().update()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(user_message(exc))

    def _chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_participant(self.model.rows[rows[0].row()].id, reload_list=False)

    # --- one record -------------------------------------------------------------------------

    def open_participant(self, participant_id: str, reload_list: bool = True) -> None:
        """Select and show this participant (a click in the list, Today's alerts, a new intake)."""
        self.selected_id = participant_id
        self.message.clear()
        if reload_list and not any(p.id == participant_id for p in self.model.rows):
            for widget in (self.search, self.status_filter):  # show the whole list, so the person is in it
                widget.blockSignals(True)
            self.search.clear()
            self.status_filter.setCurrentIndex(0)
            for widget in (self.search, self.status_filter):
                widget.blockSignals(False)
        if reload_list:
            self._reload_list()
        today = dt.date.today()
        self._reading = participant_id
        self.backend.run_open(lambda ws: ws.participants.detail(participant_id, today), self._detail_loaded,
                              self._detail_failed, owner=self)

    def _detail_failed(self, exc: BaseException) -> None:
        self._reading = None
        self._failed(exc)

    def _detail_loaded(self, detail: ParticipantDetail) -> None:
        self._reading = None
        if detail.summary.id == self.selected_id:
            self.detail.set_detail(detail)

    def _changed(self, participant_id: str) -> None:
        self.open_participant(participant_id)

    # --- intake -----------------------------------------------------------------------------

    def new_participant(self) -> QDialog:
        from ui.dialogs.intake import IntakeDialog  # loaded on first use (tests stand in for it)

        self.dialog = IntakeDialog(self.backend, self)
        self.dialog.finished.connect(self._intake_finished)
        self.dialog.open()
        return self.dialog

    def _intake_finished(self, _result: int) -> None:
        """Registered: show the new record. A duplicate the facilitator chose to open: show that one."""
        created = getattr(self.dialog, "created", None)
        existing = getattr(self.dialog, "existing_id", None)
        if created is not None:
            self.open_participant(created.id)
            self.message.show_info(_("{name} is registered.").format(name=created.full_name))
        elif existing:
            self.open_participant(existing)
