"""Helpers for the document tests (register, plan, art. 72): an unlocked copy of the demo data, the
text of a PDF as pdftotext reads it, headings in the document's language, and the unwritable-output
check every document must pass."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from instructor_app.i18n import _, language_of_document
from instructor_app.paths import DataFolder
from instructor_app.reports.pdf import OutputNotWritable
from instructor_app.services.open_workspace import OpenWorkspace
from instructor_app.services.workspace import Workspace
from instructor_app.storage.models import IssuedDocument

from .conftest import DEMO_NAMES, DEMO_PASSWORD, Demo
from .support import copy_folder, remount_read_only, tmpfs

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")


@contextmanager
def demo_copy(demo: Demo, folder: Path) -> Iterator[OpenWorkspace]:
    """A private copy of the demo data, unlocked by its first facilitator."""
    root = copy_folder(demo.root, folder / "demo")
    workspace = Workspace(DataFolder(root))
    account = next(a for a in workspace.accounts() if a.display_name == DEMO_NAMES[0])
    opened = workspace.unlock(account.id, DEMO_PASSWORD)
    try:
        yield opened
    finally:
        opened.close()


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True).stdout


def flat(text: str) -> str:
    """The text with every run of white space made one space (wrapped lines joined)."""
    return " ".join(text.split())


def tr(lang: str, msgid: str) -> str:
    with language_of_document(lang):
        return _(msgid)


def starts_a_line(text: str, label: str) -> bool:
    """Whether ``label`` opens a line (a heading, or a label followed by its value or a signature line)."""
    return any(re.match(r"\s*" + re.escape(label) + r"(\s{2,}|$)", line) for line in text.splitlines())


def assert_headings(texts: dict[str, str], msgids: tuple[str, ...]) -> None:
    """Each heading in each language's text; where the ky and ru translations differ, no line of one
    opens with the other language's heading (the data itself may be in either language)."""
    for msgid in msgids:
        ky, ru = tr("ky", msgid), tr("ru", msgid)
        assert ky in flat(texts["ky"]), (msgid, ky)
        assert ru in flat(texts["ru"]), (msgid, ru)
        if ky != ru:
            assert not starts_a_line(texts["ru"], ky), msgid
            assert not starts_a_line(texts["ky"], ru), msgid


def issued_count(opened: OpenWorkspace) -> int:
    with opened.db.session(opened.actor.id) as session:
        return session.scalar(select(func.count()).select_from(IssuedDocument)) or 0


def assert_unwritable_output(opened: OpenWorkspace, tmp_path: Path, make: Callable[[Path], object]) -> None:
    """A file where a folder should be, and a folder where the file should be: OutputNotWritable with
    the path in the message, no file and no temporary leftover, and no document number used up."""
    before = issued_count(opened)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file, not a folder")
    folder = tmp_path / "a-folder.pdf"
    folder.mkdir()
    for out in (blocker / "document.pdf", folder):
        with pytest.raises(OutputNotWritable) as caught:
            make(out)
        assert str(out) in caught.value.message()
    assert blocker.read_text() == "a file, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder.pdf", "not-a-folder"]
    assert list(folder.iterdir()) == []
    assert issued_count(opened) == before


def assert_read_only_folder_refused(opened: OpenWorkspace, tmp_path: Path, make: Callable[[Path], object]) -> None:
    """A write-protected stick (a read-only tmpfs; root only): OutputNotWritable, nothing on it."""
    before = issued_count(opened)
    with tmpfs(tmp_path / "stick", "3m") as stick:
        remount_read_only(stick)
        with pytest.raises(OutputNotWritable):
            make(stick / "document.pdf")
        assert list(stick.iterdir()) == []
    assert issued_count(opened) == before
