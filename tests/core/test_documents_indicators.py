"""The indicators report (PDF) in Kyrgyz and Russian: its figures are the ones given (a hand-made
``Indicators``) and, on the demo data, counts made here by plain loops over the ORM rows; an empty
period says so; an unwritable path is a clear error that keeps no number."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from instructor_app.i18n import _, format_number, language_of_document
from instructor_app.indicators import (COMPONENTS, GENDERS, INDICATOR_KEYS, Breakdown, Indicators, Period,
                                       PeriodKind, custom_period, period_for)
from instructor_app.participants.rules import compliance_rules
from instructor_app.paths import DataFolder
from instructor_app.reports.indicator_table import COLUMN_LABELS, INDICATOR_LABELS, percent, signed
from instructor_app.reports.indicators_pdf import NO_DATA, TITLE, IndicatorsReport, indicators_document
from instructor_app.reports.pdf import OutputNotWritable
from instructor_app.services.documents_indicators import make_indicators, recent_periods
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.workspace import Workspace
from instructor_app.storage.models import IssuedDocument
from instructor_app.storage.participant_models import (Attendance, FollowUpMeeting, Participant, Referral,
                                                       StatusChange)
from instructor_app.storage.programme_models import ProgrammeSession

from .conftest import DEMO_PASSWORD, Demo

CENTRE = "Шаң-Таш айылдык «Үмүт» борбору"
AUTHOR = "Үмүт Өмүрбекова"
FIVE_NUMBERS = re.compile(r"^\s*(\S.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def table_rows(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """Every line ending in five whole numbers: (the start of the line, the numbers)."""
    found = []
    for line in text.splitlines():
        match = FIVE_NUMBERS.match(line)
        if match:
            found.append((match.group(1), tuple(int(v) for v in match.groups()[1:])))
    return found


def breakdown(mandatory: int, voluntary: int, men: int, women: int) -> Breakdown:
    assert mandatory + voluntary == men + women
    b = Breakdown(total=mandatory + voluntary)
    b.by_component = {"mandatory": mandatory, "voluntary": voluntary}
    b.by_gender = {"male": men, "female": women}
    return b


def expected_cells(b: Breakdown) -> tuple[int, ...]:
    return (*(b.by_component[c] for c in COMPONENTS), *(b.by_gender[g] for g in GENDERS), b.total)


def hand_made() -> Indicators:
    # every cell different, so a value in the wrong column or row cannot pass
    counts = {key: breakdown(10 + 3 * i, 2 * i + 1, 7 + 4 * i, 4 + i) for i, key in enumerate(INDICATOR_KEYS)}
    return Indicators(Period(PeriodKind.QUARTER, dt.date(2026, 7, 1), dt.date(2026, 9, 30)), counts,
                      completion_rate=13 / 19, completion_rate_by_component={"mandatory": 0.8125, "voluntary": None},
                      self_assessment_change=-2.5, participants=57)


def render(report: IndicatorsReport, lang: str, path: Path) -> str:
    with language_of_document(lang):
        doc = indicators_document(report)
        doc.save(path)
    assert doc.pages >= 1
    return pdf_text(path)


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_the_report_prints_the_figures_it_is_given(lang: str, tmp_path: Path) -> None:
    data = hand_made()
    text = render(IndicatorsReport(CENTRE, "IND-2026-0042-AB12", dt.date(2026, 10, 5), data, AUTHOR), lang,
                  tmp_path / "report.pdf")
    with language_of_document(lang):
        assert _(TITLE) in text
        assert "IND-2026-0042-AB12" in text and "05.10.2026" in text
        assert "01.07.2026 – 30.09.2026" in text
        assert all(_(label) in text for label in COLUMN_LABELS)
        for heading in ("Participants and follow-up", "Completion and change", "How the figures are counted"):
            assert _(heading) in text
        assert percent(13 / 19) in text and percent(0.8125) in text
        assert signed(-2.5) == f"−{format_number(2.5)}" and signed(-2.5) in text
        rows = table_rows(text)
        assert [cells for _start, cells in rows] == [expected_cells(data.counts[k]) for k in INDICATOR_KEYS]
        for (start, _cells), key in zip(rows, INDICATOR_KEYS, strict=True):
            assert start.startswith(_(INDICATOR_LABELS[key]).split()[0])
    for letters in ("Шаң-Таш", "Үмүт", "Өмүрбекова"):
        assert letters in text  # ң ө ү intact


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_an_empty_period_says_so_instead_of_a_table_of_zeros(lang: str, tmp_path: Path) -> None:
    data = Indicators(period_for("month", dt.date(2026, 2, 10)), {k: Breakdown() for k in INDICATOR_KEYS},
                      None, {"mandatory": None, "voluntary": None}, None, participants=12)
    assert data.empty
    text = render(IndicatorsReport(CENTRE, "IND-2026-0043-AB12", dt.date(2026, 3, 1), data, AUTHOR), lang,
                  tmp_path / "empty.pdf")
    with language_of_document(lang):
        assert _(NO_DATA) in text and _(TITLE) in text
        assert "01.02.2026 – 28.02.2026" in text
        assert _("Indicator") not in text and table_rows(text) == []
        assert _("Completion rate") not in text


# --- the demo data -------------------------------------------------------------------------------

def unlock_demo(demo: Demo) -> OpenWorkspace:
    workspace = Workspace(DataFolder(demo.root))
    return workspace.unlock(workspace.accounts()[0].id, DEMO_PASSWORD)


def live(rows):  # noqa: ANN001, ANN201
    return [row for row in rows if row.deleted_at is None]


def counted_here(opened: OpenWorkspace, period: Period, today: dt.date) -> dict[str, tuple[int, ...]]:
    """The indicators as the module docstring of instructor_app.indicators defines them, by plain loops
    (a period not over yet ends today)."""
    rules = compliance_rules()
    start, end = period.start, max(period.start, min(period.end, today))
    with opened.db.session(opened.actor.id) as s:
        people = live(s.scalars(select(Participant)))
        referrals = live(s.scalars(select(Referral)))
        changes = live(s.scalars(select(StatusChange)))
        sessions = {row.id: row for row in live(s.scalars(select(ProgrammeSession)))}
        marks = sorted(live(s.scalars(select(Attendance))), key=lambda m: m.created_at)
        meetings = live(s.scalars(select(FollowUpMeeting)))
    table = {key: {"mandatory": 0, "voluntary": 0, "male": 0, "female": 0, "total": 0} for key in INDICATOR_KEYS}

    def add(key: str, person: Participant, n: int = 1) -> None:
        for column in (person.component, person.gender, "total"):
            table[key][column] += n

    for person in people:
        if any(r.participant_id == person.id and start <= r.received_on <= end for r in referrals):
            add("referred", person)
        newest = {}
        for mark in marks:
            if mark.participant_id == person.id:
                newest[mark.session_id] = mark.mark
        attended = [sessions[sid].held_on or sessions[sid].scheduled_date for sid, mark in newest.items()
                    if mark in rules.attended_marks and sid in sessions and sessions[sid].status != "cancelled"]
        if attended and start <= min(attended) <= end:
            add("started", person)
        mine = sorted((c for c in changes if c.participant_id == person.id), key=lambda c: (c.changed_on, c.created_at))
        until_end = [c for c in mine if c.changed_on <= end]
        if until_end and until_end[-1].to_status == "active":
            add("attending", person)
        for key in ("completed", "dropped_out", "refused"):
            if any(c.to_status == key and start <= c.changed_on <= end for c in mine):
                add(key, person)
        own = [f for f in meetings if f.participant_id == person.id]
        add("follow_ups_done", person, sum(1 for f in own if f.held_on and start <= f.held_on <= end))
        overdue_before = end - dt.timedelta(days=rules.follow_up_grace_days)
        add("follow_ups_overdue", person,
            sum(1 for f in own if f.due_on < overdue_before and (f.held_on is None or f.held_on > end)))
    return {key: (t["mandatory"], t["voluntary"], t["male"], t["female"], t["total"]) for key, t in table.items()}


def test_the_demo_report_shows_counts_made_independently(demo_folder: Demo, tmp_path: Path) -> None:
    today = dt.date.today()
    opened = unlock_demo(demo_folder)
    try:
        year_of_work = custom_period(today - dt.timedelta(days=400), today)
        assert sum(counted_here(opened, year_of_work, today)[k][-1] for k in ("referred", "started", "completed")) > 0
        for lang, period in (("ky", year_of_work), ("ru", period_for("quarter", today))):
            expected = counted_here(opened, period, today)
            issued = make_indicators(opened, period, language=lang, out=tmp_path / f"indicators-{lang}.pdf",
                                     today=today)
            text = pdf_text(issued.path)
            assert issued.pages >= 1 and issued.size == issued.path.stat().st_size
            assert issued.number.startswith(f"IND-{today.year}-") and issued.number in text
            if all(v[-1] == 0 for v in expected.values()):
                with language_of_document(lang):
                    assert _(NO_DATA) in text
                continue
            assert [cells for _start, cells in table_rows(text)] == [expected[k] for k in INDICATOR_KEYS]
            done = expected["completed"][-1]
            ended = done + expected["dropped_out"][-1] + expected["refused"][-1]
            with language_of_document(lang):
                assert _(TITLE) in text
                assert (_("Counted up to") in text) == (period.end > today)
                if ended:
                    assert f"{_('Completion rate')} " in text and percent(done / ended) in text
        with opened.db.session(opened.actor.id) as s:
            kinds = s.scalars(select(IssuedDocument.kind)).all()
        assert kinds.count("indicators") == 2
    finally:
        opened.close()


def test_an_unwritable_path_is_a_clear_error_and_keeps_no_number(demo_folder: Demo, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    opened = unlock_demo(demo_folder)
    try:
        with opened.db.session(opened.actor.id) as s:
            before = s.scalar(select(func.count()).select_from(IssuedDocument))
        with pytest.raises(OutputNotWritable) as raised:
            make_indicators(opened, period_for("year", dt.date.today()), language="ru",
                            out=blocker / "indicators.pdf")
        assert str(blocker) in raised.value.message()
        with opened.db.session(opened.actor.id) as s:
            assert s.scalar(select(func.count()).select_from(IssuedDocument)) == before
    finally:
        opened.close()


def test_recent_periods_are_this_and_the_last_month_quarter_and_year() -> None:
    periods = recent_periods(dt.date(2026, 1, 15))
    assert [(p.kind, p.start, p.end) for p in periods] == [
        (PeriodKind.MONTH, dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        (PeriodKind.MONTH, dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        (PeriodKind.QUARTER, dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (PeriodKind.QUARTER, dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        (PeriodKind.YEAR, dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        (PeriodKind.YEAR, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ]
