"""Notices between servers (rooms/bus.py) over a real PostgreSQL, and their parsing."""

from __future__ import annotations

import asyncio
import base64
import logging
import uuid
import zlib
from typing import Any

import pytest

from devinterview_jupyter.db.url import normalize_database_url
from devinterview_jupyter.pytest_plugin import selected_backends
from devinterview_jupyter.rooms.bus import (
    NEW_ROWS,
    PRESENCE,
    Notice,
    PostgresBus,
    channel_of,
    connect_arguments,
    parse_notice,
    session_of,
)
from devinterview_jupyter.rooms.manager import RoomManager
from devinterview_jupyter.rooms.store import UpdateWriter
from devinterview_jupyter.testing.rooms import until

LOG = logging.getLogger("test_bus")
needs_postgres = pytest.mark.skipif(
    "postgresql" not in selected_backends(),
    reason="PostgreSQL deselected by DEVINTERVIEW_TEST_DATABASES",
)


def test_notices_are_parsed_strictly():
    assert parse_notice("u abc") == Notice(NEW_ROWS, "abc")
    assert parse_notice("a abc Zm9v") == Notice(PRESENCE, "abc", "Zm9v")
    for bad in ("", "u", "z abc", "u  body", "update abc"):
        assert parse_notice(bad) is None, bad
    sid = uuid.uuid4()
    assert session_of(channel_of(sid)) == sid
    assert len(channel_of(sid)) <= 63  # PostgreSQL's identifier limit
    for bad in ("devinterview_nothex", "other_" + sid.hex, "devinterview_"):
        assert session_of(bad) is None


def test_connection_arguments_come_from_the_database_url():
    url = normalize_database_url("postgresql://ann:s3cret@db.internal:6543/team?sslmode=require")
    assert connect_arguments(url) == {
        "host": "db.internal",
        "port": 6543,
        "user": "ann",
        "password": "s3cret",
        "database": "team",
        "ssl": "require",
    }


def test_a_presence_notice_that_inflates_past_the_limit_is_dropped():
    manager: Any = RoomManager(
        None,  # type: ignore[arg-type]  (never used here)
        UpdateWriter(None, log=LOG, origin="here"),  # type: ignore[arg-type]
        log=LOG,
    )
    small = base64.b64encode(zlib.compress(b"\x01" * 100)).decode()
    assert manager._inflate(small) == b"\x01" * 100
    bomb = base64.b64encode(zlib.compress(b"\x00" * (4 * 1024 * 1024), 9)).decode()
    assert len(bomb) < 7999  # it fits in a notice
    assert manager._inflate(bomb) is None
    assert manager._inflate("not base64!") is None
    assert manager._inflate(base64.b64encode(b"not zlib").decode()) is None


@needs_postgres
async def test_notices_reach_the_other_server_and_survive_a_lost_connection(
    devinterview_postgres_url: str,
):
    url = normalize_database_url(devinterview_postgres_url)
    sid = uuid.uuid4()
    got: list[tuple[uuid.UUID, Notice]] = []
    connected: list[int] = []
    here = PostgresBus(url, origin="here", log=LOG, keepalive_seconds=0.2, retry_seconds=0.1)
    there = PostgresBus(url, origin="there", log=LOG, keepalive_seconds=0.2, retry_seconds=0.1)
    there.on_notice = lambda s, n: got.append((s, n))
    there.on_connected = lambda: connected.append(1)
    try:
        there.start()
        await until(lambda: there.connected, what="listening")
        await there.subscribe(sid)
        here.publish(sid, NEW_ROWS)
        there.publish(sid, NEW_ROWS)  # its own notice comes back to it and is ignored
        here.publish(uuid.uuid4(), NEW_ROWS)  # another session's channel: not listened to
        await until(lambda: len(got) >= 1, what="a notice")
        await asyncio.sleep(0.2)
        assert got == [(sid, Notice(NEW_ROWS, "here"))]
        # The database drops the listening connection: it comes back, listening again.
        listener = there._connection.get_server_pid()
        killer = await __import__("asyncpg").connect(**connect_arguments(url))
        try:
            assert await killer.fetchval("SELECT pg_terminate_backend($1)", listener)
        finally:
            await killer.close()
        await until(lambda: len(connected) >= 2, what="reconnected")
        here.publish(sid, PRESENCE, "Zm9v")
        await until(lambda: len(got) == 2, what="a notice after reconnecting")
        assert got[1] == (sid, Notice(PRESENCE, "here", "Zm9v"))
        assert there.connections >= 2
    finally:
        await here.stop()
        await there.stop()


@needs_postgres
async def test_a_room_subscribed_while_the_bus_connects_is_listened_to(
    devinterview_postgres_url: str, monkeypatch
):
    import asyncpg

    url = normalize_database_url(devinterview_postgres_url)
    first, second = uuid.uuid4(), uuid.uuid4()
    got: list[uuid.UUID] = []
    add_listener = asyncpg.Connection.add_listener

    async def slow_add_listener(self: Any, channel: str, callback: Any) -> None:
        await asyncio.sleep(0.3)  # a reconnect listening again to many rooms
        await add_listener(self, channel, callback)

    monkeypatch.setattr(asyncpg.Connection, "add_listener", slow_add_listener)
    here = PostgresBus(url, origin="here", log=LOG)
    there = PostgresBus(url, origin="there", log=LOG)
    there.on_notice = lambda s, _n: got.append(s)
    try:
        await there.subscribe(first)  # listened to once connected
        await asyncio.sleep(0.1)  # connecting: listening to the first room
        await there.subscribe(second)  # a room loaded meanwhile
        await until(lambda: there.connected, what="connected")
        here.publish(second, NEW_ROWS)
        await until(lambda: second in got, timeout=5, what="the notice of the later room")
    finally:
        await here.stop()
        await there.stop()
