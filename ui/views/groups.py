"""Groups: a filterable list on the left, the chosen group's schedule on the right."""

from __future__ import annotations

import datetime as dt

from instructor_app.i18n import N_, _, current_language
from instructor_app.services.programme_data import CurriculumSummary, GroupDetail, GroupFilter, GroupSummary
from ui.dialogs.new_group import NewGroupDialog
from ui.models.groups_model import GroupListModel
from ui.qt import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QPushButton, QSplitter, Qt,
                   QTableView, QTimer, QVBoxLayout, QWidget, Signal)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.views.group_detail import GroupDetailPanel
from ui.widgets import MessageLabel, heading


class GroupsPage(Retranslating, QWidget):
    nav_label = N_("Groups")
    open_session = Signal(str)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.curricula: list[CurriculumSummary] = []
        self.title = heading(size_delta=6)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.programme_filter = QComboBox()
        self.status_filter = QComboBox()
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.new_group)
        self.message = MessageLabel()
        self.model = GroupListModel(self)
        self.table = QTableView()
        self.table.setObjectName("groups")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)  # long titles: elided, full in the tooltip
        header.resizeSection(1, 220)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 200)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(4, 250)
        header.setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setMinimumHeight(180)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._load_detail())
        self.detail = GroupDetailPanel(backend)
        self.detail.changed.connect(self.refresh)
        self.detail.open_session.connect(self.open_session)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(200)
        self._typing.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._typing.start())
        self.programme_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh())

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.programme_filter, 2)
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.new_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.message)
        left_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(self.title)
        layout.addWidget(splitter, 1)
        self._selected_id: str | None = None
        self.dialog: NewGroupDialog | None = None
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(_("Groups"))
        self.search.setPlaceholderText(_("Search by group, room or facilitator"))
        self.new_button.setText(_("New group…"))
        self._fill_filters()
        self.model.retranslate()

    def _fill_filters(self) -> None:
        lang = current_language()
        seen: dict[str, str] = {}
        for c in self.curricula:
            if c.latest or c.key not in seen:
                seen[c.key] = c.title.get(lang)
        for combo, items in ((self.programme_filter, [(_("All programmes"), None), *((t, k) for k, t in seen.items())]),
                             (self.status_filter, [(_("Running"), "active"), (_("Finished"), "finished"),
                                                   (_("All groups"), None)])):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    # --- data -------------------------------------------------------------------------------

    def refresh(self) -> None:
        flt = GroupFilter(self.search.text(), self.programme_filter.currentData(), None,
                          self.status_filter.currentData())
        today = dt.date.today()
        self.backend.run_open(lambda ws: (ws.curricula.list(), ws.groups.list(flt, today)), self._loaded,
                              lambda exc: self.message.show_error(user_message(exc)), owner=self)

    def _loaded(self, result: tuple[list[CurriculumSummary], list[GroupSummary]]) -> None:
        self.curricula, groups = result
        self._fill_filters()
        keep = self._selected_id
        self.model.set_rows(groups)
        row = next((n for n, g in enumerate(groups) if g.id == keep), 0 if groups else None)
        if row is not None:
            self.table.selectRow(row)
        else:
            self.detail.set_detail(None)

    def _load_detail(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        group_id = self.model.rows[rows[0].row()].id
        self._selected_id = group_id
        today = dt.date.today()
        self.backend.run_open(lambda ws: ws.groups.detail(group_id, today), self._detail_loaded,
                              lambda exc: self.message.show_error(user_message(exc)), owner=self)

    def _detail_loaded(self, detail: GroupDetail) -> None:
        if detail.group.id == self._selected_id:
            self.detail.set_detail(detail)

    def new_group(self) -> NewGroupDialog:
        self.dialog = NewGroupDialog(self.backend, self)
        self.dialog.accepted.connect(self._group_created)
        self.dialog.open()
        return self.dialog

    def _group_created(self) -> None:
        created = self.dialog.created
        if created is None:
            return
        self._selected_id = created.group.id
        self.message.show_info(_("Group “{name}” created with {count} sessions.").format(
            name=created.group.name, count=len(created.sessions)))
        self.status_filter.blockSignals(True)
        self.status_filter.setCurrentIndex(self.status_filter.findData(None))
        self.status_filter.blockSignals(False)
        self.refresh()
