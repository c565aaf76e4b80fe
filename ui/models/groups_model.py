"""Table models for the Groups page: the group list and a group's schedule."""

from __future__ import annotations

from collections.abc import Callable

from instructor_app.curricula.model import COMPONENT_LABELS
from instructor_app.i18n import N_, _, current_language, format_date
from instructor_app.scheduling.rules import STATUS_LABELS, WEEKDAY_LABELS, SessionStatus
from instructor_app.services.programme_data import GroupSummary, SessionRow
from ui.models.table import Index, TableModel
from ui.qt import QBrush, QColor, QFont, Qt



def pair_text(lead_name: str, second_name: str | None) -> str:
    if second_name:
        return _("{lead} (lead), {second}").format(lead=lead_name, second=second_name)
    return _("{lead} (lead)").format(lead=lead_name)


class GroupListModel(TableModel):
    headers = (N_("Group"), N_("Programme"), N_("Language"), N_("Day and time"), N_("Facilitators"), N_("Sessions held"),
               N_("Next session"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        group: GroupSummary = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return group.id
        if role == Qt.ItemDataRole.DisplayRole:
            columns: tuple[Callable[[], str], ...] = (
                lambda: group.name,
                lambda: "{} · {}".format(group.programme.get(current_language()), _(COMPONENT_LABELS[group.component])),
                lambda: _("Kyrgyz") if group.language == "ky" else _("Russian"),
                lambda: "{} {}".format(_(WEEKDAY_LABELS[group.weekday]), group.start_time),
                lambda: pair_text(group.lead.display_name, group.second.display_name if group.second else None),
                lambda: f"{group.sessions_held} / {group.sessions_total}",
                lambda: format_date(group.next_session, "short") if group.next_session else _("finished"),
            )
            return columns[index.column()]()
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return group.programme.get(current_language())
        if role == Qt.ItemDataRole.ToolTipRole and group.pair_problems and index.column() == 4:
            return _("Pair exception: {reason}").format(reason=group.pair_exception_reason)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 4 and group.pair_problems:
            return QBrush(QColor("#8a5a00"))
        return None


class ScheduleModel(TableModel):
    headers = (N_("No."), N_("Date"), N_("Time"), N_("Session"), N_("Facilitators"), N_("Status"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row: SessionRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            notes = [t for t in (row.status_reason, row.cover_reason) if t]
            return "\n".join(notes) or None
        if role == Qt.ItemDataRole.FontRole and row.status == SessionStatus.CANCELLED:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row.status == SessionStatus.CANCELLED:
            return QBrush(QColor("#777777"))
        return None

    @staticmethod
    def _text(row: SessionRow, column: int) -> str:
        if column == 0:
            if row.is_makeup:
                return _("{number} (make-up)").format(number=row.replaces_number or row.number)
            return str(row.number)
        if column == 1:
            return format_date(row.date, "short")
        if column == 2:
            return f"{row.start_time}–{row.end_time}"
        if column == 3:
            return row.title.get(row.language)
        if column == 4:
            text = pair_text(row.lead.display_name, row.second.display_name if row.second else None)
            return text + (" *" if row.cover_reason else "")
        status = _(STATUS_LABELS[SessionStatus(row.status)])
        if row.status == SessionStatus.HELD and row.actual_start:
            return _("{status} {start}–{end}").format(status=status, start=row.actual_start, end=row.actual_end)
        if row.status_reason and row.status == SessionStatus.CANCELLED:
            return _("{status}: {reason}").format(status=status, reason=row.status_reason)
        return status
