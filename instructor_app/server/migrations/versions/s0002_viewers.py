"""Probation viewers: tokens that read the indicators of every centre (``GET /api/v1/indicators``);
only each token's SHA-256 is stored.

Revision ID: s0002
Revises: s0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from instructor_app.server.db import UTCTimestamp

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "viewer",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCTimestamp(), nullable=False),
        sa.Column("revoked_at", UTCTimestamp(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("viewer")
