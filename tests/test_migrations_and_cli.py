"""Migrations build exactly the schema the models describe; the CLI applies them by hand."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from devinterview_jupyter.db import migrate
from devinterview_jupyter.db.engine import create_engine
from devinterview_jupyter.db.models import Base
from devinterview_jupyter.db.url import normalize_database_url


def _engine(url: str):
    return create_engine(
        normalize_database_url(url), connect_timeout=5, statement_timeout=30, pool_size=1
    )


async def _drop_all(engine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {migrate.VERSION_TABLE}")


async def test_migrations_match_models_and_are_repeatable(devinterview_database_url):
    engine = _engine(devinterview_database_url)
    try:
        await _drop_all(engine)
        assert await migrate.upgrade(engine) == migrate.head_revision()
        assert await migrate.upgrade(engine) == migrate.head_revision()

        def diff(conn):
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "version_table": migrate.VERSION_TABLE}
            )
            return compare_metadata(context, Base.metadata)

        async with engine.connect() as conn:
            assert await conn.run_sync(diff) == []
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert {
            "devinterview_sessions",
            "devinterview_invites",
            "devinterview_room_updates",
            migrate.VERSION_TABLE,
        } <= tables
        assert "alembic_version" not in tables
    finally:
        await engine.dispose()


def cli() -> list[str]:
    exe = shutil.which("jupyter-devinterview", path=str(Path(sys.executable).parent))
    assert exe, "jupyter-devinterview is not installed: run `pip install -e .[test]`"
    return [exe]


def run_cli(args: list[str], tmp_path: Path, env: dict[str, str] | None = None) -> str:
    full_env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        **(env or {}),
    }
    if not env or "DATABASE_URL" not in env:
        full_env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [*cli(), *args], capture_output=True, text=True, env=full_env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_cli_upgrade_and_current(devinterview_database_url, tmp_path):
    engine = _engine(devinterview_database_url)
    try:
        await _drop_all(engine)
    finally:
        await engine.dispose()
    before = run_cli(["db", "current", "--database-url", devinterview_database_url], tmp_path)
    assert "at None" in before and "needs `jupyter devinterview db upgrade`" in before
    out = run_cli(["db", "upgrade", "--database-url", devinterview_database_url], tmp_path)
    assert f"at revision {migrate.head_revision()}" in out
    after = run_cli(["db", "current", "--database-url", devinterview_database_url], tmp_path)
    assert "up to date" in after


def test_cli_reads_server_config_and_environment(tmp_path):
    from_config = tmp_path / "from-config.db"
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "jupyter_server_config.py").write_text(
        f"c.DevInterviewApp.database_url = 'sqlite:///{from_config}'\n"
    )
    out = run_cli(["db", "upgrade"], tmp_path)
    assert str(from_config) in out
    assert from_config.exists()

    from_env = tmp_path / "from-env.db"
    (tmp_path / "config" / "jupyter_server_config.py").unlink()
    out = run_cli(["db", "upgrade"], tmp_path, env={"DATABASE_URL": f"sqlite:///{from_env}"})
    assert str(from_env) in out
    assert from_env.exists()

    out = run_cli(["db", "upgrade"], tmp_path)
    default = tmp_path / "data" / "devinterview" / "devinterview.db"
    assert str(default) in out
    assert default.exists()
