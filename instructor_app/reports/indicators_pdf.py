"""The indicators report (PDF): a centre's figures for a month, quarter, year or any period.

Layout only: takes an ``IndicatorsReport`` (plain data, no database) and builds a ``PdfDocument``.
Call ``indicators_document`` inside ``i18n.language_of_document(lang)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from instructor_app.curricula.model import COMPONENT_LABELS
from instructor_app.i18n import N_, _, format_date, format_number
from instructor_app.indicators import COMPONENTS, INDICATOR_KEYS, INDICATOR_LABELS, Indicators
from instructor_app.reports.indicator_table import (INDICATOR_NOTES, indicator_header, indicator_rows, percent,
                                                    period_name, signed)
from instructor_app.reports.pdf import DocumentMeta, PdfDocument

TITLE = N_("Programme indicators")
NO_DATA = N_("No data for this period.")
# The flow of participants through the programme, charted (follow-ups have their own scale).
CHARTED = ("referred", "started", "attending", "completed", "dropped_out", "refused")


@dataclass(frozen=True)
class IndicatorsReport:
    centre: str
    number: str
    issued_on: dt.date
    indicators: Indicators
    prepared_by: str   # the facilitator who made the report


def indicators_document(report: IndicatorsReport) -> PdfDocument:
    data = report.indicators
    doc = PdfDocument(DocumentMeta(_(TITLE), report.number, report.issued_on, report.centre))
    doc.title(_(TITLE), report.centre)
    facts = [(_("Centre"), report.centre), (_("Period"), period_name(data.period))]
    if data.as_of is not None and data.as_of < data.period.end:
        facts.append((_("Counted up to"), _("{date} (the period is not over yet)").format(
            date=format_date(data.as_of, "short"))))
    facts.append((_("Participants on record"), format_number(data.participants)))
    doc.facts(facts, label_share=0.3)
    if data.empty:
        doc.spacer(10)
        doc.heading(_(NO_DATA))
        doc.paragraph(_("No participant was referred, started, finished or had a follow-up meeting in "
                        "this period, and nobody was attending on its last day."))
    else:
        _figures(doc, data)
    doc.signatures([(_("Prepared by"), report.prepared_by), (_("Head of the centre"), "")])
    return doc


def _figures(doc: PdfDocument, data: Indicators) -> None:
    doc.heading(_("Participants and follow-up"))
    rows = [[row.label, *(format_number(v) for v in row.cells)] for row in indicator_rows(data)]
    doc.table(indicator_header(), rows, [0.33, 0.16, 0.16, 0.12, 0.12, 0.11], center_from=1)

    doc.heading(_("Completion and change"))
    by_component = data.completion_rate_by_component
    doc.facts([
        (_("Completion rate"), percent(data.completion_rate)),
        (_("Completion rate, mandatory component"), percent(by_component.get("mandatory"))),
        (_("Completion rate, voluntary component"), percent(by_component.get("voluntary"))),
        (_("Average change of the self-assessment score"), signed(data.self_assessment_change)),
    ], label_share=0.5)
    doc.paragraph(_("Completion rate: completed ÷ (completed + dropped out + refused) in the period. "
                    "Self-assessment: the last total minus the first, averaged over those who completed "
                    "in the period and answered it at least twice."), "small")

    totals = {row.key: row.cells[-1] for row in indicator_rows(data)}
    doc.spacer(4)
    doc.bar_chart(_("Participants in the period"), [_(INDICATOR_LABELS[k]) for k in CHARTED],
                  [totals[k] for k in CHARTED], height_pt=14 * len(CHARTED))
    rates = [(label, rate) for label, rate in (
        *((_(COMPONENT_LABELS[c]), by_component.get(c)) for c in COMPONENTS),
        (_("In all"), data.completion_rate)) if rate is not None]
    if any(rate for _label, rate in rates):  # no chart of zeros
        doc.spacer(4)
        doc.bar_chart(_("Completion rate, %"), [label for label, _rate in rates],
                      [round(rate * 100, 1) for _label, rate in rates], height_pt=14 * len(rates))

    doc.heading(_("How the figures are counted"))
    for key in INDICATOR_KEYS:
        doc.paragraph(f"{_(INDICATOR_LABELS[key])}: {_(INDICATOR_NOTES[key])}.", "small")

