"""The single import point for PySide6 names used by the UI.

Every other module in ``ui`` imports Qt from here (``from ui.qt import ...``), so a Qt upgrade or a
switch of binding touches one file.

PySide6 is pinned to 6.11.3: 6.12.0 on Python 3.11 drops a reference to ``True`` on every
``signal.emit()`` from Python and CPython aborts after a few thousand emits (docs/decisions.md §11;
tests/ui/test_qt_tasks.py guards it).
"""

# ruff: noqa: F401
from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets
from shiboken6 import isValid as is_alive

_MODULES = (QtWidgets, QtGui, QtCore)  # as the star imports were: a later module's name wins


def __getattr__(name: str) -> Any:
    """A Qt name, looked up on first use (``from ui.qt import QLabel``). Star-importing the three
    modules made every class of them (≈150 ms of the cold start); the app uses a few hundred."""
    for module in _MODULES:
        value = getattr(module, name, None)
        if value is not None:
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def print_support():  # type: ignore[no-untyped-def]
    """QtPrintSupport (≈100 ms of printing stack), loaded only when the user prints."""
    from PySide6 import QtPrintSupport

    return QtPrintSupport


def pdf_support():  # type: ignore[no-untyped-def]
    """QtPdf and QtPdfWidgets (the document preview), loaded only when a document is first shown."""
    from PySide6 import QtPdf, QtPdfWidgets

    return QtPdf, QtPdfWidgets
