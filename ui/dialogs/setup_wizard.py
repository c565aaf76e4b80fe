"""First run: language, centre, facilitator pair, then set-up and the recovery key.

A thin Qt layer over ``Workspace.set_up``: the pages collect plain values, the service validates
them (errors come back with the field they are about) and creates the encrypted data on the DB
worker. The wizard ends unlocked, emitting ``completed(OpenWorkspace)``. On a new laptop the first
page can restore a backup instead (``ui.dialogs.language_page``): the wizard emits
``restored(Manifest)`` and the app shows the unlock screen.
"""

from __future__ import annotations

from collections.abc import Callable

from instructor_app import errors
from instructor_app.domain.facilitators import GENDER_LABELS, PAIR_NOTICE_TEXT, Gender, pair_notice
from instructor_app.domain.regions import REGION_LABELS, Region
from instructor_app.i18n import _, current_language
from instructor_app.services.data import FacilitatorDraft, SetupRequest
from ui.dialogs.language_page import LanguagePage
from ui.dialogs.recovery import RecoveryKeyPage
from ui.qt import (QComboBox, QCoreApplication, QFormLayout, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWizard,
                   QWizardPage, Signal)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import FieldError, MessageLabel, PasswordEdit, wrapped


class CentrePage(Retranslating, QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.region = QComboBox()
        self.region.addItem("", "")
        for region in Region:
            self.region.addItem("", region.value)
        self.errors = {"centre_name": FieldError(), "region": FieldError()}
        self.name_label, self.region_label = QLabel(), QLabel()
        self.name_label.setBuddy(self.name)
        self.region_label.setBuddy(self.region)
        form = QFormLayout(self)
        form.addRow(self.name_label, self.name)
        form.addRow(self.errors["centre_name"])
        form.addRow(self.region_label, self.region)
        form.addRow(self.errors["region"])
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("The centre"))
        self.setSubTitle(_("The crisis centre or organisation that runs the programme on this laptop."))
        self.name_label.setText(_("&Name of the centre:"))
        self.region_label.setText(_("&Oblast or city:"))
        self.region.setItemText(0, _("Choose…"))
        for index, region in enumerate(Region, start=1):
            self.region.setItemText(index, _(REGION_LABELS[region]))

    def show_field_error(self, field: str, message: str) -> bool:
        if field not in self.errors:
            return False
        self.errors[field].show_error(message)
        (self.name if field == "centre_name" else self.region).setFocus()
        return True

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()


class FacilitatorRow:
    """One facilitator's widgets: name, gender, password and its confirmation, and the error."""

    def __init__(self) -> None:
        self.title = QLabel()
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.gender = QComboBox()
        self.gender.addItem("", "")
        for gender in Gender:
            self.gender.addItem("", gender.value)
        self.password = PasswordEdit()
        self.confirm = PasswordEdit()
        self.error = FieldError()

    def retranslate(self, number: int) -> None:
        self.title.setText(_("Facilitator {number}").format(number=number))
        self.name.setPlaceholderText(_("Full name"))
        self.gender.setItemText(0, _("Gender…"))
        for index, gender in enumerate(Gender, start=1):
            self.gender.setItemText(index, _(GENDER_LABELS[gender]))
        self.password.setPlaceholderText(_("Password (at least 8 characters)"))
        self.confirm.setPlaceholderText(_("Repeat the password"))

    def is_empty(self) -> bool:
        return not (self.name.text().strip() or self.password.text() or self.gender.currentData())

    def draft(self) -> FacilitatorDraft:
        return FacilitatorDraft(self.name.text(), self.gender.currentData(), self.password.text())


