"""Room persistence in the project database: a group-committing writer, each room's history.

Every document update is kept (so a document can be rebuilt as it was at any moment);
snapshots of the whole state are added every so often so that loading reads one
snapshot and the updates after it, not the whole log.

The log is shared by every server hosting a room (rooms/follow.py): a row's id is its
log position, and ids must be given out in commit order, or a server catching up "after
position p" could pass over a row committed late with a smaller id. On PostgreSQL the
writers of all servers therefore take one transaction-scoped advisory lock before they
insert (SQLite has a single writer anyway), and announce the new rows with NOTIFY in the
same transaction, delivered at commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pycrdt import Doc
from sqlalchemy import case, insert, select, text
from sqlalchemy.exc import IntegrityError

from ..db.engine import Database, DatabaseUnavailable, is_outage
from ..db.models import InterviewSession, utcnow
from .bus import NEW_ROWS
from .kind import INTERVIEW_ROOM, RoomKind

UPDATE = "update"
SERVER = "server"
SNAPSHOT = "snapshot"
# Core, not ORM, inserts: the rows are plain dicts and never read back; the ORM's bulk
# path cost ~3 % of a busy room server's CPU. Each kind of room has its own log table and
# its own advisory lock (taken by every writer of every server, held until commit: see
# the module's doc).


@dataclass
class _Pending:
    session_id: uuid.UUID
    kind: str
    data: bytes
    done: asyncio.Future[None] = field(repr=False)
    upto: int | None = None
    origin: str = ""


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
        origin: str = "",
        interval: float = 0.02,
        max_batch: int = 500,
        retry_interval: float = 1.0,
        kind: RoomKind = INTERVIEW_ROOM,
    ) -> None:
        self.database = database
        self.kind = kind
        self.origin = origin
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

    def enqueue(
        self,
        session_id: uuid.UUID,
        kind: str,
        data: bytes,
        *,
        upto: int | None = None,
        origin: str | None = None,
    ) -> asyncio.Future[None]:
        if self._closing:
            raise RuntimeError("writer is closed")
        self.start()
        done = asyncio.get_running_loop().create_future()
        pending = _Pending(session_id, kind, data, done, upto, origin or self.origin)
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
            if self.database.backend == "postgresql":
                await db.execute(
                    _LOCK_AND_NOTIFY,
                    {
                        "key": self.kind.lock_key,
                        "channel": self.kind.rows_channel,
                        "payload": f"{NEW_ROWS} {self.origin}",
                    },
                )
            # Snapshots get their own statement, after the updates queued before them (a
            # snapshot's ``upto`` says what it holds; order keeps the log easy to read).
            run: list[dict[str, Any]] = []
            for p in batch:
                row = {
                    "session_id": p.session_id,
                    "kind": p.kind,
                    "data": p.data,
                    "created_at": now,
                    "origin": p.origin,
                    "upto": p.upto,
                }
                if p.kind == SNAPSHOT:
                    if run:
                        await db.execute(insert(self.kind.table), run)
                        run = []
                    await db.execute(insert(self.kind.table), [row])
                else:
                    run.append(row)
            if run:
                await db.execute(insert(self.kind.table), run)


# One round trip: the lock (held to commit) and the notices (sent at commit). A writer
# that stops talking mid-transaction (a frozen process, a network that drops packets)
# would hold the lock, and every server's writes, until its connection is found dead;
# PostgreSQL ends such a transaction after 10 s idle instead.
_LOCK_AND_NOTIFY = text(
    "SELECT set_config('idle_in_transaction_session_timeout', '10000', true), "
    "pg_advisory_xact_lock(:key), pg_notify(:channel, :payload)"
)

# The rows after each room's position, for all the rooms a server hosts, in one query (one
# index range per room); the data of the rooms' own rows is left out.
_ROWS_OF_ROOMS = (
    "SELECT x.session_id, x.id, x.kind, x.data "
    "FROM unnest(CAST(:ids AS uuid[]), CAST(:positions AS bigint[]), CAST(:mine AS text[])) "
    "AS r(sid, pos, own) "
    "CROSS JOIN LATERAL ("
    " SELECT u.session_id, u.id, u.kind, CASE WHEN u.origin = r.own THEN NULL ELSE u.data END"
    " AS data FROM {table} u"
    " WHERE u.session_id = r.sid AND u.id > r.pos AND u.kind <> 'snapshot'"
    " ORDER BY u.id LIMIT :limit) AS x"
)


async def rows_of_rooms(
    database: Database,
    positions: dict[uuid.UUID, tuple[int, str]],
    limit: int,
    kind: RoomKind = INTERVIEW_ROOM,
) -> dict[uuid.UUID, list[LogRow]]:
    """For each session: the rows after its position (own rows, by origin, without data).
    PostgreSQL only (the servers sharing rooms)."""
    ids = list(positions)
    params = {
        "ids": ids,
        "positions": [positions[i][0] for i in ids],
        "mine": [positions[i][1] for i in ids],
        "limit": limit,
    }
    found: dict[uuid.UUID, list[LogRow]] = {}
    async with database.session() as db:
        # The table name is one of ours (rooms/kind.py), never anything a client sent.
        query = text(_ROWS_OF_ROOMS.format(table=kind.table.name))
        for sid, row_id, row_kind, data in (await db.execute(query, params)).all():
            found.setdefault(sid, []).append(LogRow(int(row_id), str(row_kind), data))
    return found


@dataclass(frozen=True)
class StoredState:
    """What loading a room read: the updates to apply and the log position they reach."""

    updates: list[bytes]
    position: int


@dataclass(frozen=True)
class LogRow:
    id: int
    kind: str
    data: bytes | None  # None for the reader's own rows (it has them)


_STORES = itertools.count(1)


class RoomHistory:
    """The stored history of one room's document, on the project's database: every
    update, snapshots that name the log position they hold, and reads "after position p"
    for the servers that share a room (rooms/follow.py).

    Not a pycrdt-store ``BaseYStore``, on purpose (docs/decisions.md, issue 22): that
    interface awaits one ``write`` per update and reads the whole log back as (update,
    metadata, timestamp), with a task group per store. Here an update is recorded
    synchronously inside the document's observer and committed with every other room's
    in one group commit (``UpdateWriter``); loading reads the latest snapshot and what
    follows it, and returns the log position reached. Only our rooms use it, never
    through that interface.
    """

    def __init__(
        self,
        path: str,
        *,
        writer: UpdateWriter,
        doc: Doc[Any] | None = None,
        snapshot_every: int = 500,
        on_snapshot_due: Callable[[], None] | None = None,
    ) -> None:
        self.session_id = uuid.UUID(path)
        self.writer = writer
        # Rows are marked as this store's own: a room loaded again in the same process is
        # another store, and must not take rows the previous one left for its own.
        self.origin = f"{writer.origin}.{next(_STORES)}"
        self.doc = doc
        self.snapshot_every = snapshot_every
        self.on_snapshot_due = on_snapshot_due
        self.since_snapshot = 0

    def record(self, update: bytes, *, server: bool = False) -> None:
        """Keep one update (``server``: the server's own write). Called inside the
        document's observer, so it must not read the document."""
        self.writer.enqueue(
            self.session_id, SERVER if server else UPDATE, update, origin=self.origin
        )
        self.since_snapshot += 1
        if self.since_snapshot == self.snapshot_every and self.on_snapshot_due is not None:
            self.on_snapshot_due()

    def snapshot(self, state: bytes, upto: int) -> None:
        """Queue the whole current state, which contains every row up to ``upto``."""
        self.writer.enqueue(self.session_id, SNAPSHOT, state, upto=upto, origin=self.origin)
        self.since_snapshot = 0

    async def load(self) -> StoredState:
        """The latest snapshot and every update stored after the position it holds."""
        t = self.writer.kind.table.c
        async with self.writer.database.session() as db:
            snapshot = (
                await db.execute(
                    select(t.upto, t.data)
                    .where(t.session_id == self.session_id, t.kind == SNAPSHOT)
                    .order_by(t.upto.desc().nulls_last())
                    .limit(1)
                )
            ).first()
            upto = 0
            updates: list[bytes] = []
            if snapshot is not None:
                upto = int(snapshot.upto or 0)
                updates.append(snapshot.data)
            rows = (
                await db.execute(
                    select(t.id, t.data)
                    .where(
                        t.session_id == self.session_id,
                        t.id > upto,
                        t.kind != SNAPSHOT,
                    )
                    .order_by(t.id)
                )
            ).all()
        position = upto
        for row in rows:
            updates.append(row.data)
            position = row.id
        self.since_snapshot = len(rows)
        return StoredState(updates, position)

    async def since(self, position: int, limit: int) -> list[LogRow]:
        """Rows after ``position`` in log order, without the data of this server's own."""
        t = self.writer.kind.table.c
        mine = t.origin == self.origin
        async with self.writer.database.session() as db:
            rows = (
                await db.execute(
                    select(t.id, t.kind, case((mine, None), else_=t.data))
                    .where(
                        t.session_id == self.session_id,
                        t.id > position,
                        t.kind != SNAPSHOT,
                    )
                    .order_by(t.id)
                    .limit(limit)
                )
            ).all()
        return [LogRow(int(r[0]), str(r[1]), r[2]) for r in rows]

    async def load_into(self, doc: Doc[Any]) -> int:
        """Apply the stored state to ``doc``; returns the log position it reaches."""
        state = await self.load()
        for update in state.updates:
            doc.apply_update(update)
        return state.position
