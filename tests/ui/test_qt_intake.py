"""Intake dialog: a facilitator registers a participant at the first meeting. Refused entries bring the
facilitator to the tab and field at fault with everything kept; a possible duplicate asks first."""

from __future__ import annotations

import datetime as dt

import pytest
from qt_helpers import PASSWORD_MAN, WAIT_MS, type_text, unlock, wait_idle

from instructor_app.i18n import _
from instructor_app.participants.lifecycle import STATUS_LABELS, Status
from instructor_app.services.participant_data import IntakeDraft
from ui.dialogs.intake import IntakeDialog
from ui.dialogs.new_group import to_date, to_qdate
from ui.qt import QDialog, QPoint, Qt

TODAY = dt.date.today()
NAME = "Алмаз Бекмуратов"


@pytest.fixture
def desktop(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    return desktop


def open_intake(qtbot, desktop) -> IntakeDialog:
    dialog = IntakeDialog(desktop.backend, desktop.main_window)
    dialog.open()
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    return dialog


def on_worker(qtbot, desktop, fn):
    box = []
    desktop.backend.run_open(fn, box.append, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT_MS)
    return box[0]


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, (data, [combo.itemData(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)


def press_ok(qtbot, desktop, dialog: IntakeDialog) -> None:
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    wait_idle(qtbot, desktop)


def fill_person(qtbot, dialog: IntakeDialog, name: str = NAME, birth: str = "17051988") -> None:
    dialog.tabs.setCurrentIndex(0)
    type_text(qtbot, dialog.full_name, name)
    type_text(qtbot, dialog.birth_date, birth)
    assert dialog.birth_date.text() == "17.05.1988"
    choose(dialog.gender, "male")
    choose(dialog.language, "ky")
    choose(dialog.component, "mandatory")


def fill_referral(qtbot, dialog: IntakeDialog) -> dt.date:
    dialog.tabs.setCurrentIndex(1)
    choose(dialog.referral_source, "police")
    dialog.received_on.setDate(to_qdate(TODAY - dt.timedelta(days=1)))
    type_text(qtbot, dialog.order_number, "ВОО-2026-0311")
    issued = TODAY - dt.timedelta(days=3)
    dialog.order_issued_on.check.setChecked(True)
    dialog.order_issued_on.edit.setDate(to_qdate(issued))
    return issued


def test_only_a_name_asks_for_the_birth_date_on_the_person_tab(qtbot, desktop) -> None:
    dialog = open_intake(qtbot, desktop)
    type_text(qtbot, dialog.full_name, NAME)
    assert dialog.birth_date.value() is None and dialog.birth_date.text() == _("dd.mm.yyyy")  # nothing guessed
    dialog.tabs.setCurrentIndex(3)
    press_ok(qtbot, desktop, dialog)
    assert dialog.isVisible()
    assert dialog.error.text() == _("Enter the date of birth.")
    assert dialog.tabs.currentIndex() == 0
    assert dialog.focusWidget() is dialog.birth_date
    assert dialog.full_name.text() == NAME  # nothing lost
    assert on_worker(qtbot, desktop, lambda ws: ws.participants.list(today=TODAY)) == []


def test_an_order_ending_before_its_issue_shows_the_referral_tab(qtbot, desktop) -> None:
    dialog = open_intake(qtbot, desktop)
    fill_person(qtbot, dialog)
    issued = fill_referral(qtbot, dialog)
    # the end follows the issue date: 30 days, the day of issue included; still editable
    assert to_date(dialog.order_ends_on.edit.date()) == issued + dt.timedelta(days=29)
    assert dialog.order_ends_on.check.isChecked()
    dialog.order_ends_on.edit.setDate(to_qdate(issued - dt.timedelta(days=2)))
    dialog.tabs.setCurrentIndex(0)
    press_ok(qtbot, desktop, dialog)
    assert dialog.error.text() == _("The protection order ends before it was issued; check both dates.")
    assert dialog.tabs.currentIndex() == 1
    assert dialog.focusWidget() is dialog.order_ends_on.edit
    assert dialog.isVisible() and dialog.created is None


def test_a_full_intake_registers_the_participant_and_keeps_the_partner_apart(qtbot, desktop) -> None:
    dialog = open_intake(qtbot, desktop)
    fill_person(qtbot, dialog)
    type_text(qtbot, dialog.phone, "+996 555 123 456")
    type_text(qtbot, dialog.address, "Ош ш., Ленин көч. 12")
    issued = fill_referral(qtbot, dialog)
    type_text(qtbot, dialog.document_number, "ИИБ-114")
    dialog.document_date.set(TODAY - dt.timedelta(days=2))
    type_text(qtbot, dialog.curator_name, "Нурбек Осмонов")
    dialog.tabs.setCurrentIndex(2)
    assert not dialog.therapy_certificate.isEnabled()
    choose(dialog.screening, "therapy_completed")
    assert dialog.therapy_certificate.isEnabled()
    choose(dialog.screening, "eligible")
    assert not dialog.contract_signed_on.edit.isEnabled()
    dialog.contract_signed_on.check.setChecked(True)
    assert dialog.contract_signed_on.edit.isEnabled()
    assert "18" in dialog.contract_note.text()
    dialog.tabs.setCurrentIndex(3)
    assert dialog.partner_note.isVisible() and dialog.partner_note.text()
    type_text(qtbot, dialog.partner_name, "Айгерим Бекмуратова")
    type_text(qtbot, dialog.partner_relation, "аялы")
    dialog.partner_safe.setChecked(True)
    press_ok(qtbot, desktop, dialog)

    assert dialog.error.text() == ""
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted
    created = dialog.created
    assert created.full_name == NAME and created.status == "intake" and created.component == "mandatory"
    listed = on_worker(qtbot, desktop, lambda ws: ws.participants.list(today=TODAY))
    assert [(p.id, p.full_name, p.birth_date) for p in listed] == [(created.id, NAME, dt.date(1988, 5, 17))]
    assert listed[0].order_ends_on == issued + dt.timedelta(days=29)
    detail = on_worker(qtbot, desktop, lambda ws: ws.participants.detail(created.id, TODAY))
    assert detail.referral.order_number == "ВОО-2026-0311" and detail.curator_name == "Нурбек Осмонов"
    assert detail.contract_signed_on == TODAY and detail.screening == "eligible"
    assert "Айгерим" not in repr(detail)
    partner = on_worker(qtbot, desktop, lambda ws: ws.participants.partner(created.id))
    assert (partner.full_name, partner.relation, partner.safe_to_contact) == ("Айгерим Бекмуратова", "аялы", True)


def existing(qtbot, desktop):
    draft = IntakeDraft(full_name=NAME, birth_date=dt.date(1988, 5, 17), gender="male", language="ru",
                        component="voluntary", referral_source="self", received_on=TODAY)
    return on_worker(qtbot, desktop, lambda ws: ws.participants.create(draft, TODAY))


def test_the_same_name_and_birth_date_asks_before_registering_another_person(qtbot, desktop) -> None:
    first = existing(qtbot, desktop)
    dialog = open_intake(qtbot, desktop)
    fill_person(qtbot, dialog, "алмаз  бекмуратов", birth="17.05.1988")  # typed with the dots too
    fill_referral(qtbot, dialog)
    press_ok(qtbot, desktop, dialog)
    assert dialog.isVisible()
    assert dialog.error.text() == _(
        "A participant with the same name and birth date is already registered (status: {status}). Open that "
        "record instead, or confirm that this is another person.").format(status=_(STATUS_LABELS[Status.INTAKE]))
    assert dialog.tabs.currentIndex() == 0
    assert dialog.not_duplicate.isVisible() and dialog.open_existing.isVisible()
    assert not dialog.not_duplicate.isChecked()
    box = dialog.not_duplicate  # click its box, not the empty end of a wide row
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert dialog.not_duplicate.isChecked()
    press_ok(qtbot, desktop, dialog)
    assert not dialog.isVisible() and dialog.created is not None and dialog.created.id != first.id
    listed = on_worker(qtbot, desktop, lambda ws: ws.participants.list(today=TODAY))
    assert sorted(p.id for p in listed) == sorted((first.id, dialog.created.id))


def test_a_duplicate_can_open_the_existing_record_instead(qtbot, desktop) -> None:
    first = existing(qtbot, desktop)
    dialog = open_intake(qtbot, desktop)
    fill_person(qtbot, dialog)
    fill_referral(qtbot, dialog)
    press_ok(qtbot, desktop, dialog)
    assert dialog.open_existing.isVisible()
    qtbot.mouseClick(dialog.open_existing, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.existing_id == first.id and dialog.created is None
    assert len(on_worker(qtbot, desktop, lambda ws: ws.participants.list(today=TODAY))) == 1


def test_changing_the_name_after_a_duplicate_withdraws_the_confirmation(qtbot, desktop) -> None:
    existing(qtbot, desktop)
    dialog = open_intake(qtbot, desktop)
    fill_person(qtbot, dialog)
    fill_referral(qtbot, dialog)
    press_ok(qtbot, desktop, dialog)
    dialog.not_duplicate.setChecked(True)
    type_text(qtbot, dialog.full_name, " уулу")
    assert not dialog.not_duplicate.isVisible() and not dialog.not_duplicate.isChecked()
