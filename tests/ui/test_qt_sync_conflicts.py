"""Changes to review (sync conflicts) in Settings → Probation server: the count, the dialog listing a
conflict with its field differences, and "keep the current version" removing it.

The conflict is stored in the real encrypted database the way the sync client stores one it pulls
(``sync.demo_conflict.store_losing_version``: ``store_conflict`` in a remote session), for a
participant edited on this laptop."""

from __future__ import annotations

import datetime as dt

from qt_helpers import PASSWORD_MAN, WAIT_MS, unlock, wait_idle
from sqlalchemy import select

from instructor_app.i18n import _, ngettext
from instructor_app.storage.models import Device
from instructor_app.storage.participant_models import Participant
from instructor_app.sync.demo_conflict import store_losing_version
from ui.qt import Qt

def _participant_with_a_losing_version(workspace) -> str:
    """A participant edited on this laptop (phone …222, the kept version); the other laptop's edit
    (phone …111) lost and came down with a pull."""
    man = next(a for a in workspace.accounts() if a.gender == "male")
    ws = workspace.unlock(man.id, PASSWORD_MAN)
    try:
        with ws.db.session(ws.actor.id) as session:
            centre_id = session.scalars(select(Device.centre_id)).one()
            person = Participant(centre_id=centre_id, full_name="Алмаз Бекмуратов", name_key="алмаз бекмуратов",
                                 birth_date=dt.date(1985, 5, 17), gender="male", language="ky",
                                 component="mandatory", status="intake", phone="+996 700 222 222")
            session.add(person)
        store_losing_version(ws.db, Participant, person.id, {"phone": "+996 700 111 111"},
                             losing_name="Гүлнара Токтосунова", winning_name="Тынчтык Асанов")
        assert ws.sync_conflicts.count() == 1
        return str(person.id)
    finally:
        ws.close()


def test_the_dialog_lists_a_conflict_and_keeping_the_current_version_removes_it(
        qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    _participant_with_a_losing_version(workspace)
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    window = desktop.main_window
    window.nav.setCurrentRow(window.pages.index(window.settings))
    wait_idle(qtbot, desktop)
    box = window.settings.sync_box
    one = ngettext("{count} change to review", "{count} changes to review", 1).format(count=1)
    qtbot.waitUntil(lambda: box.review_label.text() == one, timeout=WAIT_MS)
    assert box.review_button.isVisible()

    qtbot.mouseClick(box.review_button, Qt.MouseButton.LeftButton)
    dialog = box.review_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.items.count() == 1, timeout=WAIT_MS)
    assert dialog.items.item(0).text() == _("{kind}: {record}").format(kind=_("Participant"),
                                                                         record="Алмаз Бекмуратов")
    cells = [[dialog.fields.item(row, column).text() for column in range(3)]
             for row in range(dialog.fields.rowCount())]
    assert cells == [[_("Phone"), "+996 700 222 222", "+996 700 111 111"]]
    assert "Гүлнара Токтосунова" in dialog.who.text() and "Тынчтык Асанов" in dialog.who.text()
    assert dialog.keep_button.isEnabled() and dialog.restore_button.isEnabled()

    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.items.count() == 0, timeout=WAIT_MS)
    wait_idle(qtbot, desktop)
    assert dialog.message.text() == _("The current version was kept.")
    assert not dialog.keep_button.isEnabled() and dialog.fields.rowCount() == 0
    qtbot.waitUntil(lambda: not box.review_label.isVisible(), timeout=WAIT_MS)
    assert not box.review_button.isVisible()

    dialog.reject()
    wait_idle(qtbot, desktop)
    assert box.review_dialog is None
    assert not box.review_label.isVisible()  # re-read from the database after closing: still none
