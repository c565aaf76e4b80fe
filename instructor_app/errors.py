"""Errors the user is meant to read: a translatable message (marked with ``N_``) and its values.

Services raise these; the UI and the CLI show ``error.message()`` in the current language. Any
other exception is a bug: it is logged with its traceback and the user gets a generic message.
"""

from __future__ import annotations

import datetime as _dt

from instructor_app.i18n import N_, _, format_date


class Label(str):
    """A message parameter that is itself a msgid (an enum label): translated when the message is shown."""


def _shown(value: object) -> object:
    """Message parameters in the current language: labels translated, dates as dd.MM.yyyy."""
    if isinstance(value, Label):
        return _(value)
    if isinstance(value, _dt.date):
        return format_date(value, "short")
    return value


class UserError(Exception):
    """An error with a message for the user. ``exit_code`` is what the CLI exits with."""

    exit_code = 1
    default_msgid = N_("Something went wrong. Nothing was saved.")

    def __init__(self, msgid: str | None = None, **params: object) -> None:
        self.msgid = msgid or self.default_msgid
        self.params = params
        super().__init__(self.msgid)

    def message(self) -> str:
        return _(self.msgid).format(**{k: _shown(v) for k, v in self.params.items()})

    def __str__(self) -> str:  # English source text, for logs and tracebacks in tests
        return self.msgid.format(**self.params)


class WrongPassword(UserError):
    exit_code = 2
    default_msgid = N_("The password is not correct. Check the keyboard layout and Caps Lock, then try again.")

    def __init__(self, msgid: str | None = None, *, retry_after: float = 0.0, **params: object) -> None:
        super().__init__(msgid, **params)
        self.retry_after = retry_after


class WaitBeforeRetry(UserError):
    exit_code = 2
    default_msgid = N_("Too many wrong passwords. Wait {seconds} s before the next try.")

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds=max(1, round(seconds)))
        self.retry_after = seconds


class NotSetUp(UserError):
    default_msgid = N_("This data folder has no Instructor App data yet. Run the set-up first (or 'instructor-app demo').")


class AlreadySetUp(UserError):
    default_msgid = N_("This data folder is already set up. Choose another folder or restore a backup.")


class StoreDamaged(UserError):
    default_msgid = N_(
        "The data file cannot be read: it is damaged or it is not an Instructor App database. "
        "Nothing was changed. Restore the latest backup (Settings → Backups or 'instructor-app restore')."
    )


class KeystoreDamaged(UserError):
    default_msgid = N_(
        "The key file (keys.json) is damaged or missing, so the data cannot be unlocked. "
        "Restore a backup and use your password or the recovery key."
    )


class NewerSchema(UserError):
    default_msgid = N_("This data was saved by a newer version of Instructor App. Install the newer version to open it.")


class DataInUse(UserError):
    default_msgid = N_(
        "The data is open in another Instructor App window or command. Close it there first, then try again."
    )


class DiskFull(UserError):
    default_msgid = N_("The disk is full. Nothing was saved. Free some space (or choose another drive) and try again.")


class FolderNotWritable(UserError):
    default_msgid = N_("Cannot write to the folder {path}. Choose a folder you can write to, or check the USB stick's lock switch.")


class BackupInvalid(UserError):
    default_msgid = N_("The backup file {path} is damaged or is not an Instructor App backup. Nothing was changed.")


class InvalidInput(UserError):
    """A form value the user must change; ``field`` names it for the UI to highlight."""

    def __init__(self, field: str, msgid: str, **params: object) -> None:
        super().__init__(msgid, **params)
        self.field = field
