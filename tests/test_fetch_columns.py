"""`Database.fetch` returns what SQLAlchemy's own path returns, column by column.

On PostgreSQL `fetch` runs its statement on asyncpg directly, past SQLAlchemy's result
layer; a column type whose values SQLAlchemy converts on the way out would come back
differently there than on SQLite. Every column of every table is read through both paths,
with values and Python types compared. The columns come from the models' metadata, so a
new column or table is covered without touching this file; a column of a type without a
sample value below fails until one is added.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Float,
    Select,
    String,
    Table,
    TypeDecorator,
    func,
    insert,
    select,
    type_coerce,
)

from devinterview_jupyter import sessions
from devinterview_jupyter.db.engine import Database
from devinterview_jupyter.db.models import Base, InterviewSession
from devinterview_jupyter.db.url import normalize_database_url

ROWS_PER_TABLE = 2


@asynccontextmanager
async def opened(url: str) -> AsyncIterator[Database]:
    database = Database(normalize_database_url(url), log=logging.getLogger("test"))
    await database.ensure_ready()
    try:
        yield database
    finally:
        await database.dispose()


def sample(column: Column[Any], n: int) -> Any:
    """A value for ``column`` in row ``n``; the second row leaves nullable columns empty."""
    if n > 0 and column.nullable and not column.primary_key:
        return None
    # A TypeDecorator says `object`; what it stores is its implementation's type.
    kind = getattr(column.type, "impl_instance", column.type).python_type
    if kind is uuid.UUID:
        return uuid.uuid4()
    if kind is str:
        length = getattr(column.type, "length", None) or 1000
        # Not ASCII only: a driver or type that re-encodes text shows here.
        return f"{column.name}-{n}-é✓"[:length]
    if kind is int:
        return 7 + n
    if kind is float:
        return 12.25 + n
    if kind is bytes:
        return bytes([0, 255, n]) + b"\x00data"
    if kind is datetime:
        # Microseconds and a non-UTC input zone: both must come back as the same instant.
        zone = timezone(timedelta(hours=-5))
        return datetime(2026, 12, 6, 3, 4, 5, 123456 + n, tzinfo=zone)
    pytest.fail(f"no sample value for {column} of type {column.type!r}: add one here")


async def fill(database: Database) -> dict[str, list[dict[str, Any]]]:
    """Rows in every table (parents first), every column given a value in the first row."""
    written: dict[str, list[dict[str, Any]]] = {}
    async with database.session() as db:
        for table in Base.metadata.sorted_tables:
            rows = []
            for n in range(ROWS_PER_TABLE):
                row = {}
                for column in table.c:
                    parents = [fk.column for fk in column.foreign_keys]
                    if parents:
                        row[column.name] = written[parents[0].table.name][0][parents[0].name]
                    else:
                        row[column.name] = sample(column, n)
                rows.append(row)
            await db.execute(insert(table), rows)
            written[table.name] = rows
    return written


async def both_paths(
    database: Database, statement: Select[Any], params: dict[str, Any]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    fetched = [tuple(row) for row in await database.fetch(statement, params)]
    async with database.session() as db:
        processed = [tuple(row) for row in (await db.execute(statement, params)).all()]
    return fetched, processed


def assert_same(
    fetched: list[tuple[Any, ...]], processed: list[tuple[Any, ...]], names: list[str]
) -> None:
    assert len(fetched) == len(processed)
    for got_row, want_row in zip(fetched, processed, strict=True):
        for name, got, want in zip(names, got_row, want_row, strict=True):
            assert got == want, f"{name}: fetch gave {got!r}, SQLAlchemy {want!r}"
            assert type(got) is type(want), (
                f"{name}: fetch gave a {type(got).__name__}, SQLAlchemy a {type(want).__name__}"
            )
            if isinstance(want, datetime):
                assert got.tzinfo == want.tzinfo == timezone.utc, name


def every_column(table: Table) -> Select[Any]:
    return select(*table.c).order_by(*table.primary_key.columns)


async def test_every_column_of_every_table_reads_the_same_through_fetch(
    devinterview_database_url: str,
) -> None:
    async with opened(devinterview_database_url) as database:
        await every_table_both_ways(database)


async def every_table_both_ways(database: Database) -> None:
    written = await fill(database)
    for table in Base.metadata.sorted_tables:
        names = [c.name for c in table.c]
        fetched, processed = await both_paths(database, every_column(table), {})
        assert_same(fetched, processed, [f"{table.name}.{n}" for n in names])
        # And SQLAlchemy's path gives back what was written (the same instant for times).
        by_key = {
            tuple(row[c.name] for c in table.primary_key.columns): row
            for row in written[table.name]
        }
        for row in processed:
            values = dict(zip(names, row, strict=True))
            original = by_key[tuple(values[c.name] for c in table.primary_key.columns)]
            assert values == original, table.name


@pytest.mark.parametrize("by_status", [False, True])
@pytest.mark.parametrize("restricted", [False, True])
async def test_the_session_list_reads_the_same_through_fetch(
    devinterview_database_url: str, by_status: bool, restricted: bool
) -> None:
    """The statement fetch serves today (a page of sessions and the total) as it is."""
    async with opened(devinterview_database_url) as database:
        await session_list_both_ways(database, by_status, restricted)


async def session_list_both_ways(database: Database, by_status: bool, restricted: bool) -> None:
    written = await fill(database)
    owner = written["devinterview_sessions"][0]["owner"]
    statement = sessions._page_query(by_status, restricted)
    params = {
        "status": written["devinterview_sessions"][0]["status"],
        "username": owner,
        "limit": 10,
        "offset": 0,
    }
    fetched, processed = await both_paths(database, statement, params)
    assert fetched, "the page should hold the sessions written"
    assert_same(fetched, processed, [*sessions.SESSION_FIELDS, "total"])


class Shouting(TypeDecorator[str]):
    """A type that converts on the way out, as a future column type might."""

    impl = String
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(value).upper()


async def test_fetch_applies_the_conversions_of_column_types(
    devinterview_database_url: str,
) -> None:
    """Columns whose type converts values (by the type alone, or by the type the database
    reports, as a float read from a numeric average) come back converted through fetch."""
    async with opened(devinterview_database_url) as database:
        await fill(database)
        t = InterviewSession
        shouted = select(type_coerce(t.title, Shouting())).order_by(t.id)
        average = select(type_coerce(func.avg(t.planned_minutes), Float()))
        fetched, processed = await both_paths(database, shouted, {})
        assert_same(fetched, processed, ["title"])
        assert all(row[0] == row[0].upper() and row[0] != row[0].lower() for row in fetched)
        fetched, processed = await both_paths(database, average, {})
        assert_same(fetched, processed, ["average"])
        assert type(fetched[0][0]) is float
