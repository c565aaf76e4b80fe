"""Render every screen of the desktop app, in Kyrgyz and Russian, into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python build/screenshots.py

Uses a throw-away data folder with a centre set up through the real services (cheap key
derivation, so it runs in seconds), drives the real windows and grabs them at 1366×768 (dialogs
at their own size). The wizard's first page shows the option to restore a backup instead of
setting up; ``wizard-restore`` is the prompt it opens (only the file picker is skipped).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from instructor_app.demo import create_demo  # noqa: E402
from instructor_app.i18n import set_language  # noqa: E402
from instructor_app.paths import DataFolder  # noqa: E402
from instructor_app.services.data import FacilitatorDraft, SetupRequest  # noqa: E402
from instructor_app.services.workspace import Workspace  # noqa: E402
from instructor_app.storage.crypto import KdfParams  # noqa: E402
from ui import fonts  # noqa: E402
from ui.app import DesktopApp  # noqa: E402
from ui.qt import QApplication, QFileDialog, QSize, QWizard  # noqa: E402
from ui.translator import install_translator, switch_language  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZE = QSize(1366, 768)
KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
CENTRE = "Кризистик борбор «Үмүт»"
MAN = ("Тынчтык Асанов", "tynchtyk-2024")
WOMAN = ("Гүлнара Токтосунова", "gulnara-2024")
DEMO_PASSWORD = "demo-pass"


def settle(desktop: DesktopApp, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if desktop.worker.pending == 0:
            break
        time.sleep(0.01)
    for _ in range(5):
        QApplication.processEvents()


def grab(widget, name: str, language: str, size: QSize | None = SIZE) -> None:
    if size is not None:
        widget.resize(size)
    QApplication.processEvents()
    path = OUT / f"{name}-{language}.png"
    widget.grab().save(str(path))
    print("wrote", path.relative_to(ROOT))


def set_up_centre(folder: DataFolder) -> Workspace:
    workspace = Workspace(folder, KDF)
    opened, _result = workspace.set_up(SetupRequest(CENTRE, "osh_city", "ky", (
        FacilitatorDraft(MAN[0], "male", MAN[1]), FacilitatorDraft(WOMAN[0], "female", WOMAN[1]))))
    opened.close()
    return workspace


def shoot_unlocked_app(workspace: Workspace, language: str) -> None:
    desktop = DesktopApp(workspace.folder, workspace.settings(), workspace.kdf)
    desktop.start(True)
    settle(desktop)
    grab(desktop.unlock_window, "unlock", language)
    screen = desktop.unlock_window
    screen.accounts.setCurrentRow(0)
    screen.password.setText(MAN[1])
    screen.try_unlock()
    settle(desktop)
    window = desktop.main_window
    window.statusBar().clearMessage()
    grab(window, "today-empty", language)
    desktop.shutdown()
    for widget in (window, screen):
        widget.close()


def add_a_losing_version(opened) -> None:
    """A demo participant's phone number edited on both laptops of the pair: the other edit lost."""
    from sqlalchemy import select

    from instructor_app.storage.participant_models import Participant
    from instructor_app.sync.demo_conflict import store_losing_version

    from instructor_app.storage.models import Facilitator

    with opened.db.session() as session:
        person = session.scalars(select(Participant).where(Participant.full_name == "Азамат Осмонов")).one()
        other = session.scalars(select(Facilitator.id).where(Facilitator.display_name == "Гүлзат Ормонова")).one()
    store_losing_version(opened.db, Participant, person.id,
                         {"phone": "+996 555 804 117", "address": "Ош ш., Ленин к. 12", "updated_by": str(other)},
                         losing_name="Гүлзат Ормонова", winning_name="Бакыт Жумабеков")


def show_page(desktop: DesktopApp, page) -> None:
    window = desktop.main_window
    window.nav.setCurrentRow(window.pages.index(page))
    settle(desktop)
    window.statusBar().clearMessage()


