"""Instruments as data: every shipped file validates and is bilingual; scoring (reverse items, sums,
means, partial responses, every ODARA bin); refused imports; answers saved one by one; the partner's
reports kept apart, with the contradiction flag."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from instructor_app import errors
from instructor_app.instruments.files import InstrumentInvalid, load_instrument, shipped_files
from instructor_app.instruments.model import score
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.participant_data import IntakeDraft
from instructor_app.storage.models import AccessLog

from .conftest import Installed

DATA = Path(__file__).parent / "data"
PILOT = DATA / "pilot-instrument.yaml"
TODAY = dt.date(2026, 3, 2)


def shipped() -> dict:
    return {i.id: i for i in (load_instrument(p).instrument for p in shipped_files())}


def test_every_shipped_instrument_validates_in_both_languages() -> None:
    instruments = shipped()
    assert {"participant-self-assessment", "partner-feedback", "facilitator-session-checklist", "odara"} <= set(instruments)
    for instrument in instruments.values():
        texts = [instrument.title, instrument.description] + [i.text for i in instrument.items]
        texts += [s.title for s in instrument.subscales] + [c.title for c in instrument.categories]
        assert all(t.ky.strip() and t.ru.strip() for t in texts), instrument.id
    assert instruments["participant-self-assessment"].respondent == "participant"
    assert instruments["partner-feedback"].respondent == "partner"
    own = {i.compare_key for i in instruments["participant-self-assessment"].items if i.compare_key}
    theirs = {i.compare_key for i in instruments["partner-feedback"].items if i.compare_key}
    assert {"physical_violence", "psychological_violence", "sexual_violence", "economic_violence"} <= own & theirs


def test_odara_has_13_items_and_every_published_bin() -> None:
    odara = shipped()["odara"]
    assert odara.kind == "risk" and odara.restricted_note is not None
    assert len(odara.items) == 13 and all(i.type == "yes_no" for i in odara.items)
    bins = {}
    for total in range(14):
        answers = {item.key: "1" if n < total else "0" for n, item in enumerate(odara.items)}
        result = score(odara, answers)
        assert result.complete and result.total == total
        bins[total] = (result.category.min, result.category.max, result.category.high)
    assert [bins[n][:2] for n in range(14)] == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 6), (5, 6)] + [(7, 13)] * 7
    assert [n for n in range(14) if bins[n][2]] == list(range(5, 14))
    partial = score(odara, {odara.items[0].key: "1"})
    assert not partial.complete and partial.total is None and partial.category is None


def test_scoring_reverses_averages_and_never_scores_a_partial_response() -> None:
    pilot = load_instrument(PILOT).instrument
    full = score(pilot, {"calm": "4", "blame": "2", "hit": "3"})
    assert full.complete and full.subscales == {"accountability": 4.0, "behaviour": 3.0}  # (4 + (6-2)) / 2
    partial = score(pilot, {"calm": "4", "note": "жакшы"})
    assert not partial.complete and partial.answered == 1 and partial.required == 3
    assert partial.subscales == {"accountability": None, "behaviour": None} and partial.total is None


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = PILOT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken-instrument.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "needle"), [
    ('ru: "Короткий опрос"}', "}", 'title: {ky: "Кыска сурамжылоо"'),                 # a missing translation
    ("items: [calm, blame]", "items: [calm, blane]", "items: [calm, blane]"),          # a broken scoring rule
    ("type: frequency", "type: slider", "type: slider"),                                # an unknown item type
    ("    type: likert5\n    reverse: true", "    type: text\n    reverse: true", "- key: blame"),
])
def test_bad_instrument_files_are_refused_with_the_line(tmp_path: Path, old: str, new: str, needle: str) -> None:
    path = broken(tmp_path, old, new)
    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument(path)
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in text)
    assert caught.value.problems[0].line == line
    assert "broken-instrument.yaml" in caught.value.message()


@pytest.fixture
def ws(installed: Installed) -> OpenWorkspace:
    opened = installed.unlock()
    yield opened
    opened.close()


def participant(ws: OpenWorkspace) -> str:
    return ws.participants.create(IntakeDraft("Нурлан Токтогулов", dt.date(1984, 2, 3), "male", "ky", "voluntary",
                                              "self", TODAY, screening="eligible", contract_signed_on=TODAY),
                                  TODAY).id


def test_answers_are_saved_one_by_one_and_partial_stays_partial(ws: OpenWorkspace) -> None:
    ws.instruments.import_file(PILOT)
    person = participant(ws)
    state = ws.instruments.start(person, "pilot-check", "intake", "kiosk", TODAY)
    ws.instruments.answer(state.id, "calm", "4")
    with pytest.raises(errors.InvalidInput):
        ws.instruments.answer(state.id, "hit", "7")  # not an allowed answer
    again = ws.instruments.start(person, "pilot-check", "intake", "kiosk", TODAY)
    assert again.id == state.id and again.answers == {"calm": "4"}  # continued where it stopped
    assert not ws.instruments.finish(state.id).complete
    [row] = ws.instruments.results(person).rows
    assert not row.scores.complete and row.scores.total is None
    ws.instruments.answer(state.id, "blame", "1")
    ws.instruments.answer(state.id, "hit", "0")
    assert ws.instruments.finish(state.id).complete
    with pytest.raises(errors.InvalidInput):
        ws.instruments.answer(state.id, "calm", "5")  # a finished questionnaire is closed
    with pytest.raises(errors.InvalidInput):
        ws.instruments.import_file(PILOT)  # the same version again


def test_partner_report_contradicting_the_participant_is_flagged(ws: OpenWorkspace) -> None:
    person = participant(ws)
    own = shipped()["participant-self-assessment"]
    state = ws.instruments.start(person, "participant-self-assessment", "end", "kiosk", TODAY)
    for item in own.items:
        if item.required:
            ws.instruments.answer(state.id, item.key, "0" if item.compare_key else item.choices()[0])
    assert ws.instruments.finish(state.id).complete
    partner = shipped()["partner-feedback"]
    answers = {i.key: ("3" if i.compare_key == "physical_violence" else "0" if i.compare_key
                       else i.choices()[-1] if i.choices() else "") for i in partner.items}
    row = ws.instruments.partner_report(person, "end", "phone", TODAY, answers, TODAY)
    assert [c.compare_key for c in row.contradictions] == ["physical_violence"]
    assert row.contradictions[0].partner_value == "3"
    calm = {i.key: ("0" if i.compare_key else i.choices()[-1] if i.choices() else "") for i in partner.items}
    quiet = ws.instruments.partner_report(person, "end", "in_person", TODAY, calm, TODAY)
    assert quiet.contradictions == ()
    with pytest.raises(errors.InvalidInput):
        ws.instruments.partner_report(person, "end", "letter", TODAY, calm, TODAY)
    # the participant's own results never carry the partner's reports; reading those is audited
    assert all(r.instrument.respondent != "partner" for r in ws.instruments.results(person).rows)
    assert len(ws.instruments.partner_rows(person)) == 2
    with ws.db.session() as session:
        events = session.scalars(select(AccessLog.event).where(AccessLog.detail == person)).all()
    assert events == ["partner_reports_opened"]
