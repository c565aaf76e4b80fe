"""What a facilitator reads when a sync cannot be done. Every one of them keeps the queue intact:
nothing is marked as sent, and the next sync tries again (docs/sync-protocol.md §7).

``code`` is what ``SyncState.last_error`` and the log keep (never a message with personal data).
"""

from __future__ import annotations

import re

from instructor_app.errors import UserError
from instructor_app.i18n import N_


class SyncError(UserError):
    code = "sync_failed"
    default_msgid = N_("The sync with the Probation server failed ({code}). The changes wait on this laptop "
                       "and are sent at the next sync.")

    def __init__(self, msgid: str | None = None, **params: object) -> None:
        super().__init__(msgid, **{"code": self.code, **params})


class ServerUnreachable(SyncError):
    code = "unreachable"
    default_msgid = N_("The Probation server cannot be reached. The changes wait on this laptop and are sent "
                       "at the next sync.")


class ServerBusy(ServerUnreachable):
    """The server answered but cannot take the sync now (too many requests, a failure on its side)."""

    code = "server_busy"
    default_msgid = N_("The Probation server is busy or has a problem right now. The changes wait on this laptop "
                       "and are sent at the next sync.")


class NotEnrolled(SyncError):
    code = "not_enrolled"
    default_msgid = N_("This laptop is not connected to the Probation server yet. Enter the server address and "
                       "the one-time code in Settings → Probation server.")


class DeviceRevoked(SyncError):
    code = "device_revoked"
    default_msgid = N_("The Probation server no longer accepts this laptop (its access was withdrawn or its key "
                       "is wrong). Nothing is lost: the changes wait here. Ask the Probation Department for a "
                       "new one-time code and connect again.")


class EnrolCodeInvalid(SyncError):
    code = "enrol_code_invalid"
    default_msgid = N_("The one-time code is not valid or has expired. Ask the Probation Department for a new code.")


class ProtocolMismatch(SyncError):
    code = "protocol_version"
    default_msgid = N_("The Probation server speaks another version of the sync protocol: this app or the server "
                       "needs an update. The changes wait on this laptop.")


class SyncRefused(SyncError):
    """The server refused the request as a whole (not one record): a person must look at it."""

    code = "refused"
    default_msgid = N_("The Probation server refused the sync ({code}). The changes wait on this laptop; tell the "
                       "Probation Department.")

    def __init__(self, code: str) -> None:
        self.code = re.sub(r"[^a-z0-9_]", "", str(code).lower())[:48] or "refused"  # a code, never server prose
        super().__init__(code=self.code)


class BadServerAddress(SyncError):
    code = "bad_address"
    default_msgid = N_("Enter the server address as the Probation Department gave it, starting with https://")


__all__ = ["BadServerAddress", "DeviceRevoked", "EnrolCodeInvalid", "NotEnrolled", "ProtocolMismatch",
           "ServerBusy", "ServerUnreachable", "SyncError", "SyncRefused"]
