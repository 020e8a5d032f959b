"""Room log rows say which server wrote them, snapshots which log position they contain.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TABLE = "devinterview_room_updates"


def upgrade() -> None:
    with op.batch_alter_table(_TABLE) as batch:
        batch.add_column(sa.Column("origin", sa.String(32), nullable=True))
        batch.add_column(
            sa.Column("upto", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )
    # Snapshots written by one server held every update stored before them.
    op.execute("UPDATE devinterview_room_updates SET upto = id - 1 WHERE kind = 'snapshot'")


def downgrade() -> None:
    with op.batch_alter_table(_TABLE) as batch:
        batch.drop_column("upto")
        batch.drop_column("origin")
