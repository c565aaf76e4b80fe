"""The Reports page's form: for the chosen kind of document, whom or what it is about, the period,
the document's language (independent of the UI's) and the export options. It only holds choices;
the lists of groups, sessions and participants are loaded by the page on the DB worker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from instructor_app.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, current_language, format_date
from instructor_app.indicators import PeriodKind
from instructor_app.services.documents import (
    EXPORT_FORMATS,
    EXPORT_TABLE_LABELS,
    EXPORT_TABLES,
    SUBJECT_OF,
    DocumentKind,
    DocumentRequest,
    Subject,
    period_from,
)
from ui.qt import (QCheckBox, QComboBox, QCompleter, QDate, QDateEdit, QFormLayout, QLabel, QPlainTextEdit, Qt,
                   QWidget)
from ui.translator import Retranslating
from ui.widgets import wrapped

PERIOD_LABELS = {
    PeriodKind.MONTH: N_("Month"),
    PeriodKind.QUARTER: N_("Quarter"),
    PeriodKind.YEAR: N_("Year"),
    PeriodKind.CUSTOM: N_("From … to …"),
}
FORMAT_LABELS = {"xlsx": N_("Excel workbook (.xlsx)"), "csv": N_("CSV text (.csv)")}


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    language: str = ""  # the group's or participant's language: the document's default


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    edit.setDate(QDate.currentDate())
    return edit


def _searchable_combo() -> QComboBox:
    """A list one can type into: the typed text finds entries containing it (2,000 participants)."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return combo


class ReportForm(Retranslating, QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = DocumentKind.REGISTER
        self.group = _searchable_combo()
        self.session = QComboBox()
        self.participant = _searchable_combo()
        self.period_kind = QComboBox()
        self.on = _date_edit()
        self.start = _date_edit()
        self.end = _date_edit()
        self.language = QComboBox()
        for key in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[key], key)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language())))
        self.conclusion = QPlainTextEdit()
        self.conclusion.setMaximumHeight(90)
        self.export_table = QComboBox()
        self.export_format = QComboBox()
        self.personal = QCheckBox()
        self.personal_note = wrapped()
        self.personal_note.setStyleSheet("color: #8a4b00;")
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.labels: dict[str, QLabel] = {}
        for key, widget in (("group", self.group), ("session", self.session), ("participant", self.participant),
                            ("period_kind", self.period_kind), ("on", self.on), ("start", self.start),
                            ("end", self.end), ("export_table", self.export_table),
                            ("export_format", self.export_format), ("personal", self.personal),
                            ("personal_note", self.personal_note), ("conclusion", self.conclusion),
                            ("language", self.language)):
            self.labels[key] = QLabel()
            self.form.addRow(self.labels[key], widget)
        self.period_kind.currentIndexChanged.connect(self._update_rows)
        self.personal.toggled.connect(self._update_rows)
        self.group.currentIndexChanged.connect(self._follow_language)
        self.participant.currentIndexChanged.connect(self._follow_language)
        self.retranslate_ui()
        self.set_kind(DocumentKind.REGISTER)

    # --- choices ---------------------------------------------------------------------------------

    def set_kind(self, kind: DocumentKind) -> None:
        self.kind = kind
        self._update_rows()

    @staticmethod
    def _fill(combo: QComboBox, choices: list[Choice]) -> None:
        wanted = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for choice in choices:
            combo.addItem(choice.text, choice.id)
            combo.setItemData(combo.count() - 1, choice.language, Qt.ItemDataRole.UserRole + 1)
        combo.setCurrentIndex(max(0, combo.findData(wanted)))
        combo.blockSignals(False)

    def set_groups(self, choices: list[Choice]) -> None:
        self._fill(self.group, choices)

    def set_sessions(self, choices: list[Choice]) -> None:
        self._fill(self.session, choices)

    def set_participants(self, choices: list[Choice]) -> None:
        self._fill(self.participant, choices)

    def _follow_language(self) -> None:
        """A document about a group or a participant defaults to their language."""
        combo = self.participant if SUBJECT_OF[self.kind] is Subject.PARTICIPANT else self.group
        language = combo.currentData(Qt.ItemDataRole.UserRole + 1)
        if language in LANGUAGES:
            self.language.setCurrentIndex(self.language.findData(language))

    def _update_rows(self) -> None:
        subject = SUBJECT_OF[self.kind]
        period = subject is Subject.PERIOD
        custom = self.period_kind.currentData() == PeriodKind.CUSTOM
        export = self.kind is DocumentKind.EXPORT
        visible = {
            "group": subject in (Subject.GROUP, Subject.SESSION),
            "session": subject is Subject.SESSION,
            "participant": subject is Subject.PARTICIPANT,
            "period_kind": period, "on": period and not custom, "start": period and custom,
            "end": period and custom,
            "export_table": export, "export_format": export, "personal": export,
            "personal_note": export and self.personal.isChecked(),
            "conclusion": self.kind is DocumentKind.PROGRESS,
            "language": True,
        }
        for key, shown in visible.items():
            self.form.setRowVisible(self.labels[key], shown)

    # --- the request -----------------------------------------------------------------------------

    def subject_id(self) -> str:
        subject = SUBJECT_OF[self.kind]
        combo = {Subject.GROUP: self.group, Subject.SESSION: self.session,
                 Subject.PARTICIPANT: self.participant}.get(subject)
        if combo is None:
            return ""
        if combo.isEditable() and combo.currentText() != combo.itemText(combo.currentIndex()):
            return ""  # typed text that names no entry
        return combo.currentData() or ""

    def request(self, out: Path) -> DocumentRequest:
        """What the user chose; raises ``InvalidInput`` for an impossible period."""
        period = None
        if SUBJECT_OF[self.kind] is Subject.PERIOD:
            period = period_from(self.period_kind.currentData(), self.on.date().toPython(),
                                 self.start.date().toPython(), self.end.date().toPython())
        return DocumentRequest(kind=self.kind, language=self.language.currentData(), out=out,
                               subject_id=self.subject_id(), period=period,
                               conclusion=self.conclusion.toPlainText().strip(),
                               export_table=self.export_table.currentData() or "participants",
                               export_format=self.export_format.currentData() or "xlsx",
                               personal=self.personal.isChecked())

    def retranslate_ui(self) -> None:
        texts = {"group": _("Group"), "session": _("Session"), "participant": _("Participant"),
                 "period_kind": _("Period"), "on": _("A day in the period"), "start": _("From"), "end": _("To"),
                 "export_table": _("What to export"), "export_format": _("File format"), "personal": "",
                 "personal_note": "", "conclusion": _("Facilitators' conclusion"),
                 "language": _("Language of the document")}
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.personal.setText(_("Include names and contacts"))
        self.personal_note.setText(_("The file will hold personal data. Keep it encrypted and delete it once "
                                     "it has been delivered. Without this option participants get "
                                     "pseudonymous ids."))
        self.conclusion.setPlaceholderText(_("Leave empty to write the conclusion by hand on the paper."))
        for combo, keys, labels in ((self.period_kind, list(PeriodKind), PERIOD_LABELS),
                                    (self.export_table, EXPORT_TABLES, EXPORT_TABLE_LABELS),
                                    (self.export_format, EXPORT_FORMATS, FORMAT_LABELS)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for key in keys:
                combo.addItem(_(labels[key]), key)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)


def session_choice_text(number: int, day: dt.date, title: str) -> str:
    return _("No. {number}, {date}: {title}").format(number=number, date=format_date(day, "short"), title=title)
