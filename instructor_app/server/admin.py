"""Administration of the receiving service: centres, one-time enrolment codes, devices.

Secrets are never stored: a device token (256 random bits) and an enrolment code are kept as their
SHA-256 only, so a copy of the server database lets nobody push or enrol.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import TypeVar
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from instructor_app.domain.regions import Region
from instructor_app.server.db import (
    Batch,
    Centre,
    Conflict,
    Database,
    Device,
    EnrolCode,
    ServerMeta,
    Viewer,
    utcnow,
)
from instructor_app.sync.protocol import EnrolRequest, EnrolResponse

ENROL_CODE_HOURS = 72
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})

T = TypeVar("T")


class AdminError(Exception):
    """A request an administrator can correct (the message says how)."""


class EnrolRefused(Exception):
    """Answered ``403 enrol_code_invalid``; the message is for the server log, not the device."""


def sha256_hex(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_device_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def normalise_code(code: str) -> str:
    """What is hashed: upper case, without spaces and dashes, look-alike letters forgiven."""
    return "".join(code.split()).replace("-", "").upper().translate(_LOOK_ALIKES)


def new_enrol_code() -> str:
    """12 Crockford base-32 characters (60 bits) in groups of four, e.g. ``K7QF-3XMA-92TD``."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


# --- centres and codes ------------------------------------------------------------------------

def add_centre(db: Database, name: str, region: str) -> uuid.UUID:
    name = name.strip()
    if not name:
        raise AdminError("the centre needs a name")
    if region not in {r.value for r in Region}:
        raise AdminError(f"unknown region {region!r}; one of: {', '.join(r.value for r in Region)}")
    with db.write() as session:
        centre = Centre(name=name, region=region, created_at=utcnow())
        session.add(centre)
        session.flush()
        return centre.id


def list_centres(db: Database) -> list[Centre]:
    with db.read() as session:
        return list(session.scalars(select(Centre).order_by(Centre.created_at)))


def issue_enrol_code(db: Database, centre_id: uuid.UUID, hours: float = ENROL_CODE_HOURS) -> str:
    """A new one-time code for a device of this centre; only its hash is stored."""
    if not 0 < hours <= 24 * 30:
        raise AdminError("the validity must be between 0 and 720 hours")
    code = new_enrol_code()
    with db.write() as session:
        if session.get(Centre, centre_id) is None:
            raise AdminError(f"no centre with id {centre_id}")
        now = utcnow()
        session.add(EnrolCode(code_sha256=sha256_hex(normalise_code(code)), centre_id=centre_id, created_at=now,
                              expires_at=now + dt.timedelta(hours=hours)))
    return code


# --- devices -----------------------------------------------------------------------------------

