"""One room's document kept in step with the rows other servers add to its log.

Every server hosting a room writes what its own participants send to the shared log and
follows what the others write there: ``catch_up`` reads the rows after the position the
room has applied, in log order, and applies those of other servers (its own are in the
document already). Because the log hands out positions in commit order (rooms/store.py),
"every row up to ``position`` is in the document" holds after each catch-up, and a
snapshot taken right after one may say so: loading then starts from the snapshot with the
rows after that position, however many servers wrote them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from ..db.engine import DatabaseUnavailable
from .store import SERVER, LogRow, RoomHistory

# Rows read per query when catching up (a server back after a long outage reads more).
CATCH_UP_BATCH = 500
# Seconds between attempts while the database is away or busy.
RETRY_FIRST = 0.5
RETRY_MAX = 8.0

ApplyRemote = Callable[[bytes, bool], None]  # (update, written by a server itself)


class LogFollower:
    def __init__(
        self,
        store: RoomHistory,
        apply: ApplyRemote,
        state: Callable[[], bytes],
        *,
        position: int,
        log: logging.Logger,
    ) -> None:
        self.store = store
        self.apply = apply
        self.state = state
        self.position = position
        self.log = log
        self.applied = 0  # rows of other servers applied
        self._lock = asyncio.Lock()  # one catch-up or snapshot at a time
        self._wanted = False
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def request(self) -> None:
        """Catch up soon; requests made while one runs lead to one more, not to many."""
        if self._closed:
            return
        self._wanted = True
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        delay = RETRY_FIRST
        while self._wanted and not self._closed:
            self._wanted = False
            try:
                await self.catch_up()
                delay = RETRY_FIRST
            except DatabaseUnavailable:
                # Down or busy: try again, backing off (a notice may never come).
                self._wanted = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)
            except Exception:
                self.log.exception(
                    "DevInterview: catching up room %s failed", self.store.session_id
                )
                return

    async def catch_up(self) -> None:
        async with self._lock:
            await self._catch_up()

    async def _catch_up(self) -> None:
        while not self._closed:
            rows = await self.store.since(self.position, CATCH_UP_BATCH)
            self.take(rows)
            if len(rows) < CATCH_UP_BATCH:
                return

    def take(self, rows: list[LogRow]) -> None:
        """Apply rows read from the log: all of its rows after some position up to the
        last of them, in order. Those at or before our position are in the document."""
        for row in rows:
            if row.id <= self.position:
                continue
            if row.data is not None:
                self.apply(row.data, row.kind == SERVER)
                self.applied += 1
            self.position = row.id

    async def snapshot(self) -> bool:
        """Store the whole state with the log position it contains; False if the
        database is away (the log keeps everything meanwhile)."""
        async with self._lock:
            try:
                # Our own rows first: once they have positions, the catch-up passes them.
                await self.store.writer.flush(self.store.session_id)
                await self._catch_up()
            except DatabaseUnavailable:
                return False
            # No await from here: the state is exactly what the log holds up to position,
            # plus whatever our participants sent since (stored after it, applied twice
            # on load, which Yjs ignores).
            if not self._closed:
                self.store.snapshot(self.state(), self.position)
            return True

    async def close(self) -> None:
        self._closed = True
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
