"""The shell: fits a 1366×768 laptop, fonts, the no-display start, the status bar."""

from __future__ import annotations

import pytest
from qt_helpers import PASSWORD_MAN, unlock, wait_idle

from instructor_app.i18n import _, ngettext, set_language
from ui import fonts
from ui.qt import QAbstractButton, QApplication, QLabel, QMessageBox, QSize

SCREEN = QSize(1366, 768)
USABLE = QSize(1366, 768 - 40)  # a Windows taskbar


def cut_widgets(window) -> list[str]:
    """Visible buttons and single-line labels narrower than their text needs."""
    cut = []
    for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
        if not widget.isVisibleTo(window) or (isinstance(widget, QLabel) and widget.wordWrap()):
            continue
        if not widget.text():
            continue
        if widget.width() < widget.minimumSizeHint().width():
            cut.append(f"{type(widget).__name__}: {widget.text()!r}")
    return cut


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_windows_fit_1366x768(qtbot, set_up_workspace, desktop_factory, language):
    workspace, _key = set_up_workspace
    set_language(language)
    workspace.save_settings(workspace.settings().__class__(language=language))
    desktop = desktop_factory(workspace)
    screen = desktop.unlock_window
    wait_idle(qtbot, desktop)
    hint = screen.minimumSizeHint()
    assert hint.width() <= USABLE.width() and hint.height() <= USABLE.height()
    unlock(qtbot, desktop, PASSWORD_MAN)
    window = desktop.main_window
    window.resize(SCREEN)
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        wait_idle(qtbot, desktop)
        hint = window.minimumSizeHint()
        assert hint.width() <= USABLE.width() and hint.height() <= USABLE.height(), hint
        assert window.size() == SCREEN
        assert cut_widgets(window) == []


def test_status_bar_shows_sync_state(qtbot, set_up_workspace, desktop_factory):
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    window = desktop.main_window
    assert window.last_sync_label.text() == _("Last sync: never")
    pending = window.overview.pending_changes
    assert window.pending_label.text() == ngettext(
        "{count} change waiting to sync", "{count} changes waiting to sync", pending).format(count=pending)
    assert window.today.region.text() == _("Osh city")
    names = {label.text() for label in window.today.findChildren(QLabel, "facilitatorName")}
    assert names == {"Тынчтык Асанов", "Гүлнара Токтосунова"}
    assert not window.today.pair_notice.isVisible()


def test_fonts_load_dejavu(qapp):
    assert fonts.load_fonts(qapp) == []
    assert QApplication.font().family() == fonts.FAMILY


def test_missing_font_warns_once_and_goes_on(qtbot, qapp, workspace, desktop_factory, tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "fonts_dir", lambda: tmp_path / "no-fonts")
    missing = fonts.load_fonts(qapp)
    assert missing == list(fonts.FONT_FILES)
    desktop = desktop_factory(workspace, missing)
    box = desktop.font_warning
    assert isinstance(box, QMessageBox) and box.isVisible() and not box.isModal()
    assert "DejaVuSans.ttf" in box.text()
    desktop.warn_fonts(missing)
    assert desktop.font_warning is box
    assert desktop.wizard.isVisible()  # the app goes on


def test_no_display_prints_one_line_and_exits(monkeypatch, capsys, folder):
    from ui import app

    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(app.sys, "platform", "linux")
    assert app.run_desktop(folder) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "xvfb-run -a instructor-app" in err and "QT_QPA_PLATFORM=offscreen" in err
