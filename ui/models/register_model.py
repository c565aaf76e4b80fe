"""The attendance register of one group as a table model: participants down, sessions across, then
attended / required, unexcused absences and the compliance state.

Plain data only (``RegisterData`` / ``RegisterRow`` from the attendance service). Every cell is
computed in ``data()`` when the view asks for it; nothing is kept per cell. ``replace_row()`` swaps one
participant's row after a mark is saved, so a 12 × 26 register never reloads as a whole.
"""

from __future__ import annotations

import datetime as dt

from instructor_app.i18n import N_, _, format_date, format_datetime, ngettext
from instructor_app.participants.compliance import (MARK_LABELS, ComplianceState, Mark,
                                                     mark_sign)
from instructor_app.participants.lifecycle import STATUS_LABELS, Status
from instructor_app.scheduling.rules import STATUS_LABELS as SESSION_STATUS_LABELS
from instructor_app.scheduling.rules import SessionStatus
from instructor_app.services.participant_data import RegisterCell, RegisterData, RegisterRow
from instructor_app.services.programme_data import SessionRow
from ui.models.table import NO_INDEX, Index
from ui.qt import QAbstractTableModel, QBrush, QColor, QFont, Qt

Role = Qt.ItemDataRole

SUMMARY_HEADERS = (N_("Attended"), N_("Unexcused"), N_("Compliance"))
ATTENDED_MARKS = (Mark.PRESENT, Mark.LATE, Mark.LEFT_EARLY)
MAKEUP_SIGN = "↻"

NOT_ENROLLED_BACKGROUND = QColor("#d9d9d9")
NOT_ENROLLED_TEXT = QColor("#8c8c8c")
NOT_HELD_BACKGROUND = QColor("#f3f3f3")
CONCERN_BACKGROUND = QColor("#ffe3b3")
CONCERN_TEXT = QColor("#8a4b00")
ABSENT_TEXT = QColor("#b00020")
COMPLETED_TEXT = QColor("#1b5e20")


def label(key: str | None, labels: dict) -> str:
    text = labels.get(key) if key is not None else None
    return _(text) if text else (key or "")


def compliance_state_text(state: ComplianceState) -> str:
    """Completed / Non-compliant / On track (or Deadline passed), and the days left when a deadline applies."""
    if state.completed:
        return _("Completed")
    if state.non_compliant:
        text = _("Non-compliant")
    elif state.days_left is not None and state.days_left < 0:
        return _("Deadline passed")
    else:
        text = _("On track")
    if state.days_left is not None and state.days_left >= 0:
        left = ngettext("{count} day left", "{count} days left", state.days_left).format(count=state.days_left)
        text = _("{state}, {days_left}").format(state=text, days_left=left)
    return text


def compliance_tooltip(state: ComplianceState) -> str:
    lines = [_("Sessions attended: {attended} of {required}").format(attended=state.attended, required=state.required),
             _("Excused absences: {count}").format(count=state.excused),
             _("Unexcused absences not made up: {count}").format(count=state.unexcused)]
    if state.deadline is not None:
        lines.append(_("Last day to finish (protection order): {date}").format(date=format_date(state.deadline,
                                                                                                 "short")))
    return "\n".join(lines)


def session_header(row: SessionRow) -> str:
    number = f"{MAKEUP_SIGN}{row.replaces_number or row.number}" if row.is_makeup else str(row.number)
    return f"{number}\n{format_date(row.date, 'dd.MM')}"


def session_tooltip(row: SessionRow) -> str:
    title = _("Session {number}: {title}").format(number=row.number, title=row.title.get(row.language))
    lines = [title, format_date(row.date, "full")]
    status = label(row.status, SESSION_STATUS_LABELS)
    lines.append(_("{status}: {reason}").format(status=status, reason=row.status_reason)
                 if row.status_reason and row.status == SessionStatus.CANCELLED else status)
    if row.is_makeup:
        lines.append(_("Make-up for session {number}").format(number=row.replaces_number or row.number))
        if row.status_reason:
            lines.append(row.status_reason)
    return "\n".join(lines)


def mark_letter(cell: RegisterCell) -> str:
    return mark_sign(cell.mark, cell.concern)


def cell_tooltip(cell: RegisterCell) -> str:
    if not cell.enrolled:
        return _("Not in the group on this date")
    if cell.mark is None:
        return _("No mark yet")
    lines = [label(cell.mark, MARK_LABELS)]
    if cell.excuse_reason:
        lines.append(_("Reason: {reason}").format(reason=cell.excuse_reason))
    if cell.concern:
        concern = _("Engagement concern")
        lines.append(_("{concern}: {note}").format(concern=concern, note=cell.concern_note)
                     if cell.concern_note else concern)
    if cell.recorded_at is not None:
        lines.append(_("Recorded by {name}, {when}").format(name=cell.recorded_by or "—",
                                                            when=format_datetime(cell.recorded_at, "short")))
    return "\n".join(lines)


class RegisterModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.group_id: str | None = None
        self.group_name = ""
        self.sessions: tuple[SessionRow, ...] = ()
        self.rows: list[RegisterRow] = []
        self.today = dt.date.today()

    # --- contents ---------------------------------------------------------------------------

    def set_register(self, data: RegisterData | None, today: dt.date) -> None:
        self.beginResetModel()
        self.today = today
        self.group_id = data.group_id if data else None
        self.group_name = data.group_name if data else ""
        self.sessions = data.sessions if data else ()
        self.rows = list(data.rows) if data else []
        self.endResetModel()

    def replace_row(self, row: RegisterRow) -> int | None:
        """Swap in a participant's row as returned by ``ws.attendance.record``; its row number, or None."""
        number = self.row_of(row.participant_id)
        if number is None:
            return None
        self.rows[number] = row
        self.dataChanged.emit(self.index(number, 0), self.index(number, self.columnCount() - 1))
        self.headerDataChanged.emit(Qt.Orientation.Vertical, number, number)
        return number

    def row_of(self, participant_id: str) -> int | None:
        return next((n for n, r in enumerate(self.rows) if r.participant_id == participant_id), None)

    def is_session_column(self, column: int) -> bool:
        return 0 <= column < len(self.sessions)

    def cell(self, row: int, column: int) -> RegisterCell | None:
        if not (0 <= row < len(self.rows)) or not self.is_session_column(column):
            return None
        return self.rows[row].cells[column]

    def retranslate(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.columnCount() - 1))
        if self.columnCount():
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    # --- Qt model ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = NO_INDEX) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = NO_INDEX) -> int:  # noqa: N802
        if parent.isValid() or self.group_id is None:
            return 0
        return len(self.sessions) + len(SUMMARY_HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        # never editable in place: a key press records a new mark through the service
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self.rows):
                return None
            person = self.rows[section]
            state = person.compliance
            if role == Role.DisplayRole:  # the state stays in sight however far the sessions scroll
                marker = " ✓" if state.completed else " ⚠" if state.non_compliant else ""
                return f"{person.full_name}{marker}"
            if role == Role.ToolTipRole:
                return (f"{person.full_name}\n{label(person.status, STATUS_LABELS)}\n"
                        f"{compliance_state_text(state)} · {state.attended}/{state.required}")
            if role == Role.ForegroundRole and person.status != Status.ACTIVE:
                return QBrush(NOT_ENROLLED_TEXT)
            if role == Role.ForegroundRole and state.non_compliant and not state.completed:
                return QBrush(ABSENT_TEXT)
            return None
        if self.is_session_column(section):
            session = self.sessions[section]
            if role == Role.DisplayRole:
                return session_header(session)
            if role == Role.ToolTipRole:
                return session_tooltip(session)
            if role == Role.FontRole and (session.is_makeup or session.status == SessionStatus.CANCELLED):
                font = QFont()
                font.setItalic(session.is_makeup)
                font.setStrikeOut(session.status == SessionStatus.CANCELLED)
                return font
            return None
        summary = section - len(self.sessions)
        if role == Role.DisplayRole and 0 <= summary < len(SUMMARY_HEADERS):
            return _(SUMMARY_HEADERS[summary])
        return None

    def data(self, index: Index, role: int = Role.DisplayRole):
        if not index.isValid():
            return None
        person = self.rows[index.row()]
        column = index.column()
        if self.is_session_column(column):
            return self._cell_data(person.cells[column], self.sessions[column], role)
        return self._summary_data(person.compliance, column - len(self.sessions), role)

    def _cell_data(self, cell: RegisterCell, session: SessionRow, role: int):
        if role == Role.DisplayRole:
            return mark_letter(cell)
        if role == Role.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Role.ToolTipRole:
            return cell_tooltip(cell)
        if role == Role.BackgroundRole:
            if not cell.enrolled:
                return QBrush(NOT_ENROLLED_BACKGROUND)
            if cell.concern:
                return QBrush(CONCERN_BACKGROUND)
            if session.date > self.today or session.status == SessionStatus.CANCELLED:
                return QBrush(NOT_HELD_BACKGROUND)
            return None
        if role == Role.ForegroundRole:
            if not cell.enrolled:
                return QBrush(NOT_ENROLLED_TEXT)
            if cell.concern:
                return QBrush(CONCERN_TEXT)
            if cell.mark == Mark.UNEXCUSED:
                return QBrush(ABSENT_TEXT)
            return None
        if role == Role.FontRole and cell.mark is not None:
            font = QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def _summary_data(state: ComplianceState, which: int, role: int):
        if role == Role.DisplayRole:
            if which == 0:
                return f"{state.attended}/{state.required}"
            if which == 1:
                return str(state.unexcused)
            return compliance_state_text(state)
        if role == Role.TextAlignmentRole and which < 2:
            return Qt.AlignmentFlag.AlignCenter
        if role == Role.ToolTipRole:
            return compliance_tooltip(state)
        if role == Role.ForegroundRole and which == 2:
            if state.completed:
                return QBrush(COMPLETED_TEXT)
            if state.non_compliant or (state.days_left is not None and state.days_left < 0):
                return QBrush(ABSENT_TEXT)
        if role == Role.FontRole and which == 2 and state.non_compliant and not state.completed:
            font = QFont()
            font.setBold(True)
            return font
        return None
