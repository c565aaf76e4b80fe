"""Conventions every synced record follows, checked on the real encrypted database.

Device-made UUID keys, aware UTC stamps, ``updated_by``, a version counter, tombstones instead of
deletes, and one outbox (``change_log``) row per change written in the same transaction, stamped
with a hybrid logical clock that never goes backwards (also across restarts and wrong clocks).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from instructor_app.storage.changelog import HardDeleteRefused, soft_delete
from instructor_app.storage.crypto import new_data_key
from instructor_app.storage.database import Database
from instructor_app.storage.models import SYNCED_TABLES, Centre, ChangeLog, Facilitator, SyncedRecord
from instructor_app.storage.conflict_models import ConflictReview
from instructor_app.storage.instrument_models import Answer, InstrumentVersion, PartnerAnswer, PartnerReport, Response
from instructor_app.storage.participant_models import (Art72Case, Attendance, Enrolment, FollowUpMeeting, Participant,
                                                       PartnerContact, Referral, StatusChange)
from instructor_app.storage.programme_models import CurriculumVersion, ProgrammeGroup, ProgrammeSession, ScheduleChange
from instructor_app.sync.hlc import HlcTimestamp, HybridLogicalClock

ALICE, BOB = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    key = new_data_key()
    database = Database.open(tmp_path / "instructor.db", key)
    database._test_key = key  # type: ignore[attr-defined]
    yield database
    database.close()


def _centre(db: Database) -> uuid.UUID:
    with db.session(ALICE) as session:
        centre = Centre(name="Нарын облустук борбору", region="naryn")
        session.add(centre)
    return centre.id


def _add(db: Database, record: SyncedRecord) -> uuid.UUID:
    with db.session(ALICE) as session:
        session.add(record)
    return record.id


def _facilitator(db: Database) -> uuid.UUID:
    return _add(db, Facilitator(centre_id=_centre(db), display_name="Эрмек Саматов", gender="male"))


def _curriculum(db: Database) -> uuid.UUID:
    return _add(db, _curriculum_row())


def _curriculum_row(version: int = 1) -> CurriculumVersion:
    return CurriculumVersion(curriculum_key=f"test-{uuid.uuid4().hex[:8]}", version=version, component="voluntary",
                             target_gender="male", title_ky="Сынак", title_ru="Тест", session_count=1,
                             total_minutes=120, document="{}", sha256="0" * 64, origin="imported")


def _group(db: Database) -> uuid.UUID:
    return _add(db, ProgrammeGroup(centre_id=_centre(db), curriculum_version_id=_curriculum(db), name="Топ",
                                   language="ky", participant_gender="male", lead_facilitator_id=_facilitator(db),
                                   weekday=2, start_time="18:00", start_date=dt.date(2026, 12, 2)))


def _session_row(db: Database) -> ProgrammeSession:
    return ProgrammeSession(group_id=_group(db), curriculum_version_id=_curriculum(db), template_key="g01",
                            sequence=3, kind="group", scheduled_date=dt.date(2026, 12, 2), start_time="18:00",
                            minutes=120, lead_facilitator_id=_facilitator(db))


def _participant(db: Database) -> uuid.UUID:
    return _add(db, Participant(centre_id=_centre(db), full_name="Улан Сыдыков", name_key="улан сыдыков",
                                birth_date=dt.date(1990, 1, 2), gender="male", language="ky", component="mandatory",
                                status="intake"))


def _instrument(db: Database) -> uuid.UUID:
    return _add(db, InstrumentVersion(instrument_key=f"t-{uuid.uuid4().hex[:8]}", version=1, kind="questionnaire",
                                      respondent="participant", document="{}", sha256="0" * 64, origin="imported"))


def _response(db: Database) -> Response:
    return Response(participant_id=_participant(db), instrument_version_id=_instrument(db), time_point="intake",
                    mode="kiosk", answered_on=dt.date(2026, 3, 2))


def _report(db: Database) -> PartnerReport:
    return PartnerReport(participant_id=_participant(db), instrument_version_id=_instrument(db), time_point="intake",
                         contact_mode="phone", contacted_on=dt.date(2026, 3, 2))


# One way to make a valid record of each synced table (a new synced table must be added here).
FACTORIES: dict[type, Callable[[Database], SyncedRecord]] = {
    Centre: lambda db: Centre(name="Талас борбору", region="talas"),
    Facilitator: lambda db: Facilitator(centre_id=_centre(db), display_name="Асель Бекова", gender="female"),
    CurriculumVersion: lambda db: _curriculum_row(),
    ProgrammeGroup: lambda db: ProgrammeGroup(
        centre_id=_centre(db), curriculum_version_id=_curriculum(db), name="Эркектер тобу", language="ru",
        participant_gender="male", lead_facilitator_id=_facilitator(db), weekday=1, start_time="10:00",
        start_date=dt.date(2026, 12, 1)),
    ProgrammeSession: _session_row,
    Participant: lambda db: Participant(centre_id=_centre(db), full_name="Жылдыз Асанова", name_key="жылдыз асанова",
                                        birth_date=dt.date(1993, 7, 8), gender="female", language="ru",
                                        component="voluntary", status="referred"),
    Referral: lambda db: Referral(participant_id=_participant(db), source="police", received_on=dt.date(2026, 3, 1),
                                  order_issued_on=dt.date(2026, 2, 27), order_ends_on=dt.date(2026, 3, 28)),
    PartnerContact: lambda db: PartnerContact(participant_id=_participant(db), full_name="Айгерим", phone="0555"),
    StatusChange: lambda db: StatusChange(participant_id=_participant(db), to_status="referred",
                                          changed_on=dt.date(2026, 3, 1)),
    Enrolment: lambda db: Enrolment(participant_id=_participant(db), group_id=_group(db), joined_on=dt.date(2026, 3, 2)),
    Attendance: lambda db: Attendance(participant_id=_participant(db), session_id=_add(db, _session_row(db)),
                                      mark="present"),
    Art72Case: lambda db: Art72Case(participant_id=_participant(db), refused_on=dt.date(2026, 3, 3),
                                    how_expressed="verbal", witnesses="Инструктор"),
    FollowUpMeeting: lambda db: FollowUpMeeting(participant_id=_participant(db), number=1, due_on=dt.date(2026, 6, 3)),
    InstrumentVersion: lambda db: InstrumentVersion(instrument_key="t", version=1, kind="risk", respondent="facilitator",
                                                    document="{}", sha256="1" * 64, origin="shipped"),
    Response: _response,
    Answer: lambda db: Answer(response_id=_add(db, _response(db)), item_key="calm", value="4"),
    PartnerReport: _report,
    PartnerAnswer: lambda db: PartnerAnswer(report_id=_add(db, _report(db)), item_key="hit", value="0"),
    ScheduleChange: lambda db: ScheduleChange(session_id=_add(db, _session_row(db)), change="postponed",
                                              old_date=dt.date(2026, 12, 2), new_date=dt.date(2026, 12, 9),
                                              reason="Инструктор ооруп калды"),
    ConflictReview: lambda db: ConflictReview(conflict_id=uuid.uuid4(), decision="kept_current"),
}

# A column each test update changes, per table.
EDITS: dict[type, Callable[[SyncedRecord, int], None]] = {
    Centre: lambda r, i: setattr(r, "name", f"Талас борбору {i}"),
    Facilitator: lambda r, i: setattr(r, "display_name", f"Асель Бекова {i}"),
    CurriculumVersion: lambda r, i: setattr(r, "file_name", f"programme-{i}.yaml"),
    ProgrammeGroup: lambda r, i: setattr(r, "room", f"{i}-бөлмө"),
    ProgrammeSession: lambda r, i: setattr(r, "notes", f"Эскертүү {i}"),
    ScheduleChange: lambda r, i: setattr(r, "reason", f"Себеп {i}"),
    Participant: lambda r, i: setattr(r, "phone", f"0555 00 00 {i:02d}"),
    Referral: lambda r, i: setattr(r, "document_number", f"№ {i}"),
    PartnerContact: lambda r, i: setattr(r, "notes", f"Эскертүү {i}"),
    StatusChange: lambda r, i: setattr(r, "reason", f"Себеп {i}"),
    Enrolment: lambda r, i: setattr(r, "left_reason", f"r{i}"),
    Attendance: lambda r, i: setattr(r, "concern_note", f"Эскертүү {i}"),
    Art72Case: lambda r, i: setattr(r, "details", f"Маалымат {i}"),
    FollowUpMeeting: lambda r, i: setattr(r, "notes", f"Эскертүү {i}"),
    InstrumentVersion: lambda r, i: setattr(r, "file_name", f"t-{i}.yaml"),
    Response: lambda r, i: setattr(r, "time_point", "mid" if i % 2 else "end"),
    Answer: lambda r, i: setattr(r, "value", str(i % 5 + 1)),
    PartnerReport: lambda r, i: setattr(r, "contact_mode", "phone" if i % 2 else "in_person"),
    PartnerAnswer: lambda r, i: setattr(r, "value", str(i % 5)),
    ConflictReview: lambda r, i: setattr(r, "decision", "kept_current" if i % 2 else "restored"),
}


def test_every_synced_table_is_covered_here() -> None:
    assert set(SYNCED_TABLES) == set(FACTORIES) == set(EDITS)


def _changes(db: Database, table: str, row_id: uuid.UUID) -> list[ChangeLog]:
    with db.session() as session:
        return list(session.scalars(select(ChangeLog).where(ChangeLog.table_name == table, ChangeLog.row_id == row_id)
                                    .order_by(ChangeLog.seq)))


def _reload(db: Database, model: type, row_id: uuid.UUID) -> SyncedRecord:
    with db.session() as session:
        record = session.get(model, row_id)
        assert record is not None
        return record


def _assert_utc(value: dt.datetime, near: dt.datetime) -> None:
    assert value.tzinfo is not None and value.utcoffset() == dt.timedelta(0)
    assert abs(value - near) < dt.timedelta(seconds=30)


@pytest.mark.parametrize("model", SYNCED_TABLES, ids=lambda m: m.__tablename__)
def test_synced_record_lifecycle(db: Database, model: type) -> None:
    table = model.__tablename__
    record = FACTORIES[model](db)
    with db.session(ALICE) as session:
        session.add(record)
    row_id = record.id
    assert isinstance(row_id, uuid.UUID) and row_id.version == 4

    now = dt.datetime.now(dt.timezone.utc)
    stored = _reload(db, model, row_id)
    _assert_utc(stored.created_at, now)
    _assert_utc(stored.updated_at, now)
    assert stored.updated_by == ALICE and stored.row_version == 1 and stored.deleted_at is None
    created = stored.created_at

    (insert,) = _changes(db, table, row_id)
    assert (insert.operation, insert.row_version, insert.changed_by, insert.state) == ("insert", 1, ALICE, "pending")
    assert insert.changed_at == stored.updated_at
    HlcTimestamp.decode(insert.hlc)

    for version in (2, 3):
        time.sleep(0.002)
        with db.session(BOB) as session:
            EDITS[model](session.get(model, row_id), version)
        stored = _reload(db, model, row_id)
        assert stored.row_version == version and stored.updated_by == BOB
        assert stored.created_at == created
        assert stored.updated_at > stored.created_at
        change = _changes(db, table, row_id)[-1]
        assert (change.operation, change.row_version, change.changed_by) == ("update", version, BOB)

    with db.session(ALICE) as session:
        soft_delete(session.get(model, row_id))
    stored = _reload(db, model, row_id)  # a tombstone: the row stays
    assert stored.deleted_at is not None and stored.row_version == 4 and stored.updated_by == ALICE
    _assert_utc(stored.deleted_at, now)
    changes = _changes(db, table, row_id)
    assert [c.operation for c in changes] == ["insert", "update", "update", "delete"]
    assert [c.row_version for c in changes] == [1, 2, 3, 4]
    assert all(c.state == "pending" for c in changes)
    assert len({c.change_id for c in changes}) == 4
    hlcs = [c.hlc for c in changes]
    assert hlcs == sorted(hlcs) and len(set(hlcs)) == 4


def test_ids_are_made_on_the_device_and_unique(db: Database) -> None:
    with db.session(ALICE) as session:
        centres = [Centre(name=f"Борбор {i}", region="osh") for i in range(20)]
        session.add_all(centres)
        session.flush()
        assert all(c.id is not None for c in centres)  # known before the commit, no server needed
    assert len({c.id for c in centres}) == 20


def test_hard_delete_of_a_synced_record_is_refused(db: Database) -> None:
    centre_id = _centre(db)
    with pytest.raises(HardDeleteRefused):
        with db.session(ALICE) as session:
            session.delete(session.get(Centre, centre_id))
    assert _reload(db, Centre, centre_id).deleted_at is None
    assert [c.operation for c in _changes(db, "centre", centre_id)] == ["insert"]


def test_soft_delete_twice_keeps_the_first_time(db: Database) -> None:
    centre_id = _centre(db)
    with db.session(ALICE) as session:
        soft_delete(session.get(Centre, centre_id))
    first = _reload(db, Centre, centre_id).deleted_at
    with db.session(ALICE) as session:
        soft_delete(session.get(Centre, centre_id))
    assert _reload(db, Centre, centre_id).deleted_at == first
    assert [c.operation for c in _changes(db, "centre", centre_id)] == ["insert", "delete"]


def _counts(db: Database) -> tuple[int, int, int]:
    with db.session() as session:
        return (session.scalar(select(func.count()).select_from(Centre)),
                session.scalar(select(func.count()).select_from(Facilitator)),
                session.scalar(select(func.count()).select_from(ChangeLog)))


class Boom(Exception):
    pass


def test_a_failed_transaction_leaves_neither_the_row_nor_its_change(db: Database) -> None:
    centre_id = _centre(db)
    before = _counts(db)
    with pytest.raises(Boom):
        with db.session(ALICE) as session:
            session.add(Facilitator(centre_id=centre_id, display_name="Эркин", gender="male"))
            session.get(Centre, centre_id).name = "Өзгөртүлгөн ат"
            session.flush()  # the rows and their change_log entries are written ...
            assert session.scalar(select(func.count()).select_from(ChangeLog)) == before[2] + 2
            raise Boom()  # ... but the transaction does not commit
    assert _counts(db) == before
    assert _reload(db, Centre, centre_id).name == "Нарын облустук борбору"
    assert _reload(db, Centre, centre_id).row_version == 1


def test_a_refused_write_leaves_no_change_behind(db: Database) -> None:
    before = _counts(db)
    with pytest.raises(IntegrityError):
        with db.session(ALICE) as session:  # a facilitator of a centre that does not exist
            session.add(Facilitator(centre_id=uuid.uuid4(), display_name="Эркин", gender="male"))
    assert _counts(db) == before


def test_a_stale_copy_never_overwrites_a_newer_row(db: Database) -> None:
    centre_id = _centre(db)
    with db.session(ALICE) as session:
        stale = session.get(Centre, centre_id)  # e.g. a form opened a while ago
    with db.session(BOB) as session:
        session.get(Centre, centre_id).name = "Жаңы ат"
    with pytest.raises(StaleDataError):
        with db.session(ALICE) as session:
            session.add(stale)
            stale.name = "Эски форма"
    record = _reload(db, Centre, centre_id)
    assert (record.name, record.row_version) == ("Жаңы ат", 2)
    assert [c.row_version for c in _changes(db, "centre", centre_id)] == [1, 2]


def test_change_hlcs_strictly_increase_in_commit_order(db: Database) -> None:
    centre_id = _centre(db)
    for i in range(30):
        with db.session(ALICE) as session:
            session.get(Centre, centre_id).name = f"Ат {i}"
            if i % 3 == 0:
                session.add(Facilitator(centre_id=centre_id, display_name=f"Адам {i}", gender="male"))
    with db.session() as session:
        hlcs = list(session.scalars(select(ChangeLog.hlc).order_by(ChangeLog.seq)))
    assert len(hlcs) == 1 + 30 + 10
    decoded = [HlcTimestamp.decode(h) for h in hlcs]
    assert all(a < b for a, b in zip(decoded, decoded[1:]))
    assert all(a < b for a, b in zip(hlcs, hlcs[1:]))  # the stored text sorts the same way
    assert {d.node for d in decoded} == {db.device_id.hex[:16]}


def test_clock_continues_above_stored_changes_after_reopening(tmp_path: Path) -> None:
    """The laptop's clock ran ten hours fast, then was corrected: later edits must still sort after."""
    path, key = tmp_path / "instructor.db", new_data_key()
    db = Database.open(path, key)
    ahead = time.time_ns() // 1_000_000 + 10 * 3600 * 1000
    db.clock = HybridLogicalClock(db.device_id.hex[:16], wall=lambda: ahead)
    centre_id = _centre(db)
    device = db.device_id
    db.close()

    db = Database.open(path, key)  # the real wall clock is now ten hours "behind"
    try:
        assert db.device_id == device
        with db.session(ALICE) as session:
            session.get(Centre, centre_id).region = "osh"
        first, second = (HlcTimestamp.decode(c.hlc) for c in _changes(db, "centre", centre_id))
        assert first.wall_ms == ahead
        assert second > first
    finally:
        db.close()


