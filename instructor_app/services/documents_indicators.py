"""Make the indicators report (PDF) of this laptop's centre for a period.

The figures come from ``services.indicators.load_indicators`` (the one definition shared with the
Today page, the exports and the receiving service); the layout is ``reports.indicators_pdf``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from instructor_app.errors import InvalidInput
from instructor_app.i18n import LANGUAGES, N_, _, language_of_document
from instructor_app.indicators import Period, PeriodKind, period_for
from instructor_app.reports.indicator_table import period_subject
from instructor_app.reports.indicators_pdf import TITLE, IndicatorsReport, indicators_document
from instructor_app.services.document_data import IssuedFile
from instructor_app.services.document_parts import document_meta

if TYPE_CHECKING:
    from instructor_app.services.open_workspace import OpenWorkspace


def recent_periods(today: dt.date) -> list[Period]:
    """The periods a user most often prints: this and the last month, quarter and year."""
    found = []
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        current = period_for(kind, today)
        found += [current, period_for(kind, current.start - dt.timedelta(days=1))]
    return found


def make_indicators(opened: OpenWorkspace, period: Period, *, language: str, out: Path,
                    today: dt.date | None = None) -> IssuedFile:
    from instructor_app.services.indicators import load_indicators

    if language not in LANGUAGES:
        raise InvalidInput("language", N_("Choose the language of the document."))
    today = today or dt.date.today()
    indicators = load_indicators(opened, period, today)
    with language_of_document(language), opened.db.session(opened.actor.id) as session:
        meta = document_meta(session, "indicators", _(TITLE), subject=period_subject(period), language=language,
                             on=today, actor_id=opened.actor.id)
        doc = indicators_document(IndicatorsReport(meta.centre, meta.number, today, indicators,
                                                   opened.actor.display_name))
        size = doc.save(Path(out))  # inside the transaction: a failed write rolls the number back
    return IssuedFile(meta.number, Path(out), doc.pages, size)
