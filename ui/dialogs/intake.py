"""Intake: the form a facilitator fills at the first meeting → ``ws.participants.create``.

Four tabs (so it fits a 1366×768 laptop): the person; the referral and protection order; eligibility and
the contract; the partner or victim, kept apart (stored separately, never shown to the participant). A
refused entry switches to the tab of the field it names and focuses it; every value is kept. A possible
duplicate (same name and birth date) offers "another person" or opening the existing record instead.
"""

from __future__ import annotations

import datetime as dt

from instructor_app.curricula.model import COMPONENT_LABELS
from instructor_app.domain.facilitators import GENDER_LABELS
from instructor_app.i18n import N_, _
from instructor_app.participants.intake import REFERRAL_LABELS, SCREENING_LABELS, Screening, default_order_end
from instructor_app.services.participant_data import IntakeDraft, ParticipantSummary, PartnerDraft
from ui.dialogs.new_group import DATE_FORMAT, to_date, to_qdate
from ui.qt import (QCheckBox, QComboBox, QDate, QDateEdit, QDateTimeEdit, QDialog, QDialogButtonBox, QFormLayout,
                   QFrame, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QScrollArea, QTabWidget,
                   QVBoxLayout, QWidget)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, wrapped

BLANK = QDate(1900, 1, 1)  # a birth date not entered yet (shown empty)
SEPARATORS = "./-, "

# The form's fields, by tab; the names are IntakeDraft's (errors name them), partner_* are the partner's.
TABS = (
    ("full_name", "birth_date", "gender", "language", "phone", "address", "component"),
    ("referral_source", "received_on", "document_number", "document_date", "order_number", "order_issued_on",
     "order_ends_on", "curator_name", "curator_contact"),
    ("screening", "therapy_certificate", "contract_signed_on", "notes"),
    ("partner_name", "partner_relation", "partner_phone", "partner_safe", "partner_notes"),
)
TAB_OF = {name: index for index, names in enumerate(TABS) for name in names} | {"partner": 3}
TAB_TITLES = (N_("Person"), N_("Referral and protection order"), N_("Eligibility and contract"),
              N_("Partner / victim"))
LABELS = {
    "full_name": N_("Full name"), "birth_date": N_("Date of birth"), "gender": N_("Gender"),
    "language": N_("Language chosen"), "phone": N_("Phone"), "address": N_("Address"),
    "component": N_("Programme component"), "referral_source": N_("Referred by"),
    "received_on": N_("Referral received on"), "document_number": N_("Document number (court decision or police "
                                                                      "referral)"),
    "document_date": N_("Document dated"), "order_number": N_("Protection order number"),
    "order_issued_on": N_("Protection order issued on"), "order_ends_on": N_("Protection order ends on"),
    "curator_name": N_("Curator (probation officer)"), "curator_contact": N_("Curator's contact"),
    "screening": N_("Eligibility screening"), "therapy_certificate": N_("Therapy certificate"),
    "contract_signed_on": N_("Contract signed"), "notes": N_("Notes"), "partner_name": N_("Name"),
    "partner_relation": N_("Relation to the participant"), "partner_phone": N_("Phone"),
    "partner_safe": N_("Safe to contact"), "partner_notes": N_("Notes"),
}


