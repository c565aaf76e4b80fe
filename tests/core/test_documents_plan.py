"""The session plan handout (PDF): the same PlanDocument the screen shows, in Kyrgyz and Russian — headings
and curriculum content in the document's language — read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from instructor_app.errors import InvalidInput
from instructor_app.i18n import language_of_document
from instructor_app.reports.session_plan import AgendaSection, ListSection, TextSection, build_plan
from instructor_app.services.documents_plan import TITLE, load_plan, make_plan, plan_sessions
from instructor_app.services.documents_register import register_groups
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.storage.models import IssuedDocument
from instructor_app.storage.programme_models import ProgrammeSession

from .conftest import Demo
from .document_checks import (assert_headings, assert_unwritable_output, demo_copy, flat, issued_count,
                              needs_poppler, pdf_text)

pytestmark = needs_poppler

GROUP = "Эркектер тобу — кечки"
HEADINGS = (TITLE, "Objectives", "Agenda", "Materials", "Take-home task", "Facilitator notes", "Programme",
            "Lead facilitator", "Second facilitator", "Status")


@pytest.fixture(scope="module")
def opened(demo_template: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenWorkspace]:
    with demo_copy(demo_template, tmp_path_factory.mktemp("plan")) as ws:
        yield ws


def covered_session(ws: OpenWorkspace) -> str:
    """The long group's second session: held, with a cover facilitator (Азамат Токтогулов)."""
    group = next(g.id for g in register_groups(ws) if g.name == GROUP)
    return plan_sessions(ws, group)[1].id


def render(ws: OpenWorkspace, session_id: str, lang: str, out: Path) -> str:
    issued = make_plan(ws, session_id, language=lang, out=out)
    assert issued.path == out and out.stat().st_size == issued.size and issued.pages >= 1
    text = pdf_text(out)
    assert issued.number in text
    with ws.db.session(ws.actor.id) as s:
        row = s.scalars(select(IssuedDocument).where(IssuedDocument.number == issued.number)).one()
        assert (row.kind, row.subject, row.language) == ("plan", session_id, lang)
    return text


def test_plan_in_kyrgyz_and_russian_shows_the_plan_document(opened: OpenWorkspace, tmp_path: Path) -> None:
    session_id = covered_session(opened)
    texts = {lang: render(opened, session_id, lang, tmp_path / f"plan-{lang}.pdf") for lang in ("ky", "ru")}
    assert_headings(texts, HEADINGS)
    with opened.db.session(opened.actor.id) as s:
        plan = load_plan(s, opened.curricula, session_id)
    assert plan.session.second is not None and plan.session.lead.display_name == "Азамат Токтогулов"
    for lang, text in texts.items():
        other = "ru" if lang == "ky" else "ky"
        with language_of_document(lang):
            document = build_plan(plan, lang)
        page = flat(text)
        for line in document.title_lines:
            assert flat(line) in page, line
        for fact in document.facts:  # every fact of the plan, label and value, in this language
            assert flat(f"{fact.label} {fact.value}") in page, fact
        for section in document.sections:
            if isinstance(section, ListSection):
                assert all(flat(item) in page for item in section.items), section.heading
            elif isinstance(section, TextSection):
                assert flat(section.text) in page, section.heading
            else:
                assert isinstance(section, AgendaSection)
                assert all(f"{row.start}–{row.end}" in text for row in section.rows)
                assert flat(section.total) in page
        assert plan.template.title.get(lang) in page and plan.template.title.get(other) not in page
        assert plan.programme.get(other) not in page
        for name in ("Гүлзат Ормонова", "Азамат Токтогулов", GROUP):
            assert name in text, name
    assert all(letter in texts["ky"] for letter in "ңөү")  # the Kyrgyz curriculum text, intact


def test_individual_session_plan(opened: OpenWorkspace, tmp_path: Path) -> None:
    with opened.db.session(opened.actor.id) as s:
        row = s.scalars(select(ProgrammeSession).where(ProgrammeSession.group_id.is_(None))
                        .order_by(ProgrammeSession.scheduled_date)).first()
        session_id = str(row.id)
    text = render(opened, session_id, "ru", tmp_path / "plan.pdf")
    with opened.db.session(opened.actor.id) as s:
        plan = load_plan(s, opened.curricula, session_id)
    assert plan.session.group_id is None
    assert plan.template.title.get("ru") in flat(text)


def test_unknown_session_and_unwritable_output(opened: OpenWorkspace, tmp_path: Path) -> None:
    before = issued_count(opened)
    for wrong in (str(uuid.uuid4()), "", "17"):
        with pytest.raises(InvalidInput):
            make_plan(opened, wrong, language="ru", out=tmp_path / "x.pdf", today=dt.date.today())
    assert not (tmp_path / "x.pdf").exists() and issued_count(opened) == before
    session_id = covered_session(opened)
    assert_unwritable_output(opened, tmp_path, lambda out: make_plan(opened, session_id, language="ky", out=out))
