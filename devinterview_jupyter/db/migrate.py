"""Apply the Alembic migrations shipped with the package, and write new ones
(docs/migrations.md)."""

from __future__ import annotations

import importlib.util
import re
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.ext.asyncio import AsyncEngine

VERSION_TABLE = "devinterview_alembic_version"
# Single-user servers of one hub share a database and start together: serialise upgrades.
_PG_ADVISORY_LOCK_KEY = 0x44455649  # "DEVI"

_SCRIPT_LOCATION = str(Path(__file__).parent / "migrations")
VERSIONS_DIR = Path(_SCRIPT_LOCATION) / "versions"
# Revisions are numbered, and their files named "0008_what_it_does.py".
_FILE_TEMPLATE = "%(rev)s_%(slug)s"
_NUMBERED = re.compile(r"^\d{4}$")


def alembic_config(connection: Connection | None = None, versions: Path | None = None) -> Config:
    """Alembic's settings for our migrations (``versions``: another folder of them)."""
    config = Config()
    config.set_main_option("script_location", _SCRIPT_LOCATION)
    if versions is not None:
        # One folder: a path holding a space or a comma is not split.
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", str(versions))
    # Alembic's own interpolation would read "%(rev)s" as a setting: doubled, it is kept.
    config.set_main_option("file_template", _FILE_TEMPLATE.replace("%", "%%"))
    if importlib.util.find_spec("ruff") is not None:
        # A new revision is written in the project's style (ruff is a dev dependency);
        # only imports are sorted: an empty revision keeps `op` and `sa` for its author.
        hooks = {
            "hooks": "ruff_fix, ruff_format",
            "ruff_fix.type": "module",
            "ruff_fix.module": "ruff",
            "ruff_fix.options": "check --select I --fix --quiet REVISION_SCRIPT_FILENAME",
            "ruff_format.type": "module",
            "ruff_format.module": "ruff",
            "ruff_format.options": "format --quiet REVISION_SCRIPT_FILENAME",
        }
        for name, value in hooks.items():
            config.set_section_option("post_write_hooks", name, value)
    config.attributes["connection"] = connection
    return config


def head_revision(versions: Path | None = None) -> str | None:
    return ScriptDirectory.from_config(alembic_config(versions=versions)).get_current_head()


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
            command.upgrade(alembic_config(sync_conn), revision)
            return _current_revision(sync_conn)

        return await conn.run_sync(_run)


def next_revision_id(versions: Path | None = None) -> str:
    """The number after the newest revision's, as four digits."""
    head = head_revision(versions)
    if head is None:
        return "0001"
    if not _NUMBERED.match(head):
        raise ValueError(f"the newest revision {head!r} is not numbered like 0007")
    return f"{int(head) + 1:04d}"


def new_revision(message: str, *, autogenerate: bool, versions: Path | None = None) -> Path:
    """Write the next revision into ``versions`` (default: the package's) and return it.

    With ``autogenerate`` its operations are what the models (db/models.py) hold beyond
    the schema the existing migrations build, compared on a scratch SQLite database
    upgraded to the newest revision; otherwise its upgrade and downgrade are empty.
    """
    check_revision_message(message)
    rev_id = next_revision_id(versions)
    if not autogenerate:
        script = command.revision(alembic_config(versions=versions), message, rev_id=rev_id)
        return _path_of(script)
    with tempfile.TemporaryDirectory(prefix="devinterview-revision-") as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        try:
            with engine.begin() as connection:
                config = alembic_config(connection, versions)
                command.upgrade(config, "head")
                script = command.revision(config, message, autogenerate=True, rev_id=rev_id)
        finally:
            engine.dispose()
    return _path_of(script)


def check_revision_message(message: str) -> None:
    """Refuse a message that would not stay a docstring in the written file.

    The template puts it between triple quotes as it is: quotes or backslashes there
    would leave a broken migration in the versions folder, which every later upgrade
    loads.
    """
    if not message.strip():
        raise ValueError("a revision needs a message (-m)")
    if '"' in message or "\\" in message or not message.isprintable():
        raise ValueError(
            "a revision message may not hold quotes, backslashes or control characters"
        )


def _path_of(script: object) -> Path:
    # command.revision returns one Script (a list only when it writes several heads).
    path = getattr(script, "path", None)
    if not isinstance(path, str):
        raise RuntimeError("alembic wrote no revision")
    return Path(path)
