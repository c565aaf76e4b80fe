"""The key file: one data key, wrapped per facilitator and once for the printed recovery key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from instructor_app import errors
from instructor_app.storage import crypto
from instructor_app.storage.crypto import UnwrapFailed, normalize_recovery_key
from instructor_app.storage.engine import create_store_engine
from instructor_app.storage.keystore import Keystore

from .conftest import CENTRE, MAN, MAN_PASSWORD, WOMAN, WOMAN_PASSWORD, Installed
from .support import sha256


def _records(installed: Installed, who: str = "man") -> tuple[str, list[str]]:
    opened = installed.unlock(who)
    try:
        view = opened.overview()
        return view.centre_name, sorted(a.display_name for a in view.facilitators)
    finally:
        opened.close()


def test_each_password_and_the_recovery_key_open_the_same_data_key(installed: Installed) -> None:
    keystore = Keystore.load(installed.folder.keystore)
    assert {a.id for a in keystore.accounts} == {installed.man_id, installed.woman_id}
    key = keystore.unlock(installed.man_id, MAN_PASSWORD)
    assert len(key) == crypto.DATA_KEY_BYTES
    assert keystore.unlock(installed.woman_id, WOMAN_PASSWORD) == key
    assert keystore.unlock_with_recovery(installed.recovery_key) == key
    # the data key itself is never written down
    raw = installed.folder.keystore.read_bytes()
    assert key not in raw and key.hex().encode() not in raw and crypto.b64(key).encode() not in raw
    # and it really is the key of the encrypted database
    engine = create_store_engine(installed.folder.database, key)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM centre")).scalar_one() == CENTRE
    finally:
        engine.dispose()


def test_either_facilitator_unlocks_as_themselves(installed: Installed) -> None:
    for who, name in (("man", MAN), ("woman", WOMAN)):
        opened = installed.unlock(who)
        try:
            assert opened.actor.display_name == name
            assert opened.overview().centre_name == CENTRE
        finally:
            opened.close()


def test_wrong_password_is_refused(installed: Installed) -> None:
    with pytest.raises(errors.WrongPassword) as caught:
        installed.workspace.unlock(installed.man_id, MAN_PASSWORD + "x")
    assert caught.value.exit_code == 2 and caught.value.message()
    with pytest.raises(errors.WrongPassword):  # one facilitator's password is not the other's
        installed.workspace.unlock(installed.woman_id, MAN_PASSWORD)


def test_change_password_rewraps_the_key_and_leaves_the_database_alone(installed: Installed) -> None:
    keys_before = installed.folder.keystore.read_bytes()
    data_key = installed.data_key()
    opened = installed.unlock("woman")
    try:
        opened.db.checkpoint()
        db_before = sha256(installed.folder.database)
        opened.change_password(WOMAN_PASSWORD, "Жаңы-сырсөз-2027")
        # No re-encryption: the database file was not rewritten (the audit row of the change
        # sits in the WAL until the next checkpoint; nothing re-keys the pages).
        assert sha256(installed.folder.database) == db_before
    finally:
        opened.close()
    assert installed.folder.keystore.read_bytes() != keys_before
    keystore = Keystore.load(installed.folder.keystore)
    assert keystore.unlock(installed.woman_id, "Жаңы-сырсөз-2027") == data_key  # same data key
    with pytest.raises(UnwrapFailed):
        keystore.unlock(installed.woman_id, WOMAN_PASSWORD)

    with pytest.raises(errors.WrongPassword):
        installed.workspace.unlock(installed.woman_id, WOMAN_PASSWORD)
    opened = installed.workspace.unlock(installed.woman_id, "Жаңы-сырсөз-2027")
    try:
        assert opened.overview().centre_name == CENTRE
    finally:
        opened.close()
    assert _records(installed, "man")[0] == CENTRE  # the other facilitator is unaffected


def test_change_password_needs_the_current_password_and_a_long_new_one(installed: Installed) -> None:
    keys_before = installed.folder.keystore.read_bytes()
    opened = installed.unlock("man")
    try:
        with pytest.raises(errors.InvalidInput) as caught:
            opened.change_password("not-the-password", "a-good-new-password")
        assert caught.value.field == "old_password"
        with pytest.raises(errors.InvalidInput) as caught:
            opened.change_password(MAN_PASSWORD, "short")
        assert caught.value.field == "new_password"
    finally:
        opened.close()
    assert installed.folder.keystore.read_bytes() == keys_before


CANONICAL = "0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ"


@pytest.mark.parametrize("typed", [
    CANONICAL,
    CANONICAL.lower(),
    CANONICAL.replace("-", ""),
    CANONICAL.replace("-", " "),
    "  0123 4567\t89ab-cdef ghjk mnpq rstv wxyz  ",
    "O123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ",   # letter O for zero
    "0I23-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ",   # letter I for one
    "0l23-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ",   # letter l for one
    "0L23-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ",
    "o123_4567_89ab_cdef_ghjk_mnpq_rstv_wxyz",
])
def test_recovery_key_typing_is_forgiven(typed: str) -> None:
    assert normalize_recovery_key(typed) == CANONICAL


@pytest.mark.parametrize("typed", ["", "0123-4567", CANONICAL + "-0000", CANONICAL[:-1], CANONICAL[:-1] + "Ж"])
def test_malformed_recovery_key_is_rejected(typed: str) -> None:
    assert normalize_recovery_key(typed) is None


def test_new_recovery_keys_are_printable_and_canonical() -> None:
    keys = {crypto.new_recovery_key() for _ in range(50)}
    assert len(keys) == 50
    for key in keys:
        assert normalize_recovery_key(key) == key and len(key) == 39


def _sloppy(key: str) -> str:
    """How a facilitator might type the key back from paper."""
    return " ".join(key.split("-")).lower().replace("0", "o").replace("1", "l")


def test_forgotten_password_is_reset_with_the_recovery_key(installed: Installed) -> None:
    before = _records(installed)
    opened = installed.workspace.reset_password(_sloppy(installed.recovery_key), installed.woman_id,
                                                "Эсимде-калсын-99")
    try:
        assert opened.actor.id == installed.woman_id
        view = opened.overview()
        assert (view.centre_name, sorted(a.display_name for a in view.facilitators)) == before
    finally:
        opened.close()
    with pytest.raises(errors.WrongPassword):
        installed.workspace.unlock(installed.woman_id, WOMAN_PASSWORD)
    installed.workspace.unlock(installed.woman_id, "Эсимде-калсын-99").close()
    assert _records(installed, "man") == before  # the colleague's password still works
    # the recovery key itself keeps working for the next time
    assert Keystore.load(installed.folder.keystore).unlock_with_recovery(installed.recovery_key) == installed.data_key()


def test_wrong_recovery_key_changes_nothing(installed: Installed) -> None:
    keys_before = installed.folder.keystore.read_bytes()
    other = crypto.new_recovery_key()
    with pytest.raises(errors.WrongPassword) as caught:
        installed.workspace.reset_password(other, installed.woman_id, "Эсимде-калсын-99")
    assert caught.value.message()
    assert installed.folder.keystore.read_bytes() == keys_before


def _tamper(path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(path.read_text(encoding="ascii"))
    edit(data)
    path.write_text(json.dumps(data), encoding="ascii")


def _flip_b64(value: str, index: int = 20) -> str:
    raw = bytearray(crypto.unb64(value))
    raw[index % len(raw)] ^= 0x01
    return crypto.b64(bytes(raw))


TAMPERS = {
    "wrapped key": lambda d: d["accounts"][0]["key"].update(wrapped=_flip_b64(d["accounts"][0]["key"]["wrapped"])),
    "wrapped key nonce": lambda d: d["accounts"][0]["key"].update(wrapped=_flip_b64(d["accounts"][0]["key"]["wrapped"], 0)),
    "salt": lambda d: d["accounts"][0]["key"].update(salt=_flip_b64(d["accounts"][0]["key"]["salt"], 3)),
    "store id": lambda d: d.update(store_id="00000000-0000-4000-8000-000000000000"),
    "account id": lambda d: d["accounts"][0].update(id=d["accounts"][1]["id"]),
    "wrapped key truncated": lambda d: d["accounts"][0]["key"].update(wrapped=d["accounts"][0]["key"]["wrapped"][:16]),
    "not base64": lambda d: d["accounts"][0]["key"].update(wrapped="!!not*base64!!"),
    "kdf cost lowered": lambda d: d["accounts"][0]["key"]["kdf"].update(time_cost=2),
    "kdf time zero": lambda d: d["accounts"][0]["key"]["kdf"].update(time_cost=0),
    "kdf memory tiny": lambda d: d["accounts"][0]["key"]["kdf"].update(memory_kib=1),
    "kdf lanes zero": lambda d: d["accounts"][0]["key"]["kdf"].update(parallelism=0),
    "kdf not a number": lambda d: d["accounts"][0]["key"]["kdf"].update(time_cost="three"),
}


@pytest.mark.parametrize("what", list(TAMPERS))
def test_tampered_key_file_is_refused_cleanly(installed: Installed, what: str) -> None:
    """A damaged or tampered key file gives a clear WrongPassword/KeystoreDamaged, never a crash."""
    first = Keystore.load(installed.folder.keystore).accounts[0]
    password = MAN_PASSWORD if first.id == installed.man_id else WOMAN_PASSWORD
    _tamper(installed.folder.keystore, TAMPERS[what])
    with pytest.raises((errors.WrongPassword, errors.KeystoreDamaged)) as caught:
        installed.fresh_workspace().unlock(first.id, password)
    assert caught.value.message()


_UNLOCK = """
import sys
from instructor_app import errors
from instructor_app.paths import DataFolder
from instructor_app.services.workspace import Workspace
try:
    Workspace(DataFolder.resolve(sys.argv[1])).unlock(sys.argv[2], sys.argv[3]).close()
    print("opened")
