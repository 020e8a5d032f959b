"""Room persistence in the project database: a group-committing writer and a Y store.

Every document update is kept (so a document can be rebuilt as it was at any moment);
snapshots of the whole state are added every so often so that loading reads one
snapshot and the updates after it, not the whole log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, cast

from pycrdt import Doc
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError

from ..db.engine import Database, DatabaseUnavailable, is_outage
from ..db.models import InterviewSession, RoomUpdate, utcnow

UPDATE = "update"
SNAPSHOT = "snapshot"
# Core, not ORM, inserts: the rows are plain dicts and never read back; the ORM's bulk
# path cost ~3 % of a busy room server's CPU.
_ROOM_UPDATES = cast(Table, RoomUpdate.__table__)


@dataclass
class _Pending:
    session_id: uuid.UUID
    kind: str
    data: bytes
    done: asyncio.Future[None] = field(repr=False)


class UpdateWriter:
    """Collects rows from every room and commits them together (group commit).

    A flush happens `interval` seconds after the first pending row, or at once when
    `max_batch` rows are waiting. If the database is away, rows stay queued (in order)
    and are retried; nothing is dropped except rows of deleted sessions.
    """

    def __init__(
        self,
        database: Database,
        *,
        log: logging.Logger,
        interval: float = 0.02,
        max_batch: int = 500,
        retry_interval: float = 1.0,
    ) -> None:
        self.database = database
        self.log = log
        self.interval = interval
        self.max_batch = max_batch
        self.retry_interval = retry_interval
        self._queue: list[_Pending] = []
        self._wakeup = asyncio.Event()
        self._urgent = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.committed = 0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    def enqueue(self, session_id: uuid.UUID, kind: str, data: bytes) -> asyncio.Future[None]:
        if self._closing:
            raise RuntimeError("writer is closed")
        self.start()
        pending = _Pending(session_id, kind, data, asyncio.get_running_loop().create_future())
        self._queue.append(pending)
        self._wakeup.set()
        return pending.done

    async def flush(self, session_id: uuid.UUID | None = None) -> None:
        """Wait until every row queued so far (for one session, or all) is committed."""
        waiting = [p.done for p in self._queue if session_id is None or p.session_id == session_id]
        if waiting:
            self._urgent.set()  # no need to wait out the group-commit window
            await asyncio.gather(*waiting, return_exceptions=True)

    def discard(self, session_id: uuid.UUID) -> None:
        """Forget queued rows of a deleted session."""
        keep = []
        for p in self._queue:
            if p.session_id == session_id:
                if not p.done.done():
                    p.done.set_result(None)
            else:
                keep.append(p)
        self._queue = keep

    async def close(self, timeout: float = 10.0) -> None:
        self._closing = True
        try:
            await asyncio.wait_for(self.flush(), timeout)
        except asyncio.TimeoutError:
            self.log.error("DevInterview: %d room updates could not be stored", len(self._queue))
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            if not self._queue:
                self._wakeup.clear()
                await self._wakeup.wait()
            if len(self._queue) < self.max_batch and not self._urgent.is_set():
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._urgent.wait(), self.interval)
            batch = self._queue[: self.max_batch]
            try:
                await self._commit(batch)
            except Exception as e:
                if not (is_outage(e) or isinstance(e, DatabaseUnavailable)):
                    self.log.exception("DevInterview: storing room updates failed")
                await asyncio.sleep(self.retry_interval)
                continue
            del self._queue[: len(batch)]
            if not self._queue:
                self._urgent.clear()
            self.committed += len(batch)
            for p in batch:
                if not p.done.done():
                    p.done.set_result(None)

    async def _commit(self, batch: list[_Pending]) -> None:
        try:
            await self._insert(batch)
        except IntegrityError:
            # A session was deleted while its updates were queued: drop just those.
            async with self.database.session() as db:
                ids = {p.session_id for p in batch}
                alive = set(
                    (
                        await db.scalars(
                            select(InterviewSession.id).where(InterviewSession.id.in_(ids))
                        )
                    ).all()
                )
            survivors = [p for p in batch if p.session_id in alive]
            for p in batch:
                if p.session_id not in alive and not p.done.done():
                    p.done.set_result(None)
            if survivors:
                await self._insert(survivors)

    async def _insert(self, batch: list[_Pending]) -> None:
        now = utcnow()
        async with self.database.session() as db:
            # Snapshots get their own statement, after the updates queued before them, so
            # their ids are larger than those of every update they include.
            run: list[dict[str, Any]] = []
            for p in batch:
                row = {
                    "session_id": p.session_id,
                    "kind": p.kind,
                    "data": p.data,
                    "created_at": now,
                }
                if p.kind == SNAPSHOT:
                    if run:
                        await db.execute(insert(_ROOM_UPDATES), run)
                        run = []
                    await db.execute(insert(_ROOM_UPDATES), [row])
                else:
                    run.append(row)
            if run:
                await db.execute(insert(_ROOM_UPDATES), run)


class SQLYStore:
    """The stored history of one room's document, on the project's database."""

    def __init__(
        self,
        path: str,
        *,
        writer: UpdateWriter,
        doc: Doc[Any] | None = None,
        snapshot_every: int = 500,
    ) -> None:
        self.session_id = uuid.UUID(path)
        self.writer = writer
        self.doc = doc
        self.snapshot_every = snapshot_every
        self.since_snapshot = 0
        self._snapshot_due = False

    def record(self, update: bytes) -> None:
        """Keep one update. Called inside the document's observer, so it must not read
        the document: a due snapshot is taken right after the transaction."""
        self.writer.enqueue(self.session_id, UPDATE, update)
        self.since_snapshot += 1
        due = self.doc is not None and self.since_snapshot >= self.snapshot_every
        if due and not self._snapshot_due:
            self._snapshot_due = True
            asyncio.get_running_loop().call_soon(self._snapshot_now)

    def _snapshot_now(self) -> None:
        self._snapshot_due = False
        if self.since_snapshot >= self.snapshot_every:
            self.snapshot()

    def snapshot(self) -> None:
        """Queue the whole current state; loading then starts from here."""
        if self.doc is None:
            return
        self.writer.enqueue(self.session_id, SNAPSHOT, self.doc.get_update())
        self.since_snapshot = 0

    async def read(self) -> AsyncIterator[tuple[bytes, bytes, float]]:
        """The latest snapshot, then every update stored after it."""
        async with self.writer.database.session() as db:
            last = await db.scalar(
                select(RoomUpdate.id)
                .where(RoomUpdate.session_id == self.session_id, RoomUpdate.kind == SNAPSHOT)
                .order_by(RoomUpdate.id.desc())
                .limit(1)
            )
            query = select(RoomUpdate).where(RoomUpdate.session_id == self.session_id)
            if last is not None:
                query = query.where(RoomUpdate.id >= last)
            rows = (await db.scalars(query.order_by(RoomUpdate.id))).all()
        for row in rows:
            if row.kind == UPDATE:
                self.since_snapshot += 1
            yield row.data, b"", row.created_at.timestamp()

    async def load_into(self, doc: Doc[Any]) -> int:
        """Apply the stored state to ``doc``; returns how many rows were read."""
        count = 0
        async for update, _meta, _ts in self.read():
            doc.apply_update(update)
            count += 1
        return count
