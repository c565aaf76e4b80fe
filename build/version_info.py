"""The Windows version resource of instructor-app.exe, generated from ``instructor_app.__version__``.

PyInstaller reads it as a text file (``EXE(version=...)``, Windows only). Run by the spec; by hand:
``python build/version_info.py OUT.txt``.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TEMPLATE = """\
VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([
      StringTable('040904B0', [
        StringStruct('CompanyName', 'Instructor App'),
        StringStruct('FileDescription', 'Instructor App'),
        StringStruct('FileVersion', {version!r}),
        StringStruct('InternalName', 'instructor-app'),
        StringStruct('LegalCopyright', 'Instructor App'),
        StringStruct('OriginalFilename', 'instructor-app.exe'),
        StringStruct('ProductName', 'Instructor App'),
        StringStruct('ProductVersion', {version!r})])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


def app_version() -> str:
    """Read ``__version__`` from the source, without importing the package."""
    text = (ROOT / "instructor_app" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.MULTILINE)
    if match is None:
        raise SystemExit("instructor_app/__init__.py has no __version__")
    return match.group(1)


def numbers(version: str) -> tuple[int, int, int, int]:
    """'1.2.3' -> (1, 2, 3, 0); a suffix such as 'rc1' or '.dev2' is dropped (Windows wants 4 integers)."""
    parts = [int(p) for p in re.findall(r"\d+", version.split("+")[0])[:3]]
    return tuple((parts + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def write(path: Path, version: str | None = None) -> Path:
    version = version or app_version()
    text = TEMPLATE.format(numbers=numbers(version), version=version)
    ast.parse(text, str(path), mode="eval")  # PyInstaller evaluates it: it must be one expression
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "pyinstaller-work" / "version_info.txt"))
