"""The art. 72 notice (PDF): a refusal to undergo the programme, for the Probation Department or the
police — rendered from the demo data in Kyrgyz and Russian and read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from instructor_app.errors import InvalidInput
from instructor_app.i18n import format_date
from instructor_app.reports.pdf import NOT_RECORDED_MSGID
from instructor_app.services.documents_art72 import TITLE, art72_participants, make_art72
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.participant_data import IntakeDraft
from instructor_app.storage.participant_models import Art72Case, Attendance, Participant, Referral
from instructor_app.storage.programme_models import ProgrammeSession

from .conftest import Demo
from .document_checks import (assert_headings, assert_unwritable_output, demo_copy, flat, issued_count,
                              needs_poppler, pdf_text, tr)

pytestmark = needs_poppler

REFUSED = "Максат Орозов"        # refused two days ago, said so in person; the notice not sent yet
SENT = "Павел Ким"               # refused in writing; the notice went to the city probation office
ABSENT = "Эрлан Жээнбеков"       # three unexcused absences in the long men's group (refuses in the fixture)
BLANK = "Үмүт Өмүрбекова"        # came on her own: no referral document, no protection order, no curator
WITNESSES = "Гүлзат Ормонова, Бакыт Жумабеков"
HEADINGS = (TITLE, "Participant", "Referral", "Protection order", "Refusal", "Sessions missed",
            "Contact attempts", "Lead facilitator", "Second facilitator", "Date of birth")


@pytest.fixture(scope="module")
def opened(demo_template: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenWorkspace]:
    """The demo data, plus: the participant with unexcused absences refuses; a woman with a bare intake
    refuses; a man with no case at all."""
    with demo_copy(demo_template, tmp_path_factory.mktemp("art72")) as ws:
        today = dt.date.today()
        ws.participants.refuse(person_id(ws, ABSENT), today - dt.timedelta(days=1), "no_show",
                               "Нургүл Садыкова, Азамат Токтогулов", "Эскертүүдөн кийин келбей калды.",
                               "Үч жолу чалынды, жооп жок", today)
        blank = ws.participants.create(IntakeDraft(
            full_name=BLANK, birth_date=dt.date(1990, 6, 1), gender="female", language="ky", component="voluntary",
            referral_source="self", received_on=today - dt.timedelta(days=5)), today).id
        ws.participants.refuse(blank, today, "verbal", "Гүлзат Ормонова", "", "", today)
        yield ws


def person_id(ws: OpenWorkspace, name: str) -> str:
    return next(p.id for p in ws.participants.list(today=dt.date.today()) if p.full_name == name)


def render(ws: OpenWorkspace, name: str, lang: str, out: Path) -> str:
    issued = make_art72(ws, person_id(ws, name), language=lang, out=out)
    assert issued.path == out and out.stat().st_size == issued.size and issued.pages >= 1
    text = pdf_text(out)
    assert issued.number in text
    return text


def value_of(text: str, lang: str, label: str) -> str:
    found = re.search(r"^\s*" + re.escape(tr(lang, label)) + r"\s{2,}(.+?)\s*$", text, re.MULTILINE)
    assert found, label
    return found.group(1)


def test_notice_in_kyrgyz_and_russian(opened: OpenWorkspace, tmp_path: Path) -> None:
    texts = {lang: render(opened, REFUSED, lang, tmp_path / f"art72-{lang}.pdf") for lang in ("ky", "ru")}
    assert_headings(texts, HEADINGS)
    pid = uuid.UUID(person_id(opened, REFUSED))
    with opened.db.session(opened.actor.id) as s:
        person = s.get(Participant, pid)
        referral = s.scalars(select(Referral).where(Referral.participant_id == pid)).one()
        case = s.scalars(select(Art72Case).where(Art72Case.participant_id == pid)).one()
    for lang, text in texts.items():
        assert value_of(text, lang, "Full name") == REFUSED
        assert value_of(text, lang, "Date of birth") == format_date(person.birth_date, "short")
        assert value_of(text, lang, "Document number") == referral.document_number
        assert value_of(text, lang, "Order number") == referral.order_number
        assert value_of(text, lang, "Issued on") == format_date(referral.order_issued_on, "short")
        assert value_of(text, lang, "Ends on") == format_date(referral.order_ends_on, "short")
        assert value_of(text, lang, "Date of the refusal") == format_date(case.refused_on, "short")
        assert value_of(text, lang, "Witnesses") == WITNESSES  # ү intact
        assert case.details in text and case.contact_attempts in text
        addressee = tr(lang, "The Probation Department of the Ministry of Justice / the territorial police body")
        assert tr(lang, "To: {addressee}").format(addressee=addressee) in flat(text)  # not sent: the default line
        assert "Ош шаардык «Үмүт» кризистик борбору" in text
        assert tr(lang, "No unexcused absence was recorded before the refusal.") in flat(text)


def test_the_addressee_is_where_the_notice_was_sent(opened: OpenWorkspace, tmp_path: Path) -> None:
    text = render(opened, SENT, "ru", tmp_path / "art72.pdf")
    with opened.db.session(opened.actor.id) as s:
        case = s.scalars(select(Art72Case).where(Art72Case.participant_id == uuid.UUID(person_id(opened, SENT)))).one()
    assert tr("ru", "To: {addressee}").format(addressee=case.sent_to) in flat(text)
    assert value_of(text, "ru", "Witnesses") == tr("ru", NOT_RECORDED_MSGID)  # refused in writing


def test_missed_sessions_are_the_unexcused_absences_and_the_refusal(opened: OpenWorkspace, tmp_path: Path) -> None:
    pid = uuid.UUID(person_id(opened, ABSENT))
    with opened.db.session(opened.actor.id) as s:
        newest: dict[uuid.UUID, str] = {}
        for row in s.scalars(select(Attendance).where(Attendance.participant_id == pid)
                             .order_by(Attendance.created_at)):
            newest[row.session_id] = row.mark
        refusals = s.scalars(select(Art72Case.refused_on).where(Art72Case.participant_id == pid)).all()
        missed = sorted(s.get(ProgrammeSession, k).scheduled_date for k, m in newest.items() if m == "unexcused")
    assert len(missed) == 3 and len(refusals) == 1
    for lang in ("ky", "ru"):
        text = render(opened, ABSENT, lang, tmp_path / f"art72-{lang}.pdf")
        section = text[text.index(tr(lang, "Sessions missed")):text.index(tr(lang, "Contact attempts"))]
        absence = tr(lang, "Unexcused absence")
        rows = [line for line in section.splitlines() if re.match(r"^\s*\d\d\.\d\d\.\d{4}\s", line)]
        assert [line.split()[0] for line in rows] == [format_date(d, "short") for d in missed + refusals]
        first_word = absence.split()[0]  # the cell may wrap onto the next lines
        assert all(first_word in line for line in rows[:-1]) and first_word not in rows[-1]
        assert tr(lang, "Refusal: {how}").format(how=tr(lang, "Stopped coming after a warning")) in flat(section)
        assert "Эркектер тобу — кечки" in section
        assert value_of(text, lang, "Lead facilitator").startswith("Бакыт Жумабеков")  # the group's pair signs
        assert value_of(text, lang, "Second facilitator").startswith("Гүлзат Ормонова")


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_missing_intake_fields_print_not_recorded(opened: OpenWorkspace, tmp_path: Path, lang: str) -> None:
    text = render(opened, BLANK, lang, tmp_path / "art72.pdf")
    missing = tr(lang, NOT_RECORDED_MSGID)
    for label in ("Document number", "Document date", "Order number", "Issued on", "Ends on", "Curator",
                  "Details"):
        assert value_of(text, lang, label) == missing, label
    contact = text[text.index(tr(lang, "Contact attempts")):]
    assert missing in contact.splitlines()[1]
    assert value_of(text, lang, "Full name") == BLANK  # Ү Ө intact
    # the signed-in facilitator and the other facilitator of this laptop sign when no group links them
    assert "Бакыт Жумабеков" in text and "Гүлзат Ормонова" in text


def test_chooser_lists_exactly_the_participants_with_a_case(opened: OpenWorkspace) -> None:
    with opened.db.session(opened.actor.id) as s:
        with_case = set(s.scalars(select(Participant.full_name)
                                  .join(Art72Case, Art72Case.participant_id == Participant.id)))
    choices = art72_participants(opened)
    assert {c.name for c in choices} == with_case == {REFUSED, SENT, ABSENT, BLANK}
    assert [c.name for c in choices] == sorted((c.name for c in choices), key=str.casefold)


def test_no_case_unknown_participant_and_unwritable_output(opened: OpenWorkspace, tmp_path: Path) -> None:
    before = issued_count(opened)
    with pytest.raises(InvalidInput) as caught:
        make_art72(opened, person_id(opened, "Азамат Осмонов"), language="ky", out=tmp_path / "x.pdf")
    assert "Азамат Осмонов" in caught.value.message()
    with pytest.raises(InvalidInput):
        make_art72(opened, str(uuid.uuid4()), language="ru", out=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists() and issued_count(opened) == before
    pid = person_id(opened, REFUSED)
    assert_unwritable_output(opened, tmp_path, lambda out: make_art72(opened, pid, language="ky", out=out))
