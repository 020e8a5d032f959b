"""Names: the candidate's own name from the lobby, interviewers' display names.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from devinterview_jupyter.db.models import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devinterview_invites") as batch:
        batch.add_column(sa.Column("display_name", sa.String(80), nullable=True))
    op.create_table(
        "devinterview_profiles",
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username", name="pk_devinterview_profiles"),
    )


def downgrade() -> None:
    op.drop_table("devinterview_profiles")
    with op.batch_alter_table("devinterview_invites") as batch:
        batch.drop_column("display_name")
