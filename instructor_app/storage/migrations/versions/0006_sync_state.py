"""Sync: this device's link to the Probation server, and the server's reason for a rejected change.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from instructor_app.storage.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("server_url", sa.String(300), nullable=False),
        sa.Column("device_token", sa.String(200), nullable=False),
        sa.Column("remote_centre_id", sa.Uuid(), nullable=True),
        sa.Column("push_sequence", sa.Integer(), nullable=False),
        sa.Column("pull_cursor", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(64), nullable=False),
        sa.Column("pending_batch", sa.Text(), nullable=False),
    )
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.drop_column("reason")
    op.drop_table("sync_state")
