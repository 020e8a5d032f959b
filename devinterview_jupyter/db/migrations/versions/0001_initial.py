"""Sessions, invites and the room update log.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from devinterview_jupyter.db.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devinterview_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("language", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("candidate_name", sa.String(200), nullable=True),
        sa.Column("planned_minutes", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("duration_minutes", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_devinterview_sessions"),
    )
    op.create_index(
        "ix_devinterview_sessions_status", "devinterview_sessions", ["status"], unique=False
    )
    op.create_index(
        "ix_devinterview_sessions_created",
        "devinterview_sessions",
        ["created_at", "id"],
        unique=False,
    )
    op.create_table(
        "devinterview_invites",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["devinterview_sessions.id"],
            name="fk_devinterview_invites_session_id_devinterview_sessions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_devinterview_invites"),
        sa.UniqueConstraint("token_hash", name="uq_devinterview_invites_token_hash"),
    )
    op.create_index(
        "ix_devinterview_invites_session_id", "devinterview_invites", ["session_id"], unique=False
    )
    op.create_table(
        "devinterview_room_updates",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["devinterview_sessions.id"],
            name="fk_devinterview_room_updates_session_id_devinterview_sessions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_devinterview_room_updates"),
    )
    op.create_index(
        "ix_devinterview_room_updates_session_seq",
        "devinterview_room_updates",
        ["session_id", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("devinterview_room_updates")
    op.drop_table("devinterview_invites")
    op.drop_table("devinterview_sessions")
