"""The HTTP API of the receiving service (docs/sync-protocol.md): enrol, push, pull, health.

Bodies in and out go through ``instructor_app.sync.protocol`` (``decode``/``encode``): the version
header, gzip above 1 KB, the size limits and the schemas are the client's. A request body is read
with a hard cap (256 KB on the wire, ``413`` as soon as it is exceeded), and decompression stops at
4 MB, so neither a large body nor a decompression bomb is ever held in memory.

Errors are ``ErrorBody`` JSON: protocol_version 426, payload_too_large 413, malformed 400,
device_revoked 401, enrol_code_invalid and forbidden_centre 403, rate_limited 429.

Rate limits are token buckets **per server process** (in memory): per device for push and pull,
per client address for refused enrolment codes (guessing). With several worker processes the effective limit is the
per-process limit times the number of processes; that is acceptable for a limit whose purpose is
to stop a runaway client, not to meter.

Database work runs in the thread pool (SQLAlchemy is synchronous); every push is one transaction.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from instructor_app import __version__
from instructor_app.server import admin, indicators, store
from instructor_app.server.db import Database, Device
from instructor_app.sync.protocol import (
    MAX_COMPRESSED_BYTES,
    MAX_RECORDS,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    Message,
    ProtocolError,
    PullPage,
    PushBatch,
    PushResult,
    decode,
    encode,
)

log = logging.getLogger("instructor_app.server")

STATUS = {
    "protocol_version": 426,
    "payload_too_large": 413,
    "malformed": 400,
    "device_revoked": 401,
    "enrol_code_invalid": 403,
    "forbidden_centre": 403,
    "rate_limited": 429,
}
ENROL_BODY_CAP = 16 * 1024
MAX_FEED_ID = 2**63 - 1

T = TypeVar("T")


class ApiError(Exception):
    def __init__(self, code: str, detail: str = "", headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.headers = headers or {}


def encoded(message: Message, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body, sent = encode(message)
    return Response(content=body, status_code=status, headers={**sent, **(headers or {})})


def error_response(code: str, detail: str = "", headers: dict[str, str] | None = None) -> Response:
    body = ErrorBody(code=code, detail=detail,  # type: ignore[arg-type]
                     supported=[PROTOCOL_VERSION] if code == "protocol_version" else None)
    return encoded(body, STATUS[code], headers)


class RateLimiter:
    """Token buckets in memory, one per key: ``burst`` requests at once, refilled at ``rate`` per second."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, *, spend: bool = True) -> float:
        """0 when the request may go on (a token is spent unless ``spend`` is false: a mere check),
        otherwise the seconds to wait."""
        with self._lock:
            now = self._clock()
            tokens, stamp = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - stamp) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1 if spend else tokens, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 10_000:  # forget idle keys (full buckets) so the table stays small
                idle = [k for k, (t, s) in self._buckets.items() if t + (now - s) * self.rate >= self.burst]
                for k in idle:
                    del self._buckets[k]
            return (1 - tokens) / self.rate if self.rate > 0 else 3600.0


def _check_protocol(request: Request) -> None:
    version = request.headers.get(PROTOCOL_HEADER)
    if version != str(PROTOCOL_VERSION):
        raise ApiError("protocol_version", f"got {version!r}")


