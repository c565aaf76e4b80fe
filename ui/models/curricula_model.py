"""Table models for the Programmes page: the stored curriculum versions and one version's sessions."""

from __future__ import annotations


from instructor_app.curricula.model import (COMPONENT_LABELS, SESSION_KIND_LABELS, TARGET_LABELS, Curriculum,
                                            SessionTemplate)
from instructor_app.i18n import N_, _, current_language, format_number, ngettext
from instructor_app.services.programme_data import CurriculumSummary
from ui.models.table import Index, TableModel
from ui.qt import QBrush, QColor, Qt

OLDER_COLOUR = "#777777"
ORIGIN_LABELS = {"shipped": N_("shipped"), "imported": N_("imported")}


def label(key: str, labels: dict) -> str:
    text = labels.get(key)  # StrEnum keys match their string values
    return _(text) if text else key


def sessions_text(individual: int, group: int) -> str:
    """"2 individual + 24 group" (either part left out when there is none)."""
    if individual and group:
        return _("{individual} individual + {group} group").format(individual=individual, group=group)
    if individual:
        return ngettext("{count} individual", "{count} individual", individual).format(count=individual)
    return ngettext("{count} group", "{count} group", group).format(count=group)


def hours_text(minutes: int) -> str:
    hours = minutes / 60
    return _("{hours} h").format(hours=format_number(int(hours) if hours == int(hours) else round(hours, 1)))


def version_text(summary: CurriculumSummary) -> str:
    return _("{key}, version {version}").format(key=summary.key, version=summary.version)


class CurriculaModel(TableModel):
    """One row per stored curriculum version; older versions greyed. ``UserRole`` is the version id.

    Cells hold two lines (rows grow to fit) so the list stays readable next to the outline."""

    headers = (N_("Programme"), N_("Component"), N_("Sessions"), N_("Origin"), N_("Groups"))

    header_tips = {1: N_("The component and for whom it is"), 2: N_("Individual and group sessions; hours in total"),
                   3: N_("Shipped with the app, or imported from a curriculum file")}

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            tip = self.header_tips.get(section)
            return _(tip) if tip else None
        return super().headerData(section, orientation, role)

    def row_of(self, version_id: str) -> int:
        return next((row for row, summary in enumerate(self.rows) if summary.id == version_id), -1)

    def summary(self, row: int) -> CurriculumSummary | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        summary: CurriculumSummary = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return summary.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(summary, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and not summary.latest:
            return QBrush(QColor(OLDER_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole:
            if summary.latest:
                return _("The newest version: new groups use it.")
            return _("An older version: the groups that started with it keep it; new groups use the newest.")
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(summary: CurriculumSummary, column: int) -> str:
        if column == 0:
            lines = [summary.title.get(current_language()), version_text(summary)]
            if not summary.latest:
                lines.append(_("(older version — kept for the groups that use it)"))
            return "\n".join(lines)
        if column == 1:
            return label(summary.component, COMPONENT_LABELS) + "\n" + label(summary.target_gender, TARGET_LABELS)
        if column == 2:
            return (sessions_text(summary.individual_sessions, summary.group_sessions) + "\n"
                    + hours_text(summary.total_minutes))
        if column == 3:
            return label(summary.origin, ORIGIN_LABELS)
        return format_number(summary.groups)


class OutlineModel(TableModel):
    """The sessions of one curriculum version in order; texts in ``language`` (the content language)."""

    headers = (N_("No."), N_("Session"), N_("Kind"), N_("Minutes"))

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.language = current_language()

    def show_curriculum(self, curriculum: Curriculum | None) -> None:
        self.set_rows(curriculum.sessions if curriculum else ())

    def set_language(self, language: str) -> None:
        self.language = language
        self.retranslate()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        template: SessionTemplate = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(template, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return "\n".join("• " + t.get(self.language) for t in template.objectives) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, template: SessionTemplate, column: int) -> str:
        if column == 0:
            return str(template.number)
        if column == 1:
            title = template.title.get(self.language)
            if template.theme is None:
                return title
            return title + "\n" + _("Theme: {theme}").format(theme=template.theme.get(self.language))
        if column == 2:
            return label(template.kind, SESSION_KIND_LABELS)
        return format_number(template.minutes)