def shoot_programmes(folder: DataFolder, language: str) -> None:
    """Groups, calendar, programmes and a session plan, on the demo centre (``demo.create_demo``)."""
    workspace = Workspace(folder, KDF)
    workspace.save_settings(workspace.settings().__class__(language=language))
    desktop = DesktopApp(workspace.folder, workspace.settings(), workspace.kdf)
    desktop.start(True)
    settle(desktop)
    screen = desktop.unlock_window
    screen.accounts.setCurrentRow(0)
    screen.password.setText(DEMO_PASSWORD)
    screen.try_unlock()
    settle(desktop, 30)
    window = desktop.main_window
    window.resize(SIZE)
    show_page(desktop, window.today)
    grab(window, "today", language)
    groups = window.groups
    show_page(desktop, groups)
    groups.table.selectRow(1)
    settle(desktop)
    detail = groups.detail
    for row, item in enumerate(detail.model.rows):
        if item.status == "planned":
            detail.table.selectRow(row)
            detail.table.scrollTo(detail.model.index(max(0, row - 3), 0))
            break
    settle(desktop)
    grab(window, "groups", language)
    detail.buttons["postpone"].click()
    change = detail.dialog
    change.reason.setPlainText("Инструктор ооруп калды" if language == "ky" else "Инструктор заболел")
    change.adjustSize()
    grab(change, "group-postpone", language, size=None)
    change.reject()
    dialog = groups.new_group()
    settle(desktop)
    dialog.name.setText("Эркектер тобу — жекшемби" if language == "ky" else "Мужская группа — воскресенье")
    dialog.room.setText("4-бөлмө")
    dialog.weekday.setCurrentIndex(6)
    settle(desktop)
    time.sleep(0.4)
    settle(desktop)
    grab(dialog, "group-new", language, size=None)
    dialog.reject()
    calendar = window.calendar
    show_page(desktop, calendar)
    grab(window, "calendar-week", language)
    calendar.month_button.click()
    settle(desktop)
    grab(window, "calendar-month", language)
    calendar.week_button.click()
    show_page(desktop, window.programmes)
    grab(window, "programmes", language)
    show_page(desktop, window.settings)
    grab(window, "settings", language)
    box = window.settings.sync_box
    box.review_button.click()
    settle(desktop)
    grab(box.review_dialog, "sync-conflicts", language, QSize(900, 520))
    box.review_dialog.reject()
    settle(desktop)
    shoot_reports(desktop, window, language)
    shoot_participants(desktop, window, language)
    session_id = next(r.id for r in detail.model.rows if r.status == "planned")
    window.open_session_plan(session_id)
    settle(desktop)
    plan = window.plan_windows[-1]
    grab(plan, "session-plan", language, QSize(1000, 720))
    plan.large_text.setChecked(True)
    settle(desktop)
    grab(plan, "session-plan-large", language, QSize(1000, 720))
    plan.large_text.setChecked(False)
    settle(desktop)
    plan.close()
    desktop.shutdown()
    window.close()


def shoot_reports(desktop: DesktopApp, window, language: str) -> None:
    """The Reports page with a group's attendance register made and shown in the preview."""
    page = window.reports
    show_page(desktop, page)
    page.kinds.setCurrentRow(0)
    page.form.group.setCurrentIndex(max(0, page.form.group.findText("Эркектер тобу — кечки")))
    page.form.language.setCurrentIndex(page.form.language.findData(language))
    page.make()
    settle(desktop, 30)
    for _ in range(20):  # the preview renders its pages asynchronously
        QApplication.processEvents()
        time.sleep(0.05)
    grab(window, "reports", language)


def shoot_participants(desktop: DesktopApp, window, language: str) -> None:
    """The participants page with a record open, the intake dialog (first two tabs), the register."""
    from ui.dialogs.intake import IntakeDialog

    page = window.participants
    show_page(desktop, page)
    model = page.table.model()
    target = next((r for r in range(model.rowCount()) if "Эрлан" in str(model.index(r, 0).data())), 0)
    page.table.selectRow(target)
    settle(desktop)
    grab(window, "participants", language)
    dialog = IntakeDialog(desktop.backend, window)
    dialog.full_name.setText("Эмил Кудайбергенов")
    dialog.open()
    settle(desktop)
    grab(dialog, "intake-person", language, size=None)
    dialog.tabs.setCurrentIndex(1)
    settle(desktop)
    grab(dialog, "intake-referral", language, size=None)
    dialog.reject()
    register = window.register
    show_page(desktop, register)
    index = register.group_combo.findText("Эркектер тобу — кечки")
    if index >= 0:
        register.group_combo.setCurrentIndex(index)
    settle(desktop)
    grab(window, "register", language)
    shoot_assessments(desktop, window, language)


