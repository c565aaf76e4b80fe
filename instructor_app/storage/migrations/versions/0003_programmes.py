"""Programmes: curriculum versions, groups, sessions and the schedule history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from instructor_app.storage.models import UTCDateTime

revision = "0003"
down_revision = "0002"
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
        "curriculum_version",
        *_synced_columns(),
        sa.Column("curriculum_key", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("component", sa.String(16), nullable=False),
        sa.Column("target_gender", sa.String(16), nullable=False),
        sa.Column("title_ky", sa.String(300), nullable=False),
        sa.Column("title_ru", sa.String(300), nullable=False),
        sa.Column("session_count", sa.Integer(), nullable=False),
        sa.Column("total_minutes", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(260), nullable=False),
        sa.UniqueConstraint("curriculum_key", "version", name="uq_curriculum_version"),
    )
    op.create_table(
        "programme_group",
        *_synced_columns(),
        sa.Column("centre_id", sa.Uuid(), sa.ForeignKey("centre.id"), nullable=False),
        sa.Column("curriculum_version_id", sa.Uuid(), sa.ForeignKey("curriculum_version.id"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("participant_gender", sa.String(16), nullable=False),
        sa.Column("lead_facilitator_id", sa.Uuid(), sa.ForeignKey("facilitator.id"), nullable=False),
        sa.Column("co_facilitator_id", sa.Uuid(), sa.ForeignKey("facilitator.id"), nullable=True),
        sa.Column("pair_exception_reason", sa.Text(), nullable=False),
        sa.Column("room", sa.String(120), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.String(5), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("order_end", sa.Date(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_index("ix_programme_group_centre_start", "programme_group", ["centre_id", "start_date"])
    op.create_table(
        "programme_session",
        *_synced_columns(),
        sa.Column("group_id", sa.Uuid(), sa.ForeignKey("programme_group.id"), nullable=True),
        sa.Column("participant_id", sa.Uuid(), nullable=True),
        sa.Column("curriculum_version_id", sa.Uuid(), sa.ForeignKey("curriculum_version.id"), nullable=False),
        sa.Column("template_key", sa.String(32), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("scheduled_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.String(5), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("room", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("lead_facilitator_id", sa.Uuid(), sa.ForeignKey("facilitator.id"), nullable=False),
        sa.Column("co_facilitator_id", sa.Uuid(), sa.ForeignKey("facilitator.id"), nullable=True),
        sa.Column("cover_reason", sa.Text(), nullable=False),
        sa.Column("is_makeup", sa.Boolean(), nullable=False),
        sa.Column("replaces_session_id", sa.Uuid(), sa.ForeignKey("programme_session.id"), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("actual_start", sa.String(5), nullable=True),
        sa.Column("actual_end", sa.String(5), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
    )
    op.create_index("ix_programme_session_date", "programme_session", ["scheduled_date"])
    op.create_index("ix_programme_session_group", "programme_session", ["group_id", "sequence"])
    op.create_table(
        "schedule_change",
        *_synced_columns(),
        sa.Column("session_id", sa.Uuid(), sa.ForeignKey("programme_session.id"), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("old_date", sa.Date(), nullable=True),
        sa.Column("new_date", sa.Date(), nullable=True),
        sa.Column("old_time", sa.String(5), nullable=True),
        sa.Column("new_time", sa.String(5), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_schedule_change_session", "schedule_change", ["session_id"])


def downgrade() -> None:
    op.drop_table("schedule_change")
    op.drop_table("programme_session")
    op.drop_table("programme_group")
    op.drop_table("curriculum_version")
