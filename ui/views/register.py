"""Attendance: the register of one running group, marked with the keyboard only.

Arrows move. P, L, E, U record that mark for the current cell on the worker and move one row down
(the next participant, same session); X asks the reason for an excused absence; C on a present, late
or left-early mark asks a note and records the same mark with an engagement concern. Delete does
nothing: marks are facts, a correction is a new mark. The keys work on a Russian or Kyrgyz layout
too, by position (the key where P is on a Latin keyboard, and so on): on Windows from the key's
virtual-key code, elsewhere from the Cyrillic letter typed (З Д У Ч Г С).

After each save the participant's row is replaced from the ``RegisterRow`` the service returns.
"""

from __future__ import annotations

import datetime as dt

from instructor_app.i18n import N_, _, format_date
from instructor_app.participants.compliance import MARK_KEYS, Mark
from instructor_app.scheduling.rules import SessionStatus
from instructor_app.services.participant_data import RegisterData, RegisterRow
from instructor_app.services.programme_data import GroupFilter, GroupSummary, SessionRow
from ui.dialogs.mark_note import MarkNoteDialog, NoteKind
from ui.models.register_model import ATTENDED_MARKS, RegisterModel
from ui.qt import (QAbstractItemView, QComboBox, QGuiApplication, QHBoxLayout, QHeaderView, QKeyEvent, QLabel,
                   QTableView, Qt, QVBoxLayout, QWidget, Signal, is_alive)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, heading, wrapped

CONCERN_KEY = "C"
DELETE_KEY = "Delete"
KEYS = frozenset(MARK_KEYS) | {CONCERN_KEY}
# The Cyrillic letter on the same key as each Latin letter (ЙЦУКЕН: Russian and Kyrgyz layouts).
CYRILLIC_POSITIONS = {"З": "P", "Д": "L", "У": "E", "Ч": "X", "Г": "U", "С": "C"}
SESSION_COLUMN_WIDTH = 52
NAME_COLUMN_WIDTH = 200


def register_key(event: QKeyEvent) -> str | None:
    """The register key (P L E X U C) a key press means, on a Latin or a Cyrillic layout; else None."""
    modifiers = event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
    if modifiers != Qt.KeyboardModifier.NoModifier:
        return None
    text = event.text().upper()
    if text in KEYS:
        return text
    if QGuiApplication.platformName() == "windows":
        code = event.nativeVirtualKey()  # VK_A..VK_Z: the key's place on a Latin keyboard, whatever the layout
        if 0x41 <= code <= 0x5A and chr(code) in KEYS:
            return chr(code)
    return CYRILLIC_POSITIONS.get(text)


class RegisterTable(QTableView):
    """A table that turns register keys into ``key_typed(letter)``; arrows and paging as usual."""

    key_typed = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        letter = register_key(event)
        if letter is not None:
            event.accept()
            self.key_typed.emit(letter)
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            event.accept()
            self.key_typed.emit(DELETE_KEY)
        elif event.text() and event.text().isprintable() and not (
                event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)):
            event.accept()  # other letters: no jump-to-row search
        else:
            super().keyPressEvent(event)


