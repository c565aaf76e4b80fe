"""Start-up and the locked/unlocked life of the desktop app.

``run_desktop()`` checks for a display, reads the settings (the one disk read on the GUI thread,
before the event loop), sets the language, creates the QApplication, translator and fonts, then
hands over to ``DesktopApp``: the set-up wizard on a new folder (or a backup restored from its first
page), otherwise the unlock screen, then the main window. Locking (Ctrl+L, idle time, restore) hides
the windows without destroying them, so a half-filled form is still there after the next unlock, by
any facilitator. Windows holding a password or the recovery key are the exception: they are emptied
and closed (``ui.widgets.forget_secrets``), so nothing typed by one facilitator reaches the next.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from instructor_app.config import Settings, load_settings
from instructor_app.i18n import _, current_language, format_datetime, set_language
from instructor_app.paths import DataFolder, resources_dir
from ui import fonts
from ui.dialogs.setup_wizard import SetupWizard
from ui.dialogs.unlock import UnlockWindow
from ui.idle import IdleLock
from ui.qt import QApplication, QIcon, QMessageBox, QObject, QWidget
from ui.tasks import Backend, DbWorker, user_message
from ui.translator import install_translator, switch_language
from ui.widgets import forget_secrets

if TYPE_CHECKING:
    from instructor_app.services.open_workspace import OpenWorkspace
    from instructor_app.storage.crypto import KdfParams
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def no_display_message() -> str:
    return _("No display found. Run the app on a desktop, or without a screen with "
             "'xvfb-run -a instructor-app' or QT_QPA_PLATFORM=offscreen.")


class DesktopApp(QObject):
    """Owns the worker, the windows, and the lock state."""

    def __init__(self, folder: DataFolder, settings: Settings, kdf: KdfParams | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = DbWorker(self)
        self.backend = Backend(folder, self.worker, settings, kdf, self)
        self.idle = IdleLock(settings.idle_lock_minutes, self)
        self.idle.timed_out.connect(self.lock)
        self.wizard: SetupWizard | None = None
        self.unlock_window: UnlockWindow | None = None
        self.main_window: MainWindow | None = None
        self.font_warning: QMessageBox | None = None
        self._hidden: list[QWidget] = []
        self._auto_backup_done = False

    # --- start ----------------------------------------------------------------------------

    def start(self, is_set_up: bool, missing_fonts: list[str] | None = None) -> None:
        if is_set_up:
            self.show_unlock()
            self.backend.preload()  # after the facilitator list: the first unlock will not wait
            self.backend.defer(_main_window_class)  # then its code (≈130 ms of imports), while one types
        else:
            self.wizard = SetupWizard(self.backend, self.choose_language)
            self.wizard.completed.connect(self._unlocked)
            self.wizard.restored.connect(self._restored)
            self.wizard.rejected.connect(QApplication.quit)
            self.wizard.show()
        if missing_fonts:
            self.warn_fonts(missing_fonts)

    def warn_fonts(self, missing: list[str]) -> None:
        """Non-modal, once per run: the app goes on with the system font."""
        if self.font_warning is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, _("Instructor App"), fonts.missing_fonts_warning(missing),
                          QMessageBox.StandardButton.Ok)
        box.setModal(False)
        box.show()
        self.font_warning = box

    def show_unlock(self) -> None:
        if self.unlock_window is None:
            self.unlock_window = UnlockWindow(self.backend, self.choose_language)
            self.unlock_window.unlocked.connect(self._unlocked)
            self.unlock_window.resize(1024, 700)
        self.unlock_window.reload()
        self.unlock_window.show()
        self.unlock_window.raise_()
        self.unlock_window.activateWindow()
        self.unlock_window.password.setFocus()

    # --- unlock and lock ------------------------------------------------------------------

    def _unlocked(self, workspace: OpenWorkspace) -> None:
        self.backend.set_open(workspace)
        if self.main_window is None:
            self.main_window = _main_window_class()(self.backend, self)
            self._hidden = [self.main_window]
        for window in self._hidden:
            window.show()
        self._hidden = []
        self.main_window.raise_()
        self.main_window.activateWindow()
        if self.unlock_window is not None:
            self.unlock_window.hide()
        if self.wizard is not None:
            self.wizard.deleteLater()
            self.wizard = None
        self.main_window.refresh()
        self.idle.set_minutes(self.backend.settings.idle_lock_minutes)
        self.idle.start()
        self._auto_backup()
        self.main_window.sync_runner.start()  # a sync it starts is queued after the backup: jobs run in order

    def _auto_backup(self) -> None:
        if self._auto_backup_done:
            return
        self._auto_backup_done = True
        kept = self.backend.settings.auto_backups_kept

        def back_up() -> None:
            self.backend.run_open(lambda ws: ws.auto_backup(kept), lambda info: self.show_status(
                _("Automatic backup saved ({name}).").format(name=info.path.name)), self._auto_backup_failed)

        # after the first screen and what it defers (Today's month box): it takes seconds on a big centre
        self.backend.defer(back_up)

    def _auto_backup_failed(self, exc: BaseException) -> None:
        self.show_status(_("The automatic backup failed: {reason}").format(reason=user_message(exc)), 0)

    def lock(self) -> None:
        """Close the windows holding secrets (emptied), hide every other window (kept alive as it is),
        close the data, show the unlock screen."""
        if self.backend.is_locked:
            return
        self.idle.stop()
        if self.main_window is not None:
            self.main_window.sync_runner.stop()
        windows = [w for w in QApplication.topLevelWidgets() if w is not self.unlock_window]
        windows = [w for w in windows if not forget_secrets(w)]
        self._hidden = [w for w in windows if w.isVisible()]
        if self.main_window is not None and self.main_window in self._hidden:
            self._hidden.remove(self.main_window)
            self._hidden.insert(0, self.main_window)
        for window in self._hidden:
            window.hide()
        self.backend.lock()
        self.show_unlock()

    @contextmanager
    def idle_paused(self) -> Iterator[None]:
        """Around a blocking dialog (a file dialog): no idle lock meanwhile (a native dialog's input may
        not reach the idle filter); the count restarts afterwards if the data is still unlocked."""
        self.idle.stop()
        try:
            yield
        finally:
            if not self.backend.is_locked:
                self.idle.start()

    def restore(self, path: Path, secret: str) -> None:
        """From Settings: lock, replace the data with the backup on the worker, then wait for an unlock.
        The unlock screen stays busy (nothing to type or click) until the restore ends."""
        if self.backend.is_locked:  # only an unlocked facilitator restores from Settings
            return
        self.lock()
        self.unlock_window.set_busy(True)
        self.unlock_window.show_notice(_("Restoring the backup…"))
        self.backend.run(lambda ws: ws.restore(path, secret), self._restored, self._restore_failed)

    def _restored(self, manifest) -> None:
        """Every successful restore ends here, from Settings or from the set-up wizard on a new laptop:
        the unlock screen, listing the backup's facilitators, says which backup is now in place."""
        wizard, self.wizard = self.wizard, None
        self.show_unlock()  # reloads the accounts: the restored key file's
        self.unlock_window.set_busy(False)
        self.unlock_window.show_notice(_("The backup made on {when} is restored. Unlock with a password "
                                         "from that backup.").format(when=format_datetime(manifest.created, "short")))
        if wizard is not None:
            self._close_wizard_after_restore(wizard)

    def _close_wizard_after_restore(self, wizard: SetupWizard) -> None:
        wizard.rejected.disconnect(QApplication.quit)
        wizard.hide()
        wizard.deleteLater()
        # A backup holds no settings file: keep the language chosen on the wizard's first page.
        self.backend.save_settings(lambda exc: self.unlock_window.show_notice(user_message(exc), error=True),
                                   language=current_language())

    def _restore_failed(self, exc: BaseException) -> None:
        self.unlock_window.set_busy(False)
        self.unlock_window.reload()
        self.unlock_window.show_notice(_("The backup was not restored: {reason}").format(
            reason=user_message(exc)), error=True)

    # --- settings the shell applies -------------------------------------------------------

    def choose_language(self, language: str) -> None:
        if switch_language(language) and self.wizard is None:  # set-up saves it itself
            self.backend.save_settings(lambda exc: self.show_status(user_message(exc)), language=language)

    def set_idle_minutes(self, minutes: int) -> None:
        settings = self.backend.save_settings(lambda exc: self.show_status(user_message(exc)),
                                              idle_lock_minutes=minutes)
        self.idle.set_minutes(settings.idle_lock_minutes)

    def show_status(self, text: str, timeout_ms: int = 8000) -> None:
        if self.main_window is not None:
            self.main_window.show_status(text, timeout_ms)

    def shutdown(self) -> None:
        """When the app quits: also if the set-up wizard is quit on its recovery-key page, where the
        new data is open and the key may be on the clipboard."""
        self.idle.stop()
        if self.wizard is not None:
            self.wizard.key_page.clear_clipboard()
            opened, self.wizard.open_workspace = self.wizard.open_workspace, None
            if opened is not None:
                self.worker.submit(opened.close)  # before the worker stops
        self.backend.shutdown()


def _main_window_class() -> type[MainWindow]:
    """The main window and its pages are imported after the unlock screen is up (start-up time)."""
    from ui.main_window import MainWindow

    return MainWindow


def run_desktop(folder: DataFolder, kdf: KdfParams | None = None, argv: list[str] | None = None) -> int:
    # The two reads before the event loop (the language comes first); everything else that touches
    # the disk, and the import of the storage stack, happens on the DB worker.
    settings = load_settings(folder.config)
    set_language(settings.language)
    if not has_display():
        print(no_display_message(), file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Instructor App")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "instructor-app.svg")))
    install_translator()
    missing = fonts.load_fonts(app)
    desktop = DesktopApp(folder, settings, kdf)
    app.aboutToQuit.connect(desktop.shutdown)
    desktop.start(folder.is_set_up(), missing)
    return app.exec()
