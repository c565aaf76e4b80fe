"""The device side of sync protocol v1 (docs/sync-protocol.md §4, §6, §7).

``SyncClient.sync_once`` pushes what waits in ``change_log`` and pulls the centre's changes:

- **Push.** A batch that was sent but not answered (``SyncState.pending_batch``) is resent first,
  byte for byte (same ``batch_id``: the server answers it from its store and changes nothing).
  Then the pending outbox is drained in ``seq`` order, one record per row (its current state), cut
  into bounded batches. Each batch and the outbox entries it covers are saved *before* it is sent;
  only the server's answer marks entries (synced, or rejected with the server's reason), in one
  transaction that also forgets the saved batch. A timeout, a dropped connection or a 5xx marks
  nothing and keeps the batch for the next attempt [AnkiDroid #4366].
- **Pull.** Pages from ``SyncState.pull_cursor``; each page is stored in one remote transaction
  together with the new cursor, so the cursor never runs ahead of what is stored. A row with local
  changes not yet pushed is not overwritten [DHIS2]. Every pulled timestamp moves the local clock,
  and the clock is saved with the page (``SyncState.observed_hlc``), so it survives a lock. Records
  of ``CONFLICT_TABLE`` are losing versions kept by the server: stored once each for review
  (instructor_app.sync.conflicts), never applied to a row.
  The feed holds each row's current version in the order of its last change, so a row can come
  before a row it refers to: it is tried again after the later pages, and the cursor stays before
  it until it is stored (a sync cut short pulls it again). Progress is kept page by page.

Every failure is a translated ``SyncError`` (instructor_app.sync.errors) and leaves the queue as it was.
"""

from __future__ import annotations

import datetime as dt
import gzip
import ipaddress
import json
import logging
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import func, select, update

from instructor_app.storage.models import ChangeLog, Device, SyncState, utcnow
from instructor_app.sync import errors
from instructor_app.sync.conflicts import count_to_review
from instructor_app.sync.pulled import Counts as _Counts
from instructor_app.sync.pulled import store_page
from instructor_app.sync.protocol import (
    MAX_DECOMPRESSED_BYTES,
    MAX_RECORDS,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EnrolRequest,
    EnrolResponse,
    Message,
    Operation,
    Outcome,
    ProtocolError,
    PullPage,
    PushBatch,
    PushResult,
    RecordChange,
    batches,
    decode,
    encode,
)
from instructor_app.sync.serialize import MODELS, change_of, current_rows

if TYPE_CHECKING:
    import httpx

    from instructor_app.storage.database import Database

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
MAX_DELAY_S = 600.0
MAX_PULL_PAGES = 10_000  # a server that always says "more" without moving its cursor cannot loop us forever
LOOPBACK_NAMES = ("localhost",)


@dataclass(frozen=True)
class SyncSummary:
    """One sync: records sent and the server's answers for them, records received, and what still waits."""

    sent: int = 0
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    received: int = 0
    waiting: int = 0
    not_stored: int = 0  # pulled records this laptop could not store (a table it does not know, a broken link)
    batches: int = 0
    to_review: int = 0   # concurrent edits kept by the server that nobody has reviewed yet (either laptop)


def next_delay(attempt: int, rng: random.Random) -> float:
    """Seconds before retry number ``attempt`` (0 = the first retry): a random 0–2 s, doubling with
    every attempt, capped at 10 minutes [PouchDB]. Pure: the caller owns the random generator."""
    attempt = max(0, min(int(attempt), 30))
    return min(MAX_DELAY_S, rng.uniform(0.0, 2.0) * (2 ** attempt))


