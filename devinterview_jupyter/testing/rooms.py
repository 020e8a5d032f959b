"""The room client of the tests: pycrdt documents synced with a session's room over real
websockets, as the browser's provider does (docs/protocol.md)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from pycrdt import Doc, Provider, Text
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect


class WebSocketChannel:
    """A pycrdt Channel over Tornado's websocket client."""

    def __init__(self, conn: WebSocketClientConnection, path: str) -> None:
        self.conn = conn
        self._path = path

    @property
    def path(self) -> str:
        return self._path

    def __aiter__(self) -> WebSocketChannel:
        return self

    async def __anext__(self) -> bytes:
        message = await self.conn.read_message()
        if message is None:
            raise StopAsyncIteration
        return message if isinstance(message, bytes) else message.encode()

    async def recv(self) -> bytes:
        return await self.__anext__()

    async def send(self, message: bytes) -> None:
        await self.conn.write_message(message, binary=True)


async def open_ws(
    url: str, headers: dict[str, str] | None = None, *, validate_cert: bool = True
) -> WebSocketClientConnection:
    """A websocket to ``url`` (a room), raw: for tests that speak the protocol by hand."""
    request = HTTPRequest(
        url, headers=headers or {}, request_timeout=20, validate_cert=validate_cert
    )
    return await websocket_connect(request, max_message_size=64 * 1024 * 1024)


async def upgrade_status(url: str, headers: dict[str, str] | None = None) -> int:
    """101 if the upgrade succeeds, else the HTTP status that refused it."""
    try:
        conn = await open_ws(url, headers)
    except HTTPClientError as e:
        return e.code
    conn.close()
    return 101


@asynccontextmanager
async def synced_doc(
    url: str,
    headers: dict[str, str] | None = None,
    *,
    validate_cert: bool = True,
    doc: Doc[Any] | None = None,
) -> AsyncIterator[Doc[Any]]:
    """A pycrdt Doc connected to the room at ``url`` and synced with it (an existing
    ``doc`` reconnects with what it holds)."""
    if doc is None:
        doc = Doc()
        doc["source"] = Text()
    conn = await open_ws(url, headers, validate_cert=validate_cert)
    try:
        async with Provider(doc, WebSocketChannel(conn, url)) as provider:
            await asyncio.wait_for(provider.synced.wait(), 20)
            yield doc
    finally:
        conn.close()


def text(doc: Doc[Any]) -> str:
    """The code in an interview document (its shared text ``source``)."""
    return str(doc.get("source", type=Text))


async def until(check: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    """Wait for ``check`` to hold (a bound against hanging, not a speed assertion)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


@asynccontextmanager
async def many_docs(
    url: str, headers: dict[str, str] | None, count: int
) -> AsyncIterator[list[Doc[Any]]]:
    """``count`` clients joining at the same instant, each living in its own task."""
    docs: list[Doc[Any]] = []
    stop = asyncio.Event()

    async def client() -> None:
        async with synced_doc(url, headers) as doc:
            docs.append(doc)
            await stop.wait()

    tasks = [asyncio.ensure_future(client()) for _ in range(count)]
    try:
        await until(
            lambda: len(docs) == count or any(t.done() for t in tasks), what=f"{count} clients"
        )
        for t in tasks:
            if t.done():
                t.result()
        yield docs
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)


@dataclass(frozen=True)
class RoomClient:
    """The rooms of one test server: their URLs, and documents synced with them."""

    base: str  # "ws://host:port{base_url}"
    interviewer_headers: dict[str, str]

    def url(self, session_id: str, query: str = "", *, notes: bool = False) -> str:
        """The websocket URL of a session's room (``notes``: its interviewers' notes)."""
        url = f"{self.base}devinterview/api/rooms/{session_id}" + ("/notes" if notes else "")
        return url + (f"?{query}" if query else "")

    def connect(
        self,
        session_id: str,
        headers: dict[str, str] | None = None,
        *,
        query: str = "",
        doc: Doc[Any] | None = None,
    ) -> AbstractAsyncContextManager[Doc[Any]]:
        """A document synced with the session's room, as an interviewer unless
        ``headers`` (a candidate's ``Authorization: Bearer <token>``, say) or ``query``
        say otherwise."""
        if headers is None:
            headers = self.interviewer_headers
        return synced_doc(self.url(session_id, query), headers, doc=doc)
