"""A restarted server loses nothing it had acknowledged (committed to the database).

Real `jupyter server` processes against the same database: stopped gracefully right after
an edit (the queue is flushed on shutdown), and killed outright once the edit is stored.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Text

from devinterview_jupyter.db.engine import Database
from devinterview_jupyter.db.url import normalize_database_url
from devinterview_jupyter.pytest_plugin import empty_postgres, selected_backends
from devinterview_jupyter.rooms.document import new_document
from devinterview_jupyter.rooms.store import RoomHistory, UpdateWriter
from devinterview_jupyter.testing.rooms import synced_doc, text, until
from devinterview_jupyter.testing.server import free_port, live_server


@pytest.fixture(params=selected_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'durable.db'}"
    else:
        url = request.getfixturevalue("devinterview_postgres_url")
        empty_postgres(url)
        yield url


async def text_in_database(url: str, session_id: str) -> str:
    import logging

    database = Database(normalize_database_url(url), log=logging.getLogger("test"))
    try:
        doc = new_document()
        await RoomHistory(session_id, writer=UpdateWriter(database, log=database.log)).load_into(
            doc
        )
        return str(doc.get("source", type=Text))
    finally:
        await database.dispose()


async def write_and_leave(room: str, headers: dict[str, str], value: str) -> None:
    async with synced_doc(room, headers) as doc:
        doc.get("source", type=Text).insert(len(text(doc)), value)
        await asyncio.sleep(0.05)  # let the provider hand the update to the socket


async def read_back(room: str, headers: dict[str, str]) -> str:
    async with synced_doc(room, headers) as doc:
        return text(doc)


@pytest.mark.parametrize("how", ["graceful", "crash-after-commit"])
async def test_restart_keeps_what_was_acknowledged(database_url: str, tmp_path: Path, how: str):
    port = free_port()
    # Graceful: a 30 s group-commit window, so only the flush at shutdown can save the edits.
    settings = {"room_flush_interval_ms": 30_000} if how == "graceful" else {}
    with live_server(database_url, tmp_path / "first", port=port, settings=settings) as server:
        session: Any = server.request("POST", "sessions", {"title": "durable"})
        room = server.room_url(session["id"])
        await write_and_leave(room, server.auth, "line one\n")
        await write_and_leave(room, server.auth, "line two\n")
        if how == "graceful":
            assert await text_in_database(database_url, session["id"]) == ""
            assert server.stop(signal.SIGTERM) == 0
        else:
            expected = "line one\nline two\n"

            async def committed() -> bool:
                return await text_in_database(database_url, session["id"]) == expected

            for _ in range(200):
                if await committed():
                    break
                await asyncio.sleep(0.05)
            assert await committed()
            server.stop(signal.SIGKILL)

    assert await text_in_database(database_url, session["id"]) == "line one\nline two\n"
    with live_server(database_url, tmp_path / "second", port=port) as server:
        await until(lambda: True)
        assert await read_back(room, server.auth) == "line one\nline two\n"