def enrol(session: Session, request: EnrolRequest) -> EnrolResponse:
    """Spend a one-time code on a device and give it a new token (in the caller's transaction).

    The code is consumed by a conditional UPDATE, so two devices racing for one code cannot both
    win. A device enrolling again (a lost token, or a revocation undone by the administrator, who
    issued the code) gets a new token that replaces the old one, but only in the same centre.
    """
    now = utcnow()
    code_hash = sha256_hex(normalise_code(request.code))
    code = session.get(EnrolCode, code_hash)
    if code is None:
        raise EnrolRefused("unknown code")
    spent = session.execute(
        update(EnrolCode)
        .where(EnrolCode.code_sha256 == code_hash, EnrolCode.used_at.is_(None), EnrolCode.expires_at > now)
        .values(used_at=now, used_by=request.device_id)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise EnrolRefused("code used or expired")
    token = new_device_token()
    device = session.get(Device, request.device_id)
    if device is None:
        device = Device(id=request.device_id, centre_id=code.centre_id, last_sequence=0)
        session.add(device)
    elif device.centre_id != code.centre_id:
        raise EnrolRefused("device already enrolled in another centre")  # the caller rolls back: code kept
    device.name = request.device_name
    device.app_version = request.app_version
    device.token_sha256 = sha256_hex(token)
    device.enrolled_at = now
    device.revoked_at = None
    server_id = session.scalar(select(ServerMeta.server_id).where(ServerMeta.id == 1))
    assert server_id is not None, "server_meta is made by the first migration"
    return EnrolResponse(device_token=token, centre_id=code.centre_id, server_id=server_id)


def _holder(session: Session, model: type[T], token: str) -> T | None:
    """The device or viewer holding this token, if it is not revoked (only the token's SHA-256 is kept)."""
    holder = session.scalar(select(model).where(model.token_sha256 == sha256_hex(token)))  # type: ignore[attr-defined]
    return None if holder is None or holder.revoked_at is not None else holder  # type: ignore[attr-defined]


def device_for_token(session: Session, token: str) -> Device | None:
    """The active device holding this token (None: unknown or revoked)."""
    return _holder(session, Device, token)


@dataclass(frozen=True)
class DeviceInfo:
    id: uuid.UUID
    centre_id: uuid.UUID
    centre_name: str
    name: str
    app_version: str
    enrolled_at: dt.datetime
    revoked_at: dt.datetime | None
    last_sequence: int
    batches: int
    last_batch_at: dt.datetime | None


def list_devices(db: Database) -> list[DeviceInfo]:
    with db.read() as session:
        per_device = session.execute(select(Batch.device_id, func.count(), func.max(Batch.received_at))
                                     .group_by(Batch.device_id))
        counts = {device_id: (count, last_at) for device_id, count, last_at in per_device}
        rows = session.execute(select(Device, Centre.name).join(Centre, Centre.id == Device.centre_id)
                               .order_by(Centre.name, Device.enrolled_at))
        found = []
        for device, centre_name in rows:
            batches, last_at = counts.get(device.id, (0, None))
            found.append(DeviceInfo(device.id, device.centre_id, centre_name, device.name, device.app_version,
                                    device.enrolled_at, device.revoked_at, device.last_sequence, batches, last_at))
        return found


def revoke_device(db: Database, device_id: uuid.UUID) -> bool:
    """Revoke a device's token (its next request is ``401 device_revoked``). False: already revoked."""
    with db.write() as session:
        device = session.get(Device, device_id)
        if device is None:
            raise AdminError(f"no device with id {device_id}")
        if device.revoked_at is not None:
            return False
        device.revoked_at = utcnow()
        return True


# --- Probation viewers (read the indicators of every centre) -------------------------------------

def add_viewer(db: Database, name: str) -> tuple[uuid.UUID, str]:
    """A new viewer and its token (256 random bits), returned once; only its hash is stored."""
    name = " ".join(name.split())
    if not name:
        raise AdminError("the viewer needs a name")
    token = new_device_token()
    with db.write() as session:
        viewer = Viewer(name=name[:200], token_sha256=sha256_hex(token), created_at=utcnow())
        session.add(viewer)
        session.flush()
        return viewer.id, token


def list_viewers(db: Database) -> list[Viewer]:
    with db.read() as session:
        return list(session.scalars(select(Viewer).order_by(Viewer.created_at)))


def revoke_viewer(db: Database, viewer_id: uuid.UUID) -> bool:
    """Revoke a viewer's token (its next request is ``401``). False: already revoked."""
    with db.write() as session:
        viewer = session.get(Viewer, viewer_id)
        if viewer is None:
            raise AdminError(f"no viewer with id {viewer_id}")
        if viewer.revoked_at is not None:
            return False
        viewer.revoked_at = utcnow()
        return True


def viewer_for_token(session: Session, token: str) -> Viewer | None:
    """The active viewer holding this token (None: unknown or revoked)."""
    return _holder(session, Viewer, token)


# --- conflicts (losing versions of concurrent edits, reviewed on the laptops) ----------------------

@dataclass(frozen=True)
class ConflictInfo:
    id: uuid.UUID
    centre_name: str
    table_name: str
    row_id: uuid.UUID
    losing_device: str   # the device's name (its id when unknown)
    winning_device: str
    at: dt.datetime


def list_conflicts(db: Database, centre_id: uuid.UUID | None = None) -> list[ConflictInfo]:
    """Conflicts no laptop has reviewed yet, the oldest first (of one centre, or of all)."""
    with db.read() as session:
        if centre_id is not None and session.get(Centre, centre_id) is None:
            raise AdminError(f"no centre with id {centre_id}")
        query = (select(Conflict, Centre.name).join(Centre, Centre.id == Conflict.centre_id)
                 .where(Conflict.reviewed_at.is_(None)).order_by(Conflict.at, Conflict.id))
        if centre_id is not None:
            query = query.where(Conflict.centre_id == centre_id)
        rows = session.execute(query).all()
        names = dict(session.execute(select(Device.id, Device.name)).tuples().all())
        return [ConflictInfo(c.id, centre_name, c.table_name, c.row_id, names.get(c.losing_device, str(c.losing_device)),
                             names.get(c.winning_device, str(c.winning_device)), c.at) for c, centre_name in rows]
