"""Pytest fixtures for testing DevInterview, or an extension built on it, against SQLite and
a real PostgreSQL (docs/testing.md).

Use it with ``pytest_plugins = ["pytest_jupyter.jupyter_server",
"devinterview_jupyter.pytest_plugin"]``. Every test that (indirectly) asks for
``devinterview_database_url`` runs once per backend; the server of pytest-jupyter's
``jp_serverapp`` runs the extension on that database.

Fixtures: ``devinterview_api`` (the REST client), ``devinterview_rooms`` (room URLs and
pycrdt documents synced with them), ``devinterview_app`` (the extension inside the test
server), ``devinterview_config`` (extra ``DevInterviewApp`` settings: override it),
``devinterview_database_url``, ``devinterview_postgres_url``; and ``jp_server_config``.

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
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from sqlalchemy.engine import make_url

from .db.migrate import VERSION_TABLE
from .db.models import TABLE_PREFIX
from .testing.rest import ApiClient
from .testing.rooms import RoomClient

if TYPE_CHECKING:
    from .app import DevInterviewApp

BACKENDS = ("sqlite", "postgresql")
DEFAULT_POSTGRES_URL = "postgresql://127.0.0.1:5432/test"

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
            # Every table of ours but the schema's version: tables that no foreign key ties
            # to the sessions (profiles) would otherwise keep rows from test to test.
            present = await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename LIKE $1 AND tablename <> $2",
                TABLE_PREFIX.replace("_", "\\_") + "%",
                VERSION_TABLE,
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


@pytest.fixture
def devinterview_config() -> dict[str, Any]:
    """Extra ``DevInterviewApp`` settings for one test: override it in a test module."""
    return {}


@pytest.fixture
def jp_server_config(devinterview_database_url: str, devinterview_config: dict[str, Any]) -> Any:
    """The test server runs the extension on this test's database."""
    return {
        "ServerApp": {"jpserver_extensions": {"devinterview_jupyter": True}},
        "DevInterviewApp": {
            "database_url": devinterview_database_url,
            # Many servers live and die in one test process: let GC reclaim each of them.
            "freeze_startup_objects": False,
            **devinterview_config,
        },
    }


@pytest.fixture
def devinterview_api(jp_serverapp: Any, http_server_client: Any, jp_base_url: str) -> ApiClient:
    """The REST client of the test server, an interviewer's unless told otherwise."""
    return ApiClient(http_server_client, jp_base_url, jp_serverapp.identity_provider.token)


@pytest.fixture
def devinterview_rooms(
    devinterview_api: ApiClient, jp_http_port: int, jp_base_url: str
) -> RoomClient:
    """The rooms of the test server: ``url(session_id)``, ``connect(session_id)``."""
    return RoomClient(
        f"ws://127.0.0.1:{jp_http_port}{jp_base_url}", devinterview_api.interviewer_headers
    )


@pytest.fixture
def devinterview_app(jp_serverapp: Any) -> DevInterviewApp:
    """The extension's app inside the test server (its database, rooms and settings)."""
    app: DevInterviewApp = (
        jp_serverapp.extension_manager.extension_apps["devinterview_jupyter"].copy().pop()
    )
    return app
