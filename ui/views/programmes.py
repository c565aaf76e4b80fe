"""Programmes: the curriculum versions stored in the app, one version's outline, and importing a new one.

Groups keep the version they started with; new groups use the newest version of a programme. Both the
list and the outline come from ``ws.curricula`` on the DB worker; an import is checked completely
before anything is stored, so a refused file changes nothing here either.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from instructor_app.curricula.model import Curriculum, SessionKind
from instructor_app.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, current_language, format_date, ngettext
from instructor_app.services.programme_data import CurriculumSummary
from ui.models.curricula_model import CurriculaModel, OutlineModel, hours_text, sessions_text
from ui.qt import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QModelIndex,
                   QPushButton, QScrollArea, QSplitter, Qt, QTableView, QVBoxLayout, QWidget)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, heading, wrapped

CURRICULUM_FILTER = N_("Curriculum files (*.yaml *.yml)")
COLUMN_CAPS = {1: 150, 2: 160, 3: 110, 4: 80}  # px, for the columns after the programme's title


def table_view(model, stretch_column: int) -> QTableView:  # noqa: ANN001
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(True)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # two-line cells
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return view


class ProgrammesPage(Retranslating, QWidget):
    nav_label = N_("Programmes")

    def __init__(self, backend: Backend, parent: QWidget | None = None, *,
                 idle_paused: Callable[[], contextlib.AbstractContextManager] | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.idle_paused = idle_paused or contextlib.nullcontext  # DesktopApp.idle_paused: no lock in the dialog
        self.curriculum: Curriculum | None = None  # the outline shown
        self._wanted_id: str | None = None         # the version to select once the list is (re)loaded
        self._outline_id: str | None = None        # the version whose outline is being loaded or shown

        self.title = heading(size_delta=6)
        self.versions_note = wrapped()
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.import_curriculum)
        self.instrument_button = QPushButton()
        self.instrument_button.clicked.connect(self.import_instrument)
        self.message = MessageLabel()

        self.model = CurriculaModel(self)
        self.table = table_view(self.model, 0)
        self.table.setMinimumWidth(360)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.outline_title = heading(size_delta=2)
        self.outline_facts = wrapped()
        self.description = wrapped()
        self.basis = wrapped()
        for text_label in (self.outline_title, self.outline_facts, self.description, self.basis):
            text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outline_message = MessageLabel()
        self.content_label = QLabel()
        self.content_language = QComboBox()
        for key in LANGUAGES:
            self.content_language.addItem(LANGUAGE_NAMES[key], key)
        self.content_language.setCurrentIndex(max(0, self.content_language.findData(current_language())))
        self.content_language.currentIndexChanged.connect(self._content_language_chosen)
        self._content_chosen = False  # until the user picks one, the texts follow the app's language
        self.outline_model = OutlineModel(self)
        self.outline_model.set_language(self.content_language.currentData())
        self.sessions = table_view(self.outline_model, 1)

        texts = QWidget()
        box = QVBoxLayout(texts)
        box.setContentsMargins(0, 0, 4, 0)
        for widget in (self.outline_title, self.outline_facts, self.description, self.basis, self.outline_message):
            box.addWidget(widget)
        box.addStretch(1)
        texts_scroll = QScrollArea()  # descriptions run to a paragraph or more
        texts_scroll.setWidgetResizable(True)
        texts_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        texts_scroll.setWidget(texts)
        self.outline_split = QSplitter(Qt.Orientation.Vertical)
        self.outline_split.setChildrenCollapsible(False)
        self.outline_split.addWidget(texts_scroll)
        self.outline_split.addWidget(self.sessions)
        self.outline_split.setStretchFactor(0, 1)
        self.outline_split.setStretchFactor(1, 2)
        self.outline_split.setSizes([200, 400])
        outline = QWidget()
        outline.setMinimumWidth(320)
        box = QVBoxLayout(outline)
        box.setContentsMargins(8, 0, 0, 0)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.content_label)
        row.addWidget(self.content_language)
        box.addLayout(row)
        box.addWidget(self.outline_split, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(outline)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 400])  # scaled to the page's width when first laid out

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.versions_note)
        actions = QHBoxLayout()
        actions.addWidget(self.import_button)
        actions.addWidget(self.instrument_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(_("Programmes"))
        self.versions_note.setText(_(
            "Each programme can have several versions. A group keeps the version it started with, to its "
            "end; new groups use the newest version. Older versions stay here for the groups that use them."))
        self.import_button.setText(_("&Import curriculum file…"))
        self.instrument_button.setText(_("Import &questionnaire file…"))
        self.instrument_button.setToolTip(_("Add a questionnaire, checklist or risk tool (or a new version of one) "
                                            "from an instrument file"))
        self.import_button.setToolTip(_("Add a new programme or a new version of one from a curriculum file "
                                        "(YAML). The file is checked completely before anything is stored."))
        self.content_label.setText(_("Texts in:"))
        if not self._content_chosen and self.content_language.currentData() != current_language():
            self.content_language.blockSignals(True)
            self.content_language.setCurrentIndex(max(0, self.content_language.findData(current_language())))
            self.content_language.blockSignals(False)
            self.outline_model.set_language(self.content_language.currentData())
        self.model.retranslate()
        self._fit_columns()
        self.outline_model.retranslate()
        self._show_outline()

    # --- data -----------------------------------------------------------------------------

    def refresh(self) -> None:
        self.backend.run_open(lambda ws: ws.curricula.list(), self._list_loaded,
                              lambda exc: self.message.show_error(user_message(exc)), owner=self)

    def _list_loaded(self, summaries: list[CurriculumSummary]) -> None:
        wanted = self._wanted_id or self.selected_id()
        self._wanted_id = None
        self.model.set_rows(summaries)
        self._fit_columns()
        row = self.model.row_of(wanted) if wanted else -1
        if row < 0 and summaries:
            row = next((i for i, s in enumerate(summaries) if s.latest), 0)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._current_changed(self.table.currentIndex())

    def _fit_columns(self) -> None:
        """The programme column takes the room left; the others fit their text up to a cap, then wrap."""
        header = self.table.horizontalHeader()
        for column, cap in COLUMN_CAPS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), cap))

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.data(index, Qt.ItemDataRole.UserRole) if index.isValid() else None

    def selected_summary(self) -> CurriculumSummary | None:
        index = self.table.currentIndex()
        return self.model.summary(index.row()) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        version_id = self.model.data(current, Qt.ItemDataRole.UserRole) if current.isValid() else None
        if version_id == self._outline_id:
            return
        self._outline_id = version_id
        self.curriculum = None
        self.outline_message.clear()
        self._show_outline()
        if version_id is None:
            return
        self.backend.run_open(lambda ws: ws.curricula.outline(version_id),
                              lambda curriculum: self._outline_loaded(version_id, curriculum),
                              lambda exc: self._outline_failed(version_id, exc), owner=self)

    def _outline_loaded(self, version_id: str, curriculum: Curriculum) -> None:
        if version_id == self._outline_id:  # not an answer for a row left meanwhile
            self.curriculum = curriculum
            self._show_outline()

    def _outline_failed(self, version_id: str, exc: BaseException) -> None:
        if version_id == self._outline_id:
            self.outline_message.show_error(user_message(exc))

    def _content_language_chosen(self) -> None:
        self._content_chosen = True
        self.outline_model.set_language(self.content_language.currentData())
        self._show_outline()

    def _show_outline(self) -> None:
        curriculum = self.curriculum
        self.outline_model.show_curriculum(curriculum)
        self.sessions.setVisible(curriculum is not None)
        if curriculum is None:
            loading = self._outline_id is not None
            self.outline_title.setText(_("Loading the outline…") if loading else "")
            self.outline_facts.setText("" if loading else _("Choose a programme on the left to see its sessions."))
            self.description.clear()
            self.basis.clear()
            return
        language = self.outline_model.language
        self.outline_title.setText(curriculum.title.get(language))
        facts = [_("{key}, version {version}, valid from {date}").format(
                     key=curriculum.id, version=curriculum.version, date=format_date(curriculum.valid_from, "medium")),
                 _("{sessions}, {hours} in total").format(
                     sessions=sessions_text(curriculum.count(SessionKind.INDIVIDUAL),
                                            curriculum.count(SessionKind.GROUP)),
                     hours=hours_text(curriculum.total_minutes)),
                 ngettext("one session every {days} day", "one session every {days} days",
                          curriculum.cadence_days).format(days=curriculum.cadence_days)]
        if curriculum.within_protection_order:
            facts.append(_("held within the temporary protection order"))
        self.outline_facts.setText(" · ".join(facts))
        self.description.setText(curriculum.description.get(language))
        self.basis.setText(_("Basis: {basis}").format(basis=curriculum.basis.get(language)))

    # --- import ---------------------------------------------------------------------------

    def import_curriculum(self) -> None:
        with self.idle_paused():
            path, _filter = QFileDialog.getOpenFileName(self, _("Import a curriculum file"), str(Path.home()),
                                                        _(CURRICULUM_FILTER))
        if not path or self.backend.is_locked:  # cancelled, or locked meanwhile
            return
        self.import_button.setEnabled(False)
        self.message.show_note(_("Checking and importing {name}…").format(name=Path(path).name))
        job = self.backend.run_open(lambda ws: ws.curricula.import_file(Path(path)), self._imported,
                                    self._import_failed, owner=self)
        if job is None:
            self.import_button.setEnabled(True)
            self.message.clear()

    def import_instrument(self) -> None:
        with self.idle_paused():
            path, _filter = QFileDialog.getOpenFileName(self, _("Import a questionnaire file"), str(Path.home()),
                                                        _(CURRICULUM_FILTER))
        if not path or self.backend.is_locked:
            return
        self.instrument_button.setEnabled(False)
        self.message.show_note(_("Checking and importing {name}…").format(name=Path(path).name))
        job = self.backend.run_open(lambda ws: ws.instruments.import_file(Path(path)), self._instrument_imported,
                                    self._instrument_failed, owner=self)
        if job is None:
            self.instrument_button.setEnabled(True)
            self.message.clear()

    def _instrument_imported(self, summary) -> None:  # noqa: ANN001 - InstrumentSummary
        self.instrument_button.setEnabled(True)
        self.message.show_info(_("Imported: {title}, version {version}").format(
            title=summary.instrument.title.get(current_language()), version=summary.version))

    def _instrument_failed(self, exc: BaseException) -> None:
        self.instrument_button.setEnabled(True)
        self.message.show_error(user_message(exc))

    def _imported(self, summary: CurriculumSummary) -> None:
        self.import_button.setEnabled(True)
        self.message.show_info(_("Imported: {title}, version {version}").format(
            title=summary.title.get(current_language()), version=summary.version))
        self._wanted_id = summary.id
        self.refresh()

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        self.message.show_error(user_message(exc))
