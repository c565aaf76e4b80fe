"""Schema upgrades keep every record and make an encrypted backup first; newer schemas are refused."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from instructor_app import errors
from instructor_app.paths import DataFolder
from instructor_app.services.workspace import Workspace
from instructor_app.storage import backup, migrate
from instructor_app.storage.crypto import new_data_key, new_recovery_key
from instructor_app.storage.engine import create_store_engine
from instructor_app.storage.keystore import Keystore
from instructor_app.storage.models import Centre

from .conftest import MAN_PASSWORD, Installed
from .support import FAST_KDF, assert_one_clear_line, cli, message_in, sha256, snapshot

CENTRE_ID, MAN_ID, WOMAN_ID, DEVICE_ID = (uuid.uuid4() for _ in range(4))
NODE = DEVICE_ID.hex[:16]
PASSWORD = "Жалал-Абад-2025"

# Rows as version 0001 of the app wrote them (UUIDs as 32 hex digits, UTC ISO-8601 text).
ROWS = {
    "centre": [
        (CENTRE_ID.hex, "2025-09-01T04:12:33.120000+00:00", "2025-10-02T08:00:01.000001+00:00", MAN_ID.hex, 2, None,
         "Жалал-Абад облустук «Мээрим» кризистик борбору", "jalal_abad"),
    ],
    "facilitator": [
        (MAN_ID.hex, "2025-09-01T04:12:33.120000+00:00", "2025-09-01T04:12:33.120000+00:00", MAN_ID.hex, 1, None,
         CENTRE_ID.hex, "Жаныбек Осмонов", "male", 1),
        (WOMAN_ID.hex, "2025-09-01T04:12:33.120000+00:00", "2025-11-11T11:11:11.000000+00:00", WOMAN_ID.hex, 1,
         "2025-11-11T11:11:11.000000+00:00", CENTRE_ID.hex, "Чолпон Абдыкадырова", "female", 0),
    ],
    "device": [(DEVICE_ID.hex, CENTRE_ID.hex, "2025-09-01T04:12:33.000000+00:00", "2025-10-05T10:00:00.000000+00:00")],
    "change_log": [
        (1, uuid.uuid4().hex, "centre", CENTRE_ID.hex, "insert", 1, f"001756700000000-000000000-{NODE}",
         "2025-09-01T04:12:33.120000+00:00", MAN_ID.hex, "synced"),
        (2, uuid.uuid4().hex, "facilitator", MAN_ID.hex, "insert", 1, f"001756700000000-000000001-{NODE}",
         "2025-09-01T04:12:33.120000+00:00", MAN_ID.hex, "synced"),
        (3, uuid.uuid4().hex, "facilitator", WOMAN_ID.hex, "insert", 1, f"001756700000000-000000002-{NODE}",
         "2025-09-01T04:12:33.120000+00:00", MAN_ID.hex, "synced"),
        (4, uuid.uuid4().hex, "centre", CENTRE_ID.hex, "update", 2, f"001759392001000-000000000-{NODE}",
         "2025-10-02T08:00:01.000001+00:00", MAN_ID.hex, "pending"),
        (5, uuid.uuid4().hex, "facilitator", WOMAN_ID.hex, "delete", 2, f"001762859471000-000000000-{NODE}",
         "2025-11-11T11:11:11.000000+00:00", WOMAN_ID.hex, "pending"),
    ],
}
ORDER = {"centre": "id", "facilitator": "id", "device": "id", "change_log": "seq"}


def _dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row's values in the columns version 0001 had (later versions may add columns)."""
    with engine.connect() as conn:
        return {table: [tuple(r)[:len(ROWS[table][0])] for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))]
                for table, key in ORDER.items()}


def _make_0001_folder(root: Path) -> tuple[DataFolder, bytes]:
    """An installation of app version 0001: encrypted database, data, and its key file."""
    folder = DataFolder(root)
    folder.ensure()
    key = new_data_key()
    engine = create_store_engine(folder.database, key)
    try:
        migrate.upgrade(engine, "0001")
        with engine.begin() as conn:
            for table, rows in ROWS.items():
                marks = ", ".join("?" * len(rows[0]))
                for row in rows:
                    conn.exec_driver_sql(f"INSERT INTO {table} VALUES ({marks})", row)
        assert migrate.current_revision(engine) == "0001"
    finally:
        engine.dispose()
    keystore = Keystore.new()
    keystore.set_account(str(MAN_ID), "Жаныбек Осмонов", "male", PASSWORD, key, FAST_KDF)
    keystore.set_recovery(new_recovery_key(), key, FAST_KDF)
    keystore.save(folder.keystore)
    return folder, key


