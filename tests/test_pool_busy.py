"""Every pooled connection busy is not an outage: the request that waited too long gets a
503, and the next one is served as soon as a connection is free (PostgreSQL, whose pool
is bounded by `database_pool_size`; SQLite's is SQLAlchemy's default).

A burst of room joins looks like this: after a server restart every client reconnects at
once, and hundreds of room loads queue for the pool. When one timed-out checkout marked
the database as down, every request for `database_retry_interval` got a 503 too.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from devinterview_jupyter.pytest_plugin import empty_postgres, selected_backends

pytestmark = pytest.mark.skipif(
    "postgresql" not in selected_backends(),
    reason="PostgreSQL deselected by DEVINTERVIEW_TEST_DATABASES",
)


@pytest.fixture
def jp_server_config(devinterview_postgres_url: str) -> Any:
    empty_postgres(devinterview_postgres_url)
    return {
        "ServerApp": {"jpserver_extensions": {"devinterview_jupyter": True}},
        "DevInterviewApp": {
            "database_url": devinterview_postgres_url,
            "database_pool_size": 1,  # and as many again in overflow: two in all
            "database_connect_timeout": 0.5,  # also how long a checkout may wait
            "database_retry_interval": 60.0,  # an outage, once declared, would last
        },
    }


async def test_a_request_that_waited_too_long_for_the_pool_does_not_declare_an_outage(
    api, devinterview_app
):
    assert (await api("GET", "sessions")).status == 200
    database = devinterview_app.database
    async with database.session() as first, database.session() as second:
        for held in (first, second):  # a session takes its connection on first use
            await held.execute(text("SELECT 1"))
        reply = await api("GET", "sessions")
        assert reply.status == 503
        assert reply.json["reason"] == "database"
    # Freed: served at once, not refused for the retry interval.
    assert (await api("GET", "sessions")).status == 200
    assert (await api("POST", "sessions", {"title": "after the burst"})).status == 201
