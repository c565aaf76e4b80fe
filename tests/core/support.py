"""Plain helpers shared by the core tests (fixtures live in conftest.py).

Nothing here mocks the product: helpers run the real CLI in a subprocess, read real files, and
mount real tmpfs file systems (root only) for the full-disk and read-only cases.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from instructor_app import i18n
from instructor_app.storage.crypto import KdfParams

REPO = Path(__file__).resolve().parents[2]
PACKAGE_DIR = REPO / "instructor_app"

# Cheap Argon2 for in-process tests (the CLI subprocesses keep the real default cost).
FAST_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)

SQLITE_HEADER = b"SQLite format 3\x00"
CYRILLIC_RUN = re.compile("[\u0400-\u04ff]{4,}")
CYRILLIC = re.compile("[\u0400-\u04ff]")

TRACEBACK = "Traceback"


# --- the CLI -------------------------------------------------------------------------------

def cli(data_dir: Path, *args: object, stdin: str = "", lang: str | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m instructor_app --data-dir DATA_DIR [--lang L] ARGS`` like a user would."""
    cmd = [sys.executable, "-m", "instructor_app", "--data-dir", str(data_dir)]
    if lang:
        cmd += ["--lang", lang]
    cmd += [str(a) for a in args]
    env = {k: v for k, v in os.environ.items() if k not in ("INSTRUCTOR_APP_HOME", "PYTHONWARNINGS")}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=timeout, cwd=tempfile.gettempdir())


def lines(text: str) -> list[str]:
    """The non-empty lines of a program's output."""
    return [line for line in text.splitlines() if line.strip()]


def describe(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"


def assert_one_clear_line(result: subprocess.CompletedProcess[str], exit_code: int, *,
                          stream: str = "stderr") -> str:
    """Exit code as expected, exactly one non-empty line (on ``stream``), nothing else, no traceback."""
    assert result.returncode == exit_code, describe(result)
    assert TRACEBACK not in result.stdout + result.stderr, describe(result)
    other = "stdout" if stream == "stderr" else "stderr"
    assert lines(getattr(result, stream)) and len(lines(getattr(result, stream))) == 1, describe(result)
    assert lines(getattr(result, other)) == [], describe(result)
    return lines(getattr(result, stream))[0]


# --- languages -----------------------------------------------------------------------------

@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Translate in ``lang`` inside the block (the app-wide language is restored afterwards)."""
    before = i18n.current_language()
    i18n.set_language(lang)
    try:
        yield
    finally:
        i18n.set_language(before)


def message_in(lang: str, error: Exception) -> str:
    with language(lang):
        return error.message()  # type: ignore[attr-defined]


# --- files ---------------------------------------------------------------------------------

def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` with its checksum (to prove something was left untouched)."""
    return {str(p.relative_to(root)): sha256(p) for p in files_under(root)}


def flip_bytes(path: Path, offset: int, count: int = 32) -> None:
    """Corrupt ``count`` bytes at ``offset`` (each byte inverted, so it always changes)."""
    with open(path, "r+b") as handle:
        handle.seek(offset)
        original = handle.read(count)
        handle.seek(offset)
        handle.write(bytes(b ^ 0xFF for b in original))


def copy_folder(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


def encodings_of(text: str) -> list[bytes]:
    """``text`` as the bytes it would have in UTF-8, UTF-16 (LE and BE) and cp1251 (if it fits)."""
    forms = [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]
    try:
        forms.append(text.encode("cp1251"))
    except UnicodeEncodeError:
        pass  # Kyrgyz letters such as Ү, Ө, Ң have no cp1251 code
    return forms


def json_escaped_forms(text: str) -> list[bytes]:
    """``text`` as JSON writes it with ensure_ascii (``\\u0411...``), in lower- and upper-case hex."""
    escaped = json.dumps(text, ensure_ascii=True)[1:-1]
    upper = re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), escaped)
    return [escaped.encode("ascii"), upper.encode("ascii")]


def find_plaintext(data: bytes, needles: Iterable[str], *, escaped: bool) -> list[str]:
    """Which of ``needles`` occur in ``data`` in any encoding (and JSON-escaped, if ``escaped``)."""
    found = []
    for needle in needles:
        forms = encodings_of(needle) + (json_escaped_forms(needle) if escaped else [])
        if any(form in data for form in forms):
            found.append(needle)
    return found


def cyrillic_run(data: bytes) -> str | None:
    """A run of 4+ Cyrillic letters in ``data`` read as UTF-8 (random ciphertext never forms one)."""
    match = CYRILLIC_RUN.search(data.decode("utf-8", errors="ignore"))
    return match.group(0) if match else None


# --- tmpfs mounts (full disk, read-only folder) --------------------------------------------

def require_root() -> None:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("needs root to mount a tmpfs (full disk / read-only folder); CI runs as root")
    if shutil.which("mount") is None or shutil.which("umount") is None:
        pytest.skip("mount/umount not available")


@contextlib.contextmanager
def tmpfs(mountpoint: Path, size: str = "3m") -> Iterator[Path]:
    """A real, small file system at ``mountpoint`` (always unmounted afterwards)."""
    require_root()
    mountpoint.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(mountpoint)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (container without CAP_SYS_ADMIN?): {done.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        if subprocess.run(["umount", str(mountpoint)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)


def remount_read_only(mountpoint: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mountpoint)], check=True, capture_output=True)


def free_bytes(path: Path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def fill_disk(filler: Path, leave: int = 0) -> None:
    """Write ``filler`` until the file system is full, then give back ``leave`` bytes."""
    with open(filler, "wb", buffering=0) as handle:
        for size in (1 << 16, 512, 1):  # big chunks, then the last partial block
            try:
                while handle.write(b"\0" * size):
                    pass
            except OSError:
                pass
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
