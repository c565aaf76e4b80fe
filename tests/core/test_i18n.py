"""Kyrgyz and Russian catalogs: complete, compilable, placeholder-safe and up to date with the code;
Babel formats dates and plurals the way each language writes them."""

from __future__ import annotations

import datetime as dt
import io
import re
from configparser import ConfigParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from instructor_app import i18n

from .support import REPO

LOCALE = REPO / "locale"
LANGS = ("ky", "ru")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

PASS_SINGULAR = "Integrity check passed: {count} record, schema {schema}."
PASS_PLURAL = "Integrity check passed: {count} records, schema {schema}."


def _po(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def _catalog(lang: str) -> Catalog:
    path = _po(lang)
    assert path.exists(), f"missing catalog {path.relative_to(REPO)}"
    with open(path, "rb") as handle:
        return read_po(handle, locale=lang)


def _messages(catalog: Catalog) -> list:
    return [m for m in catalog if m.id]


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _all_catalog_paths() -> list[Path]:
    return sorted(LOCALE.glob(f"*/LC_MESSAGES/{i18n.DOMAIN}.po"))


def test_both_languages_have_a_catalog() -> None:
    assert [p.parent.parent.name for p in _all_catalog_paths()] == sorted(LANGS)
    assert set(i18n.LANGUAGES) == set(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_compiles(lang: str) -> None:
    catalog = _catalog(lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    assert buffer.getvalue()[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")
    assert len(_messages(catalog)) >= 20


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_is_complete(lang: str) -> None:
    catalog = _catalog(lang)
    untranslated = [m.id for m in _messages(catalog)
                    if not (all(m.string) if isinstance(m.string, (list, tuple)) else m.string)]
    fuzzy = [m.id for m in _messages(catalog) if m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_every_placeholder(lang: str) -> None:
    wrong = []
    for message in _messages(catalog := _catalog(lang)):
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        expected = _placeholders(ids[0])
        assert all(_placeholders(i) == expected for i in ids), f"source plural forms differ: {ids}"
        for form in strings:
            if _placeholders(form) != expected:
                wrong.append((ids[0], form))
    assert wrong == [], f"{catalog.locale}: placeholders differ from the source"


@pytest.mark.parametrize("lang", LANGS)
def test_plural_entries_have_every_form(lang: str) -> None:
    catalog = _catalog(lang)
    plurals = [m for m in _messages(catalog) if m.pluralizable]
    assert plurals, "expected at least one plural entry (the integrity check message)"
    for message in plurals:
        assert len(message.string) == catalog.num_plurals, message.id


def _extracted_msgids() -> set[str]:
    """What ``make extract`` would put in the template, using locale/babel.cfg's mapping."""
    config = ConfigParser()
    config.read(LOCALE / "babel.cfg", encoding="utf-8")
    method_map = [(section.split(":", 1)[1].strip(), section.split(":", 1)[0].strip())
                  for section in config.sections() if ":" in section]
    assert method_map, "locale/babel.cfg maps no files"
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update({"N_": None, "_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)})
    found: set[str] = set()
    for _, _, message, _, _ in extract_from_dir(str(REPO), method_map, keywords=keywords):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_template_and_catalogs_hold_every_string_in_the_code() -> None:
    extracted = _extracted_msgids()
    for sample in ("Integrity check passed: {count} record, schema {schema}.",
                   "Enter the name of the centre.", "Osh city"):
        assert sample in extracted, f"the extraction missed {sample!r}: check babel.cfg"
    with open(LOCALE / f"{i18n.DOMAIN}.pot", "rb") as handle:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert sorted(extracted - template) == [], "run 'make extract': the template is out of date"
    for lang in LANGS:
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in _messages(_catalog(lang))}
        assert sorted(extracted - have) == [], f"{lang} catalog lacks strings used in the code"


def test_dates_in_each_language() -> None:
    day = dt.date(2026, 11, 25)
    assert i18n.format_date(day, language="ky") == "2026-ж., 25-ноябрь"
    # CLDR keeps "2026 г." together with a narrow no-break space (U+202F)
    assert i18n.format_date(day, language="ru").replace("\u202f", " ") == "25 ноября 2026 г."
    assert i18n.format_date(day, language="ru") == "25 ноября 2026\u202fг."


@pytest.mark.parametrize(("n", "form"), [(1, 0), (2, 1), (5, 2), (21, 0), (11, 2), (22, 1), (111, 2)])
def test_russian_plural_forms(n: int, form: int) -> None:
    entry = _catalog("ru").get(PASS_SINGULAR)
    assert entry is not None and entry.pluralizable, "the catalog needs the integrity-check plural entry"
    i18n.set_language("ru")
    i18n.reload_catalogs()
    assert i18n.ngettext(PASS_SINGULAR, PASS_PLURAL, n) == entry.string[form]


def test_kyrgyz_has_one_form_for_every_count() -> None:
    i18n.set_language("ky")
    texts = {i18n.ngettext(PASS_SINGULAR, PASS_PLURAL, n).format(count=n, schema="x") for n in (1, 2, 5)}
    assert len(texts) == 3 and all(re.search("[\u0400-\u04ff]", t) for t in texts)


def test_switching_language_retranslates() -> None:
    i18n.set_language("ru")
    ru = i18n._("Osh city")
    i18n.set_language("ky")
    ky = i18n._("Osh city")
    assert (ru, ky) == ("город Ош", "Ош шаары")
    with pytest.raises(ValueError):
        i18n.set_language("en")


def test_times_and_numbers_follow_the_language() -> None:
    import datetime as dt

    evening = dt.time(18, 30)
    assert i18n.format_time(evening, language="ru") == "18:30"
    assert i18n.format_time(evening, language="ky") == "18:30"
    assert i18n.format_number(12345.5, language="ru") == "12\xa0345,5"
    assert i18n.format_number(12345.5, language="ky") == "12\xa0345,5"


# --- a translation with wrong placeholders is never used -----------------------------------


@pytest.fixture
def tiny_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = Catalog(locale="ru", domain=i18n.DOMAIN)
    catalog.add("Hello {name}", "Здравствуйте, {name}")
    catalog.add("Saved {count} files to {path}", "Сохранено {число} файлов в {path}")  # broken
    catalog.add(("{count} file", "{count} files"), ("{count} файл", "{count} файла", "{n} файлов"))  # one broken
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / f"{i18n.DOMAIN}.mo", "wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setitem(i18n._catalogs, "ru", i18n._load_catalog("ru", tmp_path))
    monkeypatch.setattr(i18n, "_language", "ru")


def test_translation_with_mismatched_placeholders_falls_back_to_the_source(tiny_catalog: None) -> None:
    assert i18n._("Hello {name}").format(name="Айжан") == "Здравствуйте, Айжан"
    text = i18n._("Saved {count} files to {path}")
    assert text == "Saved {count} files to {path}"
    assert text.format(count=3, path="E:\\") == "Saved 3 files to E:\\"  # no KeyError for the user
    assert i18n.ngettext("{count} file", "{count} files", 2) == "{count} файла"
    assert i18n.ngettext("{count} file", "{count} files", 5) == "{count} files"
    assert i18n._("Not in the catalog {x}") == "Not in the catalog {x}"
