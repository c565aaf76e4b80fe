"""The receiving service's first schema: server identity, centres, devices, enrolment codes,
batches (audit + stored answers), records, conflicts and the feed counter.

Revision ID: s0001
Revises:
Create Date: 2026-11-25
"""

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

from instructor_app.server.db import FeedId, UTCTimestamp

revision = "s0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    server_meta = op.create_table(
        "server_meta",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("server_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCTimestamp(), nullable=False),
    )
    op.bulk_insert(server_meta, [{"id": 1, "server_id": uuid.uuid4(), "created_at": dt.datetime.now(dt.timezone.utc)}])
    op.create_table(
        "centre",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("created_at", UTCTimestamp(), nullable=False),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("centre_id", sa.Uuid(), sa.ForeignKey("centre.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("app_version", sa.String(40), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("enrolled_at", UTCTimestamp(), nullable=False),
        sa.Column("revoked_at", UTCTimestamp(), nullable=True),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
    )
    op.create_index("ix_device_centre_id", "device", ["centre_id"])
    op.create_table(
        "enrol_code",
        sa.Column("code_sha256", sa.String(64), primary_key=True),
        sa.Column("centre_id", sa.Uuid(), sa.ForeignKey("centre.id"), nullable=False),
        sa.Column("created_at", UTCTimestamp(), nullable=False),
        sa.Column("expires_at", UTCTimestamp(), nullable=False),
        sa.Column("used_at", UTCTimestamp(), nullable=True),
        sa.Column("used_by", sa.Uuid(), nullable=True),
    )
    op.create_table(
        "batch",
        sa.Column("batch_id", sa.Uuid(), primary_key=True),
        sa.Column("device_id", sa.Uuid(), sa.ForeignKey("device.id"), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCTimestamp(), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
    )
    op.create_index("ix_batch_device_sequence", "batch", ["device_id", "sequence"])
    op.create_table(
        "record",
        sa.Column("table_name", sa.String(64), primary_key=True),
        sa.Column("row_id", sa.Uuid(), primary_key=True),
        sa.Column("centre_id", sa.Uuid(), sa.ForeignKey("centre.id"), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("hlc", sa.String(64), nullable=False),
        sa.Column("device_id", sa.Uuid(), sa.ForeignKey("device.id"), nullable=False),
        sa.Column("operation", sa.String(8), nullable=False),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("feed_seq", FeedId, nullable=False, unique=True),
    )
    op.create_index("ix_record_centre_feed", "record", ["centre_id", "feed_seq"])
    op.create_table(
        "conflict",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("centre_id", sa.Uuid(), sa.ForeignKey("centre.id"), nullable=False),
        sa.Column("losing_device", sa.Uuid(), nullable=False),
        sa.Column("losing_hlc", sa.String(64), nullable=False),
        sa.Column("losing_row_version", sa.Integer(), nullable=False),
        sa.Column("losing_operation", sa.String(8), nullable=False),
        sa.Column("losing_data_json", sa.Text(), nullable=False),
        sa.Column("winning_device", sa.Uuid(), nullable=False),
        sa.Column("winning_hlc", sa.String(64), nullable=False),
        sa.Column("at", UTCTimestamp(), nullable=False),
        sa.Column("reviewed_at", UTCTimestamp(), nullable=True),
    )
    op.create_index("ix_conflict_row", "conflict", ["table_name", "row_id"])
    op.create_index("ix_conflict_centre_reviewed", "conflict", ["centre_id", "reviewed_at"])
    op.create_table(
        "feed_counter",
        sa.Column("id", FeedId, primary_key=True, autoincrement=True),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    for table in ("feed_counter", "conflict", "record", "batch", "enrol_code", "device", "centre", "server_meta"):
        op.drop_table(table)
