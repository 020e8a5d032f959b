"""The room manager's per-session lock: a room is loaded once, whatever the interleaving
of unloads and joins."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from devinterview_jupyter.testing.rest import create_invite, create_session
from devinterview_jupyter.testing.rooms import until


async def test_a_join_waiting_on_an_unload_shares_the_room_with_later_joins(
    api, devinterview_app, monkeypatch
):
    manager = devinterview_app.rooms
    sid = uuid.UUID((await create_session(api))["id"])
    first = object()
    manager.release(await manager.acquire(sid, first), first)

    closing, loading = asyncio.Event(), asyncio.Event()
    loads: list[Any] = []
    close, load = manager._close, manager._load

    async def slow_close(room: Any, **kwargs: Any) -> None:
        await closing.wait()
        await close(room, **kwargs)

    async def slow_load(session_id: uuid.UUID) -> Any:
        loads.append(session_id)
        await loading.wait()
        return await load(session_id)

    monkeypatch.setattr(manager, "_close", slow_close)
    monkeypatch.setattr(manager, "_load", slow_load)

    # The unload holds the session's lock; a join waits for it.
    unloading = asyncio.ensure_future(manager.unload(sid))
    await asyncio.sleep(0.05)
    one, two = object(), object()
    joining = asyncio.ensure_future(manager.acquire(sid, one))
    await asyncio.sleep(0.05)
    # The unload ends; the waiting join now loads the room (held up inside the load).
    closing.set()
    await unloading
    await until(lambda: len(loads) == 1, what="the waiting join loads")
    # A later join must wait for that load, not start a second one beside it.
    later = asyncio.ensure_future(manager.acquire(sid, two))
    await asyncio.sleep(0.05)
    assert len(loads) == 1, "a second load of the same session ran beside the first"
    loading.set()
    room_one, room_two = await asyncio.gather(joining, later)
    assert room_one is room_two is manager.rooms[sid]
    assert room_one.users == {one, two}
    manager.release(room_one, one)
    manager.release(room_two, two)
    assert len(manager.locks) == 0  # nobody holds or waits: the lock is forgotten


class _Candidate:
    """Stands in for a candidate's room connection (only what the re-read looks at)."""

    def __init__(self, invite_id: uuid.UUID) -> None:
        self.invite_id = invite_id
        self.closed: tuple[int, str] | None = None

    def close_room(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


async def test_the_periodic_reread_closes_revoked_invites_but_not_one_who_joins_during_it(
    api, devinterview_app, monkeypatch
):
    manager = devinterview_app.rooms
    s = await create_session(api)
    sid = uuid.UUID(s["id"])
    revoked = await create_invite(api, s["id"])
    assert (await api("DELETE", f"sessions/{s['id']}/invites/{revoked['id']}")).status == 204
    valid = await create_invite(api, s["id"])
    stale, newcomer = _Candidate(uuid.UUID(revoked["id"])), _Candidate(uuid.UUID(valid["id"]))
    room = await manager.acquire(sid, stale)
    session = devinterview_app.database.session

    @asynccontextmanager
    async def joined_meanwhile() -> AsyncIterator[Any]:
        # A candidate joins while the re-read waits for the database.
        room.users.add(newcomer)
        async with session() as db:
            yield db

    monkeypatch.setattr(devinterview_app.database, "session", joined_meanwhile)
    await manager.recheck()
    assert stale.closed is not None and stale.closed[0] == 4401
    assert newcomer.closed is None
