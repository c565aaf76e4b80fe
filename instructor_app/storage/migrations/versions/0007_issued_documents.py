"""The register of issued documents (numbers of printed documents and exports).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from instructor_app.storage.models import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_document",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("number", sa.String(40), nullable=False, unique=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("issued_by", sa.Uuid(), nullable=True),
    )
    op.create_index("ix_issued_document_kind_year", "issued_document", ["kind", "year"])


def downgrade() -> None:
    op.drop_index("ix_issued_document_kind_year", "issued_document")
    op.drop_table("issued_document")