class RegisterPage(Retranslating, QWidget):
    nav_label = N_("Attendance")

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.today = dt.date.today()
        self.groups: list[GroupSummary] = []
        self.group_id: str | None = None
        self.loaded = False
        self.note_dialog: MarkNoteDialog | None = None
        self.title = heading(size_delta=6)
        self.group_label = QLabel()
        self.group_combo = QComboBox()
        self.group_combo.setMinimumContentsLength(28)
        self.group_combo.currentIndexChanged.connect(self._group_chosen)
        self.group_label.setBuddy(self.group_combo)
        self.legend = wrapped()
        self.message = MessageLabel()
        self.empty = wrapped()
        self.model = RegisterModel(self)
        self.table = RegisterTable()
        self.table.setObjectName("register")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setDefaultSectionSize(SESSION_COLUMN_WIDTH)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setFixedWidth(NAME_COLUMN_WIDTH)
        self.table.key_typed.connect(self._key)
        self.model.modelReset.connect(self._fit_columns)

        choose = QHBoxLayout()
        choose.addWidget(self.group_label)
        choose.addWidget(self.group_combo, 1)
        choose.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addLayout(choose)
        layout.addWidget(self.legend)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(_("Attendance"))
        self.group_label.setText(_("&Group:"))
        self.legend.setText(_(
            "Keys: P present · L late · E left early · X excused absence (asks the reason) · U unexcused absence · "
            "C engagement concern on a present mark (asks a note) · Delete does nothing: marks are facts, a "
            "correction is just a new mark. On a Russian or Kyrgyz keyboard press the same keys (З Д У Ч Г С)."))
        self.model.retranslate()
        self._fit_columns()
        self._empty_text()

    def _empty_text(self) -> None:
        if not self.loaded:
            text = ""
        elif self.group_combo.count() == 0:
            text = _("No group is running. Create a group on the Groups page.")
        elif self.model.group_id is not None and not self.model.rows:
            text = _("No participants in this group yet.")
        else:
            text = ""
        self.empty.setText(text)
        self.empty.setVisible(bool(text))

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        for column in range(len(self.model.sessions), self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    # --- data -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the running groups, then the chosen group's register."""
        today = dt.date.today()
        self.backend.run_open(lambda ws: ws.groups.list(GroupFilter(status="active"), today),
                              lambda groups: self._groups_loaded(groups, today), self._failed, owner=self)

    def show_group(self, group_id: str) -> None:
        """Open this group's register (also a group not in the list of running ones)."""
        self.group_id = group_id
        index = self.group_combo.findData(group_id)
        if index >= 0:
            self.group_combo.blockSignals(True)
            self.group_combo.setCurrentIndex(index)
            self.group_combo.blockSignals(False)
        self._load_register()

    def _groups_loaded(self, groups: list[GroupSummary], today: dt.date) -> None:
        self.today = today
        self.groups = groups
        self.loaded = True
        wanted = self.group_id
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        for group in groups:
            self.group_combo.addItem(group.name, group.id)
        if wanted is not None and self.group_combo.findData(wanted) < 0 and wanted == self.model.group_id:
            self.group_combo.addItem(self.model.group_name, wanted)  # shown through show_group()
        index = self.group_combo.findData(wanted) if wanted is not None else -1
        self.group_combo.setCurrentIndex(index if index >= 0 else 0 if groups else -1)
        self.group_combo.blockSignals(False)
        self.group_id = self.group_combo.currentData()
        if self.group_id is None:
            self.model.set_register(None, today)
            self._empty_text()
        else:
            self._load_register()

    def _group_chosen(self, index: int) -> None:
        if index >= 0:
            self.group_id = self.group_combo.itemData(index)
            self.message.clear()
            self._load_register()

    def _load_register(self) -> None:
        group_id, today = self.group_id, dt.date.today()
        if group_id is None:
            return
        self.backend.run_open(lambda ws: ws.attendance.register(group_id, today),
                              lambda data: self._register_loaded(data, today), self._failed, owner=self)

    def _register_loaded(self, data: RegisterData, today: dt.date) -> None:
        if data.group_id != self.group_id:
            return  # another group was chosen meanwhile
        self.loaded = True
        self.today = today
        if self.group_combo.findData(data.group_id) < 0:
            self.group_combo.blockSignals(True)
            self.group_combo.addItem(data.group_name, data.group_id)
            self.group_combo.setCurrentIndex(self.group_combo.count() - 1)
            self.group_combo.blockSignals(False)
        current = self.table.currentIndex()
        same_group = self.model.group_id == data.group_id
        self.model.set_register(data, today)
        self._empty_text()
        if same_group and current.isValid():
            row, column = min(current.row(), self.model.rowCount() - 1), min(current.column(),
                                                                                self.model.columnCount() - 1)
        else:
            row, column = 0, self._latest_held_column(data.sessions, today)
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(row, column))

    @staticmethod
    def _latest_held_column(sessions: tuple[SessionRow, ...], today: dt.date) -> int:
        past = [n for n, s in enumerate(sessions) if s.date <= today and s.status != SessionStatus.CANCELLED]
        return past[-1] if past else 0

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(user_message(exc))

    # --- keys -------------------------------------------------------------------------------

    def _key(self, key: str) -> None:
        index = self.table.currentIndex()
        if key == DELETE_KEY:
            self.message.show_note(_("Marks are not deleted: type the right letter and the new mark is recorded "
                                     "(the old one stays in the history)."))
            return
        cell = self.model.cell(index.row(), index.column()) if index.isValid() else None
        if cell is None:
            return  # a summary column, or nothing chosen
        if not cell.enrolled:
            return  # the participant was not in the group on that date: nothing to mark
        row, column = index.row(), index.column()
        session = self.model.sessions[column]
        if key in ("X", CONCERN_KEY) and not self._can_mark(session):
            self.message.show_error(self._not_markable_text(session))
            return
        if key == "X":
            self._ask_note(NoteKind.EXCUSE, row, column, Mark.EXCUSED)
        elif key == CONCERN_KEY:
            if cell.mark not in ATTENDED_MARKS:
                self.message.show_note(_("An engagement concern is noted on a present, late or left-early mark: "
                                         "record that mark first, then press C."))
                return
            self._ask_note(NoteKind.CONCERN, row, column, Mark(cell.mark), cell.concern_note)
        else:
            self._save(self.model.rows[row].participant_id, session.id, MARK_KEYS[key])
            if self._can_mark(session):
                self._move_down(row, column)

    def _can_mark(self, session: SessionRow) -> bool:
        return session.date <= self.today and session.status != SessionStatus.CANCELLED

    @staticmethod
    def _not_markable_text(session: SessionRow) -> str:
        if session.status == SessionStatus.CANCELLED:
            return _("This session was cancelled; mark attendance at its make-up.")
        return _("Session {number} is on {date}: attendance is marked on the day of the session or later.").format(
            number=session.number, date=format_date(session.date, "short"))

    def _move_down(self, row: int, column: int) -> None:
        if row + 1 < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(row + 1, column))

    def _save(self, participant_id: str, session_id: str, mark: Mark, excuse_reason: str = "",
              concern: bool = False, concern_note: str = "", dialog: MarkNoteDialog | None = None) -> None:
        today = dt.date.today()

        def job(ws):  # noqa: ANN001, ANN202
            return ws.attendance.record(participant_id, session_id, mark.value, today, excuse_reason=excuse_reason,
                                        concern=concern, concern_note=concern_note)

        def failed(exc: BaseException) -> None:
            if dialog is not None and dialog.isVisible():
                dialog.show_error(user_message(exc))
            else:
                self._failed(exc)

        self.backend.run_open(job, lambda result: self._saved(result, dialog), failed, owner=self)

    def _saved(self, row: RegisterRow | None, dialog: MarkNoteDialog | None) -> None:
        if row is not None:
            self.model.replace_row(row)
        self.message.clear()
        if dialog is not None:
            dialog.set_busy(False)
            dialog.accept()

    def _ask_note(self, kind: NoteKind, row: int, column: int, mark: Mark, text: str = "") -> None:
        person, session = self.model.rows[row], self.model.sessions[column]
        what = _("session {number}, {date}").format(number=session.number, date=format_date(session.date, "short"))
        if self.note_dialog is not None and is_alive(self.note_dialog):
            self.note_dialog.deleteLater()
        dialog = MarkNoteDialog(kind, person.full_name, what, text, self)
        self.note_dialog = dialog

        participant_id, session_id = person.participant_id, session.id  # the register may reload meanwhile

        def submitted(note: str) -> None:
            if kind == NoteKind.EXCUSE:
                self._save(participant_id, session_id, mark, excuse_reason=note, dialog=dialog)
            else:
                self._save(participant_id, session_id, mark, concern=True, concern_note=note, dialog=dialog)

        def saved() -> None:
            row = self.model.row_of(participant_id)
            column = next((n for n, s in enumerate(self.model.sessions) if s.id == session_id), None)
            if row is not None and column is not None:
                self._move_down(row, column)

        dialog.submitted.connect(submitted)
        dialog.accepted.connect(saved)
        dialog.finished.connect(lambda _result: self.table.setFocus())
        dialog.open()
