"""Interviewers' scorecards.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from devinterview_jupyter.db.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devinterview_scorecards",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("interviewer", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("recommendation", sa.String(16), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["devinterview_sessions.id"],
            name="fk_devinterview_scorecards_session",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_devinterview_scorecards"),
        sa.UniqueConstraint(
            "session_id", "interviewer", name="uq_devinterview_scorecards_session_interviewer"
        ),
    )


def downgrade() -> None:
    op.drop_table("devinterview_scorecards")
