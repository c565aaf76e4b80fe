"""Key derivation and key wrapping for the database key.

The database is encrypted by SQLCipher with a random 256-bit *data key*. That key is never stored in
the clear: it is wrapped (AES-256-GCM) by a key-encryption key derived with Argon2id from each
facilitator's password, and once more from the printable recovery key.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import asdict, dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

DATA_KEY_BYTES = 32
_NONCE_BYTES = 12
_RECOVERY_BYTES = 20  # 160 bits, 32 Crockford base-32 characters
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_ALIASES = {"O": "0", "I": "1", "L": "1", "U": "V"}
# Typed with the Russian/Kyrgyz layout still on: Cyrillic letters that look like Latin ones.
_CYRILLIC_LOOKALIKES = str.maketrans("АВСЕНКМОРТХЗ", "ABCEHKMOPTX3")


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default is RFC 9106's second recommended option (64 MiB, t=3, p=4)."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4

    def to_json(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, int]) -> "KdfParams":
        params = cls(int(data["time_cost"]), int(data["memory_kib"]), int(data["parallelism"]))
        # A damaged or tampered key file must not crash argon2 or make unlock compute for days.
        # (a crafted backup's key file too: at most 1 GiB and a few seconds on a modest laptop)
        if not (1 <= params.time_cost <= 16 and 1 <= params.parallelism <= 16
                and 8 * params.parallelism <= params.memory_kib <= 1024 * 1024):
            raise ValueError("Argon2 parameters out of range")
        return params


class UnwrapFailed(Exception):
    """The secret did not open the wrapped key (wrong password or tampered key file)."""


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)


def new_salt() -> bytes:
    return secrets.token_bytes(16)


def derive_kek(secret: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret.encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def wrap(kek: bytes, data_key: bytes, context: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, data_key, context)


def unwrap(kek: bytes, blob: bytes, context: bytes) -> bytes:
    try:
        return AESGCM(kek).decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], context)
    except (InvalidTag, ValueError) as exc:
        raise UnwrapFailed() from exc


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


# --- the recovery key: printable, typed back by hand ------------------------------------------

def new_recovery_key() -> str:
    value = int.from_bytes(secrets.token_bytes(_RECOVERY_BYTES), "big")
    chars = []
    for _ in range(_RECOVERY_BYTES * 8 // 5):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    text = "".join(reversed(chars))
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalize_recovery_key(text: str) -> str | None:
    """Canonical form of a typed recovery key (case, spaces, dashes and look-alikes forgiven)."""
    cleaned = "".join(ch for ch in text.upper().translate(_CYRILLIC_LOOKALIKES) if ch.isalnum())
    cleaned = "".join(_CROCKFORD_ALIASES.get(ch, ch) for ch in cleaned)
    if len(cleaned) != _RECOVERY_BYTES * 8 // 5 or any(ch not in _CROCKFORD for ch in cleaned):
        return None
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))
