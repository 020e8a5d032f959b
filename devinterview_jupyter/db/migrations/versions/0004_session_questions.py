"""The questions chosen for sessions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from devinterview_jupyter.db.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devinterview_session_questions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("question_id", sa.String(512), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("language", sa.String(32), nullable=False),
        sa.Column("revealed", sa.Integer(), nullable=False),
        sa.Column("chosen_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["devinterview_sessions.id"],
            name="fk_devinterview_session_questions_session",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_devinterview_session_questions"),
    )
    op.create_index(
        "ix_devinterview_session_questions_session",
        "devinterview_session_questions",
        ["session_id", "chosen_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("devinterview_session_questions")
