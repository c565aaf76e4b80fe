"""The group attendance register (PDF): rendered from the demo data in Kyrgyz and Russian and read back
with pdftotext; every mark and total checked against counts made here from the attendance rows."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from instructor_app.errors import InvalidInput
from instructor_app.i18n import format_date, language_of_document
from instructor_app.reports.pdf import DocumentMeta
from instructor_app.reports.register_pdf import CANCELLED_SIGN, MAKEUP_SIGN, column_parts, register_document
from instructor_app.services.documents_register import (TITLE, Membership, RegisterColumn, RegisterEntry,
                                                        RegisterLine, RegisterSheet, load_register, make_register,
                                                        register_groups)
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.participant_data import IntakeDraft
from instructor_app.storage.participant_models import Attendance, Enrolment, Participant
from instructor_app.storage.programme_models import ProgrammeGroup, ProgrammeSession

from .conftest import Demo
from .document_checks import (assert_headings, assert_read_only_folder_refused, assert_unwritable_output,
                              demo_copy, flat, issued_count, needs_poppler, pdf_text, tr)

pytestmark = needs_poppler

LONG_GROUP = "Эркектер тобу — кечки"       # 24 group sessions, a cover facilitator, one who dropped out
NOT_STARTED = "Расширенная программа — пилот"  # starts next week: nothing held, nobody enrolled
NEWCOMER = "Шаңкожо Өмүрбеков"
CANCEL_REASON = "Борбордо жарык өчүрүлөт"
ATTENDED = {"present": "P", "late": "L", "left_early": "E"}  # resources/rules/compliance.yaml: attended_marks
LETTERS = {**ATTENDED, "excused": "X", "unexcused": "U"}
HEADINGS = (TITLE, "Group", "Programme", "Facilitators", "Participant", "Cover facilitators",
            "Cancelled sessions", "Participants who left the group", "Lead facilitator", "Second facilitator")


@pytest.fixture(scope="module")
def opened(demo_template: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenWorkspace]:
    """The demo data plus a newcomer with a Kyrgyz name (ң ө ү) in the long group, marked P, X and U!
    (a concern cannot go with U: the last one is P with a concern), and a cancelled future session."""
    with demo_copy(demo_template, tmp_path_factory.mktemp("register")) as ws:
        today = dt.date.today()
        group = group_id(ws, LONG_GROUP)
        joined = today - dt.timedelta(days=22)
        person = ws.participants.create(IntakeDraft(
            full_name=NEWCOMER, birth_date=dt.date(1988, 3, 14), gender="male", language="ky",
            component="voluntary", referral_source="self", received_on=joined, screening="eligible",
            contract_signed_on=joined), joined).id
        ws.attendance.enrol(person, group, joined, joined)
        held = [s for s in ws.attendance.register(group, today).sessions
                if s.status == "held" and joined <= s.date < today]
        assert len(held) >= 3
        ws.attendance.record(person, held[0].id, "present", today)
        ws.attendance.record(person, held[1].id, "excused", today, excuse_reason="Ооруканада болду")
        ws.attendance.record(person, held[2].id, "unexcused", today)
        ws.attendance.record(person, held[2].id, "present", today, concern=True, concern_note="Унчукпай отурду")
        planned = [s for s in ws.groups.detail(group, today).sessions if s.status == "planned"]
        ws.sessions.cancel(planned[2].id, CANCEL_REASON)
        yield ws


def group_id(ws: OpenWorkspace, name: str) -> str:
    return next(g.id for g in register_groups(ws) if g.name == name)


def render(ws: OpenWorkspace, gid: str, lang: str, out: Path) -> str:
    issued = make_register(ws, gid, language=lang, out=out)
    assert issued.path == out and out.stat().st_size == issued.size and issued.pages >= 1
    text = pdf_text(out)
    assert issued.number in text
    return text


def counted(ws: OpenWorkspace, gid: str) -> dict[str, dict[str, int]]:
    """Per participant name: marks counted from the stored rows (the newest per session counts)."""
    with ws.db.session(ws.actor.id) as s:
        sessions = set(s.scalars(select(ProgrammeSession.id).where(ProgrammeSession.group_id == uuid.UUID(gid))))
        members = set(s.scalars(select(Enrolment.participant_id).where(Enrolment.group_id == uuid.UUID(gid))))
        names = dict(s.execute(select(Participant.id, Participant.full_name).where(Participant.id.in_(members))).all())
        newest: dict[tuple, Attendance] = {}
        for row in s.scalars(select(Attendance).where(Attendance.session_id.in_(sessions))
                             .order_by(Attendance.created_at)):
            newest[(row.participant_id, row.session_id)] = row
    counts: dict[str, dict[str, int]] = {name: Counter() for name in names.values()}
    for (pid, _sid), row in newest.items():
        counts[names[pid]][row.mark] += 1
        counts[names[pid]]["concern"] += int(row.concern)
    return counts


def grid_tokens(text: str, name: str) -> list[str]:
    """Every cell after ``name`` on the register rows ("1  Name  P  P ...") of every part."""
    found = []
    for line in text.splitlines():
        match = re.match(r"^\s*\d+\s+" + re.escape(name) + r"\s(.*)$", line)
        if match:
            found.append(match.group(1).split())
    assert found, name
    return [token for tokens in found for token in tokens]


def test_register_in_kyrgyz_and_russian(opened: OpenWorkspace, tmp_path: Path) -> None:
    gid = group_id(opened, LONG_GROUP)
    texts = {lang: render(opened, gid, lang, tmp_path / f"register-{lang}.pdf") for lang in ("ky", "ru")}
    assert_headings(texts, HEADINGS)
    with opened.db.session(opened.actor.id) as s:
        group = s.get(ProgrammeGroup, uuid.UUID(gid))
        programme = {lang: opened.curricula.curriculum(s, group.curriculum_version_id).title.get(lang)
                     for lang in ("ky", "ru")}
    for lang, text in texts.items():
        other = "ru" if lang == "ky" else "ky"
        assert programme[lang] in flat(text) and programme[other] not in flat(text)
        for name in (NEWCOMER, "Гүлзат Ормонова", "Бакыт Жумабеков", "Азамат Токтогулов", LONG_GROUP):
            assert name in text, name  # ң ө ү intact
        assert "Башкы инструктор иш сапарында" in text  # the cover facilitator's reason
        assert CANCEL_REASON in text
        assert "Канат Сыдыков" in text and tr(lang, "Dropped out") in text  # left, with the reason


def test_marks_and_totals_equal_the_attendance_rows(opened: OpenWorkspace, tmp_path: Path) -> None:
    gid = group_id(opened, LONG_GROUP)
    expected = counted(opened, gid)
    assert expected[NEWCOMER] == {"present": 2, "excused": 1, "concern": 1}
    with opened.db.session(opened.actor.id) as s:
        sheet = load_register(s, opened.curricula, gid, "ky")
    assert {line.name for line in sheet.lines} == set(expected)
    text = render(opened, gid, "ru", tmp_path / "register.pdf")
    for line in sheet.lines:
        counts = expected[line.name]
        totals = (sum(counts[m] for m in ATTENDED), counts["excused"], counts["unexcused"])
        assert (line.attended, line.excused, line.unexcused) == totals, line.name
        tokens = grid_tokens(text, line.name)
        assert tuple(int(t) for t in tokens[-3:]) == totals, line.name  # the totals close the last part
        cells = Counter(t.rstrip("!") for t in tokens[:-3])
        for mark, letter in LETTERS.items():
            assert cells[letter] == counts[mark], (line.name, mark)
        assert sum(1 for t in tokens if t.endswith("!")) == counts["concern"], line.name


def test_a_long_group_splits_into_parts_without_losing_a_session(opened: OpenWorkspace, tmp_path: Path) -> None:
    gid = group_id(opened, LONG_GROUP)
    with opened.db.session(opened.actor.id) as s:
        dates = sorted(s.scalars(select(ProgrammeSession.scheduled_date)
                                 .where(ProgrammeSession.group_id == uuid.UUID(gid))))
    assert len(dates) >= 24
    parts = column_parts(len(dates))
    assert len(parts) == 2 and all(len(p) <= 13 for p in parts)
    text = render(opened, gid, "ky", tmp_path / "register.pdf")
    shown = re.findall(r"(?<![\d.])(\d\d\.\d\d)(?![.\d])", text)  # dd.MM headers, not dd.MM.yyyy dates
    assert shown == [format_date(d, "dd.MM") for d in dates]  # each once, in order, over the parts
    for number, part in enumerate(parts, start=1):
        heading = tr("ky", "Part {part} of {parts}: sessions of {first} – {last}").format(
            part=number, parts=len(parts), first=format_date(dates[part.start], "short"),
            last=format_date(dates[part.stop - 1], "short"))
        assert heading in text
    assert text.count(NEWCOMER) >= 2  # the participant column repeats in every part
    assert CANCELLED_SIGN in grid_tokens(text, NEWCOMER)  # the cancelled session, shown as such


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_thirteen_sessions_a_part_keep_every_date_whole(tmp_path: Path, lang: str) -> None:
    """The widest part (13 sessions and the totals): no session date or mark is cut by wrapping."""
    first = dt.date(2026, 1, 5)
    columns = tuple(RegisterColumn(number=n if n <= 24 else n - 20, date=first + dt.timedelta(weeks=n - 1),
                                   status="held", status_reason="", is_makeup=n > 24,
                                   replaces_number=n - 20 if n > 24 else None, lead="Бакыт Жумабеков",
                                   second="Гүлзат Ормонова", cover=False, cover_reason="") for n in range(1, 27))
    marks = ("present", "late", "left_early", "excused", "unexcused")
    lines = tuple(RegisterLine(str(i), name, "active", (Membership(first, None, ""),),
                               tuple(RegisterEntry(marks[(i + n) % 5], concern=n % 7 == 0) for n in range(26)),
                               attended=0, excused=0, unexcused=0)
                  for i, name in enumerate(("Шаңкожо Өмүрбеков", "Мирлан Абдыкеримов-Жээнбеков", "Үмүт Ким")))
    sheet = RegisterSheet("g", "Топ", "Программа", 1, "voluntary", "ky", "Бакыт Жумабеков", "Гүлзат Ормонова",
                          "", columns, lines)
    with language_of_document(lang):
        document = register_document(sheet, DocumentMeta("Register", "REG-2026-0001-0000", first, "Борбор"))
        document.save(tmp_path / "register.pdf")
    text = pdf_text(tmp_path / "register.pdf")
    assert [len(p) for p in column_parts(26)] == [13, 13]
    shown = re.findall(r"(?<![\d.])(\d\d\.\d\d)(?![.\d])", text)
    assert shown == [format_date(c.date, "dd.MM") for c in columns]
    for line in lines:
        tokens = grid_tokens(text, line.name.split()[0])  # a long name wraps in the narrower part
        assert len([t for t in tokens if t.rstrip("!") in {"P", "L", "E", "X", "U"}]) == 26, line.name
    assert f"{MAKEUP_SIGN}5" in text


@pytest.mark.parametrize("count", range(61))
def test_column_parts_cover_every_column_once(count: int) -> None:
    parts = column_parts(count)
    assert [i for part in parts for i in part] == list(range(count))
    assert all(1 <= len(part) <= 13 for part in parts)
    assert len(parts) == -(-count // 13)  # as few parts as fit


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_a_group_with_nothing_held_yet_gives_a_valid_register(opened: OpenWorkspace, tmp_path: Path,
                                                              lang: str) -> None:
    text = render(opened, group_id(opened, NOT_STARTED), lang, tmp_path / "register.pdf")
    assert tr(lang, "No session of this group has been held yet, so the register has no marks.") in flat(text)
    assert tr(lang, "No participant has been in this group yet.") in flat(text)
    assert NOT_STARTED in text and tr(lang, "Lead facilitator") in text


def test_unknown_group_and_unwritable_output(opened: OpenWorkspace, tmp_path: Path) -> None:
    before = issued_count(opened)
    for wrong in (str(uuid.uuid4()), "not-an-id"):
        with pytest.raises(InvalidInput):
            make_register(opened, wrong, language="ky", out=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists() and issued_count(opened) == before
    gid = group_id(opened, LONG_GROUP)
    assert_unwritable_output(opened, tmp_path, lambda out: make_register(opened, gid, language="ru", out=out))


@pytest.mark.needs_root
def test_read_only_folder(opened: OpenWorkspace, tmp_path: Path) -> None:
    gid = group_id(opened, LONG_GROUP)
    assert_read_only_folder_refused(opened, tmp_path, lambda out: make_register(opened, gid, language="ky", out=out))
