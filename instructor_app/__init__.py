"""Instructor App core: domain rules, storage, services, sync, reports, i18n and CLI.

Nothing in this package imports PySide6 (tests/core/test_architecture.py checks it).
"""

__version__ = "0.1.0"
