"""Today → "This month": the key indicators of the month so far (attending, started, completed,
dropped out, refused under art. 72, follow-ups overdue), each with its mandatory / voluntary split.

The figures come from ``OpenWorkspace.indicators`` on the DB worker: the same function as the
indicators report and the Probation server, so the box and the report always agree.
"""

from __future__ import annotations

import datetime as dt

from instructor_app.i18n import _, format_date, format_number
from instructor_app.indicators import INDICATOR_LABELS, Indicators, PeriodKind, period_for
from ui.qt import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import MessageLabel, heading

SHOWN = ("attending", "started", "completed", "dropped_out", "refused", "follow_ups_overdue")


class IndicatorsBox(Retranslating, QWidget):
    def __init__(self, backend: Backend | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.indicators: Indicators | None = None
        self.title = heading(size_delta=1)
        self.span = QLabel()
        self.names = {key: QLabel() for key in SHOWN}
        self.values = {key: QLabel() for key in SHOWN}
        self.splits = {key: QLabel() for key in SHOWN}
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        for row, key in enumerate(SHOWN):
            value = self.values[key]
            value.setObjectName(f"indicator_{key}")
            font = value.font()
            font.setBold(True)
            value.setFont(font)
            grid.addWidget(self.names[key], row, 0)
            grid.addWidget(value, row, 1)
            grid.addWidget(self.splits[key], row, 2)
        grid.setColumnStretch(3, 1)
        self.message = MessageLabel()
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QVBoxLayout(frame)
        inner.addWidget(self.span)
        inner.addLayout(grid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, frame, self.message):
            layout.addWidget(widget)
        self.retranslate_ui()

    def refresh(self, today: dt.date) -> None:
        """Read this month's figures (up to ``today``) on the worker."""
        if self.backend is None:
            return
        month = period_for(PeriodKind.MONTH, today)
        self.backend.run_open(lambda ws: ws.indicators(month, today), self._loaded, self._failed, owner=self)

    def _loaded(self, found: Indicators) -> None:
        self.indicators = found
        self.message.clear()
        self.retranslate_ui()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(user_message(exc))

    def figure(self, key: str) -> str:
        """The figure shown for ``key`` ("…" until loaded)."""
        return self.values[key].text()

    def retranslate_ui(self) -> None:
        self.title.setText(_("This month"))
        found = self.indicators
        if found is not None:
            self.span.setText(_("{start} – {end}").format(start=format_date(found.period.start, "short"),
                                                          end=format_date(found.as_of or found.period.end, "short")))
        for key in SHOWN:
            self.names[key].setText(_(INDICATOR_LABELS[key]))
            if found is None:
                self.values[key].setText("…")
                self.splits[key].clear()
                continue
            counts = found.counts[key]
            self.values[key].setText(format_number(counts.total))
            self.splits[key].setText(_("mandatory {mandatory}, voluntary {voluntary}").format(
                mandatory=format_number(counts.by_component["mandatory"]),
                voluntary=format_number(counts.by_component["voluntary"])))
