"""The Qt step of ``instructor-app --selftest`` (``instructor_app/selftest.py`` runs the others).

The real desktop app on the self-test's data folder: the unlock screen, an unlock with the password,
the main window on screen (offscreen when there is no display), then closed and shut down as on
quit, and the data opened once more to prove it was closed cleanly. This module imports Qt only
inside its functions, so the core can ask ``qt_available()`` without PySide6 installed.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from instructor_app.config import load_settings
from instructor_app.i18n import _
from instructor_app.paths import DataFolder

if TYPE_CHECKING:
    from instructor_app.storage.crypto import KdfParams

TIMEOUT_S = 60.0


class WindowCheckFailed(Exception):
    """The main window did not come up (the message is translated)."""


def qt_available() -> bool:
    return importlib.util.find_spec("PySide6") is not None


def _wait_until(condition: Callable[[], bool], what: str, timeout_s: float = TIMEOUT_S) -> None:
    from ui.qt import QApplication, QEventLoop

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise WindowCheckFailed(_("timed out waiting for {what}").format(what=what))
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def _without_offscreen_notes(_mode, _context, message: str) -> None:  # type: ignore[no-untyped-def]
    """Qt's message handler while offscreen: drop the plugin's notes on what a screen-less window
    cannot do ("This plugin does not support raise()"), pass everything else on to stderr."""
    if not message.startswith("This plugin does not support"):
        print(message, file=sys.stderr)


def _check_lazy_modules() -> None:
    """The Qt modules loaded only on first use (the results' charts, the documents' preview) are in
    this installation: a bundle that left one out would fail only when a facilitator opens that page."""
    from ui.qt import pdf_support
    from ui.views.results import qt_charts

    qtpdf, _widgets = pdf_support()
    charts = qt_charts()
    qtpdf.QPdfDocument(None).deleteLater()
    charts.QChart().deleteLater()


def open_main_window(folder: DataFolder, password: str, kdf: KdfParams) -> str:
    """Returns a short detail for the report line; raises on any failure."""
    from ui import fonts
    from ui.app import DesktopApp, has_display
    from ui.qt import QApplication, qInstallMessageHandler
    from ui.translator import install_translator

    if not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        qInstallMessageHandler(_without_offscreen_notes)
    app = QApplication.instance() or QApplication(["instructor-app"])
    install_translator()
    missing = fonts.load_fonts(app)
    if missing:
        raise WindowCheckFailed(fonts.missing_fonts_warning(missing))
    desktop = DesktopApp(folder, load_settings(folder.config), kdf)
    try:
        desktop.start(folder.is_set_up())
        unlock = desktop.unlock_window
        if unlock is None:
            raise WindowCheckFailed(_("the unlock screen did not open"))
        _wait_until(lambda: unlock.accounts.count() > 0, _("the list of facilitators"))
        unlock.password.setText(password)
        unlock.try_unlock()
        _wait_until(lambda: desktop.worker.pending == 0, _("the unlock"))
        window = desktop.main_window
        if window is None or not window.isVisible():
            raise WindowCheckFailed(unlock.message.text() or _("the main window did not open"))
        _wait_until(lambda: desktop.worker.pending == 0, _("the first page and the automatic backup"))
        _check_lazy_modules()
        window.close()
    finally:
        desktop.shutdown()  # what quitting does: close the data on the worker, stop the worker
        for widget in (desktop.wizard, desktop.unlock_window, desktop.main_window, desktop.font_warning):
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        desktop.deleteLater()
        app.processEvents()
    from instructor_app.services.workspace import Workspace

    Workspace(folder, kdf).unlock_any(password).close()  # the lock was released, the data closed
    return _("opened and closed on the {platform} platform").format(platform=app.platformName())
