"""One participant's questionnaires, on the facilitator's screen: the self-assessment subscales per time
point (intake → mid → end → follow-up) against the group's average, every response, the latest risk
category, and the partner's reports with a red flag where they contradict the participant.

The partner's reports are read only here and only while this tab is shown; never in kiosk mode."""

from __future__ import annotations

import html
from dataclasses import dataclass

from instructor_app.i18n import N_, _, current_language, format_date
from instructor_app.instruments.model import Instrument
from instructor_app.services.instrument_data import (GroupAverage, InstrumentSummary, ParticipantResults, PartnerRow,
                                                     ResultRow)
from instructor_app.services.participant_data import ParticipantSummary
from ui.dialogs.partner_feedback import PARTNER_INSTRUMENT, PartnerFeedbackDialog, contradiction_text, partner_row_text
from ui.dialogs.questionnaire_form import ChooseDialog, QuestionnaireForm, number, saved_text, time_point_text
from ui.qt import (QAbstractItemView, QColor, QHBoxLayout, QHeaderView, QListWidget, QPainter, QPen, QPushButton,
                   QScrollArea, Qt, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)
from ui.tasks import Backend, user_message
from ui.translator import Retranslating
from ui.widgets import NOTE_STYLE, MessageLabel, heading, wrapped

SELF_ASSESSMENT = "participant-self-assessment"
TIME_POINTS = ("intake", "mid", "end", "follow_up")  # the chart's x axis, in this order
HIGH_RISK = QColor("#b00020")
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")  # Qt's repeat


def qt_charts():  # type: ignore[no-untyped-def]
    """QtCharts, loaded only when a chart is first drawn (as ``ui.qt.print_support``)."""
    from PySide6 import QtCharts

    return QtCharts


@dataclass(frozen=True)
class Loaded:
    participant_id: str
    results: ParticipantResults
    partner: list[PartnerRow]
    averages: list[GroupAverage]
    instruments: list[InstrumentSummary]

    def latest(self, key: str) -> Instrument | None:
        return next((s.instrument for s in self.instruments if s.key == key and s.latest), None)


def load(ws, participant_id: str, group_id: str | None) -> Loaded:
    """On the worker: everything the panel shows."""
    instruments = ws.instruments.list()
    averages = ws.instruments.group_averages(group_id, SELF_ASSESSMENT) if group_id else []
    return Loaded(participant_id, ws.instruments.results(participant_id), ws.instruments.partner_rows(participant_id),
                  averages, instruments)


