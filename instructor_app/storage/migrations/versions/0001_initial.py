"""Centres, facilitators, this device, and the change log (outbox).

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from instructor_app.storage.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _synced_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "centre",
        *_synced_columns(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
    )
    op.create_table(
        "facilitator",
        *_synced_columns(),
        sa.Column("centre_id", sa.Uuid(), sa.ForeignKey("centre.id"), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("gender", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("centre_id", sa.Uuid(), sa.ForeignKey("centre.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_sync_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "change_log",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("change_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("operation", sa.String(8), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("hlc", sa.String(64), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
    )
    op.create_index("ix_change_log_state_seq", "change_log", ["state", "seq"])
    op.create_index("ix_change_log_row", "change_log", ["table_name", "row_id"])


def downgrade() -> None:
    op.drop_table("change_log")
    op.drop_table("device")
    op.drop_table("facilitator")
    op.drop_table("centre")
