"""Crash-safe small-file writes: write a temporary file, fsync, then rename over the target."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    _replace(tmp, path)
    fsync_dir(path.parent)


def _replace(src: Path, dest: Path, attempts: int = 10) -> None:
    """os.replace, retried briefly on Windows, where an antivirus or the search indexer may hold
    the target open for a moment (PermissionError) — a real failure still surfaces."""
    for attempt in range(attempts):
        try:
            os.replace(src, dest)
            return
        except PermissionError:
            if os.name != "nt" or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def atomic_write_json(path: Path, payload: Any) -> None:
    # ensure_ascii keeps every file outside the encrypted database free of raw non-ASCII bytes.
    text = json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=True)
    atomic_write_bytes(path, text.encode("ascii"))


def copy_durably(src: Path, dest: Path) -> None:
    """Copy a file and fsync the copy (shutil.copy2 alone leaves it in the OS cache)."""
    shutil.copy2(src, dest)
    with open(dest, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable (POSIX; NTFS journals its metadata itself)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_stamp() -> str:
    """Local time for file names, to the microsecond (two actions in one second never collide)."""
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
