"""Pytest fixtures for testing DevInterview against SQLite and a real PostgreSQL.

Use it with ``pytest_plugins = ["pytest_jupyter.jupyter_server",
"devinterview_jupyter.pytest_plugin"]``. Every test that (indirectly) asks for
``devinterview_database_url`` runs once per backend.

Environment:
- ``DEVINTERVIEW_TEST_DATABASES``: comma-separated backends to run, default
  ``sqlite,postgresql``. PostgreSQL is never skipped silently: if it is selected and
  unreachable, its tests fail.
- ``DEVINTERVIEW_TEST_POSTGRES_URL``: an existing database the run may connect to, to
  create (and later drop) its own scratch database; default
  ``postgresql://127.0.0.1:5432/test``.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.engine import make_url

BACKENDS = ("sqlite", "postgresql")
DEFAULT_POSTGRES_URL = "postgresql://127.0.0.1:5432/test"
_TABLES = ("devinterview_room_updates", "devinterview_invites", "devinterview_sessions")

T = TypeVar("T")


def selected_backends() -> list[str]:
    raw = os.environ.get("DEVINTERVIEW_TEST_DATABASES", ",".join(BACKENDS))
    chosen = [b.strip() for b in raw.split(",") if b.strip()]
    unknown = set(chosen) - set(BACKENDS)
    if unknown:
        raise pytest.UsageError(f"DEVINTERVIEW_TEST_DATABASES: unknown backends {unknown}")
    return chosen


def run_in_thread(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on a private loop, away from the test's own event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


def _asyncpg_dsn(url: str) -> str:
    parsed = make_url(url).set(drivername="postgresql", query={})
    return parsed.render_as_string(hide_password=False)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "devinterview_db_backend" in metafunc.fixturenames:
        metafunc.parametrize("devinterview_db_backend", selected_backends(), scope="session")


@pytest.fixture(scope="session")
def devinterview_postgres_url() -> Iterator[str]:
    """A scratch PostgreSQL database for this test run, dropped at the end."""
    import asyncpg

    admin = os.environ.get("DEVINTERVIEW_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    name = f"devinterview_test_{secrets.token_hex(6)}"

    async def create() -> None:
        try:
            conn = await asyncpg.connect(_asyncpg_dsn(admin), timeout=10)
        except (OSError, asyncpg.PostgresError) as e:
            raise RuntimeError(
                f"PostgreSQL for the tests is unreachable at {admin} ({e}). Start it, set "
                "DEVINTERVIEW_TEST_POSTGRES_URL, or run only SQLite with "
                "DEVINTERVIEW_TEST_DATABASES=sqlite."
            ) from e
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(admin), timeout=10)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    run_in_thread(create)
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        run_in_thread(drop)


def empty_postgres(url: str) -> None:
    import asyncpg

    async def truncate() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(url), timeout=10)
        try:
            present = await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE tablename = ANY($1::text[])", list(_TABLES)
            )
            if present:
                names = ", ".join(f'"{r["tablename"]}"' for r in present)
                await conn.execute(f"TRUNCATE {names} CASCADE")
        finally:
            await conn.close()

    run_in_thread(truncate)


@pytest.fixture
def devinterview_database_url(
    devinterview_db_backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> str:
    """An empty database of the current backend (schema may exist, rows do not)."""
    if devinterview_db_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'devinterview.db'}"
    url: str = request.getfixturevalue("devinterview_postgres_url")
    empty_postgres(url)
    return url
