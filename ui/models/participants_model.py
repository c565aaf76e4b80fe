"""Table models for the Participants page: the register of people and one person's sessions with
their marks. Keys are stored; every label is translated here, at display time."""

from __future__ import annotations

from collections.abc import Sequence

from instructor_app.curricula.model import COMPONENT_LABELS
from instructor_app.i18n import N_, _, format_date, ngettext
from instructor_app.participants.compliance import MARK_LABELS, ComplianceState
from instructor_app.participants.lifecycle import STATUS_LABELS
from instructor_app.services.participant_data import AlertItem, ParticipantSummary
from instructor_app.services.programme_data import SessionRow
from ui.models.table import Index, TableModel
from ui.qt import QBrush, QColor, QFont, Qt
from ui.views.alert_text import alert_text
from ui.views.calendar import group_text, is_cancelled, session_text, status_text, time_range

ALERT_COLOUR = "#b00020"
DONE_COLOUR = "#1b5e20"
MARKER = "⚠"


def label(key: str | None, labels: dict) -> str:
    """The translated label of a stored key (the key itself if unknown, "—" if empty)."""
    if not key:
        return "—"
    text = labels.get(key)  # StrEnum keys match their string values
    return _(text) if text else key


def alerts_text(person: ParticipantSummary) -> str:
    """The participant's alerts, one sentence a line, worded as on the Today page."""
    return "\n".join(alert_text(AlertItem(person.id, person.full_name, alert)) for alert in person.alerts)


def compliance_text(state: ComplianceState | None) -> str:
    """"3 / 4 sessions, 1 unexcused" — or a dash before the participant joins a group."""
    if state is None:
        return "—"
    text = ngettext("{attended} / {required} session", "{attended} / {required} sessions",
                    state.required).format(attended=state.attended, required=state.required)
    if state.unexcused:
        text += ", " + ngettext("{count} unexcused", "{count} unexcused", state.unexcused).format(
            count=state.unexcused)
    return text


def needs_attention(person: ParticipantSummary) -> bool:
    return bool(person.alerts) or bool(person.compliance and person.compliance.non_compliant)


class ParticipantListModel(TableModel):
    headers = (N_("Name"), N_("Born"), N_("Component"), N_("Status"), N_("Group"), N_("Order ends"),
               N_("Attendance"))
    COMPLIANCE = 6

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        person: ParticipantSummary = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.UserRole:
            return person.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(person, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COMPLIANCE and person.alerts:
            return alerts_text(person)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COMPLIANCE:
            if needs_attention(person):
                return QBrush(QColor(ALERT_COLOUR))
            if person.compliance and person.compliance.completed:
                return QBrush(QColor(DONE_COLOUR))
        return None

    @staticmethod
    def _text(person: ParticipantSummary, column: int) -> str:
        if column == 0:
            return person.full_name
        if column == 1:
            return format_date(person.birth_date, "short")
        if column == 2:
            return label(person.component, COMPONENT_LABELS)
        if column == 3:
            return label(person.status, STATUS_LABELS)
        if column == 4:
            return person.group_name or "—"
        if column == 5:
            return format_date(person.order_ends_on, "short") if person.order_ends_on else "—"
        text = compliance_text(person.compliance)
        return f"{MARKER} {text}" if needs_attention(person) else text


class ParticipantSessionsModel(TableModel):
    """The sessions expected of one participant (group and individual) with the mark recorded."""

    headers = (N_("Date"), N_("Time"), N_("Session"), N_("Group"), N_("Status"), N_("Attendance"))

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.marks: dict[str, str] = {}

    def set_sessions(self, rows: Sequence[SessionRow], marks: dict[str, str]) -> None:
        self.marks = dict(marks)
        self.set_rows(rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row: SessionRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            texts = (format_date(row.date, "short"), time_range(row), session_text(row), group_text(row),
                     status_text(row), self.mark_text(row.id))
            return texts[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return row.title.get(row.language)
        if role == Qt.ItemDataRole.FontRole and is_cancelled(row):
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and self.marks.get(row.id) == "unexcused":
            return QBrush(QColor(ALERT_COLOUR))
        return None

    def mark_text(self, session_id: str) -> str:
        mark = self.marks.get(session_id)
        return label(mark, MARK_LABELS) if mark else "—"
