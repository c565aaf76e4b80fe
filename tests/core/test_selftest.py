"""``--version`` and ``--selftest`` as a user (or CI, on the bundle) runs them, in a subprocess.

In the core environment (no PySide6) the main-window step is reported as skipped; where PySide6 is
installed it runs offscreen. The bundle itself is checked by ``make dist`` followed by
``dist/InstructorApp/instructor-app --selftest`` (not part of ``make test``: too slow).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from instructor_app import __version__, selftest
from instructor_app.i18n import _
from ui.selftest import qt_available  # imports no Qt itself

from .support import cli, describe, language, lines

STEPS = [step for step, _run in selftest.STEPS]


def _expected_prefixes(lang: str) -> list[str]:
    """The start of each line the self-test prints (the details after the step name vary)."""
    with language(lang):
        ok = [_(selftest.LINE_OK).format(step=_(step), detail="") for step in STEPS]
        if not qt_available():
            ok[-1] = _(selftest.LINE_SKIPPED).format(step=_(selftest.STEP_WINDOW), reason=_(selftest.NO_DESKTOP))
        return [*ok, _(selftest.PASSED)]


def test_version_prints_the_name_and_version(tmp_path: Path) -> None:
    result = cli(tmp_path / "data", "--version")
    assert result.returncode == 0, describe(result)
    assert result.stdout == f"Instructor App {__version__}\n"
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_selftest_passes_every_step_and_leaves_the_data_folder_alone(tmp_path: Path, lang: str) -> None:
    data = tmp_path / "data"
    result = cli(data, "--selftest", lang=lang)
    assert result.returncode == 0, describe(result)
    printed = lines(result.stdout)
    expected = _expected_prefixes(lang)
    assert len(printed) == len(expected), describe(result)
    for line, start in zip(printed, expected):
        assert line.startswith(start), describe(result)
    assert "Traceback" not in result.stderr
    assert not data.exists()  # the self-test works in a temporary folder only


def test_a_failing_step_is_named_and_the_exit_code_is_1(tmp_path: Path, monkeypatch, restore_logging) -> None:
    monkeypatch.setattr(selftest, "resources_dir", lambda: tmp_path / "no-resources")
    steps = {step: run for step, run in selftest.STEPS}
    monkeypatch.setattr(selftest, "STEPS", tuple((s, steps[s]) for s in (selftest.STEP_DATABASE, selftest.STEP_PDF)))
    printed: list[str] = []
    assert selftest.run_selftest(printed.append) == 1
    missing = tmp_path / "no-resources" / "fonts" / selftest.PDF_FONT
    assert printed[0].startswith(_(selftest.LINE_OK).format(step=_(selftest.STEP_DATABASE), detail=""))
    assert printed[1] == _(selftest.LINE_FAILED).format(step=_(selftest.STEP_PDF), reason=_("missing: {path}").format(
        path=missing))
    assert printed[2] == _(selftest.FAILED)


def test_the_selftest_pdf_holds_the_kyrgyz_letters_as_text(tmp_path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "selftest.pdf"
    selftest.write_test_pdf(pdf)
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True, timeout=60).stdout
    assert selftest.KYRGYZ_LETTERS in text
    assert f"Instructor App {__version__}" in text
    pdffonts = shutil.which("pdffonts")  # comes with pdftotext: the font is embedded, as a subset
    if pdffonts is not None:
        info = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True, timeout=60)
        assert "DejaVuSans" in info.stdout and " yes " in info.stdout, info.stdout
