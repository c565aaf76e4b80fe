"""Crash-safe small-file writes: write a temporary file, fsync, then rename over the target."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def atomic_write_json(path: Path, payload: Any) -> None:
    # ensure_ascii keeps every file outside the encrypted database free of raw non-ASCII bytes.
    text = json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=True)
    atomic_write_bytes(path, text.encode("ascii"))


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
