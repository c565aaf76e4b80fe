"""Small steps shared by the UI tests (drive the real widgets, wait for the real worker)."""

from __future__ import annotations

from PySide6.QtTest import QTest

from instructor_app.storage.crypto import KdfParams
from ui.qt import QApplication, Qt

WAIT_MS = 15000
CHEAP_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
PASSWORD_MAN = "tynchtyk-2024"
PASSWORD_WOMAN = "gulnara-2024"


def type_text(qtbot, widget, text: str) -> None:
    """Type like a user. ``qtbot.keyClicks`` asserts on non-Latin letters (Qt's ASCII key map), so
    each character is sent as a key event carrying its text, as a Kyrgyz keyboard layout does."""
    widget.setFocus()
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char,
                               Qt.KeyboardModifier.NoModifier)


def wait_idle(qtbot, desktop) -> None:
    qtbot.waitUntil(lambda: desktop.worker.pending == 0, timeout=WAIT_MS)
    QApplication.processEvents()


def unlock(qtbot, desktop, password: str, row: int = 0) -> None:
    window = desktop.unlock_window
    wait_idle(qtbot, desktop)
    window.accounts.setCurrentRow(row)
    window.password.clear()
    qtbot.keyClicks(window.password, password)
    qtbot.mouseClick(window.unlock_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desktop)


def reach_the_key_page(qtbot, desktop, centre: str = "Кризистик борбор «Үмүт»"):
    """Drive the set-up wizard with one facilitator (PASSWORD_MAN) up to the recovery-key page."""
    from ui.qt import QWizard

    wizard = desktop.wizard
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    type_text(qtbot, wizard.centre_page.name, centre)
    wizard.centre_page.region.setCurrentIndex(wizard.centre_page.region.findData("osh_city"))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    row = wizard.facilitators_page.rows[0]
    type_text(qtbot, row.name, "Тынчтык Асанов")
    row.gender.setCurrentIndex(1)
    qtbot.keyClicks(row.password, PASSWORD_MAN)
    qtbot.keyClicks(row.confirm, PASSWORD_MAN)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CustomButton1), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.key_page, timeout=WAIT_MS)
    return wizard.key_page


def on_worker(qtbot, desktop, fn):
    """Run ``fn(ws)`` on the real DB worker (test set-up and checks) and return its result."""
    out: dict = {}
    desktop.backend.run_open(fn, lambda result: out.setdefault("result", result),
                             lambda exc: out.setdefault("error", exc))
    wait_idle(qtbot, desktop)
    assert "error" not in out, repr(out.get("error"))
    return out["result"]