# --- the hybrid logical clock itself ----------------------------------------------------------

class FakeWall:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_hlc_follows_wall_time_and_never_repeats() -> None:
    wall = FakeWall(1_000_000)
    clock = HybridLogicalClock("a" * 16, wall=wall)
    first = clock.now()
    assert (first.wall_ms, first.counter) == (1_000_000, 0)
    same_ms = clock.now()
    assert (same_ms.wall_ms, same_ms.counter) == (1_000_000, 1)
    wall.ms = 1_000_500
    later = clock.now()
    assert (later.wall_ms, later.counter) == (1_000_500, 0)
    wall.ms = 900_000  # NTP moved the clock back
    after_jump = clock.now()
    assert after_jump > later and after_jump.wall_ms == 1_000_500


def test_hlc_resumes_from_a_stored_timestamp_when_the_wall_clock_is_earlier() -> None:
    stored = HlcTimestamp(5_000_000, 7, "b" * 16)
    clock = HybridLogicalClock("b" * 16, stored, wall=FakeWall(4_000_000))
    assert clock.now() > stored


def test_observing_a_remote_time_from_hours_ahead_orders_local_events_after_it() -> None:
    local = HybridLogicalClock("local00000000000", wall=FakeWall(1_700_000_000_000))
    local.now()
    remote = HlcTimestamp(1_700_000_000_000 + 5 * 3600 * 1000, 3, "remote0000000000")
    merged = local.observe(remote)
    assert merged > remote
    nxt = local.now()
    assert nxt > remote and nxt > merged
    assert nxt.encode() > remote.encode()


def test_observing_an_old_remote_time_keeps_the_local_clock() -> None:
    local = HybridLogicalClock("local00000000000", wall=FakeWall(2_000_000))
    before = local.now()
    merged = local.observe(HlcTimestamp(1_000, 9, "remote0000000000"))
    assert merged > before and merged.wall_ms == 2_000_000


def test_observing_an_equal_wall_time_takes_the_higher_counter() -> None:
    local = HybridLogicalClock("n1", HlcTimestamp(10_000, 2, "n1"), wall=FakeWall(5_000))
    merged = local.observe(HlcTimestamp(10_000, 8, "n2"))
    assert (merged.wall_ms, merged.counter) == (10_000, 9)


def test_encoded_timestamps_sort_like_timestamps() -> None:
    values = [HlcTimestamp(w, c, n) for w in (0, 9, 10, 1_700_000_000_000, 99_999_999_999_999)
              for c in (0, 1, 10, 999) for n in ("0" * 16, "f" * 16)]
    assert sorted(values, key=HlcTimestamp.encode) == sorted(values)
    for value in values:
        assert HlcTimestamp.decode(value.encode()) == value