def shoot_assessments(desktop: DesktopApp, window, language: str) -> None:
    """The results chart of a participant, the partner form and a kiosk question (Russian-speaking participant)."""
    from ui.dialogs.partner_feedback import PartnerFeedbackDialog
    from ui.views.kiosk import start_kiosk

    page = window.participants
    show_page(desktop, page)
    model = page.table.model()
    for name in ("Азамат Осмонов", "Мирлан Абдыкеримов"):
        row = next(r for r in range(model.rowCount()) if name in str(model.index(r, 0).data()))
        page.table.selectRow(row)
        settle(desktop)
        if name == "Азамат Осмонов":
            from ui.views.results import ResultsPanel

            summary = next(p for p in model.rows if p.full_name == name)
            panel = ResultsPanel(desktop.backend)  # on its own, tall enough to show the chart
            panel.resize(1180, 1400)
            panel.set_participant(summary)
            panel.refresh()
            settle(desktop)
            panel.show()
            settle(desktop)
            grab(panel, "results", language, size=QSize(1180, 1400))
            panel.close()
            if summary is not None:
                dialog = PartnerFeedbackDialog(desktop.backend, summary, "mid", window)
                dialog.open()
                settle(desktop)
                grab(dialog, "partner-feedback", language, size=QSize(760, 700))
                dialog.reject()
        else:
            summary = next(p for p in model.rows if p.full_name == name)
            kiosk = start_kiosk(desktop.backend, summary.id, "participant-self-assessment", "intake", window)
            settle(desktop)
            kiosk.start_button.click()
            settle(desktop)
            grab(kiosk, "kiosk-question", language)
            kiosk._leave()
            settle(desktop)


def shoot_wizard(folder: DataFolder, language: str) -> None:
    desktop = DesktopApp(folder, Workspace(folder).settings(), KDF)
    desktop.start(False)
    wizard = desktop.wizard
    grab(wizard, "wizard-language", language)
    shoot_restore_prompt(wizard, language)
    wizard.next()
    centre = wizard.centre_page
    centre.name.setText(CENTRE)
    centre.region.setCurrentIndex(centre.region.findData("osh_city"))
    grab(wizard, "wizard-centre", language)
    wizard.next()
    page = wizard.facilitators_page
    for row, (name, password), gender in zip(page.rows, (MAN, WOMAN), ("male", "female")):
        row.name.setText(name)
        row.gender.setCurrentIndex(row.gender.findData(gender))
        row.password.setText(password)
        row.confirm.setText(password)
    grab(wizard, "wizard-facilitators", language)
    wizard.button(QWizard.WizardButton.CustomButton1).click()
    settle(desktop, 30)
    grab(wizard, "wizard-recovery-key", language)
    wizard.key_page.confirmed.setChecked(True)
    wizard.accept()
    settle(desktop)
    desktop.shutdown()
    desktop.main_window.close()


def shoot_restore_prompt(wizard, language: str) -> None:
    """The password / recovery-key prompt of "Restore from a backup…" on the wizard's first page."""
    picker = QFileDialog.getOpenFileName
    QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: ("/media/usb/instructor-app-2026-11-20.iabackup", ""))
    try:
        wizard.restore_option.button.click()
    finally:
        QFileDialog.getOpenFileName = picker
    prompt = wizard.restore_option.prompt
    prompt.adjustSize()
    grab(prompt, "wizard-restore", language, size=None)
    prompt.reject()
    wizard.activateWindow()  # focus back on the wizard, as after a real Cancel
    QApplication.processEvents()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    set_language("ky")
    install_translator()
    missing = fonts.load_fonts(app)
    if missing:
        print("warning: fonts not loaded:", ", ".join(missing))
    with tempfile.TemporaryDirectory(prefix="instructor-screens-") as tmp:
        workspace = set_up_centre(DataFolder(Path(tmp) / "centre"))
        for language in ("ky", "ru"):
            switch_language(language)
            workspace.save_settings(workspace.settings().__class__(language=language))
            shoot_unlocked_app(workspace, language)
            shoot_wizard(DataFolder(Path(tmp) / f"new-{language}"), language)
        demo = DataFolder(Path(tmp) / "demo")
        demo_workspace = Workspace(demo, KDF)
        opened, _result = create_demo(demo_workspace, DEMO_PASSWORD)
        add_a_losing_version(opened)
        opened.close()
        for language in ("ky", "ru"):
            switch_language(language)
            shoot_programmes(demo, language)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