def test_upgrade_from_0001_backs_up_first_and_keeps_every_record(tmp_path: Path) -> None:
    folder, key = _make_0001_folder(tmp_path / "data")
    engine = create_store_engine(folder.database, key)
    try:
        before = _dump(engine)
    finally:
        engine.dispose()
    assert [len(before[t]) for t in ORDER] == [1, 2, 1, 5]

    opened = Workspace(folder, kdf=FAST_KDF).unlock(str(MAN_ID), PASSWORD)
    try:
        assert opened.db.schema_revision() == migrate.head_revision() != "0001"
        view = opened.overview()
        assert view.centre_name == "Жалал-Абад облустук «Мээрим» кризистик борбору"
        assert [a.display_name for a in view.facilitators] == ["Жаныбек Осмонов"]  # the other is deleted
        assert view.pending_changes == 2
        assert opened.check().ok
        assert _dump(opened.db.engine) == before  # every row, every value
        with opened.db.session(str(MAN_ID)) as session:  # new changes continue the device's clock
            session.get(Centre, CENTRE_ID).region = "osh"
        after = _dump(opened.db.engine)
    finally:
        opened.close()
    assert after["centre"][0][4] == 3  # row_version continues
    assert after["change_log"][:5] == before["change_log"]
    assert after["change_log"][5][6] > before["change_log"][-1][6]  # HLC after every stored one

    (made,) = sorted(folder.backups.glob("pre-upgrade-0001-*" + backup.SUFFIX))
    manifest = backup.verify_backup(made)
    assert manifest.schema_revision == "0001"
    extracted = tmp_path / "extracted"
    extracted.mkdir()
    _, db_copy, _ = backup.extract_backup(made, extracted)
    engine = create_store_engine(db_copy, key)
    try:
        assert migrate.current_revision(engine) == "0001"  # the copy is the data before the upgrade
        assert _dump(engine) == _dump_0001_expected()
    finally:
        engine.dispose()


def _dump_0001_expected() -> dict[str, list[tuple]]:
    return {table: sorted(rows, key=lambda r: r[0]) for table, rows in ROWS.items()}


def test_second_unlock_after_the_upgrade_makes_no_new_upgrade_backup(tmp_path: Path) -> None:
    folder, _ = _make_0001_folder(tmp_path / "data")
    workspace = Workspace(folder, kdf=FAST_KDF)
    workspace.unlock(str(MAN_ID), PASSWORD).close()
    workspace.unlock(str(MAN_ID), PASSWORD).close()
    assert len(list(folder.backups.glob("pre-upgrade-*"))) == 1


def _stamp(installed: Installed, revision: str) -> None:
    engine = create_store_engine(installed.folder.database, installed.data_key())
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    finally:
        engine.dispose()


def test_database_from_a_newer_app_version_is_refused_and_left_untouched(installed: Installed) -> None:
    _stamp(installed, "9999_from_the_future")
    before = snapshot(installed.root)
    with pytest.raises(errors.NewerSchema) as caught:
        installed.unlock()
    assert caught.value.message()
    assert snapshot(installed.root) == before
    assert not list(installed.folder.backups.iterdir())

    result = cli(installed.root, "check", "--password-stdin", stdin=f"{MAN_PASSWORD}\n")
    line = assert_one_clear_line(result, 1)
    assert line == message_in("ky", errors.NewerSchema())
    assert sha256(installed.folder.database) == before["instructor.db"]


def test_migrations_build_exactly_the_schema_the_models_describe(tmp_path: Path) -> None:
    """A hand-written migration that drifts from the ORM models (a column, type, index or key
    missing) would only show on a user's laptop; Alembic's comparison finds it here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from instructor_app.storage.models import Base

    engine = create_store_engine(tmp_path / "schema.db", new_data_key())
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = [d for d in compare_metadata(context, Base.metadata)
                           if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")]
    finally:
        engine.dispose()
    assert differences == []
