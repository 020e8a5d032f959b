"""Alembic environment: always run on a connection handed in by ``migrate.py``
(``jupyter devinterview db upgrade`` and ``db revision``), never by the alembic command,
which would need an alembic.ini naming the database and the version table."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext

from devinterview_jupyter.db import models
from devinterview_jupyter.db.migrate import VERSION_TABLE

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations with `jupyter devinterview db upgrade`, and write one with "
        "`jupyter devinterview db revision -m MESSAGE` (docs/migrations.md), not with the "
        "alembic command"
    )


def render_item(kind: str, value: Any, autogen: AutogenContext) -> str | Literal[False]:
    """Our own column types (UTCDateTime) by name, with their import: alembic would write
    their module's dotted path and no import."""
    if kind == "type" and type(value).__module__ == models.__name__:
        name = type(value).__name__
        autogen.imports.add(f"from {models.__name__} import {name}")
        return f"{name}()"
    return False  # alembic's own rendering


context.configure(
    connection=connection,
    target_metadata=models.Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
