"""The set-up wizard: errors next to their fields, a single facilitator allowed, the key sheet."""

from __future__ import annotations

from qt_helpers import reach_the_key_page, type_text, wait_idle

from instructor_app.domain.facilitators import PAIR_NOTICE_TEXT, PairNotice
from instructor_app.i18n import _
from ui.dialogs.recovery import print_recovery_sheet
from ui.qt import Qt, QWizard, print_support


def next_page(qtbot, wizard, which=QWizard.WizardButton.NextButton) -> None:
    qtbot.mouseClick(wizard.button(which), Qt.MouseButton.LeftButton)


def test_errors_are_shown_next_to_their_fields(qtbot, workspace, desktop_factory):
    desktop = desktop_factory(workspace)
    wizard = desktop.wizard
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)  # no centre name yet: the service says so after "Set up"
    page = wizard.facilitators_page
    row = page.rows[0]
    type_text(qtbot, row.name, "Айгүл Осмонова")
    row.gender.setCurrentIndex(2)
    qtbot.keyClicks(row.password, "short")
    qtbot.keyClicks(row.confirm, "shorter")
    next_page(qtbot, wizard, QWizard.WizardButton.CustomButton1)
    assert row.error.text() == _("The two passwords do not match.")
    row.confirm.clear()
    qtbot.keyClicks(row.confirm, "short")
    # one facilitator only: allowed, with a note
    assert page.pair_note.text() == _(PAIR_NOTICE_TEXT[PairNotice.SINGLE])
    next_page(qtbot, wizard, QWizard.WizardButton.CustomButton1)
    wait_idle(qtbot, desktop)
    assert wizard.currentPage() is wizard.centre_page
    assert wizard.centre_page.errors["centre_name"].text() == _("Enter the name of the centre.")

    type_text(qtbot, wizard.centre_page.name, "Нарын кризистик борбору")
    wizard.centre_page.region.setCurrentIndex(wizard.centre_page.region.findData("naryn"))
    next_page(qtbot, wizard)
    next_page(qtbot, wizard, QWizard.WizardButton.CustomButton1)
    wait_idle(qtbot, desktop)
    assert row.error.text() == _("The password must have at least {count} characters.").format(count=8)
    assert not workspace.is_set_up()

    for field in (row.password, row.confirm):
        field.clear()
        qtbot.keyClicks(field, "aigul-osmonova")
    next_page(qtbot, wizard, QWizard.WizardButton.CustomButton1)
    wait_idle(qtbot, desktop)
    assert wizard.currentPage() is wizard.key_page
    assert workspace.is_set_up()
    wizard.reject()  # closing before the key is confirmed is refused
    assert wizard.isVisible()
    assert not wizard.button(QWizard.WizardButton.BackButton).isVisible()


def test_recovery_sheet_prints(qapp, tmp_path):
    QPrinter = print_support().QPrinter
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "sheet.pdf"
    printer.setOutputFileName(str(out))
    print_recovery_sheet(printer, "Кризистик борбор «Үмүт»", "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789")
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 1000


def test_copy_puts_the_key_on_the_clipboard(qtbot, workspace, desktop_factory):
    from ui.qt import QGuiApplication

    desktop = desktop_factory(workspace)
    page = desktop.wizard.key_page
    page.set_key("ABCD-EFGH")
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "ABCD-EFGH"
    assert page.feedback.kind == "info"


def test_finishing_the_wizard_clears_the_copied_key(qtbot, workspace, desktop_factory):
    from ui.qt import QGuiApplication

    desktop = desktop_factory(workspace)
    page = reach_the_key_page(qtbot, desktop)
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    clipboard = QGuiApplication.clipboard()
    assert clipboard.text() == page.key and len(page.key) >= 32
    page.confirmed.setChecked(True)
    qtbot.mouseClick(desktop.wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    assert desktop.main_window is not None and desktop.main_window.isVisible()
    assert clipboard.text() == ""


def test_finishing_the_wizard_leaves_other_clipboard_text_alone(qtbot, workspace, desktop_factory):
    from ui.qt import QGuiApplication

    desktop = desktop_factory(workspace)
    page = reach_the_key_page(qtbot, desktop)
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("the centre's address, copied after the key")
    page.confirmed.setChecked(True)
    qtbot.mouseClick(desktop.wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)
    assert clipboard.text() == "the centre's address, copied after the key"