def date_edit(day: dt.date) -> QDateEdit:
    edit = QDateEdit(to_qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


class BirthDateEdit(QDateEdit):
    """A date that starts empty: ``value()`` is None until the user types or steps to a date.

    The first digit starts from 1 January of ``start_year``, day section first, so "17051988" gives 17.05.1988;
    a dot typed right after a section filled itself is skipped (Qt would jump one section too far)."""

    def __init__(self, start_year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start = QDate(start_year, 1, 1)
        self._advanced = False
        self.setDisplayFormat(DATE_FORMAT)
        self.setMinimumDate(BLANK)
        self.setSpecialValueText(" ")  # the hint in the UI language: set by the dialog's retranslate_ui
        self.setDate(BLANK)

    def value(self) -> dt.date | None:
        return None if self.date() == BLANK else to_date(self.date())

    def keyPressEvent(self, event) -> None:
        text = event.text()
        if text and text in SEPARATORS and self._advanced:
            self._advanced = False
            return
        if self.date() == BLANK and text.isdigit():
            self.setDate(self._start)
            self.setCurrentSection(QDateTimeEdit.Section.DaySection)
            self.setSelectedSection(QDateTimeEdit.Section.DaySection)
        section = self.currentSection()
        super().keyPressEvent(event)
        self._advanced = text.isdigit() and self.currentSection() != section

    def stepBy(self, steps: int) -> None:
        if self.date() == BLANK:
            self.setDate(self._start)
        else:
            super().stepBy(steps)


class OptionalDate:
    """A checkbox (the row's label) that enables its date: unchecked means no date."""

    def __init__(self, day: dt.date) -> None:
        self.check = QCheckBox()
        self.edit = date_edit(day)
        self.edit.setEnabled(False)
        self.check.toggled.connect(self.edit.setEnabled)

    def value(self) -> dt.date | None:
        return to_date(self.edit.date()) if self.check.isChecked() else None

    def set(self, day: dt.date) -> None:
        self.check.setChecked(True)
        self.edit.setDate(to_qdate(day))


def line(max_length: int) -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    return edit


def text_box(height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setMinimumHeight(height)
    return box


def fill_combo(combo: QComboBox, items: list[tuple[str, str]]) -> None:
    """Refill with translated texts, keeping the choice (or none: the placeholder shows)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(combo.findData(current) if current is not None else -1)
    combo.blockSignals(False)


class IntakeDialog(Retranslating, QDialog):
    """Opened with ``open()``; on success ``created`` is set and the dialog accepted. "Open the existing
    record" sets ``existing_id`` and rejects it."""

    def __init__(self, backend: Backend, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.today = today or dt.date.today()
        self.created: ParticipantSummary | None = None
        self.existing_id: str | None = None
        self.busy = False
        self._duplicate_of: str | None = None
        self._failure: BaseException | None = None
        today = self.today
        self.full_name = line(200)
        self.birth_date = BirthDateEdit(today.year - 35)
        self.birth_date.setMaximumDate(to_qdate(today))
        self.gender, self.language, self.component = QComboBox(), QComboBox(), QComboBox()
        self.phone, self.address = line(40), line(300)
        self.referral_source = QComboBox()
        self.received_on = date_edit(today)
        self.received_on.setMaximumDate(to_qdate(today))
        self.document_number, self.order_number = line(100), line(100)
        self.document_date, self.order_issued_on = OptionalDate(today), OptionalDate(today)
        self.order_ends_on = OptionalDate(default_order_end(today))
        self.curator_name, self.curator_contact = line(200), line(200)
        self.screening = QComboBox()
        self.therapy_certificate = line(200)
        self.contract_signed_on = OptionalDate(today)
        self.contract_note = wrapped()
        self.notes = text_box()
        self.partner_note = MessageLabel()
        self.partner_name, self.partner_relation, self.partner_phone = line(200), line(40), line(40)
        self.partner_safe = QCheckBox()
        self.partner_notes = text_box()
        self.error = MessageLabel()
        self.not_duplicate = QCheckBox()
        self.open_existing = QPushButton()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.labels: dict[str, QLabel] = {}
        self.tabs = QTabWidget()
        self.pages: list[QScrollArea] = []
        for names in TABS:
            self._add_tab(names)

        duplicate_row = QHBoxLayout()
        duplicate_row.addWidget(self.not_duplicate, 1)
        duplicate_row.addWidget(self.open_existing)
        self.not_duplicate.hide()
        self.open_existing.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addLayout(duplicate_row)
        layout.addWidget(self.buttons)

        self.order_issued_on.check.toggled.connect(self._issue_toggled)
        self.order_issued_on.edit.dateChanged.connect(self._issue_moved)
        self.screening.currentIndexChanged.connect(self._screening_changed)
        self.full_name.textChanged.connect(self._identity_changed)
        self.birth_date.dateChanged.connect(self._identity_changed)
        self.open_existing.clicked.connect(self._open_existing)
        self.retranslate_ui()
        self.screening.setCurrentIndex(self.screening.findData(Screening.NOT_DONE.value))
        self.resize(960, 560)  # the four tab names in full, in both languages

    def _add_tab(self, names: tuple[str, ...]) -> None:
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for name in names:
            field = getattr(self, name)
            if isinstance(field, OptionalDate):
                form.addRow(field.check, field.edit)
            elif isinstance(field, QCheckBox):
                form.addRow("", field)
            else:
                label = QLabel()
                label.setBuddy(field)
                form.addRow(label, field)
                self.labels[name] = label
            if name == "contract_signed_on":
                form.addRow("", self.contract_note)
        inner = QWidget()
        column = QVBoxLayout(inner)
        if names is TABS[3]:
            column.addWidget(self.partner_note)
        column.addLayout(form)
        column.addStretch(1)
        page = QScrollArea()
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        page.setWidget(inner)
        self.pages.append(page)
        self.tabs.addTab(page, "")

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("New participant: intake"))
        for index, title in enumerate(TAB_TITLES):
            self.tabs.setTabText(index, _(title))
        for name, label in self.labels.items():
            label.setText(_(LABELS[name]))
        for name in ("document_date", "order_issued_on", "order_ends_on", "contract_signed_on"):
            getattr(self, name).check.setText(_(LABELS[name]))
        safe = LABELS["partner_safe"]
        self.partner_safe.setText(_(safe))
        for combo in (self.gender, self.language, self.component, self.referral_source):
            combo.setPlaceholderText(_("— choose —"))
        fill_combo(self.gender, [(_(text), key.value) for key, text in GENDER_LABELS.items()])
        fill_combo(self.language, [(_("Kyrgyz"), "ky"), (_("Russian"), "ru")])
        fill_combo(self.component, [(_(text), key.value) for key, text in COMPONENT_LABELS.items()])
        fill_combo(self.referral_source, [(_(text), key.value) for key, text in REFERRAL_LABELS.items()])
        fill_combo(self.screening, [(_(text), key.value) for key, text in SCREENING_LABELS.items()])
        self.birth_date.setSpecialValueText(_("dd.mm.yyyy"))
        self.phone.setPlaceholderText(_("for example: +996 555 123 456"))
        self.therapy_certificate.setPlaceholderText(_("number and date of the certificate"))
        self.partner_relation.setPlaceholderText(_("for example: wife, former wife"))
        self.contract_note.setText(_("The contract includes the follow-up clause: after completing the programme, "
                                     "18 months of follow-up with at least 3 meetings."))
        self.partner_note.show_note(_("Kept apart: the partner's or victim's details are stored separately from the "
                                    "participant's record and are never shown to the participant. Write down only "
                                    "what is safe to keep."))
        self.not_duplicate.setText(_("This is another person with the same name and birth date"))
        self.open_existing.setText(_("Open the existing record"))
        self.ok.setText(_("Register participant"))
        if self._failure is not None:
            self.error.show_error(user_message(self._failure))

    # --- reacting ---------------------------------------------------------------------------

    def _issue_toggled(self, checked: bool) -> None:
        if checked:
            self._issue_moved()
        else:
            self.order_ends_on.check.setChecked(False)

    def _issue_moved(self) -> None:
        issued = self.order_issued_on.value()
        if issued is not None:
            self.order_ends_on.set(default_order_end(issued))

    def _screening_changed(self) -> None:
        self.therapy_certificate.setEnabled(self.screening.currentData() == Screening.THERAPY_COMPLETED.value)

    def _identity_changed(self) -> None:
        """Another name or birth date: an earlier "another person" confirmation no longer applies."""
        self.not_duplicate.setChecked(False)
        self.not_duplicate.hide()
        self.open_existing.hide()

    # --- saving -----------------------------------------------------------------------------

    def partner(self) -> PartnerDraft | None:
        partner = PartnerDraft(self.partner_name.text(), self.partner_relation.text(), self.partner_phone.text(),
                               self.partner_safe.isChecked(), self.partner_notes.toPlainText())
        written = (partner.full_name, partner.relation, partner.phone, partner.notes)
        return partner if any(text.strip() for text in written) else None

    def draft(self) -> IntakeDraft:
        return IntakeDraft(
            full_name=self.full_name.text(), birth_date=self.birth_date.value(), gender=self.gender.currentData() or "",
            language=self.language.currentData() or "", component=self.component.currentData() or "",
            referral_source=self.referral_source.currentData() or "", received_on=to_date(self.received_on.date()),
            phone=self.phone.text(), address=self.address.text(), document_number=self.document_number.text(),
            document_date=self.document_date.value(), order_number=self.order_number.text(),
            order_issued_on=self.order_issued_on.value(), order_ends_on=self.order_ends_on.value(),
            screening=self.screening.currentData() or "",
            therapy_certificate=self.therapy_certificate.text() if self.therapy_certificate.isEnabled() else "",
            contract_signed_on=self.contract_signed_on.value(), curator_name=self.curator_name.text(),
            curator_contact=self.curator_contact.text(), notes=self.notes.toPlainText(), partner=self.partner(),
            confirm_not_duplicate=self.not_duplicate.isChecked(),
        )

    def submit(self) -> None:
        if self.busy:
            return
        draft, today = self.draft(), self.today
        self._set_busy(True)
        job = self.backend.run_open(lambda ws: ws.participants.create(draft, today), self._created, self._failed,
                                    owner=self)
        if job is None:  # locked meanwhile
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)
        self.open_existing.setEnabled(not busy)

    def _created(self, summary: ParticipantSummary) -> None:
        self._set_busy(False)
        self._failure = None
        self.created = summary
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._failure = exc
        self.error.show_error(user_message(exc))
        existing = getattr(exc, "existing_id", None)  # DuplicateParticipant (its module is the storage side)
        if existing:
            self._duplicate_of = str(existing)
            self.not_duplicate.show()
            self.open_existing.show()
        self.show_field(getattr(exc, "field", None))

    def show_field(self, field: str | None) -> None:
        """Bring the field the error names into view: its tab, scrolled to, focused."""
        index = TAB_OF.get(field or "")
        if index is None:
            return
        self.tabs.setCurrentIndex(index)
        widget = getattr(self, "partner_name" if field == "partner" else field)
        if isinstance(widget, OptionalDate):
            widget = widget.edit if widget.check.isChecked() else widget.check
        self.pages[index].ensureWidgetVisible(widget)
        widget.setFocus()

    def _open_existing(self) -> None:
        self.existing_id = self._duplicate_of
        self.reject()

    def reject(self) -> None:
        if not self.busy:  # Esc while the record is being written: ignored
            super().reject()
