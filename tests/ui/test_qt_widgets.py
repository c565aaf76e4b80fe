"""Shared dialog pieces: Enter in a password prompt submits it (it used to cancel it)."""

from __future__ import annotations

from ui.qt import QApplication, Qt
from ui.widgets import SecretPrompt


def test_enter_in_a_secret_prompt_submits_it(qtbot) -> None:
    submitted: list[str] = []
    prompt = SecretPrompt(lambda: ("Title", "Explanation", "Password:", "Restore"), submitted.append)
    qtbot.addWidget(prompt)
    prompt.open()
    qtbot.keyClicks(prompt.secret, "demo-pass")
    qtbot.keyClick(prompt.secret, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert submitted == ["demo-pass"]
    assert prompt.isVisible()  # the job decides: accept() or show_error()
    assert prompt.action.isDefault()
