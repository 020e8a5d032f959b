"""Apply the Alembic migrations shipped with the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

VERSION_TABLE = "devinterview_alembic_version"
# Single-user servers of one hub share a database and start together: serialise upgrades.
_PG_ADVISORY_LOCK_KEY = 0x44455649  # "DEVI"

_SCRIPT_LOCATION = str(Path(__file__).parent / "migrations")


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", _SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _current_revision(connection: Connection) -> str | None:
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(_current_revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> str | None:
    """Upgrade the schema to ``revision``; returns the revision now in place."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text(f"SELECT pg_advisory_xact_lock({_PG_ADVISORY_LOCK_KEY})"))

        def _run(sync_conn: Connection) -> str | None:
            command.upgrade(_alembic_config(sync_conn), revision)
            return _current_revision(sync_conn)

        return await conn.run_sync(_run)