def check_server_url(server_url: str) -> str:
    """The server's base address: https, or plain http to this computer only (tests, a local server)."""
    import httpx

    text = server_url.strip().rstrip("/")
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise errors.BadServerAddress() from None
    if not url.host or url.scheme not in ("https", "http") or url.query or url.fragment or url.userinfo:
        raise errors.BadServerAddress()
    if url.scheme == "http" and not _is_loopback(url.host):
        raise errors.BadServerAddress()  # the token and the records never travel in clear text
    return text


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class SyncClient:
    """Sync of one device's database with the Probation server (runs on the DB worker thread)."""

    def __init__(self, db: Database, device_id: uuid.UUID | str, transport: httpx.BaseTransport | None = None) -> None:
        self.db = db
        self.device_id = uuid.UUID(str(device_id))
        self._transport = transport

    # --- HTTP -----------------------------------------------------------------------------------

    @contextmanager
    def _http(self, base_url: str) -> Iterator[httpx.Client]:
        import httpx

        from instructor_app import __version__

        timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        with httpx.Client(base_url=base_url, timeout=timeout, transport=self._transport, follow_redirects=False,
                          headers={"User-Agent": f"InstructorApp/{__version__}"}) as client:
            yield client

    def _call(self, http: httpx.Client, method: str, path: str, *, token: str = "", message: Message | None = None,
              params: dict[str, Any] | None = None) -> _Answer:
        import httpx

        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Accept-Encoding": "gzip"}
        body = None
        if message is not None:
            body, body_headers = encode(message)
            headers.update(body_headers)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            with http.stream(method, path, content=body, headers=headers, params=params) as response:
                raw = bytearray()
                for chunk in response.iter_raw():
                    raw += chunk
                    if len(raw) > MAX_DECOMPRESSED_BYTES:
                        raise errors.SyncRefused("answer_too_large")
                return _Answer(response.status_code, dict(response.headers), bytes(raw))
        except httpx.UnsupportedProtocol:
            raise errors.BadServerAddress() from None
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            log.info("server unreachable: %s", type(exc).__name__)
            raise errors.ServerUnreachable() from None

    @staticmethod
    def _decode(answer: _Answer, model: type[Message]) -> Any:
        headers = dict(answer.headers)
        if PROTOCOL_HEADER.lower() not in {k.lower() for k in headers}:
            headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)  # a 200 to our version-1 request speaks version 1
        try:
            return decode(answer.body, headers, model)
        except ProtocolError as exc:
            log.warning("unreadable answer from the server: %s", exc.code)
            raise errors.SyncRefused(f"answer_{exc.code}") from None

    @staticmethod
    def _error_code(answer: _Answer) -> str:
        body = answer.body
        try:
            if body[:2] == b"\x1f\x8b":
                body = gzip.decompress(body[:64 * 1024])
            parsed = json.loads(body[:64 * 1024])
        except (ValueError, OSError, EOFError):
            return ""
        if isinstance(parsed, dict):
            detail = parsed.get("detail")
            code = parsed.get("code") or (detail.get("code") if isinstance(detail, dict) else None)
            return str(code or "")
        return ""

    def _raise_for(self, answer: _Answer, *, enrolling: bool = False) -> None:
        if answer.status == 200:
            return
        code = self._error_code(answer)
        log.warning("server answered %s %s", answer.status, code)
        if answer.status == 426 or code == "protocol_version":
            raise errors.ProtocolMismatch()
        if answer.status == 401 or code == "device_revoked":
            raise errors.EnrolCodeInvalid() if enrolling else errors.DeviceRevoked()
        if code == "enrol_code_invalid" or (enrolling and answer.status in (403, 404, 410, 422)):
            raise errors.EnrolCodeInvalid()
        if answer.status in (408, 429) or answer.status >= 500:
            failure = errors.ServerBusy()
            failure.code = f"http_{answer.status}"
            raise failure
        raise errors.SyncRefused(code or f"http_{answer.status}")

    # --- state ----------------------------------------------------------------------------------

    def _state(self) -> SyncState:
        with self.db.session() as session:
            state = session.get(SyncState, 1)
            if state is None or not state.device_token or not state.server_url:
                raise errors.NotEnrolled()
            return state

    def link(self) -> tuple[str, bool]:
        """The configured server address and whether this device holds a token for it."""
        with self.db.session() as session:
            state = session.get(SyncState, 1)
            return (state.server_url, bool(state.device_token)) if state else ("", False)

    def waiting(self) -> int:
        """Outbox entries not yet answered by the server."""
        with self.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(ChangeLog)
                                      .where(ChangeLog.state == "pending")) or 0)

    def _record_failure(self, code: str) -> None:
        try:
            with self.db.session() as session:
                state = session.get(SyncState, 1)
                if state is not None:
                    state.last_attempt_at = utcnow()
                    state.last_error = code[:64]
        except Exception:  # noqa: BLE001 - the original failure is what the user must see
            log.warning("could not record the sync failure %s", code)

    # --- enrolment ------------------------------------------------------------------------------

    def enrol(self, server_url: str, code: str, device_name: str, app_version: str) -> EnrolResponse:
        """Connect this device to the server with a one-time code; keeps the queue and, on the same
        server and centre, the pull cursor."""
        base = check_server_url(server_url)
        code = code.strip()
        try:
            request = EnrolRequest(code=code, device_id=self.device_id, device_name=device_name.strip()[:200],
                                   app_version=app_version[:40])
        except ValidationError:
            raise errors.EnrolCodeInvalid() from None
        with self._http(base) as http:
            answer = self._call(http, "POST", "/api/v1/enrol", message=request)
        self._raise_for(answer, enrolling=True)
        enrolled: EnrolResponse = self._decode(answer, EnrolResponse)
        with self.db.session() as session:
            state = session.get(SyncState, 1)
            if state is None:
                state = SyncState(id=1, server_url="", device_token="", push_sequence=0, pull_cursor=0,
                                  last_error="", pending_batch="")
                session.add(state)
            if state.server_url != base or state.remote_centre_id != enrolled.centre_id:
                # another server or centre: its feed starts from the beginning; the unanswered batch
                # is forgotten (its entries are still pending and go out in a new batch)
                state.pull_cursor = 0
                state.pending_batch = ""
            state.server_url = base
            state.device_token = enrolled.device_token
            state.remote_centre_id = enrolled.centre_id
            state.last_error = ""
        log.info("enrolled with the server")
        return enrolled

    # --- one sync -------------------------------------------------------------------------------

    def sync_once(self, today: dt.date | None = None) -> SyncSummary:
        """Push the outbox, then pull the centre's changes. Raises a translated SyncError (the queue
        is intact) when the server cannot be reached or refuses."""
        state = self._state()
        counts = _Counts()
        try:
            with self._http(state.server_url) as http:
                self._push(http, state.device_token, counts)
                self._pull(http, state.device_token, counts)
        except errors.SyncError as exc:
            self._record_failure(exc.code)
            raise
        except BaseException as exc:
            self._record_failure(f"unexpected_{type(exc).__name__}"[:64])
            raise
        with self.db.session() as session:
            now = utcnow()
            stored = session.get(SyncState, 1)
            if stored is not None:
                stored.last_attempt_at = now
                stored.last_error = ""
            device = session.get(Device, self.db.device_id) or session.scalars(select(Device)).first()
            if device is not None:
                device.last_sync_at = now
            to_review = count_to_review(session)
        summary = SyncSummary(sent=counts.sent, accepted=counts.accepted, duplicates=counts.duplicates,
                              conflicts=counts.conflicts, rejected=counts.rejected, received=counts.received,
                              waiting=self.waiting(), not_stored=counts.not_stored, batches=counts.batches,
                              to_review=to_review)
        log.info("sync done on %s: %s", today.isoformat() if today else "-", summary)
        return summary

    # --- push -----------------------------------------------------------------------------------

    def _push(self, http: httpx.Client, token: str, counts: _Counts) -> None:
        resend = self._saved_batch()
        if resend is not None:
            log.info("resending the unanswered batch %s (sequence %s)", resend[0].batch_id, resend[0].sequence)
            self._send(http, token, resend[0], resend[1], counts)
        records, covers = self._drain()
        if not records:
            return
        with self.db.session() as session:
            first = (session.get(SyncState, 1).push_sequence or 0) + 1  # type: ignore[union-attr]
        for batch in batches(records, self.device_id, first_sequence=first):
            seqs = [covers[(r.table, r.id)] for r in batch.records]
            self._save_batch(batch, seqs)
            self._send(http, token, batch, seqs, counts)

    def _drain(self) -> tuple[list[RecordChange], dict[tuple[str, uuid.UUID], list[int]]]:
        """One record per row with pending entries (its current state), in the order of each row's
        first pending entry (a parent row goes before the rows that refer to it)."""
        records: list[RecordChange] = []
        covers: dict[tuple[str, uuid.UUID], list[int]] = {}
        with self.db.session() as session:
            # the columns needed, not ORM objects: a first sync drains tens of thousands of entries
            entries = session.execute(select(ChangeLog.seq, ChangeLog.table_name, ChangeLog.row_id,
                                             ChangeLog.operation, ChangeLog.hlc)
                                      .where(ChangeLog.state == "pending").order_by(ChangeLog.seq)).all()
            by_row: dict[tuple[str, uuid.UUID], list[Any]] = {}
            for entry in entries:
                by_row.setdefault((entry.table_name, entry.row_id), []).append(entry)
            rows = self._rows(session, by_row)  # a few queries per table, not one per row
            for (table, row_id), row_entries in by_row.items():
                row = rows.get((table, row_id))
                if row is None:
                    log.warning("outbox entry for a row that cannot be read (%s); left pending", table)
                    continue
                inserted = any(e.operation == "insert" for e in row_entries)
                operation = Operation.INSERT if inserted else Operation.UPDATE
                change = change_of(MODELS[table], row, row_entries[-1], operation)
                records.append(change)
                covers[(change.table, change.id)] = [e.seq for e in row_entries]
        return records, covers

    @staticmethod
    def _rows(session: Any, wanted: dict[tuple[str, uuid.UUID], Any]) -> dict[tuple[str, uuid.UUID], Any]:
        """The current rows named by ``wanted``'s keys (table, id), read in chunks per table."""
        ids: dict[str, list[uuid.UUID]] = {}
        for table, row_id in wanted:
            ids.setdefault(table, []).append(row_id)
        found: dict[tuple[str, uuid.UUID], Any] = {}
        for table, table_ids in ids.items():
            model = MODELS.get(table)
            if model is not None:
                found.update(((table, row_id), row) for row_id, row in current_rows(session, model, table_ids).items())
        return found

    def _save_batch(self, batch: PushBatch, seqs: list[list[int]]) -> None:
        """Before sending: the batch as it will travel and the outbox entries it covers."""
        with self.db.session() as session:
            state = session.get(SyncState, 1)
            assert state is not None
            state.pending_batch = json.dumps({"batch": batch.model_dump_json(), "seqs": seqs})
            state.push_sequence = max(state.push_sequence or 0, batch.sequence)

    def _saved_batch(self) -> tuple[PushBatch, list[list[int]]] | None:
        with self.db.session() as session:
            state = session.get(SyncState, 1)
            text = state.pending_batch if state is not None else ""
        if not text:
            return None
        try:
            saved = json.loads(text)
            batch = PushBatch.model_validate_json(saved["batch"])
            seqs = [[int(s) for s in covered] for covered in saved["seqs"]]
            if len(seqs) != len(batch.records):
                raise ValueError("covers do not match the records")
        except (ValueError, KeyError, TypeError, ValidationError):
            # unreadable: its entries are still pending and go out again in a new batch
            log.warning("the saved unanswered batch is unreadable; its changes are sent again in a new batch")
            with self.db.session() as session:
                session.get(SyncState, 1).pending_batch = ""  # type: ignore[union-attr]
            return None
        return batch, seqs

    def _send(self, http: httpx.Client, token: str, batch: PushBatch, seqs: list[list[int]], counts: _Counts) -> None:
        answer = self._call(http, "POST", "/api/v1/push", token=token, message=batch)
        self._raise_for(answer)
        result: PushResult = self._decode(answer, PushResult)
        if result.batch_id != batch.batch_id:
            raise errors.SyncRefused("answer_for_another_batch")
        self._mark(batch, seqs, result, counts)

    def _mark(self, batch: PushBatch, seqs: list[list[int]], result: PushResult, counts: _Counts) -> None:
        """The answer, in one transaction: entries synced or quarantined; the saved batch forgotten."""
        answers = {(r.table, r.id): r for r in result.results}
        synced: list[int] = []
        tally = {outcome: 0 for outcome in Outcome}
        with self.db.session() as session:
            for record, covered in zip(batch.records, seqs):
                answer = answers.get((record.table, record.id))
                if answer is None:
                    continue  # not answered: stays pending, goes out again in the next batch
                tally[answer.outcome] += 1
                if answer.outcome == Outcome.REJECTED:
                    reason = f"{answer.code or 'rejected'}: {answer.message or ''}".strip()
                    session.execute(update(ChangeLog).where(ChangeLog.seq.in_(covered), ChangeLog.state == "pending")
                                    .values(state="rejected", reason=reason[:2000]))
                else:
                    synced.extend(covered)
            for start in range(0, len(synced), MAX_RECORDS):
                chunk = synced[start:start + MAX_RECORDS]
                session.execute(update(ChangeLog).where(ChangeLog.seq.in_(chunk), ChangeLog.state == "pending")
                                .values(state="synced", reason=None))
            state = session.get(SyncState, 1)
            assert state is not None
            state.pending_batch = ""
        counts.batches += 1
        counts.sent += len(batch.records)
        counts.accepted += tally[Outcome.ACCEPTED]
        counts.duplicates += tally[Outcome.DUPLICATE]
        counts.conflicts += tally[Outcome.CONFLICT]
        counts.rejected += tally[Outcome.REJECTED]
        if tally[Outcome.REJECTED]:
            log.warning("%s records of batch %s were rejected and set aside", tally[Outcome.REJECTED], batch.sequence)

    # --- pull -----------------------------------------------------------------------------------

    def _pull(self, http: httpx.Client, token: str, counts: _Counts) -> None:
        """Pages from the stored cursor. The server's feed holds each row's current version in the order
        of its last change, so a row may come before the row it refers to (a parent edited later): a
        record the database refuses is tried again after each later page, and the stored cursor stays
        before it until it is stored, so a sync cut short pulls it again. What still cannot be stored
        when the feed is exhausted is counted in ``not_stored`` (it stays on the server) and passed."""
        with self.db.session() as session:
            cursor = session.get(SyncState, 1).pull_cursor or 0  # type: ignore[union-attr]
        outstanding: list[RecordChange] = []
        for _page in range(MAX_PULL_PAGES):
            answer = self._call(http, "GET", "/api/v1/pull", token=token,
                                params={"cursor": cursor, "limit": MAX_RECORDS, "include": "conflicts"})
            self._raise_for(answer)
            page: PullPage = self._decode(answer, PullPage)
            last_page = not page.more or page.cursor == cursor
            outstanding = store_page(self.db, page.records, outstanding, page.cursor, counts, final=last_page)
            cursor = page.cursor
            if last_page:
                break
        if counts.skipped_tables:
            log.warning("pulled records of tables this build does not know: %s", sorted(counts.skipped_tables))


__all__ = ["SyncClient", "SyncSummary", "check_server_url", "next_delay"]
