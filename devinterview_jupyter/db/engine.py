"""The engine, its readiness (migrated and reachable) and the mapping of outages to 503."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Select, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import greenlet_spawn

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
        pool_size: int = 10,
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
        # One-statement reads need no BEGIN and COMMIT round trips.
        self._reader = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._compiled_statements: dict[Select[Any], tuple[str, tuple[str, ...]]] = {}
        self._converters: dict[Select[Any], tuple[tuple[int, Callable[[Any], Any]], ...]] = {}
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
        async with self._outages_as_503(), self.sessionmaker() as session, session.begin():
            yield session

    async def fetch(
        self, statement: Select[Any], params: Mapping[str, Any]
    ) -> Sequence[Sequence[Any]]:
        """All rows of one SELECT, outside a transaction, for hot read paths.

        On PostgreSQL the statement, compiled once, runs straight on asyncpg (prepared and
        cached per connection): SQLAlchemy's connection, execution and result layers were
        a third of a session list's CPU (docs/performance.md). Each column's own result
        conversion (its type's ``result_processor``) is still applied, unless the type
        declares asyncpg's value final (``ASYNCPG_VALUE_IS_FINAL``), so rows come back as
        SQLAlchemy would return them (tests/test_fetch_columns.py holds every column to it).
        """
        await self.ensure_ready()
        if self.backend != "postgresql":
            async with self._outages_as_503(), self._reader.connect() as connection:
                result = await connection.execute(statement, params)
                return list(result.all())
        sql, names = self._compiled(statement)
        async with self._outages_as_503():
            raw = await self.engine.raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            try:
                converters = self._converters.get(statement)
                if converters is None:
                    converters = await self._converters_of(statement, driver, sql)
                rows: Sequence[Sequence[Any]] = await driver.fetch(
                    sql, *(params[name] for name in names)
                )
            except Exception as e:
                if is_outage(e) or driver.is_closed():
                    raw.invalidate(e)  # dropped, not handed back
                    self.mark_outage(e)
                    raise DatabaseUnavailable("database unavailable") from e
                await greenlet_spawn(raw.close)
                raise
            except BaseException as e:
                # Cancelled mid-query: asyncpg may still be cancelling it on the server,
                # where the cancel could hit the next borrower's statement.
                raw.invalidate(e)
                raise
            # Handing it back may close it (beyond the pool's size), which SQLAlchemy's
            # asyncio adapter can only do inside its greenlet.
            await greenlet_spawn(raw.close)
            if not converters:
                return rows
            return [_converted(row, converters) for row in rows]

    async def _converters_of(
        self, statement: Select[Any], driver: Any, sql: str
    ) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
        """The result conversions SQLAlchemy would apply to ``statement``'s columns, by
        position. Some depend on the column's PostgreSQL type (a float read from a numeric
        expression, say), which only the prepared statement tells."""
        attributes = (await driver.prepare(sql)).get_attributes()
        dialect = self.engine.dialect
        found = []
        for index, (column, attribute) in enumerate(
            zip(statement.selected_columns, attributes, strict=True)
        ):
            if getattr(column.type, "ASYNCPG_VALUE_IS_FINAL", False):
                continue
            convert = column.type.dialect_impl(dialect).result_processor(
                dialect, attribute.type.oid
            )
            if convert is not None:
                found.append((index, convert))
        converters = tuple(found)
        self._converters[statement] = converters
        return converters

    def _compiled(self, statement: Select[Any]) -> tuple[str, tuple[str, ...]]:
        # Statements hash by identity: callers pass ones they build once and keep (a fresh
        # statement per call would grow this without end).
        entry = self._compiled_statements.get(statement)
        if entry is None:
            compiled = statement.compile(dialect=self.engine.dialect)
            # Expanding IN lists and literal-rendered values are filled in by SQLAlchemy
            # at execution time; the driver would see their placeholders.
            assert not compiled.post_compile_params, "fetch() takes no expanding parameters"
            assert not compiled.literal_execute_params, "fetch() takes no literal_execute"
            entry = (compiled.string, tuple(compiled.positiontup or ()))
            self._compiled_statements[statement] = entry
        return entry

    @asynccontextmanager
    async def _outages_as_503(self) -> AsyncIterator[None]:
        try:
            yield
        except DatabaseUnavailable:
            raise
        except PoolTimeoutError as e:
            # Every pooled connection stayed busy (a burst of room loads after a restart):
            # the database is fine, so only this request fails. Marking an outage would
            # refuse every request for retry_interval and turn a burst into a cascade.
            raise DatabaseUnavailable("database busy") from e
        except Exception as e:
            if is_outage(e):
                self.mark_outage(e)
                raise DatabaseUnavailable("database unavailable") from e
            raise

    async def dispose(self) -> None:
        await self.engine.dispose()


def _converted(
    row: Sequence[Any], converters: tuple[tuple[int, Callable[[Any], Any]], ...]
) -> list[Any]:
    values = list(row)
    for index, convert in converters:
        values[index] = convert(values[index])
    return values


def create_engine(
    url: str, *, connect_timeout: float, statement_timeout: float, pool_size: int
) -> AsyncEngine:
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
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
    event.listen(engine.sync_engine.pool, "checkin", _note_idle)
    event.listen(engine.sync_engine.pool, "checkout", _ping_if_idle(engine.dialect))
    return engine


# A pooled connection is pinged before use only when it sat idle this long. Pinging on
# every checkout (pool_pre_ping) cost a round trip per request, a sixth of a list
# request's CPU time. A connection the server closed is noticed without a ping; one that
# died silently within the window fails that request with a 503 and is replaced.
PING_AFTER_IDLE_SECONDS = 1.0


def _note_idle(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dialect: Dialect) -> Callable[[Any, Any, Any], None]:
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        # asyncpg knows, without a round trip, when the server has closed the connection
        # (a restart, a killed backend): replace it whatever its idle time.
        is_closed = getattr(getattr(dbapi_connection, "driver_connection", None), "is_closed", None)
        if callable(is_closed) and is_closed():
            raise DisconnectionError("connection closed by the server")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as e:
            # The pool drops this connection and checks out another.
            raise DisconnectionError(str(e)) from e
        if not alive:
            raise DisconnectionError("ping failed")

    return on_checkout


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Cascading deletes, and readers that do not block the writer.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
