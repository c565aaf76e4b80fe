"""Must show (sync): the status bar goes from "N changes waiting" to synced against a live
Probation server (a real uvicorn process), after connecting this laptop in Settings."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tempfile
import time

import httpx
import pytest
from qt_helpers import PASSWORD_MAN, WAIT_MS, type_text, unlock, wait_idle

from instructor_app.i18n import _, ngettext
from ui.qt import Qt

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CODE_RE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


def admin(*args: object) -> str:
    done = subprocess.run([sys.executable, "-m", "instructor_app.server.cli", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", timeout=120, cwd=tempfile.gettempdir(), check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def live_server(tmp_path):
    db = f"sqlite:///{tmp_path / 'server.db'}"
    centre = UUID_RE.findall(admin("centre", "add", "--db", db, "--name", "Ош борбору", "--region", "osh_city"))[-1]
    code = CODE_RE.findall(admin("enrol-code", "--db", db, "--centre", centre))[0]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(tmp_path / "server.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "instructor_app.server.cli", "run", "--db", db, "--port",
                                str(port)], stdout=log, stderr=subprocess.STDOUT, cwd=tempfile.gettempdir())
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline and process.poll() is None, (tmp_path / "server.log").read_text()
        time.sleep(0.2)
    yield url, code
    process.terminate()
    process.wait(timeout=20)
    log.close()


def test_the_status_bar_goes_from_waiting_to_synced(qtbot, set_up_workspace, desktop_factory, live_server):
    url, code = live_server
    workspace, _key = set_up_workspace
    desktop = desktop_factory(workspace)
    unlock(qtbot, desktop, PASSWORD_MAN)
    window = desktop.main_window
    wait_idle(qtbot, desktop)
    waiting = window.overview.pending_changes
    assert waiting > 0  # the centre and its facilitators, never sent
    assert window.pending_label.text() == ngettext("{count} change waiting to sync", "{count} changes waiting to sync",
                                                   waiting).format(count=waiting)
    assert window.sync_state.text() == _("Not connected to the Probation server yet (Settings).")

    window.nav.setCurrentRow(window.pages.index(window.settings))
    wait_idle(qtbot, desktop)
    box = window.settings.sync_box
    type_text(qtbot, box.server, url)
    type_text(qtbot, box.code, code)
    qtbot.mouseClick(box.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.sync_state.text().startswith(_("Synced: {sent} sent, {received} received.")
                                                                .split("{")[0]), timeout=WAIT_MS * 2)
    wait_idle(qtbot, desktop)
    qtbot.waitUntil(lambda: window.overview.pending_changes == 0, timeout=WAIT_MS)
    assert window.pending_label.text() == ngettext("{count} change waiting to sync", "{count} changes waiting to sync",
                                                   0).format(count=0)
    assert window.last_sync_label.text() != _("Last sync: never")
    assert box.message.text() in (_("Connected. The first sync starts now."),
                                  _("This laptop is connected to {server}.").format(server=url))
