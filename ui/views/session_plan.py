"""The session plan window: the plan of one session to read, show across the room and print.

Non-modal; several can be open. The plan is loaded on the worker (``ws.sessions.plan``) and rendered
by ``instructor_app.reports.session_plan`` — the same HTML on screen and on paper. The content
language defaults to the group's; "Large text" is a saved setting.
"""

from __future__ import annotations

from instructor_app.i18n import LANGUAGE_NAMES, LANGUAGES, _
from instructor_app.reports.session_plan import build_plan, plan_to_html
from instructor_app.scheduling.rules import STATUS_LABELS, SessionStatus
from instructor_app.services.programme_data import SessionPlan, SessionRow
from ui.dialogs.mark_held import MarkHeldDialog
from ui.qt import (QCheckBox, QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, Qt, QTextBrowser,
                   QTextDocument, QVBoxLayout, QWidget, print_support)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel


class SessionPlanWindow(Retranslating, QDialog):
    def __init__(self, backend: Backend, session_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.backend = backend
        self.session_id = session_id
        self.plan: SessionPlan | None = None
        self.content_lang: str | None = None  # None until the plan is loaded: then the group's language
        self.mark_dialog: MarkHeldDialog | None = None
        self.printer = None       # QPrinter, made when the user prints (QtPrintSupport loads then)
        self.print_dialog = None

        self.language_label = QLabel()
        self.language = QComboBox()
        for key in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[key], key)
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.language_label.setBuddy(self.language)
        self.large_text = QCheckBox()
        self.large_text.setChecked(backend.settings.large_text)
        self.large_text.toggled.connect(self._large_text_toggled)
        self.status_label = QLabel()
        self.status_label.setObjectName("sessionStatus")
        self.message = MessageLabel()
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.print_button, self.mark_button, self.close_button = QPushButton(), QPushButton(), QPushButton()
        self.print_button.clicked.connect(self.print_plan)
        self.mark_button.clicked.connect(self.mark_held)
        self.close_button.clicked.connect(self.close)

        top = QHBoxLayout()
        top.addWidget(self.language_label)
        top.addWidget(self.language)
        top.addSpacing(16)
        top.addWidget(self.large_text)
        top.addStretch(1)
        top.addWidget(self.status_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.mark_button)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.browser, 1)
        layout.addLayout(bottom)
        self.resize(900, 680)
        self._update_buttons()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        session = self.plan.session if self.plan else None
        if session is not None and session.group_name:
            self.setWindowTitle(_("Session plan — {group}, session {number}").format(
                group=session.group_name, number=session.number))
        elif session is not None:
            self.setWindowTitle(_("Session plan — session {number}").format(number=session.number))
        else:
            self.setWindowTitle(_("Session plan"))
        self.language_label.setText(_("Language of the plan:"))
        self.large_text.setText(_("&Large text"))
        self.large_text.setToolTip(_("Bigger letters, to read the plan across the room"))
        self.print_button.setText(_("&Print…"))
        self.mark_button.setText(_("&Mark as held…"))
        self.close_button.setText(_("&Close"))
        self.status_label.setText(status_text(session) if session else "")
        self.render()

    # --- data -----------------------------------------------------------------------------

    def reload(self) -> None:
        session_id = self.session_id
        if self.plan is None:
            self.message.show_note(_("Loading the session plan…"))
        job = self.backend.run_open(lambda ws: ws.sessions.plan(session_id), self._loaded, self._failed, owner=self)
        if job is None:
            self.message.show_error(_("The data is locked. Unlock it and try again."))

    def _loaded(self, plan: SessionPlan) -> None:
        self.plan = plan
        if self.content_lang is None:
            self.content_lang = plan.session.language if plan.session.language in LANGUAGES else LANGUAGES[0]
            self.language.blockSignals(True)
            self.language.setCurrentIndex(max(0, self.language.findData(self.content_lang)))
            self.language.blockSignals(False)
        self.message.clear()
        self._update_buttons()
        self.retranslate_ui()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(user_message(exc))
        self._update_buttons()

    def _update_buttons(self) -> None:
        session = self.plan.session if self.plan else None
        self.print_button.setEnabled(session is not None)
        self.mark_button.setEnabled(session is not None and session.status != SessionStatus.CANCELLED)

    # --- rendering ------------------------------------------------------------------------

    def html(self) -> str:
        if self.plan is None or self.content_lang is None:
            return ""
        return plan_to_html(build_plan(self.plan, self.content_lang), self.large_text.isChecked())

    def render(self) -> None:
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml(self.html())
        self.browser.verticalScrollBar().setValue(scroll)

    def _language_chosen(self, index: int) -> None:
        self.content_lang = self.language.itemData(index)
        self.render()

    def _large_text_toggled(self, checked: bool) -> None:
        self.backend.save_settings(lambda exc: self.message.show_error(user_message(exc)), large_text=checked)
        self.render()

    # --- actions --------------------------------------------------------------------------

    def print_document(self) -> QTextDocument:
        """The same HTML as on screen, in a document of its own (the printer lays out its own pages)."""
        document = QTextDocument(self)
        document.setDefaultFont(self.browser.font())
        document.setHtml(self.html())
        return document

    def print_to(self, printer) -> None:  # QPrinter
        document = self.print_document()
        document.print_(printer)
        document.deleteLater()

    def print_plan(self) -> None:
        if self.plan is None:
            return
        printing = print_support()
        self.printer = printing.QPrinter(printing.QPrinter.PrinterMode.HighResolution)
        self.printer.setDocName(self.windowTitle())
        self.print_dialog = printing.QPrintDialog(self.printer, self)
        self.print_dialog.setWindowTitle(_("Print the session plan"))
        self.print_dialog.accepted.connect(lambda: self.print_to(self.printer))
        self.print_dialog.open()

    def mark_held(self) -> None:
        if self.plan is None or self.plan.session.status == SessionStatus.CANCELLED:
            return
        self.mark_dialog = MarkHeldDialog(self.backend, self.plan.session, self)
        self.mark_dialog.held.connect(lambda _row: self.reload())
        self.mark_dialog.open()


def status_text(session: SessionRow) -> str:
    label = STATUS_LABELS.get(session.status)
    return _("Status: {status}").format(status=_(label) if label else session.status)


def open_session_plan(backend: Backend, session_id: str, parent: QWidget | None = None) -> SessionPlanWindow:
    """Open the plan of one session in a window of its own (non-modal) and start loading it."""
    window = SessionPlanWindow(backend, session_id, parent)
    window.show()
    window.raise_()
    window.activateWindow()
    window.reload()
    return window
