"""The shipped curricula are complete, bilingual and the right size; bad files are refused with the
file, line and reason, and change nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from instructor_app import i18n
from instructor_app.curricula.files import CurriculumInvalid, load_curriculum, shipped_files
from instructor_app.curricula.model import Component, Curriculum, SessionKind, TargetGender, Text

DATA = Path(__file__).parent / "data"
PILOT = DATA / "pilot-curriculum.yaml"
KYRGYZ_LETTERS = re.compile("[ңөүҢӨҮ]")


def shipped() -> dict[str, Curriculum]:
    return {c.id: c for c in (load_curriculum(p).curriculum for p in shipped_files())}


def texts(curriculum: Curriculum) -> list[Text]:
    found = [curriculum.title, curriculum.description, curriculum.basis]
    for s in curriculum.sessions:
        found += [s.title, s.take_home, s.facilitator_notes, *s.objectives, *s.materials]
        found += [s.theme] if s.theme else []
        for a in s.activities:
            found += [a.title, a.description]
    return found


def test_every_shipped_file_validates_and_ids_are_unique() -> None:
    files = shipped_files()
    assert len(files) >= 4
    loaded = [load_curriculum(p).curriculum for p in files]
    assert len({(c.id, c.version) for c in loaded}) == len(loaded)


def test_mandatory_component_is_two_individual_and_two_group_sessions_in_16_hours() -> None:
    mandatory = shipped()["tcp-mandatory"]
    assert mandatory.component == Component.MANDATORY
    assert mandatory.within_protection_order
    assert mandatory.target_gender == TargetGender.ANY
    assert (mandatory.count(SessionKind.INDIVIDUAL), mandatory.count(SessionKind.GROUP)) == (2, 2)
    assert mandatory.total_minutes == 16 * 60


def test_voluntary_programmes_for_men_and_women() -> None:
    curricula = shipped()
    men, women = curricula["tcp-voluntary-men"], curricula["tcp-voluntary-women"]
    assert (men.component, men.target_gender) == (Component.VOLUNTARY, TargetGender.MALE)
    assert (men.count(SessionKind.INDIVIDUAL), men.count(SessionKind.GROUP)) == (2, 24)
    assert (women.component, women.target_gender) == (Component.VOLUNTARY, TargetGender.FEMALE)
    assert (women.count(SessionKind.INDIVIDUAL), women.count(SessionKind.GROUP)) == (2, 16)
    # the men's group sessions: eight Duluth themes, three sessions each
    themes = [s.theme.ru for s in men.of_kind(SessionKind.GROUP)]
    assert len(set(themes)) == 8
    assert all(themes.count(t) == 3 for t in set(themes))
    assert men.cadence_days == women.cadence_days == 7


def test_extended_variant_runs_about_six_months() -> None:
    extended = shipped()["tcp-extended-6m"]
    weeks = extended.count(SessionKind.GROUP) * extended.cadence_days / 7
    assert 24 <= weeks <= 27
    assert not extended.within_protection_order


@pytest.mark.parametrize("key", ["tcp-mandatory", "tcp-voluntary-men", "tcp-voluntary-women", "tcp-extended-6m"])
def test_every_text_is_in_kyrgyz_and_russian_and_usable_in_the_room(key: str) -> None:
    curriculum = shipped()[key]
    for text in texts(curriculum):
        assert text.ky.strip() and text.ru.strip()
        assert text.ky != text.ru or len(text.ky) < 12  # not one language copied into the other
    kyrgyz = " ".join(t.ky for t in texts(curriculum))
    assert len(KYRGYZ_LETTERS.findall(kyrgyz)) > 50  # real Kyrgyz, not Russian in the ky field
    for session in curriculum.sessions:
        assert sum(a.minutes for a in session.activities) == session.minutes
        assert len(session.activities) >= 3 and len(session.objectives) >= 2
        assert sum(len(a.description.ru) for a in session.activities) > 300, session.key  # real guidance


def break_file(tmp_path: Path, old: str, new: str, name: str = "broken.yaml") -> Path:
    text = PILOT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_a_partly_translated_file_names_the_file_line_and_missing_language(tmp_path: Path, language: str) -> None:
    i18n.set_language(language)
    path = break_file(tmp_path, 'title: {ky: "Тайм-аут", ru: "Тайм-аут"}', 'title: {ky: "Тайм-аут"}')
    with pytest.raises(CurriculumInvalid) as caught:
        load_curriculum(path)
    message = caught.value.message()
    assert "broken.yaml" in message
    assert str(line_of(path, 'title: {ky: "Тайм-аут"}')) in message
    expected = {"ky": "орус", "ru": "русск"}[language]
    assert expected in message.lower(), message


def test_activity_minutes_must_add_up(tmp_path: Path) -> None:
    path = break_file(tmp_path, "    minutes: 90\n    theme", "    minutes: 95\n    theme")
    with pytest.raises(CurriculumInvalid) as caught:
        load_curriculum(path)
    assert caught.value.problems[0].line == line_of(path, "minutes: 95")
    assert "95" in caught.value.message()


def test_yaml_syntax_error_and_unknown_kind_are_located(tmp_path: Path) -> None:
    path = break_file(tmp_path, "kind: group", "kind: workshop")
    with pytest.raises(CurriculumInvalid) as caught:
        load_curriculum(path)
    assert caught.value.problems[0].line == line_of(path, "kind: workshop")
    assert "workshop" in caught.value.message()
    path = break_file(tmp_path, "sessions:\n", "sessions: [\n", "syntax.yaml")
    with pytest.raises(CurriculumInvalid) as caught:
        load_curriculum(path)
    assert caught.value.problems[0].line > 0
    assert "syntax.yaml" in caught.value.message()


def test_not_utf8_and_empty_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"  # saved as "Unicode" by an old editor
    path.write_bytes(PILOT.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(CurriculumInvalid):
        load_curriculum(path)
    empty = tmp_path / "empty.yaml"
    empty.write_bytes(b"")
    with pytest.raises(CurriculumInvalid):
        load_curriculum(empty)
