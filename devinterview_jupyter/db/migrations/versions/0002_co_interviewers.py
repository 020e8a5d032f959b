"""Co-interviewers of a session.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from devinterview_jupyter.db.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devinterview_co_interviewers",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("added_by", sa.String(255), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["devinterview_sessions.id"],
            name="fk_devinterview_co_interviewers_session",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "username", name="pk_devinterview_co_interviewers"),
    )
    op.create_index(
        "ix_devinterview_co_interviewers_username",
        "devinterview_co_interviewers",
        ["username"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("devinterview_co_interviewers")
