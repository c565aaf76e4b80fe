"""Make every printed document from the demo data, in Kyrgyz and Russian, and render its pages to
PNG with pdftoppm into docs/screenshots/documents/, so anyone can look at what a court receives.

    .venv/bin/python build/documents.py          (also run by 'make screenshots')

A throw-away demo data folder is made with the real ``demo`` builder (cheap key derivation). Each
document is made through ``services.documents.make_document``, exactly as the Reports page and
``instructor-app report`` do. pdftoppm (poppler-utils) is a build-time tool here, never used by the app.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from instructor_app.demo import create_demo  # noqa: E402
from instructor_app.indicators import PeriodKind, period_for  # noqa: E402
from instructor_app.paths import DataFolder  # noqa: E402
from instructor_app.services.documents import DocumentKind, DocumentRequest, make_document  # noqa: E402
from instructor_app.services.programme_data import GroupFilter  # noqa: E402
from instructor_app.services.workspace import Workspace  # noqa: E402
from instructor_app.storage.crypto import KdfParams  # noqa: E402

OUT = ROOT / "docs" / "screenshots" / "documents"
KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
MAX_PAGES = 2  # pages rendered per document: enough to see the layout and a page break
CONCLUSION = ("Катышуучу бардык сессияларга катышты, өз жүрүм-турумуна жоопкерчиликти мойнуна алды жана "
              "коопсуздук планын түздү. Участник посещал все занятия.")


def subjects(opened, today: dt.date) -> dict[DocumentKind, str]:  # noqa: ANN001
    """The demo records each document is about: the group with most sessions held, a completed participant, a refusal."""
    groups = opened.groups.list(GroupFilter(), today)
    details = [opened.groups.detail(g.id, today) for g in groups]
    longest = max(details, key=lambda d: (sum(s.status == "held" for s in d.sessions), len(d.sessions)))
    held = [s for s in longest.sessions if s.status == "held"] or list(longest.sessions)
    people = opened.participants.list(today=today)
    completed = next((p for p in people if p.status == "completed"), people[0])
    refused = next((p for p in people if p.status == "refused"), people[0])
    return {DocumentKind.REGISTER: longest.group.id, DocumentKind.PLAN: held[0].id,
            DocumentKind.PROGRESS: completed.id, DocumentKind.ART72: refused.id}


def render_png(pdf: Path, stem: str) -> list[Path]:
    for old in OUT.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-l", str(MAX_PAGES), str(pdf), str(OUT / stem)], check=True)
    return sorted(OUT.glob(f"{stem}-*.png"))


def main() -> int:
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing: install poppler-utils (make system-deps)", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    today = dt.date.today()
    with tempfile.TemporaryDirectory(prefix="instructor-docs-") as tmp:
        workspace = Workspace(DataFolder(Path(tmp) / "data"), KDF)
        opened, _result = create_demo(workspace, "demo-pass", language="ky")
        try:
            chosen = subjects(opened, today)
            year = period_for(PeriodKind.YEAR, today)
            for language in ("ky", "ru"):
                for kind in (DocumentKind.REGISTER, DocumentKind.PLAN, DocumentKind.PROGRESS, DocumentKind.ART72,
                             DocumentKind.INDICATORS):
                    pdf = Path(tmp) / f"{kind.value}-{language}.pdf"
                    request = DocumentRequest(kind=kind, language=language, out=pdf, subject_id=chosen.get(kind, ""),
                                              period=year if kind is DocumentKind.INDICATORS else None,
                                              conclusion=CONCLUSION if kind is DocumentKind.PROGRESS else "")
                    issued = make_document(opened, request, today)
                    for png in render_png(pdf, f"{kind.value}-{language}"):
                        print("wrote", png.relative_to(ROOT), f"({issued.number}, {issued.pages} pages)")
        finally:
            opened.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
