"""The log in the data folder never holds personal data, passwords or keys."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from instructor_app.log import LOG_NAME, RedactCyrillic, setup_logging

from .conftest import DEMO_CENTRE, DEMO_NAMES, DEMO_PASSWORD, Demo
from .support import CYRILLIC, cli, describe, find_plaintext, lines


def test_cli_log_holds_no_names_password_or_key(demo_folder: Demo, tmp_path: Path) -> None:
    root = demo_folder.root
    steps = [
        cli(root, "check", "--password-stdin", stdin=DEMO_PASSWORD + "\n"),
        cli(root, "check", "--password-stdin", stdin="Бакыт-1990\n"),  # wrong, and Cyrillic
        cli(root, "backup", tmp_path / "b.iabackup", "--password-stdin", stdin=DEMO_PASSWORD + "\n"),
        cli(root, "restore", tmp_path / "b.iabackup", "--password-stdin", stdin=demo_folder.recovery_key + "\n"),
    ]
    assert [r.returncode for r in steps] == [0, 2, 0, 0], "\n".join(describe(r) for r in steps)

    logs = sorted((root / "logs").glob(LOG_NAME + "*"))
    assert logs, "no log file in the data folder"
    text = b"".join(p.read_bytes() for p in logs)
    assert len(lines(text.decode("utf-8"))) >= 3  # it does log the steps ...
    needles = [DEMO_CENTRE, *DEMO_NAMES, *(p for n in DEMO_NAMES for p in n.split()), "Үмүт", "кризистик"]
    assert find_plaintext(text, needles, escaped=True) == []  # ... but no names
    for secret in (DEMO_PASSWORD, "Бакыт-1990", demo_folder.recovery_key, demo_folder.recovery_key.replace("-", "")):
        assert secret.encode() not in text
    assert not CYRILLIC.search(text.decode("utf-8")), "Cyrillic text in the log"


def _logger_into(stream: io.StringIO) -> logging.Logger:
    logger = logging.getLogger(f"test.redact.{id(stream)}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactCyrillic())
    logger.addHandler(handler)
    return logger


def test_redact_filter_blanks_a_name_logged_by_mistake() -> None:
    stream = io.StringIO()
    logger = _logger_into(stream)
    logger.warning("participant %s missed session %d", "Гүлзат Ормонова", 3)
    logger.info("centre renamed to %r", "Ош шаардык «Үмүт» кризистик борбору")
    logger.info("plain English stays: unlock ok for %s", "3ad33989")
    try:
        raise ValueError("bad value: Бакыт Жумабеков")
    except ValueError:
        logger.exception("import failed")
    out = stream.getvalue()
    assert not CYRILLIC.search(out), out
    assert "participant <...> missed session 3" in out
    assert "plain English stays: unlock ok for 3ad33989" in out
    assert "import failed" in out and "ValueError" in out


def test_log_file_redacts_names_in_chained_exceptions(tmp_path: Path, restore_logging: None) -> None:
    """Tracebacks carry every exception of a chain; a name in the cause must not reach the file."""
    path = setup_logging(tmp_path / "logs")
    assert path is not None and path.parent == tmp_path / "logs"
    logger = logging.getLogger("instructor_app.test")
    try:
        try:
            raise KeyError("Айгүл Токтосунова")
        except KeyError as exc:
            raise RuntimeError("saving the attendance failed") from exc
    except RuntimeError:
        logger.exception("unexpected failure in command %s", "backup")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "unexpected failure in command backup" in text
    assert "RuntimeError" in text
    assert not CYRILLIC.search(text), text


def test_unwritable_log_folder_does_not_stop_the_app(tmp_path: Path, restore_logging: None) -> None:
    blocker = tmp_path / "logs"
    blocker.write_text("a file where the folder should be")
    assert setup_logging(blocker) is None
    logging.getLogger("instructor_app.test").warning("still fine")
