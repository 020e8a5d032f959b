"""A database outage: the server starts anyway, the API answers 503 quickly, then recovers.

PostgreSQL is real; between it and the server sits a TCP relay the test can switch off
(connection refused), switch to a black hole (accepts, never answers), and on again.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from devinterview_jupyter.pytest_plugin import empty_postgres, selected_backends

pytestmark = pytest.mark.skipif(
    "postgresql" not in selected_backends(),
    reason="PostgreSQL deselected by DEVINTERVIEW_TEST_DATABASES",
)


class Relay:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.server: asyncio.AbstractServer | None = None
        self.mode = "down"
        self.writers: set[asyncio.StreamWriter] = set()

    async def set(self, mode: str) -> None:
        self.mode = mode
        if mode == "down":
            if self.server is not None:
                self.server.close()
                await self.server.wait_closed()
                self.server = None
            for w in list(self.writers):
                w.close()
            self.writers.clear()
        elif self.server is None:
            self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        if self.mode == "blackhole":
            await reader.read()  # hold the connection open, say nothing
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self.writers.add(up_writer)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@pytest.fixture
def relay(devinterview_postgres_url: str) -> Relay:
    empty_postgres(devinterview_postgres_url)
    return Relay(make_url(devinterview_postgres_url).port or 5432)


@pytest.fixture
def jp_server_config(devinterview_postgres_url: str, relay: Relay) -> Any:
    url = make_url(devinterview_postgres_url).set(host="127.0.0.1", port=relay.port)
    return {
        "ServerApp": {"jpserver_extensions": {"devinterview_jupyter": True}},
        "DevInterviewApp": {
            "database_url": url.render_as_string(hide_password=False),
            "database_connect_timeout": 1.0,
            "database_retry_interval": 0.1,
        },
    }


async def until_status(api, status: int, path: str = "sessions", tries: int = 50) -> Any:
    reply = None
    for _ in range(tries):
        reply = await api("GET", path)
        if reply.status == status:
            return reply
        await asyncio.sleep(0.1)
    raise AssertionError(f"never got {status}: last {reply.status if reply else None}")


async def test_outage_at_start_then_recovery(api, relay, caplog):
    caplog.set_level(logging.INFO)
    # The server came up with the database unreachable (the fixture already started it).
    for _ in range(3):
        reply = await api("GET", "sessions")
        assert reply.status == 503
        assert reply.json == {
            "message": "database unavailable: try again shortly",
            "reason": "database",
        }
        assert reply.headers["Retry-After"]
        assert b"Traceback" not in reply.body
        post = await api("POST", "sessions", {"title": "lost?"})
        assert post.status == 503
        await asyncio.sleep(0.15)
    outage_lines = [r for r in caplog.records if "is unavailable" in r.getMessage()]
    assert len(outage_lines) == 1, [r.getMessage() for r in outage_lines]
    assert outage_lines[0].exc_info is None

    await relay.set("up")
    await until_status(api, 200)
    created = await api("POST", "sessions", {"title": "after recovery"})
    assert created.status == 201
    assert any("is back" in r.getMessage() for r in caplog.records)


async def test_outage_while_running_loses_nothing_committed(api, relay):
    await relay.set("up")
    await until_status(api, 200)
    kept = await api("POST", "sessions", {"title": "kept"})
    assert kept.status == 201

    await relay.set("down")
    reply = await api("GET", "sessions")
    assert reply.status == 503
    assert (await api("POST", "sessions", {"title": "refused"})).status == 503

    await relay.set("up")
    listed = await until_status(api, 200)
    assert [s["title"] for s in listed.json["items"]] == ["kept"]


async def test_black_hole_database_answers_503_instead_of_hanging(api, relay):
    await relay.set("blackhole")
    # request_timeout in the client is 30 s; the server must give up long before.
    reply = await api("GET", "sessions")
    assert reply.status == 503
    await relay.set("down")
    await relay.set("up")
    await until_status(api, 200)


async def test_room_edits_during_an_outage_are_stored_once_it_is_back(
    api, relay, devinterview_app, jp_http_port, jp_base_url
):
    from pycrdt import Text

    from devinterview_jupyter.rooms.document import new_document
    from devinterview_jupyter.rooms.store import RoomHistory
    from devinterview_jupyter.testing.rooms import synced_doc, text, until

    await relay.set("up")
    await until_status(api, 200)
    session = (await api("POST", "sessions", {"title": "outage"})).json
    url = f"ws://127.0.0.1:{jp_http_port}{jp_base_url}devinterview/api/rooms/{session['id']}"
    headers = {"Authorization": f"token {api.server_token}"}
    async with synced_doc(url, headers) as doc, synced_doc(url, headers) as peer:
        doc.get("source", type=Text).insert(0, "before ")
        await until(lambda: text(peer) == "before ")
        await relay.set("down")
        doc.get("source", type=Text).insert(7, "during")
        # Editing carries on between clients while the database is away.
        await until(lambda: text(peer) == "before during")
        await asyncio.sleep(0.3)
        await relay.set("up")
        await until_status(api, 200)
        await asyncio.wait_for(devinterview_app.rooms.writer.flush(), 30)

    stored = new_document()
    await RoomHistory(session["id"], writer=devinterview_app.rooms.writer).load_into(stored)
    assert str(stored.get("source", type=Text)) == "before during"


@pytest.mark.parametrize(
    ("noticed_by", "ping_after_idle", "pause"),
    [("the idle ping", 0.2, 0.5), ("the driver seeing its socket close", 3600.0, 0.2)],
)
async def test_connections_cut_by_a_restart_are_replaced_without_an_error(
    api, relay, monkeypatch, noticed_by, ping_after_idle, pause
):
    import asyncpg

    from devinterview_jupyter.db import engine

    monkeypatch.setattr(engine, "PING_AFTER_IDLE_SECONDS", ping_after_idle)
    if noticed_by == "the idle ping":
        # Hide the closed socket from the checkout check: only the ping can notice.
        monkeypatch.setattr(asyncpg.Connection, "is_closed", lambda self: False)
    await relay.set("up")
    await until_status(api, 200)
    # What a PostgreSQL restart does to the pool: every open connection is cut.
    await relay.set("down")
    await relay.set("up")
    await asyncio.sleep(pause)
    for _ in range(3):
        reply = await api("GET", "sessions")
        assert reply.status == 200, reply.json
    assert (await api("POST", "sessions", {"title": "after the restart"})).status == 201
