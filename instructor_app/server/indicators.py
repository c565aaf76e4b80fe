"""``GET /api/v1/indicators``: the programme's indicators by centre, oblast and period, computed from
the rows the laptops pushed by the same core function as the app's Today page and reports
(``instructor_app.indicators``: the definitions live there, nowhere else).

For each centre, the current version of its participant, referral, status change, attendance,
session and follow-up rows (``record`` rows of those tables; a deleted row — operation ``delete``
or a ``deleted_at`` tombstone — does not count) become ``ParticipantRecord``s through
``records_from_rows``, as on a laptop. The self-assessment change stays null: the server does not
score questionnaires. Oblast and overall totals are computed over the union of their centres' records.

Who sees what: a Probation *viewer* token (``instructor-app server viewer add NAME``) sees every
centre; a *device* token sees its own centre only (asking for another centre is ``403``). Unknown or
revoked tokens are ``401``; a query that does not make sense is ``422`` with the reason.
Errors are ``{"code": …, "detail": …}``. The answer is plain JSON (not gzip-encoded, no protocol
header needed): it is read by the department's tools as well as by laptops.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from instructor_app.domain.regions import Region
from instructor_app.indicators import (
    INDICATOR_TABLES,
    Breakdown,
    Indicators,
    ParticipantRecord,
    Period,
    PeriodKind,
    compute_indicators,
    period_for,
    records_from_rows,
)
from instructor_app.server import admin
from instructor_app.server.db import Centre, Database, Record

if TYPE_CHECKING:
    from instructor_app.server.app import RateLimiter

PATH = "/api/v1/indicators"
ERROR_STATUS = {"unauthorized": 401, "forbidden_centre": 403, "invalid_query": 422, "rate_limited": 429}


# --- the answer ----------------------------------------------------------------------------------

class BreakdownOut(BaseModel):
    total: int
    by_component: dict[str, int]
    by_gender: dict[str, int]
    by_component_gender: dict[str, dict[str, int]]


class IndicatorsOut(BaseModel):
    participants: int
    counts: dict[str, BreakdownOut]
    completion_rate: float | None
    completion_rate_by_component: dict[str, float | None]
    self_assessment_change: float | None
    as_of: dt.date | None


class PeriodOut(BaseModel):
    kind: PeriodKind
    start: dt.date
    end: dt.date


class CentreIndicators(BaseModel):
    centre_id: uuid.UUID
    name: str
    oblast: str
    indicators: IndicatorsOut


class OblastIndicators(BaseModel):
    oblast: str
    centres: int
    indicators: IndicatorsOut


class IndicatorsReport(BaseModel):
    """The indicators of each centre the token may see (after the filters), per oblast and overall."""

    period: PeriodOut
    centres: list[CentreIndicators]
    oblasts: list[OblastIndicators]
    total: IndicatorsOut


class IndicatorsError(BaseModel):
    code: Literal["unauthorized", "forbidden_centre", "invalid_query", "rate_limited"]
    detail: str = ""


class IndicatorsRefused(Exception):
    def __init__(self, code: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail, self.headers = code, detail, headers or {}

    def response(self) -> JSONResponse:
        body = IndicatorsError(code=self.code, detail=self.detail)  # type: ignore[arg-type]
        headers = {"WWW-Authenticate": "Bearer"} if self.code == "unauthorized" else {}
        return JSONResponse(body.model_dump(), status_code=ERROR_STATUS[self.code], headers={**headers, **self.headers})


def _breakdown(found: Breakdown) -> BreakdownOut:
    return BreakdownOut(total=found.total, by_component=dict(found.by_component), by_gender=dict(found.by_gender),
                        by_component_gender={c: dict(g) for c, g in found.by_component_gender.items()})


def indicators_out(found: Indicators) -> IndicatorsOut:
    return IndicatorsOut(participants=found.participants,
                         counts={key: _breakdown(b) for key, b in found.counts.items()},
                         completion_rate=found.completion_rate,
                         completion_rate_by_component=dict(found.completion_rate_by_component),
                         self_assessment_change=found.self_assessment_change, as_of=found.as_of)


# --- the query -----------------------------------------------------------------------------------

def _date(name: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise IndicatorsRefused("invalid_query", f"'{name}' must be a date written YYYY-MM-DD, not {text!r}") from None


def parse_period(kind: str, on: str | None, start: str | None, end: str | None, today: dt.date) -> Period:
    """The period a query names, or ``IndicatorsRefused('invalid_query')`` saying what is wrong."""
    kinds = [k.value for k in PeriodKind]
    if kind not in kinds:
        raise IndicatorsRefused("invalid_query", f"'period' must be one of {', '.join(kinds)}, not {kind!r}")
    if kind != PeriodKind.CUSTOM:
        if start is not None or end is not None:
            raise IndicatorsRefused("invalid_query", "'from' and 'to' go with period=custom; use 'on' for a "
                                                     "month, quarter or year")
        return period_for(PeriodKind(kind), _date("on", on) if on else today)
    if start is None or end is None:
        raise IndicatorsRefused("invalid_query", "period=custom needs 'from' and 'to' (YYYY-MM-DD)")
    first, last = _date("from", start), _date("to", end)
    if last < first:
        raise IndicatorsRefused("invalid_query", f"'to' ({last}) is before 'from' ({first})")
    return Period(PeriodKind.CUSTOM, first, last)


def parse_filters(centre: str | None, oblast: str | None) -> tuple[uuid.UUID | None, str | None]:
    centre_id = None
    if centre is not None:
        try:
            centre_id = uuid.UUID(centre)
        except ValueError:
            raise IndicatorsRefused("invalid_query", f"'centre' must be a centre id, not {centre!r}") from None
    regions = [r.value for r in Region]
    if oblast is not None and oblast not in regions:
        raise IndicatorsRefused("invalid_query", f"'oblast' must be one of {', '.join(regions)}, not {oblast!r}")
    return centre_id, oblast


# --- computing -----------------------------------------------------------------------------------

def centre_records(session: Session, centre_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[ParticipantRecord]]:
    """Each centre's participants as ``ParticipantRecord``s, from one query over the stored rows."""
    ids = list(centre_ids)
    tables: dict[uuid.UUID, dict[str, list[dict]]] = {c: {t: [] for t in INDICATOR_TABLES} for c in ids}
    if ids:
        stored = session.execute(select(Record.centre_id, Record.table_name, Record.row_id, Record.data_json)
                                 .where(Record.table_name.in_(INDICATOR_TABLES), Record.centre_id.in_(ids),
                                        Record.operation != "delete"))
        for centre_id, table, row_id, data_json in stored:
            data = json.loads(data_json)
            data["id"] = str(row_id)
            tables[centre_id][table].append(data)
    return {centre_id: records_from_rows(**rows) for centre_id, rows in tables.items()}  # type: ignore[arg-type]


