"""The command line speaks the language asked for, argparse's own words included."""

from __future__ import annotations

from pathlib import Path

from .support import cli, describe


def test_help_follows_the_lang_option(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    russian = cli(folder, "--help", lang="ru")
    kyrgyz = cli(folder, "--help", lang="ky")
    assert russian.returncode == kyrgyz.returncode == 0, describe(russian) + describe(kyrgyz)
    assert russian.stdout.startswith("использование: instructor-app")
    assert "команды:" in russian.stdout and "проверить целостность" in russian.stdout
    assert kyrgyz.stdout.startswith("колдонуу: instructor-app")
    assert "буйруктар:" in kyrgyz.stdout and "бүтүндүгүн текшерүү" in kyrgyz.stdout


def test_a_command_help_has_one_usage_prefix(tmp_path: Path) -> None:
    result = cli(tmp_path / "data", "check", "--help", lang="ru")
    assert result.returncode == 0, describe(result)
    assert result.stdout.startswith("использование: instructor-app")
    assert result.stdout.count("использование:") == 1


def test_an_unknown_command_is_refused_in_the_chosen_language(tmp_path: Path) -> None:
    result = cli(tmp_path / "data", "frobnicate", lang="ru")
    assert result.returncode == 2, describe(result)
    assert "Ошибка в командной строке" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # nothing was created for a command that does not exist
