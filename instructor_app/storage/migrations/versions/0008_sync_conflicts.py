"""Sync conflicts to review (received from the server) and the reviews (synced); the clock observed
from the server, kept across a lock.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from instructor_app.storage.models import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("losing_device", sa.Uuid(), nullable=False),
        sa.Column("losing_device_name", sa.String(200), nullable=False),
        sa.Column("losing_hlc", sa.String(64), nullable=False),
        sa.Column("losing_row_version", sa.Integer(), nullable=False),
        sa.Column("losing_operation", sa.String(8), nullable=False),
        sa.Column("losing_data", sa.Text(), nullable=False),
        sa.Column("winning_device", sa.Uuid(), nullable=False),
        sa.Column("winning_device_name", sa.String(200), nullable=False),
        sa.Column("winning_hlc", sa.String(64), nullable=False),
        sa.Column("kept_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_sync_conflict_row", "sync_conflict", ["table_name", "row_id"])
    op.create_table(
        "conflict_review",
        sa.Column("conflict_id", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_conflict_review_conflict", "conflict_review", ["conflict_id"])
    with op.batch_alter_table("sync_state") as batch:
        batch.add_column(sa.Column("observed_hlc", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("sync_state") as batch:
        batch.drop_column("observed_hlc")
    op.drop_index("ix_conflict_review_conflict", "conflict_review")
    op.drop_table("conflict_review")
    op.drop_index("ix_sync_conflict_row", "sync_conflict")
    op.drop_table("sync_conflict")
