"""Must show: nothing a stolen laptop's disk holds is readable without a password.

Runs the real CLI (``python -m instructor_app demo/check/backup``) at the real Argon2 cost, then
reads every byte the data folder holds, including the backup written into it.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from instructor_app import errors
from instructor_app.i18n import format_number, ngettext
from instructor_app.storage import migrate

from .conftest import DEMO_CENTRE, DEMO_NAMES, DEMO_PASSWORD, Demo
from .support import (
    CYRILLIC, SQLITE_HEADER, assert_one_clear_line, cli, cyrillic_run, describe, files_under,
    find_plaintext, language, message_in,
)

# The centre is only ever in the database: no file may hold it in any form.
CENTRE_NEEDLES = [DEMO_CENTRE, *(w.strip("«»") for w in DEMO_CENTRE.split() if len(w.strip("«»")) >= 4)]
# Facilitator names (and each part) are allowed only JSON-escaped, in keys.json (docs/decisions.md).
NAME_NEEDLES = [*DEMO_NAMES, *(part for name in DEMO_NAMES for part in name.split())]


def _may_hold_escaped_names(path: Path) -> bool:
    # keys.json lists the facilitators for the unlock screen; a backup carries a copy of keys.json.
    return path.name == "keys.json" or path.suffix == ".iabackup"


def _leaks(root: Path) -> list[str]:
    problems = []
    for path in files_under(root):
        data = path.read_bytes()
        where = str(path.relative_to(root))
        if data.startswith(SQLITE_HEADER):
            problems.append(f"{where}: an unencrypted SQLite database")
        if found := find_plaintext(data, CENTRE_NEEDLES, escaped=True):
            problems.append(f"{where}: centre name {found}")
        if found := find_plaintext(data, NAME_NEEDLES, escaped=not _may_hold_escaped_names(path)):
            problems.append(f"{where}: facilitator name {found}")
        if run := cyrillic_run(data):
            problems.append(f"{where}: readable Cyrillic text {run!r}")
        if path.suffix == ".iabackup":
            with zipfile.ZipFile(path) as archive:
                with archive.open("instructor.db") as member:
                    if member.read(len(SQLITE_HEADER)) == SQLITE_HEADER:
                        problems.append(f"{where}!instructor.db: an unencrypted SQLite database")
    return problems


def test_the_leak_detector_sees_plaintext(tmp_path: Path) -> None:
    """The scan below can fail: plain copies of the demo data in any encoding are caught."""
    root = tmp_path / "leaky"
    root.mkdir()
    (root / "a.txt").write_bytes(DEMO_CENTRE.encode("utf-16-le"))
    (root / "b.txt").write_bytes(b"xx" + "Жумабеков".encode("cp1251") + b"yy")
    (root / "c.json").write_text(json.dumps({"centre": DEMO_CENTRE}), encoding="ascii")
    (root / "d.db").write_bytes(SQLITE_HEADER + bytes(100))
    (root / "e.log").write_bytes("кризистик".encode("utf-8"))
    (root / "keys.json").write_text(json.dumps({"n": DEMO_NAMES[0]}), encoding="ascii")  # allowed
    assert sorted(p.split(":")[0] for p in _leaks(root)) == ["a.txt", "b.txt", "c.json", "d.db", "e.log", "e.log"]


def test_demo_data_folder_holds_no_readable_data(demo_folder: Demo) -> None:
    root = demo_folder.root
    assert {"instructor.db", "keys.json"} <= {p.name for p in root.iterdir()}
    assert _leaks(root) == []

    # The same after the data was opened, checked and backed up into the folder.
    assert cli(root, "check", "--password-stdin", stdin=DEMO_PASSWORD + "\n").returncode == 0
    backup = root / "backups" / "usb-copy.iabackup"
    result = cli(root, "backup", backup, "--password-stdin", stdin=DEMO_PASSWORD + "\n")
    assert result.returncode == 0, describe(result)
    assert backup.exists()
    assert _leaks(root) == []


def test_keys_json_names_are_escaped_and_hold_no_centre(demo_folder: Demo) -> None:
    raw = (demo_folder.root / "keys.json").read_bytes()
    assert raw.isascii()
    assert set(json.loads(raw)["accounts"][0]) == {"id", "display_name", "gender", "key"}
    assert find_plaintext(raw, CENTRE_NEEDLES, escaped=True) == []


def count_synced_rows(root: Path) -> int:
    """Counted here with plain SQL over the synced tables, independently of the ``check`` command."""
    from sqlalchemy import text

    from instructor_app.paths import DataFolder
    from instructor_app.services.workspace import Workspace
    from instructor_app.storage.models import SYNCED_TABLES

    workspace = Workspace(DataFolder(root))
    opened = workspace.unlock(workspace.accounts()[0].id, DEMO_PASSWORD)
    try:
        with opened.db.engine.connect() as connection:
            return sum(connection.execute(text(f"SELECT count(*) FROM {t.__tablename__}")).scalar_one()
                       for t in SYNCED_TABLES)
    finally:
        opened.close()


def test_check_with_the_right_password_passes(demo_folder: Demo) -> None:
    records = count_synced_rows(demo_folder.root)
    assert records > 100  # a centre, 4 facilitators, 4 programmes, 5 groups and their sessions
    result = cli(demo_folder.root, "check", "--password-stdin", stdin=DEMO_PASSWORD + "\n")
    line = assert_one_clear_line(result, 0, stream="stdout")
    with language("ky"):  # the demo is set up in Kyrgyz
        expected = ngettext("Integrity check passed: {count} record, schema {schema}.",
                            "Integrity check passed: {count} records, schema {schema}.", records).format(
            count=format_number(records), schema=migrate.head_revision())
    assert line == expected


def test_check_with_a_wrong_password_exits_2_with_one_line(demo_folder: Demo) -> None:
    result = cli(demo_folder.root, "check", "--password-stdin", stdin="demo-pasS\n")
    line = assert_one_clear_line(result, 2)
    assert line == message_in("ky", errors.WrongPassword())
    assert DEMO_PASSWORD not in result.stdout + result.stderr


def test_wrong_password_message_in_russian(demo_folder: Demo) -> None:
    result = cli(demo_folder.root, "check", "--password-stdin", stdin="wrong-password\n", lang="ru")
    line = assert_one_clear_line(result, 2)
    assert line == message_in("ru", errors.WrongPassword())
    assert CYRILLIC.search(line), f"not translated to Russian: {line!r}"
    assert line != errors.WrongPassword().msgid