except errors.UserError as exc:
    print(type(exc).__name__)
"""


@pytest.mark.parametrize("kdf", [{"memory_kib": 2**40}, {"memory_kib": 2**31}, {"time_cost": 10**9}],
                         ids=["memory 1 PiB", "memory 2 TiB", "a billion passes"])
def test_absurd_kdf_cost_in_the_key_file_does_not_hang_unlock(installed: Installed, kdf: dict) -> None:
    """A key file asking for absurd Argon2 work is damaged: refuse it at once instead of
    allocating terabytes or computing for days (run in a subprocess so a hang cannot stall CI)."""
    first = Keystore.load(installed.folder.keystore).accounts[0]
    password = MAN_PASSWORD if first.id == installed.man_id else WOMAN_PASSWORD
    _tamper(installed.folder.keystore, lambda d: d["accounts"][0]["key"]["kdf"].update(kdf))
    try:
        done = subprocess.run([sys.executable, "-c", _UNLOCK, str(installed.root), first.id, password],
                              capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("unlock with an absurd Argon2 cost in keys.json was still computing after 20 s")
    assert done.stdout.strip() == "KeystoreDamaged", done.stdout + done.stderr


def test_tampered_recovery_slot_is_refused(installed: Installed) -> None:
    _tamper(installed.folder.keystore, lambda d: d["recovery"].update(wrapped=_flip_b64(d["recovery"]["wrapped"])))
    with pytest.raises((errors.WrongPassword, errors.KeystoreDamaged)):
        installed.fresh_workspace().reset_password(installed.recovery_key, installed.man_id, "a-new-password")


@pytest.mark.parametrize("content", [
    b"", b"not json at all", b"\xff\xfe\x00garbage", b"[]", b"null", b"42",
    b'{"format": 99}', b'{"format": 1}', b'{"format": 1, "store_id": "x", "accounts": {"a": 1}}',
    b'{"format": 1, "store_id": "x", "accounts": [{"id": "x"}]}',
])
def test_garbage_key_file_is_keystore_damaged(installed: Installed, content: bytes) -> None:
    installed.folder.keystore.write_bytes(content)
    workspace = installed.fresh_workspace()
    with pytest.raises(errors.KeystoreDamaged) as caught:
        workspace.accounts()
    assert "keys.json" in caught.value.message()
    with pytest.raises(errors.KeystoreDamaged):
        workspace.unlock(installed.man_id, MAN_PASSWORD)


def test_half_written_key_file_is_keystore_damaged(installed: Installed) -> None:
    raw = installed.folder.keystore.read_bytes()
    installed.folder.keystore.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(errors.KeystoreDamaged):
        installed.fresh_workspace().unlock(installed.man_id, MAN_PASSWORD)


def test_recovery_key_typed_on_a_cyrillic_layout_is_understood(installed) -> None:
    """Letters that look Latin but were typed with the Russian/Kyrgyz layout on (А, В, С, Е, Н,
    К, М, Р, Т, Х, О) still make the same key."""
    latin = installed.recovery_key
    lookalike = latin.translate(str.maketrans("ABCEHKMPTX", "АВСЕНКМРТХ"))
    assert crypto.normalize_recovery_key(lookalike.lower()) == latin


def test_a_malformed_recovery_key_is_a_typing_slip_not_a_wrong_guess(installed) -> None:
    workspace = installed.fresh_workspace()
    for _ in range(5):
        with pytest.raises(errors.InvalidInput) as caught:
            workspace.reset_password("ABCD-EFGH", installed.man_id, "new-password-1")
        assert caught.value.field == "recovery_key"
    assert workspace.retry_after() == 0  # no growing delay for slips
