"""Reports: pick a document, whom or what it is about, its language and period; make it; look at
it in the preview; save it where it must go.

"Make" numbers the document (the register of issued documents) and renders it on the DB worker to a
private temporary file whose bytes are read back and the file removed at once, so no unencrypted copy
stays behind; the preview shows exactly those bytes and "Save as…" writes them (atomically) where the
user chooses. Exports (CSV, Excel) have no preview: they are saved the same way.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
import tempfile
from pathlib import Path

from instructor_app.i18n import N_, _, current_language, format_number, ngettext
from instructor_app.services.document_data import IssuedFile
from instructor_app.services.documents import (
    KIND_LABELS,
    SUBJECT_OF,
    DocumentKind,
    DocumentRequest,
    Subject,
    make_document,
    suggested_name,
)
from ui.qt import (QBuffer, QByteArray, QFileDialog, QHBoxLayout, QIODevice, QListWidget, QPushButton, QSplitter,
                   Qt, QVBoxLayout, QWidget, pdf_support)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.views.report_form import Choice, ReportForm, session_choice_text
from ui.widgets import MessageLabel, heading, wrapped

FILE_FILTERS = {"pdf": N_("PDF documents (*.pdf)"), "xlsx": N_("Excel workbooks (*.xlsx)"),
                "csv": N_("CSV files (*.csv)")}


def _make(opened, request: DocumentRequest, today: dt.date) -> tuple[IssuedFile, bytes]:  # noqa: ANN001
    """On the DB worker: make the document in a private temporary folder, keep only its bytes."""
    folder = Path(tempfile.mkdtemp(prefix="instructor-doc-"))
    try:
        out = folder / suggested_name(request.kind, today, request.export_table, request.export_format)
        issued = make_document(opened, replace(request, out=out), today)
        return issued, out.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _save(path: Path, data: bytes) -> Path:
    from instructor_app.reports.pdf import write_document

    write_document(path, data)
    return path


class ReportsPage(Retranslating, QWidget):
    nav_label = N_("Reports")

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.made: tuple[IssuedFile, bytes, DocumentRequest] | None = None
        self._pdf = None      # QPdfDocument, made on the first preview
        self._buffer: QBuffer | None = None
        self._bytes: QByteArray | None = None
        self.title = heading(size_delta=6)
        self.intro = wrapped()
        self.kinds = QListWidget()
        self.kinds.setMaximumWidth(320)
        self.kinds.setWordWrap(True)  # long Kyrgyz and Russian names wrap instead of being cut off
        self.kinds.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.kinds.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.kinds.setSpacing(2)
        for kind in DocumentKind:
            self.kinds.addItem("")
            self.kinds.item(self.kinds.count() - 1).setData(Qt.ItemDataRole.UserRole, kind.value)
        self.kinds.currentRowChanged.connect(self._kind_chosen)
        self.form = ReportForm()
        self.form.group.currentIndexChanged.connect(self._group_chosen)
        self.make_button = QPushButton()
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self.make)
        self.save_button = QPushButton()
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_as)
        self.message = MessageLabel()
        self.preview_note = wrapped()
        self.preview_host = QVBoxLayout()
        self.preview_host.addWidget(self.preview_note)

        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 8, 0)
        box.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.make_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        box.addWidget(self.message)
        box.addStretch(1)
        right = QWidget()
        right.setLayout(self.preview_host)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.kinds)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([250, 380, 500])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.splitter, 1)
        self.retranslate_ui()
        self.kinds.setCurrentRow(0)

    # --- choices ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.backend.run_open(self._load_choices, self._choices_loaded, self._failed, owner=self)

    @staticmethod
    def _load_choices(opened) -> tuple[list[Choice], list[Choice]]:  # noqa: ANN001
        from instructor_app.services.programme_data import GroupFilter

        today = dt.date.today()
        groups = [Choice(g.id, g.name, g.language) for g in opened.groups.list(GroupFilter(), today)]
        people = [Choice(p.id, p.full_name, p.language) for p in opened.participants.names()]
        return sorted(groups, key=lambda c: c.text.casefold()), sorted(people, key=lambda c: c.text.casefold())

    def _choices_loaded(self, result: tuple[list[Choice], list[Choice]]) -> None:
        groups, people = result
        self.form.set_groups(groups)
        self.form.set_participants(people)
        self._group_chosen()

    def _group_chosen(self) -> None:
        group_id = self.form.group.currentData()
        if not group_id or SUBJECT_OF[self.form.kind] is not Subject.SESSION:
            return
        language = current_language()

        def load(opened) -> list[Choice]:  # noqa: ANN001
            detail = opened.groups.detail(group_id, dt.date.today())
            return [Choice(s.id, session_choice_text(s.number, s.date, s.title.get(language)))
                    for s in detail.sessions]

        self.backend.run_open(load, self.form.set_sessions, self._failed, owner=self)

    def _kind_chosen(self, row: int) -> None:
        if row < 0:
            return
        self.form.set_kind(DocumentKind(self.kinds.item(row).data(Qt.ItemDataRole.UserRole)))
        self.message.clear()
        self._group_chosen()

    # --- make, preview, save ---------------------------------------------------------------------

    def make(self) -> None:
        self.message.clear()
        try:
            request = self.form.request(Path("."))
        except Exception as exc:  # an impossible period: said at once, nothing made
            self.message.show_error(user_message(exc))
            return
        today = dt.date.today()
        self.make_button.setEnabled(False)
        self.message.show_note(_("Making the document…"))
        self.backend.run_open(lambda opened: _make(opened, request, today),
                              lambda result: self._made(result, request), self._failed, owner=self)

    def _made(self, result: tuple[IssuedFile, bytes], request: DocumentRequest) -> None:
        issued, data = result
        self.make_button.setEnabled(True)
        self.made = (issued, data, request)
        self.save_button.setEnabled(True)
        if issued.pages:
            self.message.show_info(ngettext("Document {number} is ready ({pages} page). Check it, then save it.",
                                            "Document {number} is ready ({pages} pages). Check it, then save it.",
                                            issued.pages).format(number=issued.number,
                                                                 pages=format_number(issued.pages)))
            self._show_pdf(data)
        else:
            self.message.show_info(_("Export {number} is ready. Save it where it must go.").format(
                number=issued.number))
            self._show_pdf(None)

    def _show_pdf(self, data: bytes | None) -> None:
        qtpdf, widgets = pdf_support()
        if self._pdf is None:
            self._pdf = qtpdf.QPdfDocument(self)
            self.preview = widgets.QPdfView(self)
            self.preview.setPageMode(widgets.QPdfView.PageMode.MultiPage)
            self.preview.setZoomMode(widgets.QPdfView.ZoomMode.FitToWidth)
            self.preview.setDocument(self._pdf)
            self.preview_host.addWidget(self.preview, 1)
        self._pdf.close()
        self.preview.setVisible(data is not None)
        self.preview_note.setVisible(data is None)
        if data is None:
            return
        self._bytes = QByteArray(data)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._pdf.load(self._buffer)

    def save_as(self) -> None:
        if self.made is None:
            return
        issued, data, request = self.made
        suffix = issued.path.suffix.lstrip(".") or "pdf"
        name = f"{issued.number}-{issued.path.name}"
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the document"), str(Path.home() / name),
                                                    _(FILE_FILTERS.get(suffix, FILE_FILTERS["pdf"])))
        if not path:
            return
        self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        assert self.made is not None
        data = self.made[1]
        self.backend.run_folder(lambda _folder: _save(path, data),
                                lambda saved: self.message.show_info(_("Saved: {path}").format(path=saved)),
                                self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.make_button.setEnabled(True)
        self.message.show_error(user_message(exc))

    def retranslate_ui(self) -> None:
        self.title.setText(_("Reports"))
        self.intro.setText(_("Documents for the court and the Probation Department, in Kyrgyz or Russian "
                             "whatever language the app is in, and exports for the coordinator. Each document "
                             "gets a number."))
        for row in range(self.kinds.count()):
            item = self.kinds.item(row)
            item.setText(_(KIND_LABELS[DocumentKind(item.data(Qt.ItemDataRole.UserRole))]))
        self.make_button.setText(_("Make the document"))
        self.save_button.setText(_("Save as…"))
        self.preview_note.setText(_("The preview appears here once a document is made."))
