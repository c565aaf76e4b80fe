"""Must show: ``GET /api/v1/indicators`` of the real Probation receiving service (a uvicorn process, on
SQLite and on PostgreSQL) gives, for the demo centre pushed by the real sync client, the same figures
as the laptop's own ``load_indicators`` (the self-assessment change aside: the server does not score
questionnaires), per centre, oblast and overall; a Probation viewer sees every centre, a laptop's token
only its own; a bad query is 422 with the reason, an unknown or revoked token 401; /openapi.json
documents it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from instructor_app.indicators import INDICATOR_KEYS, Period, custom_period, period_for
from instructor_app.paths import DataFolder
from instructor_app.server import admin
from instructor_app.server.db import Database
from instructor_app.server.indicators import indicators_out
from instructor_app.services.participant_data import IntakeDraft
from instructor_app.services.workspace import Workspace
from instructor_app.storage.changelog import soft_delete
from instructor_app.storage.models import SyncState
from instructor_app.storage.participant_models import Participant, Referral

from .conftest import BACKENDS, DEMO_PASSWORD, Demo, server_database, set_up_folder

pytestmark = pytest.mark.slow

PATH = "/api/v1/indicators"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _server_cli(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "instructor_app.server.cli", *map(str, args)], check=False,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=tempfile.gettempdir())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Probation:
    url: str
    db_url: str
    centre_a: str
    centre_b: str
    viewer_token: str
    device_a_token: str
    today: dt.date
    laptops: dict[tuple[str, Period], dict]  # ("a" | "b", period) → load_indicators on that laptop, as JSON

    def get(self, token: str | None = None, **params: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token or self.viewer_token}"}
        return httpx.get(f"{self.url}{PATH}", params=params, headers=headers, timeout=30)

    def laptop_figures(self, period: Period, which: str = "a") -> dict:
        found = dict(self.laptops[(which, period)])
        found.pop("self_assessment_change")  # scored on the laptop only
        return found


def _on_laptop(opened, which: str, today: dt.date) -> dict[tuple[str, Period], dict]:  # noqa: ANN001
    return {(which, period): indicators_out(opened.indicators(period, today)).model_dump(mode="json")
            for period in _periods(today)}


def _start(db_url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "instructor_app.server.cli", "run", "--db", db_url,
                                    "--port", str(port), "--log-level", "warning"],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=tempfile.gettempdir())
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not start:\n" + log.read_text(errors="replace"))


def _enrol_and_sync(opened, url: str, db: Database, centre: str) -> None:  # noqa: ANN001 - an OpenWorkspace
    opened.sync_enrol(url, admin.issue_enrol_code(db, uuid.UUID(centre)))
    summary = opened.sync_now(dt.date.today())
    assert summary.sent > 0 and summary.rejected == 0 and summary.waiting == 0, summary


@pytest.fixture(scope="module", params=BACKENDS)
def probation(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              demo_template: Demo) -> Iterator[Probation]:
    """A server with two centres: the demo centre (Osh city) and a small one in Chui, both pushed."""
    root = tmp_path_factory.mktemp("indicators")
    with server_database(request, root) as db_url:
        db = Database(db_url)
        db.upgrade()
        centre_a = str(admin.add_centre(db, "Ош шаардык «Үмүт» кризистик борбору", "osh_city"))
        centre_b = str(admin.add_centre(db, "Кара-Балта «Ынтымак»", "chui"))
        process, url = _start(db_url, root / "server.log")
        today, laptops = dt.date.today(), {}
        try:
            # laptop A: the demo, one participant deleted and one referral withdrawn (tombstones)
            workspace = Workspace(DataFolder(shutil.copytree(demo_template.root, root / "demo")))
            account = workspace.accounts()[0]
            opened = workspace.unlock(account.id, DEMO_PASSWORD)
            try:
                with opened.db.session(account.id) as session:
                    people = session.scalars(select(Participant).order_by(Participant.name_key)).all()
                    soft_delete(people[0])
                    soft_delete(session.scalars(select(Referral).where(Referral.participant_id == people[1].id)).one())
                _enrol_and_sync(opened, url, db, centre_a)
                with opened.db.session() as session:
                    device_a_token = session.get(SyncState, 1).device_token
                laptops.update(_on_laptop(opened, "a", today))
            finally:
                opened.close()
            # laptop B: a new centre with one referred participant
            laptop_b = set_up_folder(root / "b")
            opened = laptop_b.unlock()
            try:
                opened.participants.create(IntakeDraft(
                    full_name="Айбек Сейитов", birth_date=dt.date(1987, 4, 2), gender="male", language="ru",
                    component="voluntary", referral_source="self", received_on=today, screening="eligible"), today)
                _enrol_and_sync(opened, url, db, centre_b)
                laptops.update(_on_laptop(opened, "b", today))
            finally:
                opened.close()
            _viewer_id, token = admin.add_viewer(db, "Пробация департаменти — талдоочу")
            yield Probation(url, db_url, centre_a, centre_b, token, device_a_token, today, laptops)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
            db.dispose()


def _periods(today: dt.date) -> list[Period]:
    return [period_for("month", today), period_for("quarter", today), period_for("year", today),
            custom_period(today - dt.timedelta(days=365), today)]


def _query(period: Period) -> dict[str, str]:
    if period.kind == "custom":
        return {"period": "custom", "from": period.start.isoformat(), "to": period.end.isoformat()}
    return {"period": period.kind.value, "on": period.start.isoformat()}


def _without_self_assessment(indicators: dict) -> dict:
    assert indicators.pop("self_assessment_change") is None
    return indicators


def test_a_viewer_sees_every_centre_with_the_laptops_figures(probation: Probation) -> None:
    today = probation.today
    for period in _periods(today):
        answer = probation.get(**_query(period))
        assert answer.status_code == 200, answer.text
        report = answer.json()
        assert report["period"] == {"kind": period.kind.value, "start": period.start.isoformat(),
                                    "end": period.end.isoformat()}
        centres = {c["centre_id"]: c for c in report["centres"]}
        assert set(centres) == {probation.centre_a, probation.centre_b}
        a, b = centres[probation.centre_a], centres[probation.centre_b]
        assert (a["oblast"], b["oblast"]) == ("osh_city", "chui") and a["name"].startswith("Ош шаардык")
        assert _without_self_assessment(a["indicators"]) == probation.laptop_figures(period), period
        assert _without_self_assessment(b["indicators"]) == probation.laptop_figures(period, "b"), period
        oblasts = {o["oblast"]: o for o in report["oblasts"]}
        assert oblasts["osh_city"]["centres"] == 1
        assert _without_self_assessment(oblasts["osh_city"]["indicators"]) == a["indicators"]
        assert _without_self_assessment(oblasts["chui"]["indicators"]) == b["indicators"]
        total = _without_self_assessment(report["total"])
        assert total["participants"] == a["indicators"]["participants"] + b["indicators"]["participants"]
        for key in INDICATOR_KEYS:
            assert total["counts"][key]["total"] == (a["indicators"]["counts"][key]["total"]
                                                     + b["indicators"]["counts"][key]["total"])
    year = probation.get(period="custom", **{"from": (today - dt.timedelta(days=365)).isoformat(),
                                             "to": today.isoformat()}).json()
    demo = next(c for c in year["centres"] if c["centre_id"] == probation.centre_a)["indicators"]
    assert all(demo["counts"][key]["total"] > 0 for key in INDICATOR_KEYS), demo["counts"]  # not a table of zeros
    assert demo["completion_rate"] is not None and demo["counts"]["referred"]["by_component"]["mandatory"] > 0

    only_a = probation.get(centre=probation.centre_a).json()
    assert [c["centre_id"] for c in only_a["centres"]] == [probation.centre_a]
    chui = probation.get(oblast="chui").json()
    assert [c["centre_id"] for c in chui["centres"]] == [probation.centre_b]
    assert [o["oblast"] for o in chui["oblasts"]] == ["chui"]


def test_a_laptops_token_sees_its_own_centre_only(probation: Probation) -> None:
    own = probation.get(probation.device_a_token)
    assert own.status_code == 200, own.text
    assert [c["centre_id"] for c in own.json()["centres"]] == [probation.centre_a]
    other = probation.get(probation.device_a_token, centre=probation.centre_b)
    assert other.status_code == 403 and other.json()["code"] == "forbidden_centre"
    assert probation.get(probation.device_a_token, oblast="chui").json()["centres"] == []


@pytest.mark.parametrize(("params", "reason"), [
    ({"period": "week"}, "'period' must be one of month, quarter, year, custom"),
    ({"period": "custom", "from": "2026-01-01"}, "period=custom needs 'from' and 'to'"),
    ({"period": "custom", "from": "2026-02-01", "to": "2026-01-31"}, "'to' (2026-01-31) is before 'from'"),
    ({"period": "month", "on": "31.01.2026"}, "'on' must be a date written YYYY-MM-DD"),
    ({"period": "year", "from": "2026-01-01"}, "'from' and 'to' go with period=custom"),
    ({"oblast": "moscow"}, "'oblast' must be one of bishkek"),
    ({"centre": "not-an-id"}, "'centre' must be a centre id"),
    ({"centre": "00000000-0000-4000-8000-000000000000"}, "there is no centre with id"),
])
def test_a_bad_query_is_422_with_the_reason(probation: Probation, params: dict[str, str], reason: str) -> None:
    answer = probation.get(**params)
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_query"
    assert reason in answer.json()["detail"]


def test_unknown_and_revoked_tokens_are_401(probation: Probation) -> None:
    assert probation.get("x" * 43).status_code == 401
    bare = httpx.get(f"{probation.url}{PATH}", timeout=30)
    assert bare.status_code == 401 and bare.json()["code"] == "unauthorized"
    added = _server_cli("viewer", "add", "Temporary viewer", "--db", probation.db_url)
    token = added.stdout.strip()
    assert added.returncode == 0 and TOKEN_RE.match(token) and "shown only now" in added.stderr, added
    viewer_id = re.search(r"viewer ([0-9a-f-]{36})", added.stderr).group(1)
    assert probation.get(token).status_code == 200
    revoked = _server_cli("viewer", "revoke", viewer_id, "--db", probation.db_url)
    assert revoked.returncode == 0 and revoked.stdout.strip() == f"Viewer {viewer_id} revoked."
    refused = probation.get(token)
    assert refused.status_code == 401 and refused.json() == {"code": "unauthorized",
                                                             "detail": "unknown or revoked token"}
    listed = _server_cli("viewer", "list", "--db", probation.db_url).stdout
    assert re.search(rf"^{viewer_id}\s+revoked\s.*Temporary viewer$", listed, re.MULTILINE), listed
    assert token not in listed  # only the hash is kept
    assert probation.get().status_code == 200  # the other viewer is untouched


def test_openapi_documents_the_indicators(probation: Probation) -> None:
    spec = httpx.get(f"{probation.url}/openapi.json", timeout=30).json()
    operation = spec["paths"][PATH]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"period", "on", "from", "to", "centre", "oblast"}
    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    report = spec["components"]["schemas"]["IndicatorsReport"]
    assert {"period", "centres", "oblasts", "total"} <= set(report["properties"])