class ResultsPanel(Retranslating, QWidget):
    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.participant: ParticipantSummary | None = None
        self.loaded: Loaded | None = None
        self.stale = False
        self.dialog: QWidget | None = None  # the chooser or form open now (tests reach it here)
        self.kiosk: QWidget | None = None
        self.chart = None
        self.subscale_series: list = []
        self.group_series: list = []
        self.title = heading(size_delta=2)
        self.buttons = {key: QPushButton() for key in ("kiosk", "facilitator", "partner")}
        self.buttons["kiosk"].clicked.connect(self.choose_kiosk)
        self.buttons["facilitator"].clicked.connect(self.choose_form)
        self.buttons["partner"].clicked.connect(self.open_partner)
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        self.message = MessageLabel()
        self.risk = MessageLabel()
        self.risk_note = wrapped()
        self.risk_note.setStyleSheet(NOTE_STYLE)
        self.chart_heading, self.chart_note = heading(size_delta=1), wrapped()
        self.chart_box = QVBoxLayout()
        self.chart_legend = wrapped()
        self.chart_legend.setTextFormat(Qt.TextFormat.RichText)
        self.table_heading = heading(size_delta=1)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("responses")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(160)
        self.partner_heading = heading(size_delta=1)
        self.partner_privacy = wrapped()
        self.partner_privacy.setStyleSheet(NOTE_STYLE)
        self.flags = MessageLabel()
        self.partner_list = QListWidget()
        self.partner_list.setWordWrap(True)
        self.partner_list.setMinimumHeight(60)
        self.partner_list.setMaximumHeight(140)
        inner = QWidget()
        content = QVBoxLayout(inner)
        for widget in (self.title, self.message, self.risk, self.risk_note, self.chart_heading, self.chart_note):
            content.addWidget(widget)
        content.addLayout(self.chart_box)
        content.addWidget(self.chart_legend)
        for widget in (self.table_heading, self.table, self.partner_heading, self.partner_privacy, self.flags,
                       self.partner_list):
            content.addWidget(widget)
        content.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(scroll, 1)
        self.retranslate_ui()

    # --- loading ----------------------------------------------------------------------------

    def set_participant(self, participant: ParticipantSummary | None) -> None:
        """Show ``participant``'s results; loaded now if the panel is on screen, else when it is shown."""
        if participant is None or self.participant is None or participant.id != self.participant.id:
            self.loaded = None  # never show one person's answers under another's name
            self.message.clear()
        self.participant = participant
        self.stale = participant is not None
        self.retranslate_ui()
        if self.stale and self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        if self.participant is None:
            return
        self.stale = False
        pid, group = self.participant.id, self.participant.group_id
        self.backend.run_open(lambda ws: load(ws, pid, group), self._loaded, self._failed, owner=self)

    def _loaded(self, loaded: Loaded) -> None:
        if self.participant is not None and loaded.participant_id == self.participant.id:
            self.loaded = loaded
            self.retranslate_ui()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(user_message(exc))

    # --- actions ----------------------------------------------------------------------------

    def _has_partial(self, key: str, time_point: str) -> bool:
        rows = self.loaded.results.rows if self.loaded else ()
        return any(r.instrument_key == key and r.time_point == time_point and not r.scores.complete for r in rows)

    def choose_kiosk(self) -> ChooseDialog | None:
        instrument = self.loaded.latest(SELF_ASSESSMENT) if self.loaded else None
        if instrument is None:
            return None
        self.dialog = ChooseDialog(N_("Self-assessment in kiosk mode"), [(instrument, "")], self)
        done = {r.time_point for r in self.loaded.results.rows
                if r.instrument_key == SELF_ASSESSMENT and r.scores.complete}
        combo = self.dialog.time_point_combo  # the first time point not answered yet
        combo.setCurrentIndex(max(0, next((n for n, tp in enumerate(instrument.time_points) if tp not in done), 0)))
        self.dialog.accepted.connect(lambda d=self.dialog: self.start_kiosk(d.time_point()))
        self.dialog.open()
        return self.dialog

    def start_kiosk(self, time_point: str) -> None:
        try:
            from ui.views.kiosk import start_kiosk
        except ImportError:
            self.message.show_error(_("Kiosk mode is not available in this version of the app."))
            return
        self.kiosk = start_kiosk(self.backend, self.participant.id, SELF_ASSESSMENT, time_point, self.window())
        self.kiosk.left.connect(self.refresh)  # a facilitator ended kiosk mode: show the new answers

    def choose_form(self) -> ChooseDialog | None:
        if self.loaded is None:
            return None
        offered = sorted((s.instrument for s in self.loaded.instruments if s.latest and s.respondent == "facilitator"),
                         key=lambda i: (i.kind != "checklist", i.id))
        options = [(i, "") for i in offered]
        own = self.loaded.latest(SELF_ASSESSMENT)
        if own is not None:
            options.append((own, N_("read aloud to the participant")))
        self.dialog = ChooseDialog(N_("Fill in as facilitator"), options, self)
        self.dialog.accepted.connect(lambda d=self.dialog: self.open_form(d.instrument(), d.time_point()))
        self.dialog.open()
        return self.dialog

    def open_form(self, instrument: Instrument, time_point: str) -> QuestionnaireForm:
        form = QuestionnaireForm(self.backend, self.participant, instrument, time_point,
                                 self._has_partial(instrument.id, time_point), self)
        form.accepted.connect(lambda: self._saved(saved_text(form.scores), not form.scores.complete))
        self.dialog = form
        form.open()
        return form

    def open_partner(self) -> PartnerFeedbackDialog | None:
        if self.participant is None:
            return None
        dialog = PartnerFeedbackDialog(self.backend, self.participant, parent=self)
        dialog.accepted.connect(lambda: self._saved(_("Partner feedback saved."), False))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, text: str, partial: bool) -> None:
        (self.message.show_note if partial else self.message.show_info)(text)
        self.refresh()

    # --- texts ------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        texts = {"kiosk": _("Self-assessment in kiosk mode…"), "facilitator": _("Fill in as facilitator…"),
                 "partner": _("Partner feedback…")}
        for key, button in self.buttons.items():
            button.setText(texts[key])
            button.setEnabled(self.loaded is not None and (key != "kiosk" or bool(self.loaded.latest(SELF_ASSESSMENT))))
        self.chart_heading.setText(_("Self-assessment: before and after"))
        self.table_heading.setText(_("All questionnaires"))
        self.table.setHorizontalHeaderLabels([_("Questionnaire"), _("Time point"), _("Date"), _("Answers"),
                                              _("Total"), _("Category")])
        self.partner_heading.setText(_("The partner's reports"))
        self.partner_privacy.setText(_("Shown only to facilitators, never to the participant."))
        person, loaded = self.participant, self.loaded
        self.title.setText(_("Questionnaires: {name}").format(name=person.full_name) if person else "")
        if loaded is None:
            self.table.setRowCount(0)
            self.partner_list.clear()
            for label in (self.risk, self.flags):
                label.clear()
            self.risk_note.clear()
            self.chart_note.setText(_("Loading…") if person else "")
            self._draw_chart()
            return
        self._fill_risk(loaded.results.risk)
        self._fill_table(loaded.results.rows)
        self._fill_partner(loaded)
        self._draw_chart()

    def _fill_risk(self, risk: ResultRow | None) -> None:
        ui = current_language()
        if risk is None or risk.scores.category is None:
            self.risk.show_note(_("No risk assessment yet."))
            self.risk_note.clear()
            return
        text = _("Risk ({instrument}, {date}): {category} (score {total})").format(
            instrument=risk.instrument.title.get(ui), date=format_date(risk.answered_on, "short"),
            category=risk.scores.category.title.get(ui), total=number(risk.scores.total))
        (self.risk.show_error if risk.scores.category.high else self.risk.show_info)(text)
        note = risk.instrument.restricted_note
        self.risk_note.setText(note.get(ui) if note else "")

    def _fill_table(self, rows: tuple[ResultRow, ...]) -> None:
        ui = current_language()
        self.table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            scores = row.scores
            category = scores.category.title.get(ui) if scores.category else ""
            cells = (row.instrument.title.get(ui), time_point_text(row.time_point),
                     format_date(row.answered_on, "short"), _("complete") if scores.complete else _("partial"),
                     # a questionnaire's grand total mixes scales: only a risk tool's total means something
                     number(scores.total) if row.instrument.kind == "risk" else "", category)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column == 3 and not scores.complete:
                    cell.setToolTip(_("{answered} of {required} required answers").format(
                        answered=scores.answered, required=scores.required))
                if column == 5 and scores.category is not None and scores.category.high:
                    cell.setForeground(HIGH_RISK)
                self.table.setItem(n, column, cell)

    def _fill_partner(self, loaded: Loaded) -> None:
        instrument = loaded.latest(PARTNER_INSTRUMENT)
        self.partner_list.clear()
        flags = []
        for row in loaded.partner:
            self.partner_list.addItem(partner_row_text(row, instrument))
            flags += [f"⚑ {time_point_text(row.time_point)}: {contradiction_text(f)}" for f in row.contradictions]
        if not loaded.partner:
            self.partner_list.addItem(_("No partner feedback yet."))
        if flags:
            self.flags.show_error("\n".join(flags))
        else:
            self.flags.clear()

    # --- the chart --------------------------------------------------------------------------

    def _points(self) -> dict[str, dict[str, float]]:
        """time point → subscale → the participant's score (the latest complete self-assessment there)."""
        found: dict[str, dict[str, float]] = {}
        for row in self.loaded.results.rows if self.loaded else ():
            if row.instrument_key == SELF_ASSESSMENT and row.scores.complete and row.time_point in TIME_POINTS:
                found[row.time_point] = {k: v for k, v in row.scores.subscales.items() if v is not None}
        return found

    def _draw_chart(self) -> None:
        instrument = self.loaded.latest(SELF_ASSESSMENT) if self.loaded else None
        points = self._points()
        self.subscale_series, self.group_series = [], []
        if instrument is None or not points:
            if self.loaded is not None:
                self.chart_note.setText(_("No complete self-assessment yet."))
            self.chart_legend.clear()
            if self.chart is not None:
                self.chart.removeAllSeries()
                self.chart_view.hide()
            return
        ui = current_language()
        lower = ", ".join(s.title.get(ui) for s in instrument.subscales if not s.higher_is_better)
        self.chart_note.setText(_("Higher scores mean progress, except on: {subscales} (there lower is better). "
                                  "Dashed lines: the group's average.").format(subscales=lower) if lower
                                else _("Higher scores mean progress. Dashed lines: the group's average."))
        charts = qt_charts()
        if self.chart is None:
            self.chart = charts.QChart()
            self.chart_view = charts.QChartView(self.chart)
            self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.chart_view.setMinimumHeight(380)
            self.chart_box.addWidget(self.chart_view)
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
            axis.deleteLater()
        x_axis, y_axis = charts.QBarCategoryAxis(), charts.QValueAxis()
        x_axis.append([time_point_text(tp) for tp in TIME_POINTS])
        y_axis.setTitleText(_("Score"))
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        averages = {(a.time_point, a.subscale): a.mean for a in self.loaded.averages}
        top = 1.0
        for n, subscale in enumerate(instrument.subscales):
            own = charts.QLineSeries()
            own.setName(subscale.title.get(ui))
            pen = QPen(QColor(COLOURS[n % len(COLOURS)]))
            pen.setWidth(2)
            own.setPen(pen)
            own.setPointsVisible(True)
            group = charts.QLineSeries()
            group.setName(_("{subscale} (group average)").format(subscale=subscale.title.get(ui)))
            for index, tp in enumerate(TIME_POINTS):
                if subscale.key in points.get(tp, {}):
                    own.append(index, points[tp][subscale.key])
                if (tp, subscale.key) in averages:
                    group.append(index, averages[(tp, subscale.key)])
            top = max([top] + [p.y() for p in own.points()] + [p.y() for p in group.points()])
            chart.addSeries(own)
            self.subscale_series.append(own)
            if group.count():
                pen.setStyle(Qt.PenStyle.DashLine)
                group.setPen(pen)
                chart.addSeries(group)
                self.group_series.append(group)
        for series in self.subscale_series + self.group_series:
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
        y_axis.setRange(0, top * 1.1)
        y_axis.applyNiceNumbers()
        chart.legend().setVisible(False)  # Qt's legend elides long ky/ru names: ours wraps
        self.chart_legend.setText("&nbsp;&nbsp; ".join(
            f'<span style="color:{series.color().name()}">■</span>&nbsp;{html.escape(series.name())}'
            for series in self.subscale_series))
        self.chart_view.show()