async def _read_body(request: Request, cap: int) -> bytes:
    """The raw body, refused as soon as it exceeds ``cap`` bytes (never read further)."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise ApiError("malformed", "bad Content-Length")
        if int(length) > cap:
            raise ApiError("payload_too_large", "body over the limit")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise ApiError("payload_too_large", "body over the limit")
    return bytes(body)


def _decode(raw: bytes, request: Request, model: type[T]) -> T:
    return decode(raw, dict(request.headers), model)  # type: ignore[arg-type,return-value]


def _body_doc(model: str) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}}}}


def _errors_doc(*codes: str) -> dict[int | str, dict[str, Any]]:
    return {STATUS[c]: {"model": ErrorBody, "description": c} for c in codes}


def create_app(db_url: str, *, rate: float = 2.0, burst: int = 300,
               enrol_rate: float = 0.2, enrol_burst: int = 10) -> FastAPI:
    """The service on the database at ``db_url``, migrated to this build's schema first.

    ``rate``/``burst``: push and pull requests per second per device (``burst`` at once);
    ``enrol_rate``/``enrol_burst``: the same for refused enrolment attempts per client address.
    """
    db = Database(db_url)
    db.upgrade()
    limiter = RateLimiter(rate, burst)
    enrol_limiter = RateLimiter(enrol_rate, enrol_burst)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        db.dispose()

    app = FastAPI(title="Instructor App — Probation receiving service", version=__version__,
                  description="Sync protocol v1 (docs/sync-protocol.md).", lifespan=lifespan, redoc_url=None)
    app.state.db = db

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> Response:
        return error_response(exc.code, exc.detail, exc.headers)

    @app.exception_handler(ProtocolError)
    async def _protocol_error(_request: Request, exc: ProtocolError) -> Response:
        return error_response(exc.code if exc.code in STATUS else "malformed", exc.detail)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        where = ", ".join(".".join(str(p) for p in e.get("loc", ())) for e in exc.errors())
        return error_response("malformed", f"invalid {where}")

    async def authenticate(request: Request) -> uuid.UUID:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError("device_revoked", "no device token")

        def lookup() -> uuid.UUID | None:
            with db.read() as session:
                device = admin.device_for_token(session, token)
                return device.id if device is not None else None

        device_id = await run_in_threadpool(lookup)
        if device_id is None:
            raise ApiError("device_revoked", "unknown or revoked device token")
        wait = limiter.take(str(device_id))
        if wait:
            raise ApiError("rate_limited", "too many requests", {"Retry-After": str(int(wait) + 1)})
        return device_id

    @app.get("/api/v1/health")
    async def health() -> JSONResponse:
        """The protocol versions this server speaks (no authentication, no version header needed)."""
        return JSONResponse({"protocol": [PROTOCOL_VERSION]}, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)})

    @app.post("/api/v1/enrol", openapi_extra=_body_doc("EnrolRequest"),
              responses={200: {"model": EnrolResponse},
                         **_errors_doc("malformed", "enrol_code_invalid", "payload_too_large",
                                       "protocol_version", "rate_limited")})
    async def enrol(request: Request) -> Response:
        """Spend a one-time enrolment code: the device gets its token, its centre and this server's id."""
        _check_protocol(request)
        client = request.client.host if request.client else "unknown"
        wait = enrol_limiter.take(client, spend=False)  # only refused codes spend (guessing)
        if wait:
            raise ApiError("rate_limited", "too many refused enrolment attempts", {"Retry-After": str(int(wait) + 1)})
        raw = await _read_body(request, ENROL_BODY_CAP)

        def work() -> EnrolResponse:
            body = _decode(raw, request, EnrolRequest)
            try:
                with db.write() as session:
                    answer = admin.enrol(session, body)
            except admin.EnrolRefused as exc:
                enrol_limiter.take(client)
                log.info("enrolment refused for device %s: %s", body.device_id, exc)
                raise ApiError("enrol_code_invalid", "the enrolment code is unknown, used or expired") from None
            log.info("device %s enrolled in centre %s", body.device_id, answer.centre_id)
            return answer

        return encoded(await run_in_threadpool(work))

    @app.post("/api/v1/push", openapi_extra=_body_doc("PushBatch"),
              responses={200: {"model": PushResult},
                         **_errors_doc("malformed", "device_revoked", "forbidden_centre", "payload_too_large",
                                       "protocol_version", "rate_limited")})
    async def push(request: Request) -> Response:
        """Apply a batch in one transaction; the answer has one result per record. A batch id already
        received gets its stored answer again and changes nothing."""
        _check_protocol(request)
        device_id = await authenticate(request)
        raw = await _read_body(request, MAX_COMPRESSED_BYTES)

        def work() -> PushResult:
            batch = _decode(raw, request, PushBatch)
            if batch.device_id != device_id:
                raise ApiError("forbidden_centre", "the batch names another device than the token's")
            with db.write() as session:
                device = session.get(Device, device_id)
                if device is None or device.revoked_at is not None:
                    raise ApiError("device_revoked", "unknown or revoked device token")
                try:
                    answer = store.apply_batch(session, device, batch)
                except store.BatchIdTaken:
                    raise ApiError("malformed", "this batch id is already used") from None
            counts: dict[str, int] = {}
            for result in answer.results:
                counts[result.outcome.value] = counts.get(result.outcome.value, 0) + 1
            log.info("batch %s from device %s (sequence %d, %d records): %s", batch.batch_id, device_id,
                     batch.sequence, len(batch.records), counts)
            return answer

        return encoded(await run_in_threadpool(work))

    @app.get("/api/v1/pull", responses={200: {"model": PullPage},
                                        **_errors_doc("malformed", "device_revoked", "protocol_version",
                                                      "rate_limited")})
    async def pull(request: Request,
                   cursor: Annotated[int, Query(ge=0, le=MAX_FEED_ID)] = 0,
                   limit: Annotated[int, Query(ge=1, le=MAX_RECORDS)] = MAX_RECORDS,
                   include: Annotated[str, Query(max_length=200)] = "") -> Response:
        """The centre's changes after ``cursor`` that this device did not write itself; with
        ``include=conflicts``, also the losing versions of concurrent edits, for review (§5)."""
        _check_protocol(request)
        device_id = await authenticate(request)

        def work() -> PullPage:
            with db.read() as session:
                device = session.get(Device, device_id)
                if device is None or device.revoked_at is not None:
                    raise ApiError("device_revoked", "unknown or revoked device token")
                return store.pull(session, device, cursor, limit, conflicts="conflicts" in include.split(","))

        return encoded(await run_in_threadpool(work))

    indicators.register(app, db, limiter)  # GET /api/v1/indicators (device or Probation viewer tokens)

    def openapi() -> dict[str, Any]:
        """The generated schema, plus the request bodies that the handlers read raw (to cap them)."""
        if app.openapi_schema is None:
            from pydantic.json_schema import models_json_schema

            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            _, defs = models_json_schema([(PushBatch, "validation"), (EnrolRequest, "validation")],
                                         ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for name, definition in defs.get("$defs", {}).items():
                components.setdefault(name, definition)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
