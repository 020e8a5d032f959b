"""Alembic environment: always run on a connection handed in by ``migrate.py``."""

from __future__ import annotations

from alembic import context

from devinterview_jupyter.db.migrate import VERSION_TABLE
from devinterview_jupyter.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations with `jupyter devinterview db upgrade`, not the alembic command"
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
