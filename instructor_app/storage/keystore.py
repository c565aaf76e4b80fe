"""The key file (``keys.json``): the data key wrapped once per facilitator and once for recovery.

Changing a password re-wraps the data key; the database is never re-encrypted. The file holds no
record data. It does hold each facilitator's display name, because the unlock screen lists them
before any key is available (see docs/decisions.md); JSON escapes them to ASCII.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from instructor_app.fileio import atomic_write_json
from instructor_app.storage import crypto
from instructor_app.storage.crypto import KdfParams, UnwrapFailed

FORMAT = 1


class KeystoreFormatError(Exception):
    """The file is not a key file this version understands."""


@dataclass
class WrappedKey:
    salt: bytes
    kdf: KdfParams
    blob: bytes

    def to_json(self) -> dict[str, object]:
        return {"salt": crypto.b64(self.salt), "kdf": self.kdf.to_json(), "wrapped": crypto.b64(self.blob)}

    @classmethod
    def from_json(cls, data: dict) -> "WrappedKey":
        return cls(crypto.unb64(data["salt"]), KdfParams.from_json(data["kdf"]), crypto.unb64(data["wrapped"]))


@dataclass
class KeyAccount:
    id: str
    display_name: str
    gender: str
    key: WrappedKey


@dataclass
class Keystore:
    store_id: str
    accounts: list[KeyAccount] = field(default_factory=list)
    recovery: WrappedKey | None = None

    # --- creating and wrapping --------------------------------------------------------------

    @classmethod
    def new(cls) -> "Keystore":
        return cls(store_id=str(uuid.uuid4()))

    def _context(self, slot: str) -> bytes:
        return f"instructor-app/data-key/v{FORMAT}/{self.store_id}/{slot}".encode("ascii")

    def _wrap(self, slot: str, secret: str, data_key: bytes, kdf: KdfParams) -> WrappedKey:
        salt = crypto.new_salt()
        kek = crypto.derive_kek(secret, salt, kdf)
        return WrappedKey(salt, kdf, crypto.wrap(kek, data_key, self._context(slot)))

    def _unwrap(self, slot: str, secret: str, wrapped: WrappedKey) -> bytes:
        kek = crypto.derive_kek(secret, wrapped.salt, wrapped.kdf)
        return crypto.unwrap(kek, wrapped.blob, self._context(slot))

    def set_account(self, account_id: str, display_name: str, gender: str, password: str,
                    data_key: bytes, kdf: KdfParams) -> None:
        wrapped = self._wrap(f"account/{account_id}", password, data_key, kdf)
        for account in self.accounts:
            if account.id == account_id:
                account.display_name, account.gender, account.key = display_name, gender, wrapped
                return
        self.accounts.append(KeyAccount(account_id, display_name, gender, wrapped))

    def set_recovery(self, recovery_key: str, data_key: bytes, kdf: KdfParams) -> None:
        canonical = crypto.normalize_recovery_key(recovery_key)
        if canonical is None:
            raise ValueError("malformed recovery key")
        self.recovery = self._wrap("recovery", canonical, data_key, kdf)

    # --- opening ----------------------------------------------------------------------------

    def account(self, account_id: str) -> KeyAccount:
        for account in self.accounts:
            if account.id == account_id:
                return account
        raise KeyError(account_id)

    def unlock(self, account_id: str, password: str) -> bytes:
        """The data key, or ``UnwrapFailed`` for a wrong password."""
        return self._unwrap(f"account/{account_id}", password, self.account(account_id).key)

    def unlock_with_recovery(self, recovery_key: str) -> bytes:
        canonical = crypto.normalize_recovery_key(recovery_key)
        if canonical is None or self.recovery is None:
            raise UnwrapFailed()
        return self._unwrap("recovery", canonical, self.recovery)

    def unlock_any(self, secret: str) -> tuple[bytes, str | None]:
        """Try the secret as every account's password, then as the recovery key (for the CLI).

        Returns the data key and the account id it opened (None for the recovery key).
        """
        for account in self.accounts:
            try:
                return self.unlock(account.id, secret), account.id
            except UnwrapFailed:
                continue
        return self.unlock_with_recovery(secret), None

    # --- the file ---------------------------------------------------------------------------

    def to_json(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "store_id": self.store_id,
            "accounts": [
                {"id": a.id, "display_name": a.display_name, "gender": a.gender, "key": a.key.to_json()}
                for a in self.accounts
            ],
            "recovery": self.recovery.to_json() if self.recovery else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Keystore":
        try:
            if data.get("format") != FORMAT:
                raise KeystoreFormatError(f"unknown key file format {data.get('format')!r}")
            store = cls(store_id=str(data["store_id"]))
            for entry in data["accounts"]:
                store.accounts.append(KeyAccount(str(entry["id"]), str(entry["display_name"]),
                                                 str(entry["gender"]), WrappedKey.from_json(entry["key"])))
            if data.get("recovery"):
                store.recovery = WrappedKey.from_json(data["recovery"])
            return store
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise KeystoreFormatError(str(exc)) from exc

    def save(self, path: Path) -> None:
        atomic_write_json(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> "Keystore":
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise KeystoreFormatError(str(exc)) from exc
        if not isinstance(data, dict):
            raise KeystoreFormatError("not an object")
        return cls.from_json(data)


__all__ = ["Keystore", "KeyAccount", "KeystoreFormatError", "UnwrapFailed", "WrappedKey"]
