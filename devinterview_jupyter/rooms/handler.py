"""The websocket of a room: who may connect, and what may pass.

Speaks the y-websocket protocol (``sync.RoomSync`` does the syncing); this handler
authenticates before the upgrade, checks origins, and inspects every frame: malformed or
oversized frames close that one connection, and document changes are dropped once the
interview is over. Connecting and every frame received mark the Jupyter server active
(``activity.py``), so JupyterHub's idle culler leaves a live interview alone.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado.iostream import IOStream
from tornado.websocket import WebSocketHandler

from .. import profiles
from ..auth import RESOURCE_ROOMS, Candidate
from ..colors import interviewer_color, session_interviewers
from ..db.engine import DatabaseUnavailable
from ..errors import ApiError
from ..handlers import DevInterviewMixin, identity_name, parse_uuid
from .activity import ActivityClock, activity_clock
from .kind import INTERVIEW_ROOM, NOTES, NOTES_ROOM, RoomKind
from .manager import Room, RoomManager
from .protocol import MalformedFrame, parse_frame
from .stream_transport import serve_on_stream
from .sync import Participant
from .websocket import RoomSocket

ROOM_PING_INTERVAL = 30.0  # seconds; a peer silent for a whole interval after a ping is gone
# How interviewers were last shown, per (session, user): used while the database is down.
MAX_LAST_SHOWN = 4096
_LAST_SHOWN: OrderedDict[tuple[uuid.UUID, str], tuple[str, str]] = OrderedDict()


class RoomHandler(DevInterviewMixin, ExtensionHandlerMixin, WebSocketHandler, JupyterHandler):
    auth_resource = RESOURCE_ROOMS
    kind: RoomKind = INTERVIEW_ROOM

    room: Room | None = None
    role: str = ""
    invite_id: uuid.UUID | None = None
    interviewer_name: str | None = None
    participant: Participant | None = None
    _expires_at: datetime | None = None
    _expiry: asyncio.TimerHandle | None = None
    _counted = False  # holds one of its credential's connections
    _left = False
    _opened = False
    _closed_with: tuple[int, str] | None = None
    _peer: RoomSocket | None = None  # what the room sends to
    _activity: ActivityClock  # marks the server active (activity.py); set by open()

    # -- before the upgrade -------------------------------------------------------------

    # Candidates have no Jupyter identity, even on servers that refuse anonymous access.
    @allow_unauthenticated
    async def get(self, session_id: str, *args: Any, **kwargs: Any) -> None:
        sid = parse_uuid(session_id, "session id")
        origin = self.request.headers.get("Origin")
        if origin is not None and not self.check_origin(origin):
            raise ApiError(403, f"websocket origin {origin} is not allowed", "origin")
        self.role = await self._authenticate(sid)
        settings = self.devinterview
        assert self.participant is not None
        limit = (
            settings.room_max_connections_per_invite
            if self.role == "candidate"
            else settings.room_max_connections_per_user
        )
        settings.room_connections.acquire(self._connection_key(), limit)
        self._counted = True
        try:
            self.room = await self.manager.acquire(sid, self)
        except BaseException:
            self._uncount()
            raise
        try:
            await super().get(session_id, *args, **kwargs)
        finally:
            if not self._opened:  # the upgrade did not happen; otherwise _leave releases
                self.manager.release(self.room, self)
                self._uncount()

    async def _authenticate(self, session_id: uuid.UUID) -> str:
        caller = await self.caller(
            RESOURCE_ROOMS, "write", self.get_query_argument("candidate_token", None)
        )
        if isinstance(caller, Candidate):
            if not self.kind.candidates:
                raise ApiError(
                    403, f"the {self.kind.name} room is for interviewers only", "forbidden"
                )
            if caller.session_id != session_id:
                raise ApiError(403, "this invite is for another interview", "forbidden")
            self.invite_id = caller.invite_id
            self._expires_at = caller.expires_at
            self.participant = Participant(
                f"invite:{caller.invite_id}",
                caller.name or "Candidate",
                "candidate",
                lobby=not caller.entered,
            )
            return "candidate"
        await self.require_session_role(session_id)
        interviewer = self.interviewer()
        # Checked again while connected (team mode): removed means out.
        self.interviewer_name = interviewer.name if interviewer else None
        user = self.current_user
        # The username is the identity's unique key (an anonymous user's display name is
        # one of a few dozen moons); others are shown the name the interviewer chose
        # (api/profile.py), else the identity's display name.
        key = f"user:{getattr(user, 'username', None) or caller.name}"
        name, color = await self._shown_as(session_id, caller.name, user, key)
        self.participant = Participant(key, name, "interviewer", color)
        return "interviewer"

    async def _shown_as(
        self, session_id: uuid.UUID, username: str, user: Any, key: str
    ) -> tuple[str, str]:
        """An interviewer's name and colour in this session (api/profile.py, colors.py)."""
        known = (session_id, username)
        try:
            async with self.database.session() as db:
                chosen = (await profiles.display_names(db, [username])).get(username)
                interviewers = await session_interviewers(db, session_id)
        except DatabaseUnavailable:
            # A loaded room keeps serving through an outage (docs/architecture.md): the
            # interviewer is shown as last seen here, else by their identity alone.
            return _LAST_SHOWN.get(known) or (
                identity_name(user),
                interviewer_color(username, [], key),
            )
        shown = (chosen or identity_name(user), interviewer_color(username, interviewers, key))
        _LAST_SHOWN[known] = shown
        _LAST_SHOWN.move_to_end(known)
        if len(_LAST_SHOWN) > MAX_LAST_SHOWN:
            _LAST_SHOWN.popitem(last=False)
        return shown

    @property
    def manager(self) -> RoomManager:
        settings = self.devinterview
        return settings.note_rooms if self.kind.name == NOTES else settings.rooms

    def _connection_key(self) -> str:
        # Each kind of room counts its own connections: a tab holds one of each.
        assert self.participant is not None
        key = self.participant.key
        return key if self.kind is INTERVIEW_ROOM else f"{key}#{self.kind.name}"

    def check_origin(self, origin_to_satisfy_tornado: str = "") -> bool:
        """Same origin, or an origin listed in DevInterviewApp.allowed_origins."""
        origin = origin_to_satisfy_tornado
        parsed = urlparse(origin)
        if parsed.netloc and parsed.netloc.lower() == self.request.host.lower():
            return True
        return self.devinterview.origin_allowed(origin)

    # Tornado's frame layer reads none of a room connection's frames (RoomSocket does):
    # it must neither ping nor offer an extension that RoomSocket does not speak.

    @property
    def ping_interval(self) -> float:
        return 0.0

    def get_compression_options(self) -> None:
        return None

    # -- after the upgrade: a Peer of the room -----------------------------------------

    def open(self, *args: Any, **kwargs: Any) -> Awaitable[None] | None:
        assert self.room is not None
        self._opened = True
        # A connection, and then every frame it sends, is use of this server (activity.py).
        self._activity = activity_clock(self.settings)
        self._activity.touch()
        if self._expires_at is not None:
            # An invite that expires while its connection is open ends it, as revocation does.
            left = self._expires_at.timestamp() - time.time()
            self._expiry = asyncio.get_running_loop().call_later(
                max(0.0, left), self.close_room, 4401, "invite expired"
            )
        # Tornado awaits this before reading any frame (documented: on_message is not
        # called until open has returned), so it reads none: RoomSocket reads them all.
        return self._serve()

    async def _serve(self) -> None:
        stream = self._stream()
        assert stream is not None
        # Tornado leaves Nagle's algorithm on: a keystroke written while an earlier frame
        # awaits its (delayed) ACK would wait up to 40 ms. Node's ws and asyncio turn it off.
        self.set_nodelay(True)
        try:
            settings = self.devinterview
            peer = RoomSocket(
                self,
                max_message_bytes=settings.room_max_frame_bytes,
                max_send_buffer_bytes=settings.room_max_send_buffer_bytes,
                ping_interval=ROOM_PING_INTERVAL,
                log=self.log,
                send_budget=settings.send_budget,
            )
            await serve_on_stream(stream, peer)
        finally:
            # Whatever happened, the room lets go of this connection (tornado does not call
            # on_close when open() fails).
            self._leave()
            stream.close()

    def socket_opened(self, peer: RoomSocket) -> None:
        assert self.room is not None
        if self._left:
            # The room closed this connection between the upgrade and now (session deleted,
            # invite revoked): the client still gets the code, which tells it not to
            # reconnect.
            if self._closed_with is not None:
                peer.close(*self._closed_with)
            else:
                peer.abort()
            return
        self._peer = peer
        self.room.sync.join(peer, self.participant)

    def socket_message(self, message: bytes) -> None:
        self._receive(message)

    def socket_lost(self) -> None:
        self._leave()

    def _stream(self) -> IOStream | None:
        # The stream tornado's websocket protocol holds after the upgrade: an attribute it
        # names without an underscore, checked here rather than assumed.
        stream = getattr(self.ws_connection, "stream", None)
        return stream if isinstance(stream, IOStream) else None

    def _receive(self, message: bytes) -> None:
        room, peer = self.room, self._peer
        if room is None or peer is None or self._left:
            return
        try:
            frame = parse_frame(message)
        except MalformedFrame as e:
            self.log.info("DevInterview: closing a room connection: %s", e)
            self.reject(1007, "malformed frame")
            return
        self._activity.touch()
        if frame.changes_document and room.read_only:
            # The interview is over: nothing changes the document any more.
            return
        room.sync.receive(peer, frame)

    def on_close(self) -> None:
        self._leave()

    def reject(self, code: int, reason: str) -> None:
        self.close_room(code, reason)

    def close_room(self, code: int, reason: str) -> None:
        peer = self._peer
        if peer is not None:
            peer.close(code, reason)
        else:  # not served yet: socket_opened closes it, as we have left
            self._closed_with = (code, reason)
        self._leave()

    def _leave(self) -> None:
        if self._left or self.room is None:
            return
        self._left = True
        if self._expiry is not None:
            self._expiry.cancel()
        if self._peer is not None:
            self.room.sync.leave(self._peer)
            self.devinterview.send_budget.forget(self._peer)
        self.manager.release(self.room, self)
        self._uncount()

    def _uncount(self) -> None:
        if self._counted and self.participant is not None:
            self._counted = False
            self.devinterview.room_connections.release(self._connection_key())


class NotesRoomHandler(RoomHandler):
    """The interviewers' private notes of a session: a room of its own (rooms/kind.py),
    refused to every candidate credential before anything else is looked at."""

    kind = NOTES_ROOM
