"""Who can unlock this data folder: read from the key file, before any key is available.

Deliberately light (no SQLAlchemy, no Alembic): the unlock screen lists the facilitators from here
while the storage stack is still loading on the DB worker.
"""

from __future__ import annotations

from instructor_app import errors
from instructor_app.paths import DataFolder
from instructor_app.services.data import Account
from instructor_app.services.unlock_throttle import UnlockThrottle
from instructor_app.storage.keystore import Keystore, KeystoreFormatError


def load_keystore(folder: DataFolder) -> Keystore:
    if not folder.keystore.exists():
        if folder.database.exists():
            raise errors.KeystoreDamaged()
        raise errors.NotSetUp()
    try:
        return Keystore.load(folder.keystore)
    except (KeystoreFormatError, OSError) as exc:
        raise errors.KeystoreDamaged() from exc


def list_accounts(folder: DataFolder) -> list[Account]:
    return [Account(a.id, a.display_name, a.gender) for a in load_keystore(folder).accounts]


def unlock_wait(folder: DataFolder) -> float:
    """Seconds before the next password try is allowed (0: now)."""
    return UnlockThrottle(folder.unlock_state).retry_after()
