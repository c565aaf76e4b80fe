"""The unlock screen: pick your name, type your password; a growing delay after wrong tries.

Shown at start and on every lock. Accounts and the delay are read on the DB worker; a successful
unlock emits ``unlocked(OpenWorkspace)``. "Forgot password?" opens the recovery-key dialog.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from instructor_app import errors
from instructor_app.domain.facilitators import GENDER_LABELS
from instructor_app.i18n import _, ngettext
from instructor_app.services.accounts import list_accounts, unlock_wait
from instructor_app.services.data import Account
from ui.dialogs.recovery import RecoveryDialog
from ui.qt import (QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, Qt, QTimer,
                   QVBoxLayout, QWidget, Signal)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import LanguageCombo, MessageLabel, PasswordEdit, heading, wrapped


def account_text(account: Account) -> str:
    gender = GENDER_LABELS.get(account.gender)  # type: ignore[call-overload]  (StrEnum keys)
    if not gender:
        return account.display_name
    return _("{name} ({gender})").format(name=account.display_name, gender=_(gender))


class UnlockWindow(Retranslating, QWidget):
    unlocked = Signal(object)  # OpenWorkspace

    def __init__(self, backend: Backend, on_language: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self._accounts: list[Account] = []
        self._deadline = 0.0
        self._busy = False
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._update_countdown)

        self.language = LanguageCombo()
        self.language.language_chosen.connect(on_language)
        self.title = heading(size_delta=8)
        self.intro = wrapped()
        self.accounts_label = QLabel()
        self.accounts = QListWidget()
        self.accounts.setMinimumHeight(90)
        self.accounts.setMaximumHeight(140)
        self.password_label = QLabel()
        self.password = PasswordEdit()
        self.password.returnPressed.connect(self.try_unlock)
        self.unlock_button = QPushButton()
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.countdown = QLabel()
        self.message = MessageLabel()
        self.forgot = QPushButton()
        self.forgot.setFlat(True)
        self.forgot.setCursor(Qt.CursorShape.PointingHandCursor)
        self.forgot.setStyleSheet("QPushButton { color: #1a5fb4; text-decoration: underline; border: none; }")
        self.forgot.clicked.connect(self.open_recovery)
        self.accounts_label.setBuddy(self.accounts)
        self.password_label.setBuddy(self.password)
        self._build_layout()
        self.retranslate_ui()

    def _build_layout(self) -> None:
        card = QFrame()
        card.setObjectName("unlockCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMinimumWidth(440)
        card.setMaximumWidth(560)
        box = QVBoxLayout(card)
        box.setContentsMargins(28, 24, 28, 24)
        box.setSpacing(10)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.language, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(top)
        box.addWidget(self.intro)
        box.addWidget(self.accounts_label)
        box.addWidget(self.accounts)
        box.addWidget(self.password_label)
        box.addWidget(self.password)
        box.addWidget(self.message)
        row = QHBoxLayout()
        row.addWidget(self.forgot)
        row.addStretch(1)
        row.addWidget(self.countdown)
        row.addWidget(self.unlock_button)
        box.addLayout(row)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Instructor App — unlock"))
        self.title.setText(_("Instructor App"))
        self.intro.setText(_("The data on this laptop is encrypted. Choose your name and enter your password."))
        self.accounts_label.setText(_("&Facilitator:"))
        self.password_label.setText(_("&Password:"))
        self.unlock_button.setText(_("Unlock"))
        self.forgot.setText(_("Forgot password?"))
        self.language.sync()
        self._fill_accounts()
        self._update_countdown()

    # --- data -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the facilitators and any running delay (on the worker)."""
        self.backend.run_folder(lambda folder: (list_accounts(folder), unlock_wait(folder)), self._loaded,
                                lambda exc: self.message.show_error(user_message(exc)), owner=self)

    def _loaded(self, result: tuple[list[Account], float]) -> None:
        self._accounts, wait = result
        self._fill_accounts()
        self.start_countdown(wait)

    def _fill_accounts(self) -> None:
        selected = self.selected_account()
        self.accounts.clear()
        for account in self._accounts:
            item = QListWidgetItem(account_text(account))
            item.setData(Qt.ItemDataRole.UserRole, account.id)
            self.accounts.addItem(item)
            if selected and account.id == selected.id:
                self.accounts.setCurrentItem(item)
        if self.accounts.currentRow() < 0 and self._accounts:
            self.accounts.setCurrentRow(0)

    def selected_account(self) -> Account | None:
        row = self.accounts.currentRow()
        return self._accounts[row] if 0 <= row < len(self._accounts) else None

    # --- unlock ---------------------------------------------------------------------------

    def try_unlock(self) -> None:
        account = self.selected_account()
        if self._busy or self._waiting():
            return
        if account is None:
            self.message.show_error(_("Choose your name in the list."))
            return
        if not self.password.text():
            self.message.show_error(_("Enter your password."))
            return
        password = self.password.text()
        self.set_busy(True)
        self.backend.run(lambda ws: ws.unlock(account.id, password), self._succeeded, self._failed, owner=self)

    def _succeeded(self, workspace) -> None:
        self.set_busy(False)
        self.password.clear()
        self.message.clear()
        self.unlocked.emit(workspace)

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.message.show_error(user_message(exc))
        if isinstance(exc, (errors.WrongPassword, errors.WaitBeforeRetry)):
            self.password.selectAll()
            self.start_countdown(exc.retry_after)
        self.password.setFocus()

    def set_busy(self, busy: bool) -> None:
        """While an unlock or a restore runs: no typing, no Unlock, no "Forgot password?"."""
        self._busy = busy
        self.password.setEnabled(not busy)
        self.forgot.setEnabled(not busy)
        self._update_countdown()

    # --- the growing delay ----------------------------------------------------------------

    def _waiting(self) -> bool:
        return self._deadline > time.monotonic()

    def start_countdown(self, seconds: float) -> None:
        if seconds > 0:
            self._deadline = time.monotonic() + seconds
            self._tick.start()
        self._update_countdown()

    def _update_countdown(self) -> None:
        left = self._deadline - time.monotonic()
        if left > 0:
            count = int(left + 0.999)
            self.countdown.setText(ngettext("Try again in {count} second", "Try again in {count} seconds",
                                            count).format(count=count))
        else:
            self._tick.stop()
            self.countdown.clear()
        self.countdown.setVisible(left > 0)
        self.unlock_button.setEnabled(left <= 0 and not self._busy)

    # --- forgotten password ---------------------------------------------------------------

    def open_recovery(self) -> None:
        if self._busy:
            return
        dialog = RecoveryDialog(self.backend, self._accounts, self.selected_account(), self)
        dialog.unlocked.connect(self._succeeded)
        dialog.open()
        self.recovery_dialog = dialog

    def show_notice(self, text: str, error: bool = False) -> None:
        (self.message.show_error if error else self.message.show_info)(text)