def build_report(session: Session, period: Period, today: dt.date, *, only_centre: uuid.UUID | None = None,
                 centre: uuid.UUID | None = None, oblast: str | None = None) -> IndicatorsReport:
    """The report for every centre (``only_centre``: a device's own), filtered by ``centre`` and ``oblast``."""
    query = select(Centre).order_by(Centre.region, Centre.name)
    if only_centre is not None:
        if centre is not None and centre != only_centre:
            raise IndicatorsRefused("forbidden_centre", "a laptop's token sees its own centre only")
        query = query.where(Centre.id == only_centre)
    elif centre is not None:
        if session.get(Centre, centre) is None:
            raise IndicatorsRefused("invalid_query", f"there is no centre with id {centre}")
        query = query.where(Centre.id == centre)
    if oblast is not None:
        query = query.where(Centre.region == oblast)
    centres = list(session.scalars(query))
    records = centre_records(session, (c.id for c in centres))

    def compute(found: list[ParticipantRecord]) -> IndicatorsOut:
        return indicators_out(compute_indicators(found, period, today=today))

    by_oblast: dict[str, list[Centre]] = defaultdict(list)
    for item in centres:
        by_oblast[item.region].append(item)
    return IndicatorsReport(
        period=PeriodOut(kind=period.kind, start=period.start, end=period.end),
        centres=[CentreIndicators(centre_id=c.id, name=c.name, oblast=c.region, indicators=compute(records[c.id]))
                 for c in centres],
        oblasts=[OblastIndicators(oblast=region, centres=len(members),
                                  indicators=compute([r for c in members for r in records[c.id]]))
                 for region, members in sorted(by_oblast.items())],
        total=compute([r for c in centres for r in records[c.id]]),
    )


# --- the route -----------------------------------------------------------------------------------

def _errors_doc(*codes: str) -> dict[int | str, dict]:
    return {ERROR_STATUS[c]: {"model": IndicatorsError, "description": c} for c in codes}


def register(app: FastAPI, db: Database, limiter: RateLimiter) -> None:
    """Add ``GET /api/v1/indicators`` to the service (``limiter``: the per-token request budget)."""

    def who(token: str) -> tuple[str, uuid.UUID | None] | None:
        """(rate-limit key, the device's centre or None for a viewer), or None for a bad token."""
        with db.read() as session:
            device = admin.device_for_token(session, token)
            if device is not None:
                return str(device.id), device.centre_id
            viewer = admin.viewer_for_token(session, token)
            return (f"viewer:{viewer.id}", None) if viewer is not None else None

    @app.get(PATH, response_model=None, responses={200: {"model": IndicatorsReport}, **_errors_doc(
        "unauthorized", "forbidden_centre", "invalid_query", "rate_limited")})
    async def indicators(
        request: Request,
        period: Annotated[str, Query(description="month | quarter | year | custom")] = "month",
        on: Annotated[str | None, Query(description="a day of the month, quarter or year (YYYY-MM-DD; "
                                                    "default: today)")] = None,
        start: Annotated[str | None, Query(alias="from", description="period=custom: the first day")] = None,
        end: Annotated[str | None, Query(alias="to", description="period=custom: the last day")] = None,
        centre: Annotated[str | None, Query(description="only this centre (its id)")] = None,
        oblast: Annotated[str | None, Query(description="only the centres of this region key, e.g. osh")] = None,
    ) -> JSONResponse:
        """The programme's indicators (referred, started, attending, completed, dropped out, refused under
        art. 72, follow-ups done and overdue; mandatory and voluntary apart, by gender; the completion rate)
        per centre, per oblast and overall, for a month, quarter, year or any span of days. Definitions:
        ``instructor_app/indicators.py``. A period not over yet is counted up to today (``as_of``)."""
        try:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise IndicatorsRefused("unauthorized", "send 'Authorization: Bearer <viewer or device token>'")
            holder = await run_in_threadpool(who, token.strip())
            if holder is None:
                raise IndicatorsRefused("unauthorized", "unknown or revoked token")
            key, own_centre = holder
            wait = limiter.take(key)
            if wait:
                raise IndicatorsRefused("rate_limited", "too many requests", {"Retry-After": str(int(wait) + 1)})
            today = dt.date.today()
            chosen = parse_period(period, on, start, end, today)
            centre_id, region = parse_filters(centre, oblast)

            def work() -> IndicatorsReport:
                with db.read() as session:
                    return build_report(session, chosen, today, only_centre=own_centre, centre=centre_id,
                                        oblast=region)

            report = await run_in_threadpool(work)
        except IndicatorsRefused as refused:
            return refused.response()
        return JSONResponse(report.model_dump(mode="json"))
