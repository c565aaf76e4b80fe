"""Settings never stop the app from starting; set-up validates the form and leaves no trace when
it refuses; the facilitator-pair rule is a notice, not a refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from instructor_app import errors
from instructor_app.config import Settings, load_settings, save_settings
from instructor_app.domain.facilitators import PAIR_NOTICE_TEXT, PairNotice, pair_notice
from instructor_app.paths import DataFolder
from instructor_app.services.data import FacilitatorDraft, SetupRequest
from instructor_app.services.workspace import Workspace

from .conftest import DEMO_PASSWORD, Demo
from .support import FAST_KDF, cli, describe, language, lines

# --- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "expected"), [
    (Settings(idle_lock_minutes=0), Settings(idle_lock_minutes=1)),
    (Settings(idle_lock_minutes=-5), Settings(idle_lock_minutes=1)),
    (Settings(idle_lock_minutes=10_000), Settings(idle_lock_minutes=240)),
    (Settings(auto_backups_kept=0), Settings(auto_backups_kept=1)),
    (Settings(auto_backups_kept=500), Settings(auto_backups_kept=50)),
    (Settings(language="en"), Settings(language="ky")),
    (Settings(language="ru"), Settings(language="ru")),
])
def test_settings_are_clamped_to_sane_values(given: Settings, expected: Settings) -> None:
    assert given.validated() == expected


def test_settings_round_trip_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, Settings(language="ru", idle_lock_minutes=999, auto_backups_kept=3))
    assert load_settings(path) == Settings(language="ru", idle_lock_minutes=240, auto_backups_kept=3)
    assert path.read_bytes().isascii()


def test_missing_settings_give_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nope.json") == Settings()


@pytest.mark.parametrize("content", [
    b"", b"{", b"\xff\xfe\x00", b"not json", b"[]", b"null", b"42", b'"ru"',
    b'{"idle_lock_minutes": "ten"}', b'{"idle_lock_minutes": 1e400}', b'{"auto_backups_kept": NaN}',
    b'{"idle_lock_minutes": [1]}', b'{"idle_lock_minutes": null}',
])
def test_unreadable_settings_give_defaults(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    assert load_settings(path) == Settings()


def test_settings_keep_the_good_parts_and_ignore_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"language": "ru", "theme": "dark", "idle_lock_minutes": 3}')
    assert load_settings(path) == Settings(language="ru", idle_lock_minutes=3)


def test_settings_file_that_is_a_folder_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "settings.json").mkdir()
    assert load_settings(tmp_path / "settings.json") == Settings()


@pytest.mark.parametrize("content", ["{broken", "[]"])
def test_cli_works_with_a_damaged_settings_file(demo_folder: Demo, content: str) -> None:
    (demo_folder.root / "settings.json").write_text(content)
    result = cli(demo_folder.root, "check", "--password-stdin", stdin=DEMO_PASSWORD + "\n")
    assert result.returncode == 0, describe(result)
    assert len(lines(result.stdout)) == 1
    assert lines(result.stderr) == [], "warnings must go to the log file, not the terminal"


# --- the facilitator pair -------------------------------------------------------------------


@pytest.mark.parametrize(("genders", "notice"), [
    (["male", "female"], None),
    (["female", "male"], None),
    (["male", "male"], PairNotice.SAME_GENDER),
    (["female", "female"], PairNotice.SAME_GENDER),
    (["female"], PairNotice.SINGLE),
    ([], PairNotice.SINGLE),
    (["male", "female", "female"], PairNotice.MORE_THAN_TWO),
])
def test_pair_notice(genders: list[str], notice: PairNotice | None) -> None:
    assert pair_notice(genders) == notice


def test_every_pair_notice_has_a_translated_text() -> None:
    assert set(PAIR_NOTICE_TEXT) == set(PairNotice)
    with language("ru"):
        from instructor_app.i18n import _

        assert all(_(text) != text for text in PAIR_NOTICE_TEXT.values())


def _request(**changes: object) -> SetupRequest:
    values: dict[str, object] = dict(
        centre_name="Баткен облустук борбору", region="batken", language="ky",
        facilitators=(FacilitatorDraft("Замир Усенов", "male", "parol-1234"),
                      FacilitatorDraft("Нургүл Мамытова", "female", "parol-5678")),
    )
    values.update(changes)
    return SetupRequest(**values)  # type: ignore[arg-type]


def test_same_gender_pair_is_accepted_with_a_notice(tmp_path: Path) -> None:
    workspace = Workspace(DataFolder(tmp_path / "data"), kdf=FAST_KDF)
    opened, result = workspace.set_up(_request(facilitators=(
        FacilitatorDraft("Замир Усенов", "male", "parol-1234"),
        FacilitatorDraft("Бекзат Алиев", "male", "parol-5678"))))
    try:
        assert result.pair_notice == PairNotice.SAME_GENDER
        assert opened.overview().pair_notice == PairNotice.SAME_GENDER
        assert len(opened.overview().facilitators) == 2
    finally:
        opened.close()
    second = next(a for a in workspace.accounts() if a.display_name == "Бекзат Алиев")
    workspace.unlock(second.id, "parol-5678").close()


def test_standard_pair_has_no_notice_and_single_facilitator_has_one(tmp_path: Path) -> None:
    opened, result = Workspace(DataFolder(tmp_path / "a"), kdf=FAST_KDF).set_up(_request())
    assert result.pair_notice is None and opened.overview().pair_notice is None
    opened.close()
    opened, result = Workspace(DataFolder(tmp_path / "b"), kdf=FAST_KDF).set_up(
        _request(facilitators=(FacilitatorDraft("Замир Усенов", "male", "parol-1234"),)))
    assert result.pair_notice == PairNotice.SINGLE
    opened.close()


def test_names_are_trimmed_at_set_up(tmp_path: Path) -> None:
    workspace = Workspace(DataFolder(tmp_path / "data"), kdf=FAST_KDF)
    opened, _ = workspace.set_up(_request(centre_name="  Баткен борбору  ", facilitators=(
        FacilitatorDraft("  Замир Усенов ", "male", "parol-1234"),)))
    try:
        assert opened.overview().centre_name == "Баткен борбору"
        assert [a.display_name for a in workspace.accounts()] == ["Замир Усенов"]
    finally:
        opened.close()


@pytest.mark.parametrize(("changes", "field"), [
    ({"centre_name": ""}, "centre_name"),
    ({"centre_name": "   \t"}, "centre_name"),
    ({"region": "moscow"}, "region"),
    ({"region": ""}, "region"),
    ({"facilitators": ()}, "facilitators"),
    ({"facilitators": (FacilitatorDraft("Замир Усенов", "male", "short"),)}, "facilitator0.password"),
    ({"facilitators": (FacilitatorDraft("Замир Усенов", "male", "parol-1234"),
                       FacilitatorDraft("Нургүл Мамытова", "female", "1234567"))}, "facilitator1.password"),
    ({"facilitators": (FacilitatorDraft(" ", "male", "parol-1234"),)}, "facilitator0.name"),
    ({"facilitators": (FacilitatorDraft("Замир Усенов", "other", "parol-1234"),)}, "facilitator0.gender"),
])
def test_set_up_refuses_bad_input_and_leaves_nothing(tmp_path: Path, changes: dict, field: str) -> None:
    for root in (tmp_path / "new", tmp_path / "existing-empty"):
        if root.name == "existing-empty":
            root.mkdir()
        workspace = Workspace(DataFolder(root), kdf=FAST_KDF)
        with pytest.raises(errors.InvalidInput) as caught:
            workspace.set_up(_request(**changes))
        assert caught.value.field == field
        with language("ru"):
            message = caught.value.message()
        assert message and message != caught.value.msgid  # translated for the form
        assert not root.exists() or list(root.iterdir()) == [], "set-up left files behind"
        assert not workspace.is_set_up()


def test_set_up_twice_is_refused_and_keeps_the_data(tmp_path: Path) -> None:
    workspace = Workspace(DataFolder(tmp_path / "data"), kdf=FAST_KDF)
    opened, _ = workspace.set_up(_request())
    opened.close()
    keys = workspace.folder.keystore.read_bytes()
    with pytest.raises(errors.AlreadySetUp):
        workspace.set_up(_request(centre_name="Башка борбор"))
    assert workspace.folder.keystore.read_bytes() == keys


def test_demo_if_missing_leaves_existing_data_alone(demo_folder: Demo) -> None:
    keys = (demo_folder.root / "keys.json").read_bytes()
    result = cli(demo_folder.root, "demo", "--if-missing", "--password-stdin", stdin="other-password\n")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == "", describe(result)
    assert (demo_folder.root / "keys.json").read_bytes() == keys
    result = cli(demo_folder.root, "demo", "--password-stdin", stdin="other-password\n")
    assert result.returncode == 1 and len(lines(result.stderr)) == 1, describe(result)
    assert (demo_folder.root / "keys.json").read_bytes() == keys
