"""Today: the centre, the facilitator pair and the sync state (from ``OpenWorkspace.overview``).

The page keeps the plain ``Overview`` it was given and renders it again on a language change.
"""

from __future__ import annotations

from instructor_app.domain.facilitators import GENDER_LABELS, PAIR_NOTICE_TEXT
from instructor_app.domain.regions import REGION_LABELS
from instructor_app.i18n import N_, _, format_datetime, ngettext
from instructor_app.services.data import Overview
from ui.qt import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget
from ui.translator import Retranslating
from ui.widgets import MessageLabel, heading


def last_sync_text(overview: Overview | None) -> str:
    if overview is None or overview.last_sync_at is None:
        return _("Last sync: never")
    return _("Last sync: {when}").format(when=format_datetime(overview.last_sync_at, "short"))


def pending_text(overview: Overview | None) -> str:
    count = overview.pending_changes if overview else 0
    return ngettext("{count} change waiting to sync", "{count} changes waiting to sync",
                    count).format(count=count)


def label(key: str, labels: dict) -> str:
    text = labels.get(key)  # StrEnum keys match their string values
    return _(text) if text else key


class TodayPage(Retranslating, QWidget):
    nav_label = N_("Today")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.overview: Overview | None = None
        self.title = heading(size_delta=6)
        self.centre = heading(size_delta=2)
        self.region = QLabel()
        self.facilitators_title = heading(size_delta=1)
        self.facilitators = QGridLayout()
        self.facilitators.setHorizontalSpacing(24)
        self.pair_notice = MessageLabel()
        self.sync_title = heading(size_delta=1)
        self.last_sync = QLabel()
        self.pending = QLabel()
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(8)
        for widget in (self.title, self.centre, self.region, line, self.facilitators_title):
            layout.addWidget(widget)
        layout.addLayout(self.facilitators)
        for widget in (self.pair_notice, self.sync_title, self.last_sync, self.pending):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.retranslate_ui()

    def set_overview(self, overview: Overview) -> None:
        self.overview = overview
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        overview = self.overview
        self.title.setText(_("Today"))
        self.centre.setText(overview.centre_name if overview else "")
        self.region.setText(label(overview.region, REGION_LABELS) if overview else "")
        self.facilitators_title.setText(_("Facilitators"))
        self._fill_facilitators()
        if overview and overview.pair_notice:
            self.pair_notice.show_note(_(PAIR_NOTICE_TEXT[overview.pair_notice]))
        else:
            self.pair_notice.clear()
        self.sync_title.setText(_("Sync with the Probation Department"))
        self.last_sync.setText(last_sync_text(overview))
        self.pending.setText(pending_text(overview))

    def _fill_facilitators(self) -> None:
        while self.facilitators.count():
            item = self.facilitators.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        people = self.overview.facilitators if self.overview else ()
        for row, person in enumerate(people):
            name = QLabel(person.display_name)
            name.setObjectName("facilitatorName")
            self.facilitators.addWidget(name, row, 0)
            self.facilitators.addWidget(QLabel(label(person.gender, GENDER_LABELS)), row, 1)
        self.facilitators.setColumnStretch(2, 1)
