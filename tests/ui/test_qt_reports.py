"""The Reports page on a real encrypted centre and the real worker: a register made in Russian while
the app speaks Kyrgyz, shown in the preview, saved and read back with pdftotext; an export without
personal data; a custom period that ends before it starts is refused on the spot."""

from __future__ import annotations

import datetime as dt
import subprocess

from qt_helpers import PASSWORD_MAN, WAIT_MS, on_worker, unlock, wait_idle

from instructor_app.i18n import _, current_language, language_of_document
from instructor_app.services.documents import DocumentKind
from instructor_app.services.participant_data import IntakeDraft
from instructor_app.services.programme_data import GroupDraft
from ui.qt import QDate, Qt

GROUP = "Шаң тобу — кечки"
PERSON = "Үмүт Өмүрбеков"


def a_group_with_a_participant(ws) -> str:
    today = dt.date.today()
    version = next(c for c in ws.curricula.list() if c.key == "tcp-voluntary-men" and c.latest)
    people = {person.gender: person.id for person in ws.facilitators()}
    group = ws.groups.create(GroupDraft(
        name=GROUP, curriculum_version_id=version.id, language="ky", participant_gender="male",
        lead_facilitator_id=people["male"], co_facilitator_id=people["female"], pair_exception_reason="",
        room="1", weekday=today.weekday(), start_time="10:00", start_date=today), today)
    person = ws.participants.create(IntakeDraft(
        full_name=PERSON, birth_date=dt.date(1986, 3, 2), gender="male", language="ky", component="voluntary",
        referral_source="self", received_on=today, screening="eligible", contract_signed_on=today), today)
    ws.attendance.enrol(person.id, group.group.id, today, today)
    return group.group.id


def open_reports(qtbot, desktop):
    window = desktop.main_window
    window.nav.setCurrentRow(window.pages.index(window.reports))
    wait_idle(qtbot, desktop)
    return window.reports


def choose_kind(page, kind: DocumentKind) -> None:
    row = next(r for r in range(page.kinds.count()) if page.kinds.item(r).data(Qt.ItemDataRole.UserRole) == kind.value)
    page.kinds.setCurrentRow(row)


def test_a_russian_register_is_made_previewed_and_saved_while_the_app_speaks_kyrgyz(
        qtbot, desktop_factory, set_up_workspace, tmp_path) -> None:
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    group_id = on_worker(qtbot, desktop, a_group_with_a_participant)
    page = open_reports(qtbot, desktop)
    assert current_language() == "ky"

    choose_kind(page, DocumentKind.REGISTER)
    qtbot.waitUntil(lambda: page.form.group.findData(group_id) >= 0, timeout=WAIT_MS)
    page.form.group.setCurrentIndex(page.form.group.findData(group_id))
    assert page.form.language.currentData() == "ky"  # the group's language by default
    page.form.language.setCurrentIndex(page.form.language.findData("ru"))
    qtbot.mouseClick(page.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.made is not None, timeout=WAIT_MS)
    issued, data, _request = page.made
    assert issued.number.startswith("REG-") and data.startswith(b"%PDF-")
    qtbot.waitUntil(lambda: page._pdf.pageCount() == issued.pages, timeout=WAIT_MS)  # the preview shows it
    assert page.save_button.isEnabled() and issued.number in page.message.text()
    assert not issued.path.exists()  # no unencrypted copy left behind in the temporary folder

    out = tmp_path / "out" / "register.pdf"
    page.save_to(out)
    qtbot.waitUntil(out.exists, timeout=WAIT_MS)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    with language_of_document("ru"):
        heading = _("Attendance register")
    assert heading in text and GROUP in text and PERSON in text and issued.number in text


def test_an_export_is_pseudonymous_unless_chosen_and_a_backward_period_is_refused(
        qtbot, desktop_factory, set_up_workspace, tmp_path) -> None:
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    on_worker(qtbot, desktop, a_group_with_a_participant)
    page = open_reports(qtbot, desktop)
    choose_kind(page, DocumentKind.EXPORT)
    assert page.form.personal.isVisibleTo(page) and not page.form.personal.isChecked()
    page.form.export_format.setCurrentIndex(page.form.export_format.findData("csv"))
    page.form.period_kind.setCurrentIndex(page.form.period_kind.findData("custom"))
    today = QDate.currentDate()
    page.form.start.setDate(today)
    page.form.end.setDate(today.addDays(-1))
    qtbot.mouseClick(page.make_button, Qt.MouseButton.LeftButton)
    assert page.message.kind == "error" and page.made is None  # said at once, nothing made

    page.form.start.setDate(today.addDays(-30))
    page.form.end.setDate(today)
    qtbot.mouseClick(page.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.made is not None, timeout=WAIT_MS)
    issued, data, _request = page.made
    assert issued.number.startswith("EXP-") and issued.pages == 0
    text = data.decode("utf-8-sig")
    assert PERSON not in text and len(text.splitlines()) == 2  # a header and one pseudonymous row
    out = tmp_path / "export.csv"
    page.save_to(out)
    qtbot.waitUntil(out.exists, timeout=WAIT_MS)
    assert out.read_bytes() == data
