"""The bundle's entry point (PyInstaller runs this file as ``__main__``): the same ``main`` as the
``instructor-app`` console script and ``python -m instructor_app``."""

from instructor_app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
