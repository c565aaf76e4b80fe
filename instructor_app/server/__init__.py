"""The Probation receiving service (docs/sync-protocol.md §8): FastAPI + uvicorn + SQLAlchemy.

Qt-free and independent of the app's encrypted store: its own tables (``db``), migrations
(``migrations/``), sync rules (``store``), HTTP API (``app``) and admin commands (``admin``, ``cli``).
"""
