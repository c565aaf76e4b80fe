"""Changes to review: a record edited on both laptops while they were offline. The server kept the
later edit; the other one (the losing version) is listed here with the fields in which it differs,
and who made each. The coordinator keeps the current version or restores the losing one (saved
again as a new edit, which then syncs to the other laptop). Opened from Settings → Probation server.
"""

from __future__ import annotations

import datetime as dt

from instructor_app.errors import Label
from instructor_app.i18n import _, format_date, format_datetime, ngettext
from instructor_app.services.conflict_data import ConflictToReview, EditBy, Shown
from ui.qt import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QListWidget,
                   QListWidgetItem, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, Qt, QVBoxLayout,
                   QWidget, Signal)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, wrapped

NOTHING = "—"


def shown_text(value: Shown) -> str:
    """A field's value in the current language."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, Label):
        return _(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return format_datetime(value, "short")
    if isinstance(value, dt.date):
        return format_date(value, "short")
    return str(value)


def conflict_title(conflict: ConflictToReview) -> str:
    """Which record, e.g. "Participant: Алмаз Бекмуратов" or "Session: Дүйшөмбү тобу, 02.03.2026"."""
    subject = conflict.subject or _("(no name)")
    if conflict.subject_date is not None:
        subject = _("{name}, {date}").format(name=subject, date=format_date(conflict.subject_date, "short"))
    return _("{kind}: {record}").format(kind=_(conflict.kind), record=subject)


def edit_text(edit: EditBy) -> str:
    """Who made a version: the facilitator, the laptop, when."""
    who = edit.facilitator or _("a facilitator")
    if edit.this_laptop:
        laptop = _("this laptop")
    elif edit.device:
        laptop = _("the laptop of {name}").format(name=edit.device)
    else:
        laptop = _("another laptop")
    when = format_datetime(edit.at, "short") if edit.at is not None else NOTHING
    return _("{who}, on {laptop}, {when}").format(who=who, laptop=laptop, when=when)


class SyncConflictsDialog(Retranslating, QDialog):
    changed = Signal()  # a conflict was decided: the count elsewhere should be re-read

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.conflicts: list[ConflictToReview] = []
        self.busy = False
        self.intro = wrapped()
        self.items = QListWidget()
        self.items.currentRowChanged.connect(lambda _row: self._show_current())
        self.who = wrapped()
        self.who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields = QTableWidget(0, 3)
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fields.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.fields.verticalHeader().hide()
        self.fields.setWordWrap(True)
        header = self.fields.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.keep_button, self.restore_button = QPushButton(), QPushButton()
        self.keep_button.clicked.connect(self.keep_current)
        self.restore_button.clicked.connect(self.restore_losing)
        self.message = MessageLabel()
        details = QWidget()
        column = QVBoxLayout(details)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.who)
        column.addWidget(self.fields, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.keep_button)
        actions.addWidget(self.restore_button)
        actions.addStretch(1)
        column.addLayout(actions)
        split = QSplitter()
        split.addWidget(self.items)
        split.addWidget(details)
        split.setStretchFactor(1, 2)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(900, 520)
        self.retranslate_ui()
        self.load()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Changes to review"))
        self.intro.setText(_("These records were changed on two laptops before they synced. The later change "
                             "was kept; the other one is shown next to it. Keep the current version, or "
                             "restore the other one: it is saved again as a new change and sent to the other "
                             "laptop."))
        self.keep_button.setText(_("&Keep the current version"))
        self.restore_button.setText(_("&Restore the losing version"))
        self.fields.setHorizontalHeaderLabels([_("Field"), _("Current version"), _("Losing version")])
        self._fill()

    # --- data -----------------------------------------------------------------------------

    def load(self) -> None:
        self.backend.run_open(lambda ws: ws.sync_conflicts.list(), self._loaded, self._failed, owner=self)

    def _loaded(self, conflicts: list[ConflictToReview]) -> None:
        chosen = self.current()
        self.conflicts = list(conflicts)
        self._fill(chosen.id if chosen else None)

    def _fill(self, keep_id: str | None = None) -> None:
        row = self.items.currentRow()
        self.items.blockSignals(True)
        self.items.clear()
        for conflict in self.conflicts:
            item = QListWidgetItem(conflict_title(conflict))
            item.setData(Qt.ItemDataRole.UserRole, conflict.id)
            self.items.addItem(item)
        ids = [c.id for c in self.conflicts]
        if keep_id in ids:
            row = ids.index(keep_id)
        self.items.setCurrentRow(min(max(row, 0), len(ids) - 1) if ids else -1)
        self.items.blockSignals(False)
        self._show_current()

    def current(self) -> ConflictToReview | None:
        row = self.items.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _show_current(self) -> None:
        conflict = self.current()
        self.keep_button.setEnabled(conflict is not None and not self.busy)
        self.restore_button.setEnabled(conflict is not None and conflict.on_this_laptop and not self.busy)
        self.fields.setRowCount(0)
        if conflict is None:
            self.who.setText(_("Nothing to review."))
            return
        lines = [conflict_title(conflict),
                 _("Current version: {edit}").format(edit=edit_text(conflict.current)),
                 _("Losing version: {edit}").format(edit=edit_text(conflict.losing))]
        if not conflict.on_this_laptop:
            lines.append(_("The record is not on this laptop yet: sync first to restore the losing version."))
        elif not conflict.differences:
            lines.append(_("Both versions hold the same values."))
        self.who.setText("\n".join(lines))
        self.fields.setRowCount(len(conflict.differences))
        for row, difference in enumerate(conflict.differences):
            for column, text in enumerate((_(difference.label), shown_text(difference.current),
                                           shown_text(difference.losing))):
                self.fields.setItem(row, column, QTableWidgetItem(text))
        self.fields.resizeRowsToContents()

    # --- actions --------------------------------------------------------------------------

    def keep_current(self) -> None:
        conflict = self.current()
        if conflict is not None:
            conflict_id = conflict.id
            self._run(lambda ws: ws.sync_conflicts.keep_current(conflict_id), _("The current version was kept."))

    def restore_losing(self) -> None:
        conflict = self.current()
        if conflict is not None:
            conflict_id = conflict.id
            self._run(lambda ws: ws.sync_conflicts.restore_losing(conflict_id),
                      _("The losing version was restored; it is sent with the next sync."))

    def _run(self, job, done_text: str) -> None:  # noqa: ANN001 - a job on the open workspace
        self._set_busy(True)
        self.message.clear()

        def decided(_result: object) -> None:
            self._set_busy(False)
            self.message.show_info(done_text)
            self.changed.emit()
            self.load()

        if self.backend.run_open(job, decided, self._failed, owner=self) is None:
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._show_current()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.message.show_error(user_message(exc))
        self.load()


def count_text(count: int) -> str:
    return ngettext("{count} change to review", "{count} changes to review", count).format(count=count)
