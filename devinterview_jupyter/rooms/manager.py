"""Rooms in memory: loaded on first use, kept in step with the database, unloaded when idle.

Any number of servers on one PostgreSQL may host the room of the same session at once
(the owner's, a co-interviewer's, a restarted one). They share the update log; each follows
the others' rows (``follow.LogFollower``), passes its participants' presence on through the
bus (``bus.py``), and tells the others when the session changes, is deleted or loses an
invite. Notices can be lost; the log and a periodic re-read of sessions and invites cannot.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from pycrdt import Map, Text
from sqlalchemy import select

from .. import sessions as ops
from ..db.engine import Database, DatabaseUnavailable
from ..db.models import CoInterviewer, InterviewSession, Invite, utcnow
from .budget import RoomLimits
from .bus import BYE, CHANGED, DELETED, HELLO, NEW_ROWS, PRESENCE, REMOVED, REVOKED, Bus, Notice
from .document import OwnedMaps, TimerState, new_document, server_now_ms
from .follow import CATCH_UP_BATCH, RETRY_FIRST, RETRY_MAX, LogFollower
from .store import RoomHistory, UpdateWriter, rows_of_rooms
from .sync import RoomSync
from .ydoc import QUESTION, SOURCE, TIMER

# Presence from another server not renewed for this long is dropped (that server died):
# browsers renew theirs every 15 s.
REMOTE_PRESENCE_TIMEOUT_MS = 45_000


@dataclass(eq=False)
class Room:
    session_id: uuid.UUID
    sync: RoomSync
    store: RoomHistory
    owned: OwnedMaps
    follower: LogFollower
    read_only: bool = False
    users: set[object] = field(default_factory=set)
    unload_handle: asyncio.TimerHandle | None = None
    snapshot_task: asyncio.Task[bool] | None = None

    @property
    def doc(self) -> Any:
        return self.sync.doc


def _username_of(user: object) -> str | None:
    """The name an interviewer's access is checked by (the session's owner and
    co-interviewers are stored by it); None for a candidate."""
    name = getattr(user, "interviewer_name", None)
    return name if isinstance(name, str) else None


def _differs(room: Room, session: InterviewSession, freezes: bool) -> bool:
    """Whether the room is behind its session row (the periodic re-read writes to the
    document only then: hundreds of rooms rewritten every few seconds stall the loop)."""
    owned = room.owned
    return (
        any(owned.meta.get(key) != value for key, value in _meta_of(session).items())
        or owned.timer.planned_minutes != session.planned_minutes
        or (freezes and session.status == "terminated" and not room.read_only)
    )


def _meta_of(session: InterviewSession) -> dict[str, Any]:
    return {"language": session.language, "status": session.status}


class KeyedLocks:
    """One asyncio lock per key, forgotten once nobody holds or waits for it.

    A lock dropped while someone still waits on it would let the next comer create a
    second one, and two holders run at once (two rooms loaded for one session).
    """

    def __init__(self) -> None:
        self._locks: dict[uuid.UUID, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: uuid.UUID) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


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
        bus: Bus | None = None,
        recheck_seconds: float = 2.0,
        team_mode: bool = False,
    ) -> None:
        self.limits = limits or RoomLimits()
        self.on_refusal = on_refusal
        self.database = database
        self.writer = writer
        self.log = log
        self.idle_seconds = idle_seconds
        self.snapshot_every = snapshot_every
        self.recheck_seconds = recheck_seconds
        # session_access = "owner": an interviewer in a room must be its owner or one of
        # its co-interviewers, also after being removed while connected.
        self.team_mode = team_mode
        self.rooms: dict[uuid.UUID, Room] = {}
        self.locks = KeyedLocks()
        # What of its question a session's room shows (None: no question); set by the
        # app. Rooms are kept in step with it on load and on every change.
        self.question_view: Callable[[uuid.UUID], Awaitable[dict[str, Any] | None]] | None = None
        self._question_locks = KeyedLocks()
        # The kind of room this manager serves is the kind its log is (rooms/kind.py).
        self.kind = writer.kind
        self.bus = bus or Bus(
            writer.origin, prefix=self.kind.channel_prefix, rows_channel=self.kind.rows_channel
        )
        self.bus.on_notice = self._notice
        self.bus.on_connected = self._bus_connected
        self._recheck_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._rows_wanted = False
        self._rows_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Listen to the other servers (when there can be any)."""
        if self.bus.shared:
            self.bus.start()
            if self._recheck_task is None:
                self._recheck_task = asyncio.ensure_future(self._recheck_loop())

    async def acquire(self, session_id: uuid.UUID, user: object) -> Room:
        """The room of a session, loaded if need be, held for ``user`` until ``release``.

        Loads are serialised per session, so two first joins share one room.
        """
        async with self.locks.hold(session_id):
            room = self.rooms.get(session_id)
            if room is None:
                room = await self._load(session_id)
                self.rooms[session_id] = room
                # A row announced while it loaded found no room to tell: look again.
                room.follower.request()
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
        self.start()
        async with self.database.session() as db:
            session = await ops.get_session(db, session_id)
            meta = _meta_of(session)
            ended_at = session.ended_at
            planned = session.planned_minutes
        # Listening before reading the log: a row committed after the read is announced.
        await self.bus.subscribe(session_id)
        doc = new_document()
        store = RoomHistory(
            str(session_id), writer=self.writer, doc=doc, snapshot_every=self.snapshot_every
        )
        try:
            position = await store.load_into(doc)
        except BaseException:
            await self._unsubscribe(session_id)
            raise
        timer = TimerState.from_map(doc.get(TIMER, type=Map).to_py() or {}).with_plan(planned)
        if ended_at is not None:
            timer = timer.pause(ended_at.timestamp() * 1000.0)

        # Observed from here on: the server's own writes below are stored and sent too.
        sync = RoomSync(doc, store, self.log, self.limits, self.on_refusal, kind=self.kind)
        owned = OwnedMaps(doc, meta, timer)
        owned.attach()
        follower = LogFollower(
            store,
            lambda update, server: self._apply_remote(room, update, server),
            doc.get_update,
            position=position,
            log=self.log,
        )
        frozen = self.kind.freezes_when_ended and meta["status"] == "terminated"
        room = Room(session_id, sync, store, owned, follower, read_only=frozen)
        store.on_snapshot_due = lambda: self._snapshot_soon(room)
        sync.on_presence = lambda update: self._publish_presence(room, update)
        if self.kind.shows_question:
            # A write lost before it was stored (a crash) is put right from the database.
            self._show_question(room, await self._question_view_of(session_id))
        self.bus.publish(session_id, HELLO)
        self.log.debug("DevInterview room %s loaded", session_id)
        return room

    def _apply_remote(self, room: Room, update: bytes, server: bool) -> None:
        # What our own participants wrote to meta/timer is put right first: adopting
        # below must never take a participant's value as a server's.
        room.owned.repair_now()
        room.owned.following = True
        try:
            room.sync.apply_remote(update)
        finally:
            room.owned.following = False
        if server:
            # Meta and timer as another server wrote them (it started the timer, changed
            # the language): ours from now on too. Read-only follows the session row only.
            room.owned.adopt()
            if room.owned.meta.get("status") == "terminated" and not room.read_only:
                self._background(self._reread([room.session_id]))

    def _snapshot_soon(self, room: Room) -> None:
        if room.snapshot_task is None or room.snapshot_task.done():
            room.snapshot_task = asyncio.ensure_future(self._snapshot(room))

    async def _snapshot(self, room: Room) -> bool:
        try:
            return await room.follower.snapshot()
        except Exception:
            # The log still holds everything; the next snapshot or load does the work.
            self.log.exception("DevInterview: snapshot of room %s failed", room.session_id)
            return False

    async def unload(self, session_id: uuid.UUID) -> None:
        async with self.locks.hold(session_id):
            room = self.rooms.get(session_id)
            if room is None or room.users:
                return
            # Listed until stored: whoever waits for it to go finds its snapshot in place.
            try:
                await self._close(room)
            finally:
                del self.rooms[session_id]
                await self.bus.unsubscribe(session_id)

    async def _close(self, room: Room, *, keep: bool = True) -> None:
        if room.unload_handle is not None:
            room.unload_handle.cancel()
        try:
            if keep and room.store.since_snapshot > 0:
                # Compact on the way out so that the next load reads one row.
                await self._snapshot(room)
        finally:
            await room.follower.close()
            room.owned.detach()
            room.sync.close()
            self.bus.publish(room.session_id, BYE)
            # Whatever happened above, this room's rows are stored before it is gone.
            if keep:
                await self.writer.flush(room.session_id)
            else:
                self.writer.discard(room.session_id)
        await self._unsubscribe(room.session_id)

    async def _unsubscribe(self, session_id: uuid.UUID) -> None:
        if session_id not in self.rooms:
            await self.bus.unsubscribe(session_id)

    # -- changes made through the API, here or on another server --------------------------

    async def session_changed(self, session: InterviewSession, *, announce: bool = True) -> None:
        """Bring a loaded room in step with the session as stored."""
        if announce:
            self.bus.publish(session.id, CHANGED)
        room = self.rooms.get(session.id)
        if room is None:
            return
        room.owned.set_meta(**_meta_of(session))
        timer = room.owned.timer.with_plan(session.planned_minutes)
        if session.status == "terminated":
            ended = session.ended_at.timestamp() * 1000.0 if session.ended_at else server_now_ms()
            timer = timer.pause(ended)
            room.read_only = self.kind.freezes_when_ended
        room.owned.set_timer(timer)

    def invite_revoked(
        self, session_id: uuid.UUID, invite_id: uuid.UUID, *, announce: bool = True
    ) -> None:
        """Disconnect whoever came in with a now revoked invite."""
        if announce:
            self.bus.publish(session_id, REVOKED, invite_id.hex)
        room = self.rooms.get(session_id)
        for user in list(room.users) if room else []:
            if getattr(user, "invite_id", None) == invite_id:
                user.close_room(4401, "invite revoked")  # type: ignore[attr-defined]

    def interviewer_removed(
        self, session_id: uuid.UUID, username: str, *, announce: bool = True
    ) -> None:
        """Disconnect a co-interviewer the owner removed (team mode)."""
        if announce:
            self.bus.publish(session_id, REMOVED, username)
        room = self.rooms.get(session_id)
        for user in list(room.users) if room else []:
            if _username_of(user) == username:
                user.close_room(4403, "removed from the interview")  # type: ignore[attr-defined]

    async def session_deleted(self, session_id: uuid.UUID, *, announce: bool = True) -> None:
        if announce:
            self.bus.publish(session_id, DELETED)
        async with self.locks.hold(session_id):
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

    async def write_question(
        self, session_id: uuid.UUID, starter: str | None = None, *, only_if_empty: bool = False
    ) -> None:
        """Show the room its session's question as stored now (``question_view``), and put
        ``starter`` into the code when given (with ``only_if_empty``, only if the code is
        blank). Stored and relayed like any server write, so every server's room shows
        it. Writes of one session are serialised and each reads the database afresh, so
        a reveal and a switch finishing in either order leave the latest state."""
        token = object()
        room = await self.acquire(session_id, token)
        try:
            async with self._question_locks.hold(session_id):
                view = await self._question_view_of(session_id)
                self._show_question(room, view, starter, only_if_empty=only_if_empty)
        finally:
            self.release(room, token)

    async def _question_view_of(self, session_id: uuid.UUID) -> dict[str, Any] | None:
        if self.question_view is None or not self.kind.shows_question:
            return None
        return await self.question_view(session_id)

    def _show_question(
        self,
        room: Room,
        view: dict[str, Any] | None,
        starter: str | None = None,
        *,
        only_if_empty: bool = False,
    ) -> None:
        shown: Map[Any] = room.doc.get(QUESTION, type=Map)
        if (shown.to_py() or {}) == (view or {}) and starter is None:
            return
        with room.doc.transaction(origin="devinterview-server"):
            # Every key, every time: two servers writing at once then agree key by key
            # (Yjs picks one writer for all of them), never a mix of two questions.
            for key in list(shown.keys()):
                if view is None or key not in view:
                    del shown[key]
            for key, value in (view or {}).items():
                shown[key] = value
            code: Text = room.doc.get(SOURCE, type=Text)
            blank_or_forced = not (only_if_empty and str(code).strip())
            if starter is not None and blank_or_forced and str(code) != starter:
                code.clear()
                code.insert(0, starter)

    # -- the other servers ------------------------------------------------------------------

    def _notice(self, session_id: uuid.UUID | None, notice: Notice) -> None:
        if session_id is None:
            if notice.kind == NEW_ROWS:
                self.catch_up_all()
            return
        room = self.rooms.get(session_id)
        if room is None:
            return
        kind = notice.kind
        if kind == PRESENCE:
            update = self._inflate(notice.body)
            if update is not None:
                room.sync.apply_remote_presence(update, notice.origin)
        elif kind == HELLO:
            mine = room.sync.local_presence()
            if mine is not None:
                self._publish_presence(room, mine)
        elif kind == BYE:
            room.sync.drop_remote(notice.origin)
        elif kind in (CHANGED, DELETED, REVOKED, REMOVED):
            # A hint, not an order (anyone who may write to the database may notify):
            # what to close is decided by what the database says.
            self._background(self._reread([session_id]))

    def _inflate(self, body: str) -> bytes | None:
        """A presence notice's awareness update; None if it is not one or is too large."""
        # Bounded like a participant's own awareness frame.
        limit = self.limits.max_awareness_state_bytes * 8
        try:
            inflater = zlib.decompressobj()
            update = inflater.decompress(base64.b64decode(body, validate=True), limit)
        except (ValueError, zlib.error):
            return None
        return None if inflater.unconsumed_tail else update

    def _publish_presence(self, room: Room, update: bytes) -> None:
        if not self.bus.shared:
            return
        body = base64.b64encode(zlib.compress(update)).decode("ascii")
        if not self.bus.publish(room.session_id, PRESENCE, body):
            # Too large for a notice (the limit on a state is higher): seen only here.
            room.sync.stats.presence_not_relayed += 1

    def _bus_connected(self) -> None:
        # Whatever was announced while we were not listening is in the log.
        self.catch_up_all()
        for room in self.rooms.values():
            self.bus.publish(room.session_id, HELLO)
        self._background(self._reread(None))

    def catch_up_all(self) -> None:
        """Catch every hosted room up with the log soon, in one query; requests made
        while one runs lead to one more (a busy team commits many times a second)."""
        self._rows_wanted = True
        if self._rows_task is None or self._rows_task.done():
            self._rows_task = asyncio.ensure_future(self._catch_up_all())
            self._tasks.add(self._rows_task)
            self._rows_task.add_done_callback(self._tasks.discard)

    async def _catch_up_all(self) -> None:
        delay = RETRY_FIRST
        while self._rows_wanted:
            self._rows_wanted = False
            rooms = dict(self.rooms)
            if not rooms:
                return
            positions = {
                sid: (room.follower.position, room.store.origin) for sid, room in rooms.items()
            }
            try:
                found = await rows_of_rooms(self.database, positions, CATCH_UP_BATCH, self.kind)
            except DatabaseUnavailable:
                self._rows_wanted = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)
                continue
            except Exception:
                self.log.exception("DevInterview: catching up rooms failed")
                return
            delay = RETRY_FIRST
            for sid, rows in found.items():
                room = rooms[sid]
                if self.rooms.get(sid) is room:  # not unloaded (or reloaded) meanwhile
                    room.follower.take(rows)
                if len(rows) >= CATCH_UP_BATCH:
                    self._rows_wanted = True

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reread(self, session_ids: list[uuid.UUID] | None) -> None:
        with contextlib.suppress(DatabaseUnavailable):
            await self.recheck(session_ids)

    async def _recheck_loop(self) -> None:
        while True:
            await asyncio.sleep(self.recheck_seconds)
            try:
                await self.recheck()
            except DatabaseUnavailable:
                pass
            except Exception:
                self.log.exception("DevInterview: re-reading hosted sessions failed")

    async def recheck(self, session_ids: list[uuid.UUID] | None = None) -> None:
        """Re-read the hosted sessions and their candidates' invites: what another server
        changed reaches this one even if its notice was lost."""
        ids = [sid for sid in (session_ids or list(self.rooms)) if sid in self.rooms]
        if not ids:
            return
        # Only the candidates here now: one who joins while the query runs is not in it.
        candidates = [
            (user, invite_id)
            for sid in ids
            for user in self.rooms[sid].users
            if (invite_id := getattr(user, "invite_id", None)) is not None
        ]
        invites = {invite_id for _user, invite_id in candidates}
        interviewers = [
            (sid, user, name)
            for sid in ids
            for user in self.rooms[sid].users
            if self.team_mode and (name := _username_of(user)) is not None
        ]
        async with self.database.session() as db:
            sessions = (
                await db.scalars(select(InterviewSession).where(InterviewSession.id.in_(ids)))
            ).all()
            valid: set[uuid.UUID] = set()
            if invites:
                valid = set(
                    (
                        await db.scalars(
                            select(Invite.id).where(
                                Invite.id.in_(invites),
                                Invite.revoked_at.is_(None),
                                Invite.expires_at > utcnow(),
                            )
                        )
                    ).all()
                )
            members: set[tuple[uuid.UUID, str]] = set()
            if interviewers:
                members = {
                    (row.session_id, row.username)
                    for row in (
                        await db.execute(
                            select(CoInterviewer.session_id, CoInterviewer.username).where(
                                CoInterviewer.session_id.in_({sid for sid, _u, _n in interviewers})
                            )
                        )
                    ).all()
                }
        found = {s.id: s for s in sessions}
        older = time.time() * 1000.0 - REMOTE_PRESENCE_TIMEOUT_MS
        for sid in ids:
            session = found.get(sid)
            if session is None:
                await self.session_deleted(sid, announce=False)
                continue
            room = self.rooms.get(sid)
            if room is not None and _differs(room, session, self.kind.freezes_when_ended):
                await self.session_changed(session, announce=False)
            if room is None:
                continue
            room.sync.drop_remote(older_than_ms=older)
        for user, invite_id in candidates:
            if invite_id not in valid:
                user.close_room(4401, "invite revoked or expired")  # type: ignore[attr-defined]
        for sid, user, name in interviewers:
            session = found.get(sid)
            if session is not None and name != session.owner and (sid, name) not in members:
                user.close_room(4403, "removed from the interview")  # type: ignore[attr-defined]

    async def stop(self) -> None:
        tasks = [*self._tasks, *([self._recheck_task] if self._recheck_task else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for session_id in list(self.rooms):
            room = self.rooms.pop(session_id)
            for user in list(room.users):
                closer = getattr(user, "close_room", None)
                if closer is not None:
                    closer(1001, "server shutting down")
            room.users.clear()
            try:
                await asyncio.wait_for(self._close(room), 10.0)
            except asyncio.TimeoutError:
                self.log.error("DevInterview: room %s did not close in time", session_id)
        await self.writer.close()
        await self.bus.stop()