class FacilitatorsPage(Retranslating, QWizardPage):
    """The pair; its "Set up" button creates the encrypted data (there is no way back after it)."""

    def __init__(self, wizard: "SetupWizard") -> None:
        super().__init__()
        self._wizard = wizard
        self._busy = False
        self._used_rows: list[FacilitatorRow] = []
        self.rows = [FacilitatorRow(), FacilitatorRow()]
        self.headers = [QLabel() for _ in range(4)]
        grid = QGridLayout()
        for column, header in enumerate(self.headers, start=1):
            grid.addWidget(header, 0, column)
        for index, row in enumerate(self.rows):
            line = 1 + index * 2
            for column, widget in enumerate((row.title, row.name, row.gender, row.password, row.confirm)):
                grid.addWidget(widget, line, column)
            grid.addWidget(row.error, line + 1, 1, 1, 4)
            row.gender.currentIndexChanged.connect(self._update_pair_note)
            row.name.textChanged.connect(self._update_pair_note)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        grid.setColumnStretch(4, 2)
        self.pair_note = MessageLabel()
        self.hint = wrapped()
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.pair_note)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        layout.addWidget(self.message)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("The facilitators"))
        self.setSubTitle(_("Sessions are run by a pair: one man and one woman. Each facilitator "
                           "unlocks the app with their own password."))
        for header, text in zip(self.headers, (_("Name"), _("Gender"), _("Password"), _("Repeat"))):
            header.setText(text)
        for number, row in enumerate(self.rows, start=1):
            row.retranslate(number)
        self.hint.setText(_("Leave the second row empty if only one facilitator uses this laptop for now. "
                            "“Set up” creates the encrypted data; it takes a few seconds."))
        self._wizard.setButtonText(SET_UP_BUTTON, _("Set up"))
        if self._busy:
            self.message.show_note(_("Setting up the encrypted data…"))
        self._update_pair_note()

    def _update_pair_note(self) -> None:
        rows = [row for row in self.rows if not row.is_empty()]
        genders = [row.gender.currentData() for row in rows]
        notice = pair_notice(genders) if rows and all(genders) else None
        if notice is None:
            self.pair_note.clear()
        else:
            self.pair_note.show_note(_(PAIR_NOTICE_TEXT[notice]))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for row in self.rows:
            for widget in (row.name, row.gender, row.password, row.confirm):
                widget.setEnabled(not busy)
        for which in (SET_UP_BUTTON, QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self._wizard.button(which).setEnabled(not busy)
        if busy:
            self.message.show_note(_("Setting up the encrypted data…"))

    def start_set_up(self) -> None:
        """The "Set up" button: check what only the form knows, then let the service do the rest.

        A button of its own rather than ``validatePage``: the set-up runs on the worker and
        ``validatePage`` must answer at once; the wizard moves on in ``set_up_done``.
        """
        if self._busy or self._wizard.open_workspace is not None:
            return
        self.message.clear()
        self._wizard.centre_page.clear_errors()
        for row in self.rows:
            row.error.clear()
        self._used_rows = [row for row in self.rows if not row.is_empty()] or self.rows[:1]
        for row in self._used_rows:
            if row.password.text() != row.confirm.text():
                row.error.show_error(_("The two passwords do not match."))
                row.confirm.setFocus()
                return
        request = self._wizard.request(tuple(row.draft() for row in self._used_rows))
        self._set_busy(True)
        self._wizard.backend.run(lambda ws: ws.set_up(request), self._set_up, self._failed, owner=self)

    def _set_up(self, result) -> None:
        workspace, outcome = result
        self._set_busy(False)
        self.message.clear()
        self._wizard.set_up_done(workspace, outcome)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        field = exc.field if isinstance(exc, errors.InvalidInput) else ""
        if field.startswith("facilitator") and "." in field:
            index = int(field.split(".")[0].removeprefix("facilitator") or 0)
            row = self._used_rows[index] if index < len(self._used_rows) else self.rows[0]
            row.error.show_error(exc.message())
            getattr(row, field.split(".")[1], row.name).setFocus()
        elif field in ("centre_name", "region"):
            self._wizard.go_back_to(self._wizard.centre_page)
            self._wizard.centre_page.show_field_error(field, exc.message())
        else:
            self.message.show_error(user_message(exc))


SET_UP_BUTTON = QWizard.WizardButton.CustomButton1
STRETCH = QWizard.WizardButton.Stretch
NORMAL_LAYOUT = [STRETCH, QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                 QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton]
SET_UP_LAYOUT = [STRETCH, QWizard.WizardButton.BackButton, SET_UP_BUTTON, QWizard.WizardButton.CancelButton]

WIZARD_BUTTONS = {  # Qt's own ModernStyle texts, listed in ui/qt_strings.py
    QWizard.WizardButton.BackButton: "< &Back",
    QWizard.WizardButton.NextButton: "&Next >",
    QWizard.WizardButton.FinishButton: "&Finish",
    QWizard.WizardButton.CancelButton: "Cancel",
}


class SetupWizard(Retranslating, QWizard):
    completed = Signal(object)  # OpenWorkspace
    restored = Signal(object)   # backup.Manifest: a backup was restored instead of setting up

    def __init__(self, backend: Backend, on_language: Callable[[str], None]) -> None:
        super().__init__()
        self.backend = backend
        self.open_workspace = None
        self.setup_result = None
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.language_page = LanguagePage(on_language, backend)
        self.restore_option = self.language_page.restore_option
        self.restore_option.restored.connect(self.restored)
        self.restore_option.busy_changed.connect(self._restoring)
        self.centre_page = CentrePage()
        self.facilitators_page = FacilitatorsPage(self)
        self.key_page = RecoveryKeyPage(lambda: self.centre_page.name.text().strip())
        for page in (self.language_page, self.centre_page, self.facilitators_page, self.key_page):
            self.addPage(page)
        self.button(SET_UP_BUTTON).clicked.connect(self.facilitators_page.start_set_up)
        self.currentIdChanged.connect(self._page_changed)
        self._page_changed()
        self.resize(900, 600)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Instructor App — set-up"))
        # QWizard sets its default button texts once; look them up again (through our translator).
        for which, text in WIZARD_BUTTONS.items():
            self.setButtonText(which, QCoreApplication.translate("QWizard", text))

    def request(self, facilitators: tuple[FacilitatorDraft, ...]) -> SetupRequest:
        return SetupRequest(self.centre_page.name.text(), self.centre_page.region.currentData(),
                            current_language(), facilitators)

    def _page_changed(self, _id: int = -1) -> None:
        """The facilitators page ends with "Set up" instead of Next; after it there is no way back."""
        page = self.currentPage()
        self.setButtonLayout(SET_UP_LAYOUT if page is self.facilitators_page else NORMAL_LAYOUT)
        self.button(SET_UP_BUTTON).setDefault(page is self.facilitators_page)

    def _restoring(self, busy: bool) -> None:
        """While a backup is restored there is no moving on and no closing (Back is off on page 1)."""
        for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not busy)

    def go_back_to(self, page: QWizardPage) -> None:
        while self.currentPage() is not page and self.visitedIds() and self.currentId() != self.startId():
            self.back()

    def set_up_done(self, workspace, result) -> None:
        self.open_workspace, self.setup_result = workspace, result
        self.key_page.set_key(result.recovery_key)
        self.next()
        self.button(QWizard.WizardButton.BackButton).hide()  # the data exists now

    def accept(self) -> None:
        if self.open_workspace is None or not self.key_page.confirmed.isChecked():
            return
        self.key_page.clear_clipboard()
        super().accept()
        self.completed.emit(self.open_workspace)

    def reject(self) -> None:
        # set up already (the key must be confirmed first), or a restore is running
        if self.open_workspace is not None or self.restore_option.busy:
            return
        super().reject()
