"""The engine, its readiness (migrated and reachable) and the mapping of outages to 503."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from . import migrate
from .url import redact_url


class DatabaseUnavailable(Exception):
    """The database cannot be reached or is not ready; the API answers 503."""


# Errors that mean "the database is not there right now", as opposed to bugs.
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    PoolTimeoutError,
    OSError,
    asyncio.TimeoutError,
)


def is_outage(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, OUTAGE_ERRORS):
        return True
    # asyncpg raises its own connection errors, unwrapped, while connecting.
    return type(error).__module__.startswith("asyncpg") and "Connection" in type(error).__name__


class Database:
    """Owns the async engine; migrates lazily and retries after an outage."""

    def __init__(
        self,
        url: str,
        *,
        log: logging.Logger,
        connect_timeout: float = 5.0,
        statement_timeout: float = 15.0,
        pool_size: int = 5,
        retry_interval: float = 2.0,
        auto_migrate: bool = True,
    ) -> None:
        self.url = url
        self.log = log
        self.connect_timeout = connect_timeout
        self.retry_interval = retry_interval
        self.auto_migrate = auto_migrate
        self.engine: AsyncEngine = create_engine(
            url,
            connect_timeout=connect_timeout,
            statement_timeout=statement_timeout,
            pool_size=pool_size,
        )
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self._ready = False
        self._lock = asyncio.Lock()
        self._last_failure = 0.0
        self._last_error: str | None = None
        self._reported = False

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    async def ensure_ready(self) -> None:
        """Make sure the schema is in place; raise DatabaseUnavailable quickly if not."""
        if self._ready:
            return
        async with self._lock:
            if self._ready:
                return
            if time.monotonic() - self._last_failure < self.retry_interval:
                raise DatabaseUnavailable(self._last_error or "database unavailable")
            try:
                await asyncio.wait_for(self._prepare(), timeout=self.connect_timeout * 3)
            except Exception as e:
                if not is_outage(e) and not isinstance(e, DatabaseUnavailable):
                    raise
                self._fail(e)
                raise DatabaseUnavailable(self._last_error or "database unavailable") from e
            if self._reported:
                self.log.info("DevInterview database %s is back", redact_url(self.url))
            self._ready = True
            self._reported = False

    async def _prepare(self) -> None:
        if self.auto_migrate:
            revision = await migrate.upgrade(self.engine)
            self.log.info("DevInterview database %s at revision %s", redact_url(self.url), revision)
            return
        current = await migrate.current_revision(self.engine)
        if current != migrate.head_revision():
            raise DatabaseUnavailable(
                f"database schema is at {current}, not {migrate.head_revision()}: "
                "run `jupyter devinterview db upgrade`"
            )

    def _fail(self, error: BaseException) -> None:
        self._last_failure = time.monotonic()
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        self._last_error = "database unavailable"
        if not self._reported:
            # One clear line, not a traceback: the server keeps running and retries.
            self.log.error(
                "DevInterview database %s is unavailable (%s); "
                "the API answers 503 until it is back",
                redact_url(self.url),
                detail,
            )
            self._reported = True

    def mark_outage(self, error: BaseException) -> None:
        """A request hit an outage: the next request re-checks before using the pool."""
        self._ready = False
        self._fail(error)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction, committed on success, with outages turned into 503."""
        await self.ensure_ready()
        try:
            async with self.sessionmaker() as session, session.begin():
                yield session
        except DatabaseUnavailable:
            raise
        except Exception as e:
            if is_outage(e):
                self.mark_outage(e)
                raise DatabaseUnavailable("database unavailable") from e
            raise

    async def dispose(self) -> None:
        await self.engine.dispose()


def create_engine(
    url: str, *, connect_timeout: float, statement_timeout: float, pool_size: int
) -> AsyncEngine:
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        timeout = parsed.query.get("timeout")
        connect_args["timeout"] = float(timeout) if isinstance(timeout, str) else connect_timeout
        connect_args["command_timeout"] = statement_timeout
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_timeout=connect_timeout)
    else:
        connect_args["timeout"] = statement_timeout
    engine = create_async_engine(url, connect_args=connect_args, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Cascading deletes, and readers that do not block the writer.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
