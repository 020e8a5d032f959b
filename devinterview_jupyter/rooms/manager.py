"""Rooms in memory: loaded on first use, kept in step with the database, unloaded when idle."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pycrdt import Map

from .. import sessions as ops
from ..db.engine import Database
from ..db.models import InterviewSession
from .budget import RoomLimits
from .document import OwnedMaps, TimerState, new_document, server_now_ms
from .store import SQLYStore, UpdateWriter
from .sync import RoomSync
from .ydoc import TIMER


@dataclass(eq=False)
class Room:
    session_id: uuid.UUID
    sync: RoomSync
    store: SQLYStore
    owned: OwnedMaps
    read_only: bool = False
    users: set[object] = field(default_factory=set)
    unload_handle: asyncio.TimerHandle | None = None

    @property
    def doc(self) -> Any:
        return self.sync.doc


def _meta_of(session: InterviewSession) -> dict[str, Any]:
    return {"language": session.language, "status": session.status}


class RoomManager:
    def __init__(
        self,
        database: Database,
        writer: UpdateWriter,
        *,
        log: logging.Logger,
        idle_seconds: float = 60.0,
        snapshot_every: int = 500,
        limits: RoomLimits | None = None,
        on_refusal: Callable[[str], None] | None = None,
    ) -> None:
        self.limits = limits or RoomLimits()
        self.on_refusal = on_refusal
        self.database = database
        self.writer = writer
        self.log = log
        self.idle_seconds = idle_seconds
        self.snapshot_every = snapshot_every
        self.rooms: dict[uuid.UUID, Room] = {}
        self._locks: dict[uuid.UUID, asyncio.Lock] = {}

    def _lock(self, session_id: uuid.UUID) -> asyncio.Lock:
        return self._locks.setdefault(session_id, asyncio.Lock())

    async def acquire(self, session_id: uuid.UUID, user: object) -> Room:
        """The room of a session, loaded if need be, held for ``user`` until ``release``.

        Loads are serialised per session, so two first joins share one room.
        """
        async with self._lock(session_id):
            room = self.rooms.get(session_id)
            if room is None:
                room = await self._load(session_id)
                self.rooms[session_id] = room
            if room.unload_handle is not None:
                room.unload_handle.cancel()
                room.unload_handle = None
            room.users.add(user)
            return room

    def release(self, room: Room, user: object) -> None:
        room.users.discard(user)
        if not room.users and self.rooms.get(room.session_id) is room:
            loop = asyncio.get_running_loop()
            if room.unload_handle is not None:
                room.unload_handle.cancel()
            room.unload_handle = loop.call_later(
                self.idle_seconds, lambda: asyncio.ensure_future(self.unload(room.session_id))
            )

    async def _load(self, session_id: uuid.UUID) -> Room:
        async with self.database.session() as db:
            session = await ops.get_session(db, session_id)
            meta = _meta_of(session)
            ended_at = session.ended_at
            planned = session.planned_minutes
        doc = new_document()
        store = SQLYStore(
            str(session_id), writer=self.writer, doc=doc, snapshot_every=self.snapshot_every
        )
        await store.load_into(doc)
        timer = TimerState.from_map(doc.get(TIMER, type=Map).to_py() or {}).with_plan(planned)
        if ended_at is not None:
            timer = timer.pause(ended_at.timestamp() * 1000.0)

        # Observed from here on: the server's own writes below are stored and sent too.
        sync = RoomSync(doc, store, self.log, self.limits, self.on_refusal)
        owned = OwnedMaps(doc, meta, timer)
        owned.attach()
        room = Room(session_id, sync, store, owned, read_only=meta["status"] == "terminated")
        self.log.debug("DevInterview room %s loaded", session_id)
        return room

    async def unload(self, session_id: uuid.UUID) -> None:
        async with self._lock(session_id):
            room = self.rooms.get(session_id)
            if room is None or room.users:
                return
            del self.rooms[session_id]
            await self._close(room)
        self._locks.pop(session_id, None)

    async def _close(self, room: Room, *, keep: bool = True) -> None:
        if room.unload_handle is not None:
            room.unload_handle.cancel()
        if keep and room.store.since_snapshot > 0:
            # Compact on the way out so that the next load reads one row.
            room.store.snapshot()
        room.owned.detach()
        if keep:
            await self.writer.flush(room.session_id)
        else:
            self.writer.discard(room.session_id)
        room.sync.close()

    async def session_changed(self, session: InterviewSession) -> None:
        """Bring a loaded room in step with the session as stored."""
        room = self.rooms.get(session.id)
        if room is None:
            return
        room.owned.set_meta(**_meta_of(session))
        timer = room.owned.timer.with_plan(session.planned_minutes)
        if session.status == "terminated":
            ended = session.ended_at.timestamp() * 1000.0 if session.ended_at else server_now_ms()
            timer = timer.pause(ended)
            room.read_only = True
        room.owned.set_timer(timer)

    def invite_revoked(self, session_id: uuid.UUID, invite_id: uuid.UUID) -> None:
        """Disconnect whoever came in with a now revoked invite."""
        room = self.rooms.get(session_id)
        for user in list(room.users) if room else []:
            if getattr(user, "invite_id", None) == invite_id:
                user.close_room(4401, "invite revoked")  # type: ignore[attr-defined]

    async def session_deleted(self, session_id: uuid.UUID) -> None:
        async with self._lock(session_id):
            room = self.rooms.pop(session_id, None)
            if room is None:
                self.writer.discard(session_id)
                return
            for user in list(room.users):
                closer = getattr(user, "close_room", None)
                if closer is not None:
                    closer(4404, "interview deleted")
            room.users.clear()
            await self._close(room, keep=False)

    async def apply_timer(self, session_id: uuid.UUID, action: str) -> TimerState:
        token = object()
        room = await self.acquire(session_id, token)
        try:
            now = server_now_ms()
            timer = room.owned.timer
            if action == "start":
                timer = timer.start(now)
            elif action == "pause":
                timer = timer.pause(now)
            else:
                timer = timer.reset()
            room.owned.set_timer(timer)
            return timer
        finally:
            self.release(room, token)

    async def stop(self) -> None:
        for session_id in list(self.rooms):
            room = self.rooms.pop(session_id)
            for user in list(room.users):
                closer = getattr(user, "close_room", None)
                if closer is not None:
                    closer(1001, "server shutting down")
            room.users.clear()
            await self._close(room)
        await self.writer.close()
