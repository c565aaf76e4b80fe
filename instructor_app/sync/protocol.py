"""Sync protocol v1: the messages shared by the app's client and the Probation receiving service
(``docs/sync-protocol.md`` is their prose), and the body encoding with its size limits.

Nothing here does I/O: a body comes in as bytes and leaves as bytes, so the same checks run in the
client, the server and the tests.
"""

from __future__ import annotations

import gzip
import io
import json
import uuid
from enum import StrEnum
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-Instructor-Protocol"
MAX_RECORDS = 500
MAX_BATCH_BYTES = 256 * 1024          # the JSON of a batch before compression
MAX_COMPRESSED_BYTES = 256 * 1024     # what the server reads from the wire
MAX_DECOMPRESSED_BYTES = 4 * 1024 * 1024
COMPRESS_ABOVE = 1024
HLC_PATTERN = r"^\d{15}-\d{9}-[0-9a-f]{1,32}$"
CONFLICT_TABLE = "sync_conflict"      # pull feed entries that carry a kept losing version (§5)


class ProtocolError(Exception):
    """A body the other side must not accept; ``code`` is the machine-readable reason."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class Operation(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RecordChange(Message):
    table: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    id: uuid.UUID
    row_version: int = Field(ge=1)
    hlc: str = Field(pattern=HLC_PATTERN)
    operation: Operation
    data: dict[str, Any]


class PushBatch(Message):
    batch_id: uuid.UUID
    device_id: uuid.UUID
    sequence: int = Field(ge=1)
    records: list[RecordChange] = Field(min_length=1, max_length=MAX_RECORDS)


class RecordResult(Message):
    table: str
    id: uuid.UUID
    outcome: Outcome
    winner_hlc: str | None = None
    winner_device: uuid.UUID | None = None
    code: str | None = None
    message: str | None = None


class PushResult(Message):
    batch_id: uuid.UUID
    results: list[RecordResult]


class ConflictNotice(BaseModel):
    """The ``data`` of a pull record of table ``CONFLICT_TABLE`` (its ``id`` is the server's conflict id):
    a version that lost a concurrent edit, kept by the server, for the centre's laptops to review.

    Unknown keys are ignored (a newer server may add some); an older app skips the whole table as
    unknown, like any table it does not know."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    table: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    row_id: uuid.UUID
    losing_device: uuid.UUID
    losing_device_name: str = Field(default="", max_length=200)
    losing_hlc: str = Field(pattern=HLC_PATTERN)
    losing_row_version: int = Field(ge=1)
    losing_operation: Operation
    losing_data: dict[str, Any]
    winning_device: uuid.UUID
    winning_device_name: str = Field(default="", max_length=200)
    winning_hlc: str = Field(pattern=HLC_PATTERN)
    kept_at: AwareDatetime


class PullPage(Message):
    records: list[RecordChange] = Field(max_length=MAX_RECORDS)
    cursor: int = Field(ge=0)
    more: bool


class EnrolRequest(Message):
    code: str = Field(min_length=6, max_length=64)
    device_id: uuid.UUID
    device_name: str = Field(max_length=200)
    app_version: str = Field(max_length=40)


class EnrolResponse(Message):
    device_token: str = Field(min_length=32)
    centre_id: uuid.UUID
    server_id: uuid.UUID


class ErrorBody(Message):
    code: Literal["protocol_version", "payload_too_large", "malformed", "device_revoked", "enrol_code_invalid",
                  "forbidden_centre", "rate_limited"]
    detail: str = ""
    supported: list[int] | None = None


# --- bodies ------------------------------------------------------------------------------------

def encode(message: Message) -> tuple[bytes, dict[str, str]]:
    """JSON of a message, gzip-compressed above 1 KB; with the headers to send along."""
    raw = message.model_dump_json().encode("utf-8")
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Content-Type": "application/json"}
    if len(raw) > COMPRESS_ABOVE:
        headers["Content-Encoding"] = "gzip"
        return gzip.compress(raw, compresslevel=6, mtime=0), headers
    return raw, headers


def _gunzip_bounded(body: bytes) -> bytes:
    """Decompress at most MAX_DECOMPRESSED_BYTES; a bigger result is refused, never built in memory."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            while chunk := stream.read(64 * 1024):
                out.write(chunk)
                if out.tell() > MAX_DECOMPRESSED_BYTES:
                    raise ProtocolError("payload_too_large", "decompressed body over the limit")
    except (OSError, EOFError) as exc:
        raise ProtocolError("malformed", f"not gzip: {type(exc).__name__}") from None
    return out.getvalue()


def decode(body: bytes, headers: dict[str, str], model: type[Message]) -> Message:
    """Check the protocol version and the size, decompress within limits, validate the schema."""
    lowered = {k.lower(): v for k, v in headers.items()}
    version = lowered.get(PROTOCOL_HEADER.lower())
    if version != str(PROTOCOL_VERSION):
        raise ProtocolError("protocol_version", f"got {version!r}")
    if len(body) > MAX_COMPRESSED_BYTES and lowered.get("content-encoding") == "gzip":
        raise ProtocolError("payload_too_large", "compressed body over the limit")
    if lowered.get("content-encoding") == "gzip":
        body = _gunzip_bounded(body)
    elif len(body) > MAX_BATCH_BYTES * 2:
        raise ProtocolError("payload_too_large", "body over the limit")
    try:
        return model.model_validate(json.loads(body))
    except (ValueError, ValidationError) as exc:
        raise ProtocolError("malformed", type(exc).__name__) from None


def batches(records: list[RecordChange], device_id: uuid.UUID, first_sequence: int) -> list[PushBatch]:
    """Cut records into batches of at most MAX_RECORDS and MAX_BATCH_BYTES (a single record larger
    than the byte limit still travels, alone)."""
    found: list[PushBatch] = []
    current: list[RecordChange] = []
    size = 0
    for record in records:
        record_size = len(record.model_dump_json())
        if current and (len(current) == MAX_RECORDS or size + record_size > MAX_BATCH_BYTES):
            found.append(PushBatch(batch_id=uuid.uuid4(), device_id=device_id,
                                   sequence=first_sequence + len(found), records=current))
            current, size = [], 0
        current.append(record)
        size += record_size
    if current:
        found.append(PushBatch(batch_id=uuid.uuid4(), device_id=device_id, sequence=first_sequence + len(found),
                               records=current))
    return found
