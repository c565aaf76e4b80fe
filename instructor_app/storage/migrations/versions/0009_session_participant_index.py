"""An index on a session's participant: individual sessions are read by participant whenever a
participant's record, a group's register or the participant list is read (a full scan of every
session of five years before).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_programme_session_participant", "programme_session", ["participant_id"])


def downgrade() -> None:
    op.drop_index("ix_programme_session_participant", "programme_session")
