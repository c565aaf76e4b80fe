"""The session plan document: agenda clock times, both content languages, escaped HTML, large print."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from instructor_app.curricula.files import load_curriculum
from instructor_app.curricula.model import Activity, SessionKind, Text
from instructor_app.i18n import _
from instructor_app.reports.session_plan import (BASE_PT, LARGE_PT, AgendaSection, ListSection, TextSection,
                                                 build_plan, plan_to_html)
from instructor_app.services.programme_data import FacilitatorOption, SessionPlan, SessionRow

PILOT = Path(__file__).parent / "data" / "pilot-curriculum.yaml"
LEAD = FacilitatorOption("a1", "Нурлан Асанбеков", "male")
SECOND = FacilitatorOption("b2", "Айгүл Токтосунова", "female")


def pilot_plan(key: str = "g1", start: str = "17:30", **template_changes) -> SessionPlan:
    curriculum = load_curriculum(PILOT).curriculum
    template = dataclasses.replace(curriculum.session(key), **template_changes)
    number = [t.key for t in curriculum.of_kind(template.kind)].index(key) + 1
    minutes = sum(a.minutes for a in template.activities)
    hours, mins = divmod(int(start[:2]) * 60 + int(start[3:]) + minutes, 60)
    row = SessionRow(
        id="s1", group_id="g", group_name="Эркектер тобу, шейшемби", participant_id=None, number=number,
        template_key=key, kind=template.kind.value, title=template.title, date=dt.date(2026, 9, 8),
        start_time=start, end_time=f"{hours:02d}:{mins:02d}", room="Зал 2", status="planned", status_reason="",
        lead=LEAD, second=SECOND, cover_reason="", is_makeup=False, replaces_number=None, language="ky")
    return SessionPlan(row, template, curriculum.title, curriculum.version, curriculum.count(template.kind))


def section(doc, heading: str):
    return next(s for s in doc.sections if s.heading == heading)


def test_agenda_clock_times_add_up_from_the_start_time():
    activities = (Activity(15, Text("Саламдашуу", "Приветствие"), Text("Айлампа.", "Круг.")),
                  Activity(50, Text("Талкуу", "Обсуждение"), Text("Топ.", "Группа.")),
                  Activity(25, Text("Жыйынтык", "Итоги"), Text("Ой бөлүшүү.", "Обмен мнениями.")))
    doc = build_plan(pilot_plan(start="17:30", activities=activities), "ky")
    agenda = section(doc, _("Agenda"))
    assert isinstance(agenda, AgendaSection)
    assert [(r.start, r.end, r.minutes) for r in agenda.rows] == [
        ("17:30", "17:45", 15), ("17:45", "18:35", 50), ("18:35", "19:00", 25)]
    assert [r.title for r in agenda.rows] == ["Саламдашуу", "Талкуу", "Жыйынтык"]
    assert agenda.total == _("Total: {minutes} min").format(minutes=90)
    facts = {f.label: f.value for f in doc.facts}
    assert facts[_("Time")] == "17:30–19:00"
    html_text = plan_to_html(doc)
    assert "17:45–18:35" in html_text


@pytest.mark.parametrize(("lang", "title", "objective", "material", "take_home", "programme"), [
    ("ky", "Зомбулуктун түрлөрү", "Зомбулуктун төрт түрүн атайт.", "Флипчарт", "Күндөлүк жүргүзүү.",
     "Пилоттук кыска программа"),
    ("ru", "Формы насилия", "Называет четыре формы насилия.", "Флипчарт", "Вести дневник.",
     "Пилотная короткая программа"),
])
def test_content_in_either_language(lang, title, objective, material, take_home, programme):
    plan = pilot_plan()
    doc = build_plan(plan, lang)
    assert doc.content_lang == lang
    assert title in doc.title_lines[0]
    assert section(doc, _("Objectives")).items == (objective,)
    assert section(doc, _("Materials")).items == (material,)
    assert isinstance(section(doc, _("Materials")), ListSection)
    take = section(doc, _("Take-home task"))
    assert isinstance(take, TextSection) and take.text == take_home
    assert section(doc, _("Facilitator notes")).text == plan.template.facilitator_notes.get(lang)
    facts = {f.label: f.value for f in doc.facts}
    assert facts[_("Programme")] == programme
    assert facts[_("Version")] == "2"
    assert facts[_("Session")] == _("{number} of {total}").format(number=1, total=2)
    assert facts[_("Lead facilitator")] == LEAD.display_name
    assert facts[_("Second facilitator")] == SECOND.display_name
    assert facts[_("Room")] == "Зал 2"
    other = "ru" if lang == "ky" else "ky"
    assert plan.template.title.get(other) not in plan_to_html(doc)


def test_individual_session_without_second_facilitator_or_group():
    plan = pilot_plan("i1")
    row = dataclasses.replace(plan.session, second=None, group_name="", group_id=None)
    doc = build_plan(dataclasses.replace(plan, session=row), "ru")
    facts = {f.label: f.value for f in doc.facts}
    assert plan.template.kind == SessionKind.INDIVIDUAL
    assert facts[_("Second facilitator")] == "—" and facts[_("Group")] == "—"
    assert [r.end for r in section(doc, _("Agenda")).rows] == ["18:10", "18:30"]


def test_html_escapes_content():
    evil = Text("<script>alert('ky')</script>", "<script>alert(\"ru\")</script> & <b>")
    plan = pilot_plan(title=evil, take_home=evil,
                      activities=(Activity(90, evil, evil),), materials=(evil,), objectives=(evil,))
    row = dataclasses.replace(plan.session, room="<img src=x onerror=alert(1)>", group_name="A & B")
    for lang in ("ky", "ru"):
        html_text = plan_to_html(build_plan(dataclasses.replace(plan, session=row), lang))
        assert "<script" not in html_text and "<img" not in html_text
        assert "&lt;script&gt;" in html_text
        assert "A &amp; B" in html_text
    assert "&lt;b&gt;" in plan_to_html(build_plan(plan, "ru"))


def test_large_text_scales_the_font():
    doc = build_plan(pilot_plan(), "ky")
    normal, large = plan_to_html(doc, large=False), plan_to_html(doc, large=True)
    assert f"font-size: {BASE_PT}pt" in normal and f"font-size: {LARGE_PT}pt" not in normal
    assert f"font-size: {LARGE_PT}pt" in large
    assert LARGE_PT >= BASE_PT + 4


def test_held_session_shows_when_it_was_held():
    plan = pilot_plan()
    row = dataclasses.replace(plan.session, status="held", held_on=dt.date(2026, 9, 8),
                              actual_start="17:35", actual_end="19:05")
    facts = {f.label: f.value for f in build_plan(dataclasses.replace(plan, session=row), "ky").facts}
    assert facts[_("Status")].startswith(_("Held")) and "17:35–19:05" in facts[_("Status")]
