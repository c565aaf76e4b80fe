"""Core test suite: runs without PySide6 (see test_architecture.py)."""
