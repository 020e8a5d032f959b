"""`jupyter devinterview db revision` writes the next migration (docs/migrations.md).

Each test extends a copy of the package's migrations (``--versions``), never the package
itself. The migration written for a model change is applied to the test's database and
rolled back, on each backend.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, inspect

from devinterview_jupyter.db import migrate
from devinterview_jupyter.db.engine import create_engine
from devinterview_jupyter.db.url import normalize_database_url


@pytest.fixture
def versions(tmp_path: Path) -> Path:
    """A copy of the package's migrations."""
    copy = tmp_path / "versions"
    shutil.copytree(migrate.VERSIONS_DIR, copy, ignore=shutil.ignore_patterns("__*"))
    return copy


def revision(
    tmp_path: Path, *args: str, model_change: str = ""
) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own; ``model_change`` runs first (to change the
    models as a developer would have in db/models.py)."""
    code = textwrap.dedent(model_change) + textwrap.dedent(
        """
        import sys
        from devinterview_jupyter.cli import main
        main(sys.argv[1:])
        """
    )
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    return subprocess.run(
        [sys.executable, "-c", code, "db", "revision", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_with_the_models_unchanged_the_revision_is_empty(tmp_path: Path, versions: Path) -> None:
    head = migrate.head_revision()
    assert head is not None
    done = revision(tmp_path, "-m", "Nothing new", "--versions", str(versions))
    assert done.returncode == 0, done.stderr
    written = versions / f"{int(head) + 1:04d}_nothing_new.py"
    assert f"wrote {written}" in done.stdout
    source = written.read_text()
    assert f'down_revision = "{head}"' in source
    assert "op." not in source  # no operation: the migrations build what the models say
    assert migrate.head_revision(versions) == f"{int(head) + 1:04d}"


def test_an_empty_revision_is_numbered_after_the_newest(tmp_path: Path, versions: Path) -> None:
    first = revision(tmp_path, "-m", "Backfill names", "--empty", "--versions", str(versions))
    second = revision(tmp_path, "--message=Then more", "--empty", "--versions", str(versions))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    head = int(migrate.head_revision() or 0)
    newest = versions / f"{head + 2:04d}_then_more.py"
    assert f'down_revision = "{head + 1:04d}"' in newest.read_text()
    # Ready to fill in: op and sa are there for its author.
    assert "from alembic import op" in newest.read_text()


def test_a_revision_needs_a_message(tmp_path: Path, versions: Path) -> None:
    before = sorted(versions.iterdir())
    done = revision(tmp_path, "--versions", str(versions))
    assert done.returncode == 2
    assert "-m" in done.stderr
    assert sorted(versions.iterdir()) == before


@pytest.mark.parametrize(
    "message", ['ends the docstring """ early', "a \\ backslash", "two\nlines"]
)
def test_a_message_that_would_break_the_file_is_refused_and_nothing_written(
    versions: Path, message: str
) -> None:
    before = sorted(versions.iterdir())
    with pytest.raises(ValueError, match="revision message"):
        migrate.new_revision(message, autogenerate=False, versions=versions)
    assert sorted(versions.iterdir()) == before
    # The newest revision still loads: no broken file left behind.
    assert migrate.head_revision(versions) == migrate.head_revision()


def test_the_alembic_command_is_refused_with_directions() -> None:
    # Without the connection migrate.py hands in, env.py stops before touching anything.
    with pytest.raises(RuntimeError, match="db revision"):
        command.upgrade(migrate.alembic_config(), "head")


ADD_COLUMN = """
    import sqlalchemy as sa
    from devinterview_jupyter.db.models import InterviewSession, UTCDateTime
    InterviewSession.__table__.append_column(sa.Column("reviewed_at", UTCDateTime()))
"""


async def test_a_model_change_becomes_a_migration_that_runs_both_ways(
    devinterview_database_url: str, tmp_path: Path, versions: Path
) -> None:
    done = revision(
        tmp_path, "-m", "Add reviewed_at", "--versions", str(versions), model_change=ADD_COLUMN
    )
    assert done.returncode == 0, done.stderr
    head = migrate.head_revision()
    new = f"{int(head or 0) + 1:04d}"
    source = (versions / f"{new}_add_reviewed_at.py").read_text()
    assert "from devinterview_jupyter.db.models import UTCDateTime" in source
    assert "UTCDateTime()" in source

    engine = create_engine(
        normalize_database_url(devinterview_database_url),
        connect_timeout=5,
        statement_timeout=60,
        pool_size=1,
    )

    def upgrade(connection: Connection) -> list[str]:
        command.upgrade(migrate.alembic_config(connection, versions), "head")
        return [c["name"] for c in inspect(connection).get_columns("devinterview_sessions")]

    def downgrade(connection: Connection) -> list[str]:
        command.downgrade(migrate.alembic_config(connection, versions), head or "base")
        return [c["name"] for c in inspect(connection).get_columns("devinterview_sessions")]

    try:
        async with engine.begin() as connection:
            assert "reviewed_at" in await connection.run_sync(upgrade)
        assert await migrate.current_revision(engine) == new
    finally:
        # Back to the package's newest revision: the database is shared with later tests.
        async with engine.begin() as connection:
            columns = await connection.run_sync(downgrade)
        assert await migrate.current_revision(engine) == head
        await engine.dispose()
    assert "reviewed_at" not in columns
