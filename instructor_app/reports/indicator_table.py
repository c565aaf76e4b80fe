"""The indicators as a table: the same rows and columns in the PDF report and in the exports
(labels: ``indicators.INDICATOR_LABELS``, the ones the Today page shows).

Pure: takes an ``Indicators`` value (instructor_app.indicators) and gives labels and numbers; the
caller translates (inside ``language_of_document``) and lays out.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_percent

from instructor_app.i18n import N_, _, current_language, format_date, format_number
from instructor_app.indicators import (COMPONENTS, GENDERS, INDICATOR_KEYS, INDICATOR_LABELS, Breakdown, Indicators,
                                       Period, PeriodKind)

INDICATOR_NOTES = {
    "referred": N_("a referral received in the period"),
    "started": N_("the first session attended falls in the period"),
    "attending": N_("status “attending” on the last day counted"),
    "completed": N_("completed the programme in the period"),
    "dropped_out": N_("dropped out in the period"),
    "refused": N_("refused the programme in the period (Code of Offences art. 72)"),
    "follow_ups_done": N_("follow-up meetings held in the period"),
    "follow_ups_overdue": N_("follow-up meetings past their due day and the grace days, not held"),
}
# The columns after the indicator's name (see breakdown_cells)
COLUMN_LABELS = (N_("Mandatory"), N_("Voluntary"), N_("Men"), N_("Women"), N_("In all"))


def breakdown_cells(counts: Breakdown) -> tuple[int, int, int, int, int]:
    """mandatory, voluntary, men, women, total."""
    mandatory, voluntary = (counts.by_component.get(c, 0) for c in COMPONENTS)
    men, women = (counts.by_gender.get(g, 0) for g in GENDERS)
    return mandatory, voluntary, men, women, counts.total


@dataclass(frozen=True)
class IndicatorRow:
    key: str
    label: str                              # translated
    cells: tuple[int, int, int, int, int]   # see COLUMN_LABELS


def indicator_header() -> list[str]:
    return [_("Indicator"), *(_(c) for c in COLUMN_LABELS)]


def indicator_rows(indicators: Indicators) -> list[IndicatorRow]:
    """One row per indicator, in ``INDICATOR_KEYS`` order; a missing key counts as zero."""
    return [IndicatorRow(key, _(INDICATOR_LABELS[key]), breakdown_cells(indicators.counts.get(key, Breakdown())))
            for key in INDICATOR_KEYS]


def percent(rate: float | None) -> str:
    """A rate 0..1 as "66,7%" in the current language; "—" when there is none."""
    if rate is None:
        return "—"
    return format_percent(rate, "#,##0.#%", locale=current_language())


def signed(value: float | None) -> str:
    """A change with its sign ("+3,5", "−2"); "—" when there is none."""
    if value is None:
        return "—"
    shown = format_number(round(abs(value), 1))
    if round(value, 1) == 0:
        return shown
    return f"+{shown}" if value > 0 else f"−{shown}"


def period_name(period: Period) -> str:
    """"Ноябрь 2026 (01.11.2026 – 30.11.2026)"; a custom period is its dates only."""
    dates = f"{format_date(period.start, 'short')} – {format_date(period.end, 'short')}"
    name = {PeriodKind.MONTH: "LLLL y", PeriodKind.QUARTER: "QQQQ y", PeriodKind.YEAR: "y"}.get(period.kind)
    if name is None:
        return dates
    text = format_date(period.start, name)
    return f"{text[:1].upper()}{text[1:]} ({dates})"


def period_subject(period: Period) -> str:
    """The period as the register of issued documents keeps it (no translation): "2026-11-01..2026-11-30"."""
    return f"{period.start.isoformat()}..{period.end.isoformat()}"
