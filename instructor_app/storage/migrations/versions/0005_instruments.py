"""Instruments: stored versions, responses and their answers, partner reports (apart) and answers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from instructor_app.storage.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('instrument_version',
    sa.Column('instrument_key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('respondent', sa.String(length=16), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('file_name', sa.String(length=260), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instrument_key', 'version', name='uq_instrument_version')
    )
    op.create_table('partner_report',
    sa.Column('participant_id', sa.Uuid(), nullable=False),
    sa.Column('instrument_version_id', sa.Uuid(), nullable=False),
    sa.Column('time_point', sa.String(length=16), nullable=False),
    sa.Column('contact_mode', sa.String(length=16), nullable=False),
    sa.Column('contacted_on', sa.Date(), nullable=False),
    sa.Column('completed_at', UTCDateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_version.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_partner_report_participant', 'partner_report', ['participant_id'], unique=False)
    op.create_table('partner_answer',
    sa.Column('report_id', sa.Uuid(), nullable=False),
    sa.Column('item_key', sa.String(length=48), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['partner_report.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_partner_answer_report', 'partner_answer', ['report_id'], unique=False)
    op.create_table('response',
    sa.Column('participant_id', sa.Uuid(), nullable=False),
    sa.Column('instrument_version_id', sa.Uuid(), nullable=False),
    sa.Column('time_point', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('completed_at', UTCDateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_version.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['programme_session.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_response_participant', 'response', ['participant_id'], unique=False)
    op.create_table('answer',
    sa.Column('response_id', sa.Uuid(), nullable=False),
    sa.Column('item_key', sa.String(length=48), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_answer_response', 'answer', ['response_id'], unique=False)


def downgrade() -> None:
    op.drop_table("answer")
    op.drop_table("response")
    op.drop_table("partner_answer")
    op.drop_table("partner_report")
    op.drop_table("instrument_version")
