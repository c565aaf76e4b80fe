"""Exports (CSV and XLSX) of the demo data, read back with the csv module and openpyxl: translated
headers and values, row counts equal to the database's, personal data only when asked for, stable
pseudonymous codes, a number for every export, and a clear error for an unwritable path."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from instructor_app.i18n import _, language_of_document
from instructor_app.indicators import INDICATOR_KEYS, INDICATOR_LABELS, custom_period, period_for
from instructor_app.participants.compliance import MARK_LABELS
from instructor_app.participants.lifecycle import STATUS_LABELS
from instructor_app.paths import DataFolder
from instructor_app.reports.pdf import OutputNotWritable
from instructor_app.services.exports import make_export
from instructor_app.services.indicators import load_indicators
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.workspace import Workspace
from instructor_app.storage.models import IssuedDocument
from instructor_app.storage.participant_models import Attendance, Participant, PartnerContact
from instructor_app.storage.programme_models import ProgrammeSession

from .conftest import DEMO_PASSWORD, Demo

TODAY = dt.date.today()


@pytest.fixture
def opened(demo_folder: Demo) -> Iterator[OpenWorkspace]:
    workspace = Workspace(DataFolder(demo_folder.root))
    ws = workspace.unlock(workspace.accounts()[0].id, DEMO_PASSWORD)
    yield ws
    ws.close()


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark missing: Excel would guess a code page"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(path: Path) -> tuple[openpyxl.Workbook, list[list[object]]]:
    book = openpyxl.load_workbook(path)
    return book, [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def people(opened: OpenWorkspace) -> list[Participant]:
    with opened.db.session(opened.actor.id) as s:
        return [p for p in s.scalars(select(Participant)) if p.deleted_at is None]


def newest_marks(opened: OpenWorkspace) -> dict[tuple[uuid.UUID, uuid.UUID], Attendance]:
    with opened.db.session(opened.actor.id) as s:
        sessions = {row.id: row for row in s.scalars(select(ProgrammeSession)) if row.deleted_at is None}
        marks = sorted((m for m in s.scalars(select(Attendance)) if m.deleted_at is None), key=lambda m: m.created_at)
    newest = {}
    for mark in marks:
        if mark.session_id in sessions:
            newest[(mark.participant_id, mark.session_id)] = (mark, sessions[mark.session_id])
    return newest


def issued_numbers(opened: OpenWorkspace) -> list[tuple[str, str]]:
    with opened.db.session(opened.actor.id) as s:
        return [tuple(r) for r in s.execute(select(IssuedDocument.number, IssuedDocument.kind))]


def test_participants_without_personal_data_carry_codes_only(opened: OpenWorkspace, tmp_path: Path) -> None:
    everyone = people(opened)
    with opened.db.session(opened.actor.id) as s:
        partners = [p for p in s.scalars(select(PartnerContact))]
    first = make_export(opened, "participants", "csv", language="ky", out=tmp_path / "p.csv", today=TODAY)
    second = make_export(opened, "participants", "xlsx", language="ru", out=tmp_path / "p.xlsx", today=TODAY)
    rows = read_csv(first.path)
    book, sheet = read_xlsx(second.path)
    assert first.pages == second.pages == 0 and first.size == first.path.stat().st_size
    assert len(rows) - 1 == len(sheet) - 1 == len(everyone) > 20

    with language_of_document("ky"):
        assert rows[0][:4] == [_("Participant code"), _("Component"), _("Gender"), _("Status")]
        assert _("Full name") not in rows[0] and _("Phone") not in rows[0]
        assert {r[3] for r in rows[1:]} <= {_(label) for label in STATUS_LABELS.values()}
        assert rows[0][-5:] == [_(label) for label in MARK_LABELS.values()]
    with language_of_document("ru"):
        assert sheet[0][0] == _("Participant code") and sheet[0][3] == _("Status")

    text = first.path.read_bytes().decode("utf-8-sig") + "\n".join(str(v) for row in sheet for v in row)
    for person in everyone:
        assert person.full_name not in text and person.full_name.split()[0] not in text
        assert str(person.id) not in text and person.id.hex not in text
        if person.phone:
            assert person.phone not in text
    for partner in partners:
        assert not partner.phone or partner.phone not in text

    codes_csv = [r[0] for r in rows[1:]]
    codes_xlsx = [r[0] for r in sheet[1:]]
    assert len(set(codes_csv)) == len(everyone)  # one code per participant
    assert sorted(codes_csv) == sorted(codes_xlsx)  # stable across exports, formats and languages
    assert all(code.startswith("P-") and len(code) == 13 for code in codes_csv)

    third = make_export(opened, "participants", "csv", language="ru", out=tmp_path / "p2.csv", today=TODAY)
    assert [r[0] for r in read_csv(third.path)[1:]] == codes_csv
    numbers = dict(issued_numbers(opened))
    assert {first.number, second.number, third.number} <= set(numbers)
    assert {numbers[n] for n in (first.number, second.number, third.number)} == {"export"}
    assert len({first.number, second.number, third.number}) == 3 and first.number.startswith("EXP-")


def test_personal_data_only_when_chosen_and_attendance_counts_match(opened: OpenWorkspace, tmp_path: Path) -> None:
    everyone = {p.id: p for p in people(opened)}
    named = make_export(opened, "participants", "xlsx", language="ky", out=tmp_path / "named.xlsx", personal=True,
                        today=TODAY)
    book, sheet = read_xlsx(named.path)
    header = sheet[0]
    with language_of_document("ky"):
        assert header[:3] == [_("Participant code"), _("Full name"), _("Date of birth")]
    names = {row[1] for row in sheet[1:]}
    assert names == {p.full_name for p in everyone.values()}
    assert any("ү" in name or "Ү" in name for name in names)  # Kyrgyz letters intact
    births = {row[1]: row[2] for row in sheet[1:]}
    assert all(births[p.full_name].date() == p.birth_date for p in everyone.values())
    main = book.worksheets[0]
    assert main.freeze_panes == "A2" and all(cell.font.b for cell in main[1])
    assert all(main.column_dimensions[letter].width >= 8 for letter in "ABCDEFGH")
    assert book.properties.identifier == named.number
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert named.number in about.values()

    newest = newest_marks(opened)
    marks_per_person = {}
    for (pid, _sid), (mark, _session) in newest.items():
        marks_per_person.setdefault(pid, []).append(mark.mark)
    with language_of_document("ky"):
        present = header.index(_(MARK_LABELS["present"]))
        unexcused = header.index(_(MARK_LABELS["unexcused"]))
    by_name = {p.full_name: p.id for p in everyone.values()}
    for row in sheet[1:]:
        mine = marks_per_person.get(by_name[row[1]], [])
        assert row[present] == mine.count("present") and row[unexcused] == mine.count("unexcused")

    attendance = make_export(opened, "attendance", "csv", language="ru", out=tmp_path / "a.csv", today=TODAY)
    rows = read_csv(attendance.path)
    assert len(rows) - 1 == len(newest) > 50
    with language_of_document("ru"):
        assert rows[0] == [_("Participant code"), _("Date"), _("Group"), _("Session"), _("Session no."), _("Mark"),
                           _("Engagement concern")]
        shown = sorted(r[5] for r in rows[1:])
        assert shown == sorted(_(MARK_LABELS[m.mark]) for m, _s in newest.values())
        assert all(len(r[1]) == 10 and r[1][2] == "." for r in rows[1:])  # dd.MM.yyyy

    named_attendance = make_export(opened, "attendance", "xlsx", language="ky", out=tmp_path / "a.xlsx",
                                   personal=True, today=TODAY)
    _book, sheet = read_xlsx(named_attendance.path)
    assert {row[1] for row in sheet[1:]} <= names and len(sheet) - 1 == len(newest)

    quarter = period_for("quarter", TODAY)
    in_quarter = [k for k, (_m, session) in newest.items() if quarter.start <= session.scheduled_date <= quarter.end]
    limited = make_export(opened, "attendance", "csv", language="ky", out=tmp_path / "q.csv", period=quarter,
                          today=TODAY)
    assert len(read_csv(limited.path)) - 1 == len(in_quarter) < len(newest)


def test_indicators_export_is_the_report_table(opened: OpenWorkspace, tmp_path: Path) -> None:
    period = custom_period(TODAY - dt.timedelta(days=400), TODAY)
    expected = load_indicators(opened, period, TODAY)
    done = make_export(opened, "indicators", "xlsx", language="ru", out=tmp_path / "i.xlsx", period=period,
                       today=TODAY)
    _book, sheet = read_xlsx(done.path)
    with language_of_document("ru"):
        labels = [_(INDICATOR_LABELS[k]) for k in INDICATOR_KEYS]
        assert [row[3] for row in sheet[1:9]] == labels
        assert sheet[0][4:] == [_("Mandatory"), _("Voluntary"), _("Men"), _("Women"), _("In all")]
    for row, key in zip(sheet[1:9], INDICATOR_KEYS, strict=True):
        counts = expected.counts[key]
        assert row[:2] == [dt.datetime.combine(period.start, dt.time()), dt.datetime.combine(period.end, dt.time())]
        assert row[4:] == [counts.by_component["mandatory"], counts.by_component["voluntary"],
                           counts.by_gender["male"], counts.by_gender["female"], counts.total]
    assert sum(row[-1] for row in sheet[1:9]) > 0
    if expected.completion_rate is not None:
        assert sheet[9][-1] == pytest.approx(expected.completion_rate)

    as_csv = make_export(opened, "indicators", "csv", language="ky", out=tmp_path / "i.csv", period=period,
                         today=TODAY)
    rows = read_csv(as_csv.path)
    assert [[int(v) for v in r[4:]] for r in rows[1:9]] == [[int(v) for v in r[4:]] for r in sheet[1:9]]


def test_formula_like_text_stays_text(opened: OpenWorkspace, tmp_path: Path) -> None:
    with opened.db.session(opened.actor.id) as s:
        person = s.scalars(select(Participant).where(Participant.deleted_at.is_(None))).first()
        person.address = "=HYPERLINK(\"http://example.invalid\";\"Шаң\")"
    as_csv = make_export(opened, "participants", "csv", language="ky", out=tmp_path / "f.csv", personal=True,
                         today=TODAY)
    as_xlsx = make_export(opened, "participants", "xlsx", language="ky", out=tmp_path / "f.xlsx", personal=True,
                          today=TODAY)
    with language_of_document("ky"):
        column = read_csv(as_csv.path)[0].index(_("Address"))
    assert any(r[column] == "'=HYPERLINK(\"http://example.invalid\";\"Шаң\")" for r in read_csv(as_csv.path))
    book = openpyxl.load_workbook(as_xlsx.path)
    cells = [row[column] for row in book.worksheets[0].iter_rows(min_row=2)]
    formula_cells = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(formula_cells) == 1 and formula_cells[0].data_type == "s"


def test_an_unwritable_path_is_a_clear_error_and_keeps_no_number(opened: OpenWorkspace, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    before = issued_numbers(opened)
    for fmt in ("csv", "xlsx"):
        with pytest.raises(OutputNotWritable) as raised:
            make_export(opened, "participants", fmt, language="ru", out=blocker / f"export.{fmt}", today=TODAY)
        assert str(blocker) in raised.value.message()
    assert issued_numbers(opened) == before
    with opened.db.session(opened.actor.id) as s:
        assert s.scalar(select(func.count()).select_from(IssuedDocument)) == len(before)


def test_a_period_keeps_the_participants_in_the_programme_then(opened: OpenWorkspace, tmp_path: Path) -> None:
    from instructor_app.storage.participant_models import Referral, StatusChange

    period = period_for("month", TODAY)
    with opened.db.session(opened.actor.id) as s:
        referrals = [r for r in s.scalars(select(Referral)) if r.deleted_at is None]
        changes = sorted((c for c in s.scalars(select(StatusChange)) if c.deleted_at is None),
                         key=lambda c: (c.changed_on, c.created_at))
    expected = 0
    for person in people(opened):
        received = [r.received_on for r in referrals if r.participant_id == person.id]
        before = [c.to_status for c in changes if c.participant_id == person.id and c.changed_on < period.start]
        if received and min(received) <= period.end and not (before and before[-1] in
                                                             ("completed", "dropped_out", "refused", "transferred")):
            expected += 1
    done = make_export(opened, "participants", "csv", language="ru", out=tmp_path / "m.csv", period=period,
                       today=TODAY)
    assert len(read_csv(done.path)) - 1 == expected
    assert 0 < expected < len(people(opened))  # the demo has finished participants: the period leaves them out
