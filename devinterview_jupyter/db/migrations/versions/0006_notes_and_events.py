"""Interviewers' private notes (their own Yjs log) and integrity events.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from devinterview_jupyter.db.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _serial() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "devinterview_note_updates",
        sa.Column("id", _serial(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("origin", sa.String(32), nullable=True),
        sa.Column("upto", _serial(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["devinterview_sessions.id"],
            name="fk_devinterview_note_updates_session",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_devinterview_note_updates"),
    )
    op.create_index(
        "ix_devinterview_note_updates_session_seq",
        "devinterview_note_updates",
        ["session_id", "id"],
    )
    op.create_table(
        "devinterview_session_events",
        sa.Column("id", _serial(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("participant", sa.String(300), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["devinterview_sessions.id"],
            name="fk_devinterview_session_events_session",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_devinterview_session_events"),
    )
    op.create_index(
        "ix_devinterview_session_events_session",
        "devinterview_session_events",
        ["session_id", "id"],
    )


def downgrade() -> None:
    op.drop_table("devinterview_session_events")
    op.drop_table("devinterview_note_updates")
