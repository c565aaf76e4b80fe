"""Curriculum versions in the database: the shipped files are stored on first use, a coordinator
imports new versions, and every group keeps the version it started with."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from instructor_app import errors
from instructor_app.curricula.files import LoadedCurriculum, load_curriculum, shipped_files
from instructor_app.curricula.model import Curriculum, SessionKind
from instructor_app.i18n import N_
from instructor_app.services.programme_data import CurriculumSummary
from instructor_app.storage.database import Database
from instructor_app.storage.programme_models import CurriculumVersion, ProgrammeGroup

log = logging.getLogger(__name__)


DATA_NAMESPACE = uuid.UUID("6f1d9c1e-2b7a-5c3e-9a41-0c8e1f7d2b55")


def version_id(kind: str, key: str, version: int) -> uuid.UUID:
    """The same id on every laptop for the same programme (or instrument) version, so the two laptops
    of a pair, and the server, hold one row for it instead of colliding on its key and version."""
    return uuid.uuid5(DATA_NAMESPACE, f"{kind}:{key}:{version}")


class CurriculumStore:
    def __init__(self, db: Database, actor_id: str) -> None:
        self.db = db
        self.actor_id = actor_id
        self._parsed: dict[uuid.UUID, Curriculum] = {}
        self._shipped_checked = False

    # --- reading ----------------------------------------------------------------------------

    def curriculum(self, session: Session, version_id: uuid.UUID) -> Curriculum:
        found = self._parsed.get(version_id)
        if found is None:
            row = session.get(CurriculumVersion, version_id)
            if row is None:
                raise errors.InvalidInput("curriculum", N_("This programme version is not in the database."))
            found = self._parsed[version_id] = Curriculum.from_document(json.loads(row.document))
        return found

    def outline(self, version_id: str) -> Curriculum:
        """One stored version in full (plain frozen data), for the programme outline."""
        with self.db.session(self.actor_id) as session:
            return self.curriculum(session, uuid.UUID(version_id))

    def list(self) -> list[CurriculumSummary]:
        self.ensure_shipped()
        with self.db.session(self.actor_id) as session:
            rows = session.scalars(select(CurriculumVersion).where(CurriculumVersion.deleted_at.is_(None))
                                   .order_by(CurriculumVersion.curriculum_key, CurriculumVersion.version)).all()
            used = dict(session.execute(select(ProgrammeGroup.curriculum_version_id, func.count())
                                        .where(ProgrammeGroup.deleted_at.is_(None))
                                        .group_by(ProgrammeGroup.curriculum_version_id)).all())
            latest = {}
            for row in rows:
                latest[row.curriculum_key] = max(latest.get(row.curriculum_key, 0), row.version)
            return [self._summary(session, row, row.version == latest[row.curriculum_key], used.get(row.id, 0))
                    for row in rows]

    def _summary(self, session: Session, row: CurriculumVersion, latest: bool, groups: int) -> CurriculumSummary:
        curriculum = self.curriculum(session, row.id)
        return CurriculumSummary(
            id=str(row.id), key=row.curriculum_key, version=row.version, title=curriculum.title,
            component=row.component, target_gender=row.target_gender,
            individual_sessions=curriculum.count(SessionKind.INDIVIDUAL),
            group_sessions=curriculum.count(SessionKind.GROUP), total_minutes=row.total_minutes,
            within_protection_order=curriculum.within_protection_order, cadence_days=curriculum.cadence_days,
            origin=row.origin, latest=latest, groups=groups,
        )

    # --- writing ----------------------------------------------------------------------------

    def ensure_shipped(self) -> None:
        """Store each shipped curriculum version the database does not hold yet (once per unlock)."""
        if self._shipped_checked:
            return
        with self.db.session(self.actor_id) as session:
            known = set(session.scalars(select(CurriculumVersion.sha256)))
            keys = set(session.execute(select(CurriculumVersion.curriculum_key, CurriculumVersion.version)).all())
            for path in shipped_files():
                if hashlib.sha256(path.read_bytes()).hexdigest() in known:
                    continue
                loaded = load_curriculum(path)
                ident = (loaded.curriculum.id, loaded.curriculum.version)
                if ident in keys:
                    log.warning("shipped curriculum %s v%s differs from the stored one; the stored one is kept", *ident)
                    continue
                session.add(self._row(loaded, "shipped", path.name))
                keys.add(ident)
        self._shipped_checked = True

    def import_file(self, path: Path) -> CurriculumSummary:
        """Validate and store a new curriculum version; a refused file changes nothing."""
        loaded = load_curriculum(path)  # raises CurriculumInvalid with file, line and reason
        self.ensure_shipped()
        curriculum = loaded.curriculum
        with self.db.session(self.actor_id) as session:
            existing = session.scalar(select(CurriculumVersion).where(
                CurriculumVersion.curriculum_key == curriculum.id, CurriculumVersion.version == curriculum.version))
            if existing is not None:
                if existing.sha256 == loaded.sha256:
                    raise errors.InvalidInput("file", N_("Version {version} of this programme is already in the app; "
                                                         "nothing was changed."), version=curriculum.version)
                raise errors.InvalidInput(
                    "file", N_("Version {version} of “{key}” already exists with different content. Give the new "
                               "file a higher version number and import it again; nothing was changed."),
                    version=curriculum.version, key=curriculum.id)
            row = self._row(loaded, "imported", path.name)
            session.add(row)
            session.flush()
            newest = session.scalar(select(func.max(CurriculumVersion.version))
                                    .where(CurriculumVersion.curriculum_key == curriculum.id))
            return self._summary(session, row, newest == curriculum.version, 0)

    @staticmethod
    def _row(loaded: LoadedCurriculum, origin: str, file_name: str) -> CurriculumVersion:
        curriculum = loaded.curriculum
        return CurriculumVersion(
            id=version_id("curriculum", curriculum.id, curriculum.version),
            curriculum_key=curriculum.id, version=curriculum.version, component=curriculum.component.value,
            target_gender=curriculum.target_gender.value, title_ky=curriculum.title.ky[:300],
            title_ru=curriculum.title.ru[:300], session_count=len(curriculum.sessions),
            total_minutes=curriculum.total_minutes,
            document=json.dumps(loaded.document, ensure_ascii=False, separators=(",", ":")),
            sha256=loaded.sha256, origin=origin, file_name=file_name[:260],
        )
