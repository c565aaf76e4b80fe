"""One group: its facts, the pair (and the written reason for any exception), the schedule with
every change action, and the history of changes."""

from __future__ import annotations

from instructor_app.curricula.model import COMPONENT_LABELS, TARGET_LABELS
from instructor_app.domain.facilitators import PAIR_PROBLEM_TEXT, PairProblem
from instructor_app.i18n import _, current_language, format_date, format_datetime, ngettext
from instructor_app.scheduling.rules import CHANGE_LABELS, WEEKDAY_LABELS, ChangeKind, SessionStatus
from instructor_app.services.programme_data import GroupDetail, SessionRow
from ui.dialogs.session_change import Change, SessionChangeDialog
from ui.models.groups_model import ScheduleModel, pair_text
from ui.qt import (QAbstractItemView, QHBoxLayout, QHeaderView, QListWidget, QPushButton, QTableView, QVBoxLayout,
                   QWidget, Signal)
from ui.tasks import Backend
from ui.translator import Retranslating
from ui.widgets import MessageLabel, heading, wrapped


class GroupDetailPanel(Retranslating, QWidget):
    changed = Signal()             # a schedule change was saved: reload
    open_session = Signal(str)     # session id: open its plan

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.detail: GroupDetail | None = None
        self.dialog: SessionChangeDialog | None = None
        self.title = heading(size_delta=3)
        self.facts = wrapped()
        self.pair = MessageLabel()
        self.message = MessageLabel()
        self.model = ScheduleModel(self)
        self.table = QTableView()
        self.table.setObjectName("schedule")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self._open_plan())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.buttons = {key: QPushButton() for key in ("plan", *Change)}
        self.buttons["plan"].clicked.connect(self._open_plan)
        for change in Change:
            self.buttons[change].clicked.connect(lambda _c=False, change=change: self._change(change))
        actions = QHBoxLayout()
        for button in self.buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        self.history_title = heading(size_delta=1)
        self.history = QListWidget()
        self.history.setMaximumHeight(100)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.facts, self.pair, self.message):
            layout.addWidget(widget)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.history_title)
        layout.addWidget(self.history)
        self.retranslate_ui()

    def set_detail(self, detail: GroupDetail | None) -> None:
        selected = self.selected()
        self.detail = detail
        self.model.set_rows(detail.sessions if detail else ())
        if selected is not None:
            for row, item in enumerate(self.model.rows):
                if item.id == selected.id:
                    self.table.selectRow(row)
        self.retranslate_ui()

    def selected(self) -> SessionRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows and rows[0].row() < len(self.model.rows) else None

    def select_session(self, session_id: str) -> None:
        for row, item in enumerate(self.model.rows):
            if item.id == session_id:
                self.table.selectRow(row)
                return

    def retranslate_ui(self) -> None:
        labels = {"plan": _("Session plan"), Change.MOVE: _("Move…"), Change.POSTPONE: _("Postpone…"),
                  Change.CANCEL: _("Cancel session…"), Change.MAKEUP: _("Make-up…"),
                  Change.COVER: _("Facilitators…")}
        for key, button in self.buttons.items():
            button.setText(labels[key])
        self.history_title.setText(_("Changes to the schedule"))
        self.model.retranslate()
        detail = self.detail
        if detail is None:
            self.title.setText(_("Choose a group in the list, or create one."))
            self.facts.clear()
            self.pair.clear()
            self.history.clear()
            self._update_buttons()
            return
        group = detail.group
        lang = current_language()
        self.title.setText(group.name)
        facts = [
            _("{programme}, version {version} · {component} · {target}").format(
                programme=group.programme.get(lang), version=group.curriculum_version,
                component=_(COMPONENT_LABELS[group.component]), target=_(TARGET_LABELS[group.participant_gender])),
            _("Sessions in {language} · {weekday} at {time} · room: {room} · {places} places").format(
                language=_("Kyrgyz") if group.language == "ky" else _("Russian"),
                weekday=_(WEEKDAY_LABELS[group.weekday]), time=group.start_time, room=group.room or "—",
                places=group.capacity),
            _("Starts {start}; {held} of {total} sessions held.").format(
                start=format_date(group.start_date, "short"), held=group.sessions_held, total=group.sessions_total),
            _("Facilitators: {pair}").format(pair=pair_text(group.lead.display_name,
                                                            group.second.display_name if group.second else None)),
        ]
        if group.order_end:
            facts.append(_("Must be completed by {date}, when the protection order ends.").format(
                date=format_date(group.order_end, "short")))
        self.facts.setText("\n".join(facts))
        if group.pair_problems:
            problems = " ".join(_(PAIR_PROBLEM_TEXT[PairProblem(p)]) for p in group.pair_problems)
            self.pair.show_note(_("{problems} Reason given: {reason}").format(problems=problems,
                                                                              reason=group.pair_exception_reason))
        else:
            self.pair.clear()
        self.history.clear()
        for entry in detail.history:
            moved = ""
            if entry.old_date and entry.new_date and entry.old_date != entry.new_date:
                moved = " " + _("{old} → {new}").format(old=format_date(entry.old_date, "short"),
                                                         new=format_date(entry.new_date, "short"))
            reason = f" — {entry.reason}" if entry.reason else ""
            self.history.addItem(_("{when}, {who}: session {number}: {change}{moved}{reason}").format(
                when=format_datetime(entry.at, "short"), who=entry.by, number=entry.session_number,
                change=_(CHANGE_LABELS[ChangeKind(entry.change)]), moved=moved, reason=reason))
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected()
        planned = row is not None and row.status == SessionStatus.PLANNED
        self.buttons["plan"].setEnabled(row is not None)
        self.buttons[Change.MOVE].setEnabled(planned)
        self.buttons[Change.POSTPONE].setEnabled(planned and not row.is_makeup)
        self.buttons[Change.CANCEL].setEnabled(planned)
        self.buttons[Change.MAKEUP].setEnabled(row is not None and row.status != SessionStatus.HELD)
        self.buttons[Change.COVER].setEnabled(planned)

    def _open_plan(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_session.emit(row.id)

    def _change(self, change: Change) -> None:
        row = self.selected()
        if row is None:
            return
        self.dialog = SessionChangeDialog(self.backend, change, row, self)
        self.dialog.accepted.connect(self._changed)
        self.dialog.open()

    def _changed(self) -> None:
        count = len(self.dialog.result_rows) if self.dialog else 0
        self.message.show_info(ngettext("Saved: {count} session changed.", "Saved: {count} sessions changed.",
                                        count).format(count=count))
        self.changed.emit()
