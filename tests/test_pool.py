"""More concurrent requests than pooled connections: the extra connections are opened,
used and closed again cleanly (on PostgreSQL this goes through the direct asyncpg path of
`Database.fetch`), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from devinterview_jupyter.testing.rest import create_session


@pytest.fixture
def devinterview_config() -> dict[str, Any]:
    return {"database_pool_size": 1}


async def test_more_concurrent_lists_than_pooled_connections_leave_no_errors(api, caplog):
    caplog.set_level(logging.WARNING)
    created = await create_session(api, title="one")
    for _ in range(3):
        replies = await asyncio.gather(*(api("GET", "sessions") for _ in range(8)))
        assert [r.status for r in replies] == [200] * 8
        assert all(r.json["items"] == [created] for r in replies)
    problems = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not problems, [r.getMessage() for r in problems]
