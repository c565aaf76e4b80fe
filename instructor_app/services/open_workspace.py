"""An unlocked data folder: the services a signed-in facilitator uses.

Created by ``Workspace.unlock`` / ``set_up``; ``close()`` is the lock (the key is dropped with
the engine). Methods run on the UI's DB worker thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from instructor_app import errors
from instructor_app.domain.facilitators import Gender, pair_notice
from instructor_app.i18n import N_
from instructor_app.fileio import file_stamp
from instructor_app.paths import DataFolder
from instructor_app.services.data import Account, BackupInfo, CheckReport, Overview
from instructor_app.services.programme_data import FacilitatorOption
from instructor_app.storage import backup
from instructor_app.storage.crypto import KdfParams, UnwrapFailed
from instructor_app.storage.database import Database
from instructor_app.storage.engine import storage_errors
from instructor_app.storage.folder_lock import FolderLock
from instructor_app.storage.keystore import Keystore
from instructor_app.storage.models import SYNCED_TABLES, AccessLog, Centre, ChangeLog, Device, Facilitator

if TYPE_CHECKING:
    from instructor_app.indicators import Indicators, Period
    from instructor_app.services.attendance import AttendanceService
    from instructor_app.services.curricula import CurriculumStore
    from instructor_app.services.instruments import InstrumentService
    from instructor_app.services.participant_data import AlertItem
    from instructor_app.services.participants import ParticipantService
    from instructor_app.services.groups import GroupService
    from instructor_app.services.sessions import SessionService

log = logging.getLogger(__name__)

AUTO_PREFIX = "auto-"


class OpenWorkspace:
    def __init__(self, folder: DataFolder, db: Database, actor: Account, kdf: KdfParams,
                 lock: FolderLock) -> None:
        self.folder = folder
        self.db = db
        self.actor = actor
        self._kdf = kdf
        self._lock = lock  # held until close(): no other process may open or replace the data
        self._programmes: tuple | None = None
        self._participants: tuple | None = None
        self._instruments: InstrumentService | None = None

    # --- programmes ---------------------------------------------------------------------------

    def _programme_services(self) -> tuple:
        if self._programmes is None:
            from instructor_app.scheduling.holidays import kyrgyz_holidays
            from instructor_app.services.curricula import CurriculumStore
            from instructor_app.services.groups import GroupService
            from instructor_app.services.sessions import SessionService

            curricula = CurriculumStore(self.db, self.actor.id)
            holidays = kyrgyz_holidays()
            self._programmes = (curricula, GroupService(self.db, self.actor.id, curricula, holidays),
                                SessionService(self.db, self.actor.id, curricula, holidays))
        return self._programmes

    def _participant_services(self) -> tuple:
        if self._participants is None:
            from instructor_app.participants.rules import compliance_rules
            from instructor_app.services.attendance import AttendanceService
            from instructor_app.services.participants import ParticipantService

            curricula, _groups, _sessions = self._programme_services()
            holidays, rules = _groups.holidays, compliance_rules()
            self._participants = (
                ParticipantService(self.db, self.actor.id, curricula, holidays, rules, self.record_access),
                AttendanceService(self.db, self.actor.id, curricula, holidays, rules),
            )
        return self._participants

    @property
    def instruments(self) -> InstrumentService:
        if self._instruments is None:
            from instructor_app.services.instruments import InstrumentService

            self._instruments = InstrumentService(self.db, self.actor.id, self.record_access)
        return self._instruments

    @property
    def participants(self) -> ParticipantService:
        return self._participant_services()[0]

    @property
    def attendance(self) -> AttendanceService:
        return self._participant_services()[1]

    def alerts(self, today: dt.date) -> list[AlertItem]:
        from instructor_app.participants.rules import compliance_rules
        from instructor_app.services.alerts import alerts

        curricula, groups, _sessions = self._programme_services()
        return alerts(self.db, self.actor.id, curricula, groups.holidays, compliance_rules(), today,
                      self.instruments.high_risk_participants())

    def indicators(self, period: Period, today: dt.date | None = None) -> Indicators:
        """The programme's indicators of this laptop's centre for ``period`` (instructor_app.indicators)."""
        from instructor_app.services.indicators import load_indicators

        return load_indicators(self, period, today)

    @property
    def curricula(self) -> CurriculumStore:
        return self._programme_services()[0]

    @property
    def groups(self) -> GroupService:
        return self._programme_services()[1]

    @property
    def sessions(self) -> SessionService:
        return self._programme_services()[2]

    def facilitators(self) -> list[FacilitatorOption]:
        """The centre's active facilitators (for pairs and cover), men first."""
        with self.db.session(self.actor.id) as session:
            people = session.scalars(
                select(Facilitator).where(Facilitator.deleted_at.is_(None), Facilitator.active.is_(True))
                .order_by(Facilitator.gender.desc(), Facilitator.display_name)).all()
            return [FacilitatorOption(str(p.id), p.display_name, p.gender) for p in people]

    def add_facilitator(self, display_name: str, gender: str) -> FacilitatorOption:
        """A facilitator who runs sessions (e.g. a cover) but has no password on this laptop."""
        name = display_name.strip()
        if len(name) < 2:
            raise errors.InvalidInput("display_name", N_("Enter the facilitator's full name."))
        if gender not in (Gender.MALE, Gender.FEMALE):
            raise errors.InvalidInput("gender", N_("Choose the facilitator's gender."))
        with self.db.session(self.actor.id) as session:
            centre_id = session.scalars(select(Device.centre_id)).one()
            person = Facilitator(centre_id=centre_id, display_name=name[:200], gender=gender)
            session.add(person)
            session.flush()
            return FacilitatorOption(str(person.id), person.display_name, person.gender)

    # --- audit --------------------------------------------------------------------------------

    def record_access(self, event: str, detail: str = "") -> None:
        """Append to the audit trail; on a full disk the event is logged instead, so that a
        facilitator can still open the data and save it elsewhere."""
        try:
            with self.db.session(self.actor.id) as session:
                session.add(AccessLog(facilitator_id=uuid.UUID(self.actor.id), event=event, detail=detail))
        except errors.DiskFull:
            log.warning("disk full: access event %s not recorded", event)

    # --- Today --------------------------------------------------------------------------------

    def overview(self) -> Overview:
        with self.db.session(self.actor.id) as session:
            device = session.scalars(select(Device)).one()
            centre = session.get(Centre, device.centre_id) if device.centre_id else None
            people = session.scalars(
                select(Facilitator).where(Facilitator.deleted_at.is_(None), Facilitator.active.is_(True))
                .order_by(Facilitator.gender.desc(), Facilitator.display_name)
            ).all()
            pending = session.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.state == "pending"))
            return Overview(
                centre_name=centre.name if centre else "",
                region=centre.region if centre else "",
                facilitators=tuple(Account(str(p.id), p.display_name, p.gender) for p in people),
                pair_notice=pair_notice(p.gender for p in people) if people else None,
                last_sync_at=device.last_sync_at,
                pending_changes=int(pending or 0),
            )

    # --- account ------------------------------------------------------------------------------

    def change_password(self, old_password: str, new_password: str) -> None:
        """Re-wrap the data key under the new password; the database is never re-encrypted."""
        from instructor_app.services.workspace import validate_password

        validate_password(new_password, "new_password")
        keystore = Keystore.load(self.folder.keystore)
        try:
            data_key = keystore.unlock(self.actor.id, old_password)
        except UnwrapFailed:
            raise errors.InvalidInput("old_password", N_("The current password is not correct.")) from None
        keystore.set_account(self.actor.id, self.actor.display_name, self.actor.gender, new_password,
                             data_key, self._kdf)
        with storage_errors(self.folder.root):
            keystore.save(self.folder.keystore)
        self.record_access("password_changed")

    def verify_facilitator(self, password: str) -> bool:
        """Whether ``password`` is a facilitator's password here (ends kiosk mode; opens nothing)."""
        keystore = Keystore.load(self.folder.keystore)
        for account in keystore.accounts:  # not the recovery key: it is kept on paper, away from the room
            try:
                keystore.unlock(account.id, password)
                return True
            except UnwrapFailed:
                continue
        self.record_access("kiosk_exit_refused")
        return False

    # --- sync with the Probation Department ---------------------------------------------------

    def _sync_client(self):  # noqa: ANN202 - SyncClient, imported on the worker when first needed
        from instructor_app.sync.client import SyncClient

        return SyncClient(self.db, self.db.device_id)

    def sync_link(self) -> tuple[str, bool]:
        """The configured server address and whether this laptop is enrolled there."""
        from instructor_app.storage.models import SyncState

        with self.db.session(self.actor.id) as session:
            state = session.get(SyncState, 1)
            return (state.server_url, bool(state.device_token)) if state else ("", False)

    def sync_enrol(self, server_url: str, code: str) -> None:
        from instructor_app import __version__

        self._sync_client().enrol(server_url.strip(), code.strip(), self.actor.display_name, __version__)
        self.record_access("sync_enrolled")

    def sync_now(self, today: dt.date):  # noqa: ANN201 - SyncSummary
        """Push what is waiting and pull the centre's changes; raises a translated UserError."""
        return self._sync_client().sync_once(today)

    @property
    def sync_conflicts(self):  # noqa: ANN201 - SyncConflictService
        """Concurrent edits to review: ``count()``, ``list()``, ``keep_current(id)``, ``restore_losing(id)``."""
        from instructor_app.services.sync_conflicts import SyncConflictService

        return SyncConflictService(self.db, self.actor.id)

    # --- backups and checks -------------------------------------------------------------------

    def backup_to(self, dest: Path) -> BackupInfo:
        """Write a verified encrypted backup file (e.g. onto a USB stick)."""
        if dest.is_dir():
            dest = dest / f"instructor-app-{file_stamp()}{backup.SUFFIX}"
        manifest, final = self.db.write_backup(self.folder.keystore, dest)
        self.record_access("backup")
        return BackupInfo(final, manifest.created, final.stat().st_size, manifest.schema_revision)

    def auto_backup(self, keep: int) -> BackupInfo:
        """The rolling backup made at each start; keeps the newest ``keep``."""
        info = self.backup_to(self.folder.backups / f"{AUTO_PREFIX}{file_stamp()}{backup.SUFFIX}")
        backup.prune(self.folder.backups, AUTO_PREFIX, keep)
        return info

    def list_backups(self) -> list[BackupInfo]:
        found = []
        for path in sorted(self.folder.backups.glob(f"*{backup.SUFFIX}"), reverse=True):
            try:
                manifest, _ = backup.read_backup(path)
            except errors.BackupInvalid:
                continue
            found.append(BackupInfo(path, manifest.created, path.stat().st_size, manifest.schema_revision))
        return found

    def check(self) -> CheckReport:
        problems = self.db.integrity_problems()
        with self.db.session(self.actor.id) as session:
            records = sum(session.scalar(select(func.count()).select_from(t)) or 0 for t in SYNCED_TABLES)
        return CheckReport(tuple(problems), self.db.schema_revision(), int(records))

    def close(self) -> None:
        """Lock: record it and drop the engine (and with it the key)."""
        try:
            self.record_access("lock")
        except errors.UserError:
            log.warning("could not record the lock event")
        self.db.close()
        self._lock.release()
