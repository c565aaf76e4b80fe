"""The core package is Qt-free: no module imports PySide6/shiboken6, importing all of it loads no
Qt, and (in the core venv, INSTRUCTOR_APP_CORE_ONLY=1) this suite runs with PySide6 absent."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .support import PACKAGE_DIR, REPO

QT = ("PySide6", "shiboken6")


def _is_qt(name: str | None) -> bool:
    return bool(name) and name.split(".")[0] in QT  # type: ignore[union-attr]


def qt_imports(source: str, filename: str = "<src>") -> list[str]:
    """Every way ``source`` could load Qt: import statements, __import__/import_module calls,
    and any string constant naming a Qt module (e.g. one handed to importlib via a variable)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            found += [f"{where} import {a.name}" for a in node.names if _is_qt(a.name)]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and _is_qt(node.module):
                found.append(f"{where} from {node.module} import ...")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in ("__import__", "import_module", "find_spec", "spec_from_file_location") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _is_qt(arg.value):
                    found.append(f"{where} {name}({arg.value!r})")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _is_qt(node.value.strip()) and " " not in node.value.strip():
                found.append(f"{where} string {node.value!r}")
    return found


def module_level_ui_imports(source: str, filename: str) -> list[str]:
    """Imports of the Qt front end (``ui``) outside a function: the core may only reach it lazily."""
    found = []
    tree = ast.parse(source, filename)
    nested: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested.update(id(child) for child in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in nested:
            continue
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "ui" for a in node.names):
            found.append(f"{filename}:{node.lineno}")
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "ui":
            found.append(f"{filename}:{node.lineno}")
    return found


def core_sources() -> list[Path]:
    sources = sorted(PACKAGE_DIR.rglob("*.py"))
    assert len(sources) >= 20, "the scan found suspiciously few modules"
    return sources


@pytest.mark.parametrize("snippet", [
    "import PySide6",
    "import PySide6.QtCore as qc",
    "from PySide6.QtWidgets import QApplication",
    "from shiboken6 import isValid",
    "import os, shiboken6",
    "importlib.import_module('PySide6.QtGui')",
    "import_module('PySide6')",
    "__import__('shiboken6')",
    "name = 'PySide6.QtCore'",
])
def test_the_scan_catches_every_form_of_qt_import(snippet: str) -> None:
    assert qt_imports(snippet), f"scanner missed: {snippet}"


def test_the_scan_ignores_prose_mentioning_qt() -> None:
    assert qt_imports('"""Nothing in this package imports PySide6."""\nx = 1  # PySide6') == []


def test_no_core_module_imports_qt() -> None:
    found = []
    for path in core_sources():
        found += qt_imports(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert found == [], "the core must stay Qt-free:\n" + "\n".join(found)


def test_core_reaches_the_qt_front_end_only_lazily() -> None:
    found = []
    for path in core_sources():
        found += module_level_ui_imports(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert found == [], "module-level import of ui/ in the core: " + ", ".join(found)


_IMPORT_ALL = r"""
import importlib, json, pkgutil, sys
import instructor_app

def fail(name):
    raise SystemExit(f"cannot import {name}: {sys.exc_info()[1]!r}")

imported = []
for info in pkgutil.walk_packages(instructor_app.__path__, "instructor_app.", onerror=fail):
    if info.name == "instructor_app.__main__":
        continue  # running it would start the CLI
    importlib.import_module(info.name)
    imported.append(info.name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
print(json.dumps({"imported": imported, "qt": qt}))
"""


def test_importing_every_core_module_loads_no_qt() -> None:
    done = subprocess.run([sys.executable, "-c", _IMPORT_ALL], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    expected = {p.relative_to(REPO).with_suffix("").as_posix().replace("/", ".")
                for p in core_sources() if "migrations" not in p.parts}
    expected = {m.removesuffix(".__init__") for m in expected} - {"instructor_app", "instructor_app.__main__"}
    assert set(report["imported"]) == expected
    assert report["qt"] == []


def test_the_core_suite_runs_without_pyside6_installed() -> None:
    if os.environ.get("INSTRUCTOR_APP_CORE_ONLY") != "1":
        pytest.skip("only meaningful in the core venv (make test-core sets INSTRUCTOR_APP_CORE_ONLY=1)")
    assert importlib.util.find_spec("PySide6") is None, "PySide6 is installed in the core venv"
    assert importlib.util.find_spec("shiboken6") is None, "shiboken6 is installed in the core venv"
    assert not any(m.split(".")[0] in QT for m in sys.modules)


_STORAGE_STACK = ("sqlalchemy", "alembic")


def _loaded_after_import(module: str) -> list[str]:
    code = (f"import sys, json, {module}; "
            f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(_STORAGE_STACK)!r}))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_start_up_path_does_not_load_the_storage_stack() -> None:
    """The CLI entry point and the unlock screen's services stay light: SQLAlchemy and Alembic
    load on the DB worker after the first window is up (docs/performance.md, cold start)."""
    assert _loaded_after_import("instructor_app.cli") == []
    assert _loaded_after_import("instructor_app.services.accounts") == []
    assert _loaded_after_import("instructor_app.services.workspace") == sorted(_STORAGE_STACK)  # the check can fail
