"""The websocket of a room: who may connect, and what may pass.

Speaks the y-websocket protocol (pycrdt-websocket's YRoom does the syncing); this handler
authenticates before the upgrade, checks origins, and inspects every frame: malformed or
oversized frames close that one connection, and document changes are dropped once the
interview is over.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any
from urllib.parse import urlparse

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from pycrdt import create_awareness_message
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from ..api.base import DevInterviewMixin, parse_uuid
from ..auth import RESOURCE_ROOMS, Candidate
from ..errors import ApiError
from .manager import Room
from .protocol import MalformedFrame, parse_frame

_CLOSED = object()


class RoomHandler(DevInterviewMixin, ExtensionHandlerMixin, WebSocketHandler, JupyterHandler):
    auth_resource = RESOURCE_ROOMS

    room: Room | None = None
    role: str = ""
    invite_id: uuid.UUID | None = None
    _queue: asyncio.Queue[Any]
    _serve_task: asyncio.Task[None] | None = None

    # -- before the upgrade -------------------------------------------------------------

    # Candidates have no Jupyter identity, even on servers that refuse anonymous access.
    @allow_unauthenticated
    async def get(self, session_id: str, *args: Any, **kwargs: Any) -> None:
        sid = parse_uuid(session_id, "session id")
        origin = self.request.headers.get("Origin")
        if origin is not None and not self.check_origin(origin):
            raise ApiError(403, f"websocket origin {origin} is not allowed", "origin")
        self.role = await self._authenticate(sid)
        self._queue = asyncio.Queue()
        self.room = await self.devinterview.rooms.acquire(sid, self)
        try:
            await super().get(session_id, *args, **kwargs)
        finally:
            if self.ws_connection is None:  # the upgrade did not happen
                self.devinterview.rooms.release(self.room, self)

    async def _authenticate(self, session_id: uuid.UUID) -> str:
        caller = await self.caller(
            RESOURCE_ROOMS, "write", self.get_query_argument("candidate_token", None)
        )
        if isinstance(caller, Candidate):
            if caller.session_id != session_id:
                raise ApiError(403, "this invite is for another interview", "forbidden")
            self.invite_id = caller.invite_id
            return "candidate"
        await self.require_session_role(session_id)
        return "interviewer"

    def check_origin(self, origin_to_satisfy_tornado: str = "") -> bool:
        """Same origin, or an origin listed in DevInterviewApp.allowed_origins."""
        origin = origin_to_satisfy_tornado
        parsed = urlparse(origin)
        if parsed.netloc and parsed.netloc.lower() == self.request.host.lower():
            return True
        return self.devinterview.origin_allowed(origin)

    @property
    def max_message_size(self) -> int:
        # Tornado closes the connection (1009) before buffering anything bigger.
        return int(self.devinterview.room_max_frame_bytes)

    @property
    def ping_interval(self) -> float:
        return 30.0

    # -- after the upgrade: a pycrdt Channel for YRoom.serve ----------------------------

    @property
    def path(self) -> str:
        return f"devinterview-room/{id(self)}"

    def open(self, *args: Any, **kwargs: Any) -> None:
        assert self.room is not None
        self._serve_task = asyncio.ensure_future(self._serve(self.room))

    async def _serve(self, room: Room) -> None:
        try:
            # pycrdt-websocket does not tell a newcomer who is already there (the reference
            # y-websocket server does): send the known awareness states first.
            awareness = room.yroom.awareness
            others = [cid for cid in awareness.states if cid != awareness.client_id]
            if others:
                update = awareness.encode_awareness_update(others)
                await self.send(create_awareness_message(update))
            await room.yroom.serve(self)
        finally:
            self.devinterview.rooms.release(room, self)

    def on_message(self, message: str | bytes) -> None:
        if isinstance(message, str):
            self.close_room(1003, "binary frames only")
            return
        try:
            frame = parse_frame(message)
        except MalformedFrame as e:
            self.log.info("DevInterview: closing a room connection: %s", e)
            self.close_room(1007, "malformed frame")
            return
        if frame.changes_document and self.room is not None and self.room.read_only:
            # The interview is over: nothing changes the document any more.
            return
        self._queue.put_nowait(message)

    def on_close(self) -> None:
        self._queue.put_nowait(_CLOSED)

    def close_room(self, code: int, reason: str) -> None:
        self.close(code, reason)
        self._queue.put_nowait(_CLOSED)

    def __aiter__(self) -> RoomHandler:
        return self

    async def __anext__(self) -> bytes:
        message = await self._queue.get()
        if message is _CLOSED:
            raise StopAsyncIteration
        assert isinstance(message, bytes)
        return message

    async def recv(self) -> bytes:
        return await self.__anext__()

    async def send(self, message: bytes) -> None:
        try:
            await self.write_message(message, binary=True)
        except WebSocketClosedError:
            self._queue.put_nowait(_CLOSED)

    def on_room_error(self, error: Exception) -> None:
        """YRoom could not apply this client's message (a broken update)."""
        self.log.info("DevInterview: closing a room connection: %s", error)
        self.close_room(1007, "malformed update")
