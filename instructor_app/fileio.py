"""Crash-safe small-file writes: write a temporary file, fsync, then rename over the target."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Any


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


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
