"""A session's replay timeline: its room log in memory, with markers, read in one pass.

Opening reads the room's rows (updates and server writes, in log order; snapshots are not
steps) in batches and applies them one by one to a document in a replay thread, noting
markers and taking checkpoints as it goes (``log.py``); the next batch is read while the
thread applies the last one. The interviewers' notes log is read beside it, so the notes
of any step are at hand. A cache keeps the timelines of recently replayed sessions (LRU,
bounded in bytes); each use asks the database for the first and last row ids of the logs,
and a live session's new rows are applied to the cached timeline rather than read again
from the start.

A replay must fit: its logs may hold at most ``max_log_bytes`` and the timeline, as
estimated while it is built, at most the cache's budget. Past either the build stops and
the replay is refused (413 ``replay_too_large``), and the refusal is remembered until the
logs change otherwise than by growing, so asking again costs one query, not another build.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pycrdt import Text
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.engine import Database
from ..db.models import InterviewSession, NoteUpdate, RoomUpdate, SessionEvent
from ..errors import ApiError, not_found
from ..rooms.kind import NOTES_ROOM
from ..rooms.manager import KeyedLocks
from ..rooms.store import SERVER, SNAPSHOT
from .log import DocLog, Row
from .markers import DocMarkers, EventRow, Marker, event_markers, event_row, sort_markers
from .worker import in_replay_thread

LogTable = type[RoomUpdate] | type[NoteUpdate]
StoredRow = Sequence[Any]  # (id, created_at, data, kind) as the database returns it

# Rows read per query: the database driver makes a batch's objects on the event loop,
# and a statement never runs long whatever the log's size. Small batches also die young:
# with 2,000 rows in flight, opening 120,000 rows set off four full garbage collections of
# 50-60 ms each (they stop the event loop too), with 250 one (docs/performance.md).
BATCH_ROWS = 250
# The default of ``replay_max_log_bytes``: four times the room's default size quota.
DEFAULT_MAX_LOG_BYTES = 64 * 1024 * 1024
# Refusals remembered (sessions), least recently refused out first.
REFUSALS_KEPT = 1_024


@dataclass(frozen=True)
class LogVersion:
    """A log's first and last row ids. Ids only grow (in commit order, rooms/store.py) and
    rows are only deleted all at once (retention, deleting the session): the same first
    id and a larger last one mean rows were added, and nothing else. Both are read from
    the (session, id) index alone, where a count would read every row of the session."""

    first_id: int
    last_id: int

    def grown_from(self, earlier: LogVersion) -> bool:
        """The same log as ``earlier``, perhaps with rows added."""
        same_start = earlier.first_id in (0, self.first_id)
        return same_start and self.last_id >= earlier.last_id


class Timeline:
    """The replay of one session. ``markers``, ``steps``, ``times`` and the dates are plain
    values, safe to read anywhere; the documents are read in the replay thread only."""

    def __init__(self, session_id: uuid.UUID) -> None:
        self.session_id = session_id
        self.room = DocLog()
        # Notes are one short text: checkpoints are a few kB, so many of them are cheap.
        self.notes = DocLog(every_rows=32)
        self.doc_markers = DocMarkers(self.room.end)
        self.events: list[EventRow] = []
        self.created_at = datetime.now(timezone.utc)
        self.session_ended_at: datetime | None = None
        self.times: list[int] = []  # ms from started_at, one per step
        self.markers: list[Marker] = []
        self.size = 0  # nbytes when last built, for the cache

    # -- the summary --------------------------------------------------------------------

    @property
    def steps(self) -> int:
        return len(self.room)

    @property
    def started_ms(self) -> float:
        return self.room.times[0] if self.room.times else self.created_at.timestamp() * 1000.0

    @property
    def started_at(self) -> datetime:
        return _datetime(self.started_ms)

    @property
    def ended_ms(self) -> float:
        end = self.started_ms + (self.times[-1] if self.times else 0)
        if self.session_ended_at is not None:
            end = max(end, self.session_ended_at.timestamp() * 1000.0)
        return end

    @property
    def ended_at(self) -> datetime:
        return _datetime(self.ended_ms)

    @property
    def duration_ms(self) -> int:
        return max(0, round(self.ended_ms - self.started_ms))

    def summary_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "duration_ms": self.duration_ms,
            "steps": self.steps,
            "times": self.times,
            "markers": [m.json() for m in self.markers],
        }

    @property
    def nbytes(self) -> int:
        per_step = 28 + 8  # an int and its list slot
        return (
            self.room.nbytes
            + self.notes.nbytes
            + per_step * len(self.times)
            + 200 * len(self.markers)
        )

    @property
    def log_bytes(self) -> int:
        """The bytes of both logs' rows, as stored."""
        return self.room.row_bytes + self.notes.row_bytes

    # -- building (replay thread) -------------------------------------------------------

    def add_rows(self, room_rows: list[Row], note_rows: list[Row]) -> None:
        self.room.extend(room_rows, self.doc_markers.after_row)
        self.notes.extend(note_rows)
        start = self.started_ms
        last = self.times[-1] if self.times else 0
        for t in self.room.times[len(self.times) :]:
            # Never backwards: rows are stamped by the clock of the server that wrote them,
            # and a team's servers' clocks may differ a little.
            last = max(last, round(t - start))
            self.times.append(last)

    def add_stored(self, room_rows: list[StoredRow], note_rows: list[StoredRow]) -> None:
        """Rows as the database returned them: their Python objects are made here, in the
        replay thread, not on the event loop."""
        self.add_rows(_rows(room_rows), _rows(note_rows))

    def label(self) -> None:
        """Write the markers from the document and the events as they are now."""
        found = self.doc_markers.markers(self.times)
        found += event_markers(self.events, self.times, self.started_ms, self.duration_ms)
        self.markers = sort_markers(found)

    # -- a step (replay thread) ---------------------------------------------------------

    def notes_at(self, step: int) -> str:
        """The notes as stored at or before the step's time."""
        index = self.notes.index_at_time(self.room.times[step])
        if index < 0:
            return ""
        try:
            return str(self.notes.doc_at(index).get(NOTES_ROOM.text_root, type=Text))
        except Exception:
            return ""


def _datetime(ms: float) -> datetime:
    return datetime.fromtimestamp(ms / 1000.0, tz=timezone.utc)


def _rows(stored: list[StoredRow]) -> list[Row]:
    return [
        Row(int(row_id), created_at.timestamp() * 1000.0, bytes(data), kind == SERVER)
        for row_id, created_at, data, kind in stored
    ]


def too_large(message: str) -> ApiError:
    return ApiError(413, message, "replay_too_large")


@dataclass(frozen=True)
class _Refusal:
    room: LogVersion
    notes: LogVersion
    message: str


class TimelineCache:
    """The timelines of recently replayed sessions, least recently used out first, at most
    ``max_bytes`` together. A timeline bigger than that alone is refused while it is built
    (``load_timeline``); ``put`` of one is ignored and evicts nothing. 0 keeps none: every
    request then builds its timeline again (its logs still at most ``max_log_bytes``)."""

    def __init__(self, max_bytes: int, max_log_bytes: int = DEFAULT_MAX_LOG_BYTES) -> None:
        self.max_bytes = max_bytes
        self.max_log_bytes = max_log_bytes
        self._entries: OrderedDict[uuid.UUID, Timeline] = OrderedDict()
        self._sizes: dict[uuid.UUID, int] = {}
        self._refused: OrderedDict[uuid.UUID, _Refusal] = OrderedDict()
        # One build per session at a time; whoever waits finds the timeline cached.
        self.locks = KeyedLocks()
        self.loads = 0  # full reads of a log (for the tests: a refresh is not one)

    @property
    def nbytes(self) -> int:
        return sum(self._sizes.values())

    def __contains__(self, session_id: uuid.UUID) -> bool:
        return session_id in self._entries

    def get(self, session_id: uuid.UUID) -> Timeline | None:
        timeline = self._entries.get(session_id)
        if timeline is not None:
            self._entries.move_to_end(session_id)
        return timeline

    def put(self, timeline: Timeline, nbytes: int) -> bool:
        """Keep ``timeline`` (False: it alone is over the budget, and nothing is evicted
        for it)."""
        sid = timeline.session_id
        if nbytes > self.max_bytes:
            self.discard(sid)  # an older, smaller copy is not this timeline
            return False
        self._entries[sid] = timeline
        self._entries.move_to_end(sid)
        self._sizes[sid] = nbytes
        while self.nbytes > self.max_bytes:
            self.discard(next(iter(self._entries)))
        return True

    def discard(self, session_id: uuid.UUID) -> None:
        self._entries.pop(session_id, None)
        self._sizes.pop(session_id, None)

    # -- refusals ------------------------------------------------------------------------

    def refuse(
        self, session_id: uuid.UUID, room: LogVersion, notes: LogVersion, message: str
    ) -> None:
        self.discard(session_id)
        self._refused[session_id] = _Refusal(room, notes, message)
        self._refused.move_to_end(session_id)
        while len(self._refused) > REFUSALS_KEPT:
            self._refused.popitem(last=False)

    def check_refused(self, session_id: uuid.UUID, room: LogVersion, notes: LogVersion) -> None:
        """413 when the session was refused and its logs have only grown since."""
        refusal = self._refused.get(session_id)
        if refusal is None:
            return
        if room.grown_from(refusal.room) and notes.grown_from(refusal.notes):
            raise too_large(refusal.message)
        del self._refused[session_id]


def _version_columns(table: LogTable, session_id: uuid.UUID) -> list[Any]:
    mine = (table.session_id == session_id, table.kind != SNAPSHOT)
    return [
        select(func.min(table.id)).where(*mine).scalar_subquery(),
        select(func.max(table.id)).where(*mine).scalar_subquery(),
    ]


@dataclass(frozen=True)
class _Head:
    created_at: datetime
    ended_at: datetime | None
    room: LogVersion
    notes: LogVersion


async def _head(db: AsyncSession, session_id: uuid.UUID) -> _Head:
    """The session's dates and both logs' versions, in one round trip (every request of
    the replay starts with it); 404 when there is no such session."""
    query = select(
        InterviewSession.created_at,
        InterviewSession.ended_at,
        *_version_columns(RoomUpdate, session_id),
        *_version_columns(NoteUpdate, session_id),
    ).where(InterviewSession.id == session_id)
    row = (await db.execute(query)).first()
    if row is None:
        raise not_found(f"no interview session {session_id}")
    created_at, ended_at, room_first, room_last, notes_first, notes_last = row
    return _Head(
        created_at,
        ended_at,
        LogVersion(int(room_first or 0), int(room_last or 0)),
        LogVersion(int(notes_first or 0), int(notes_last or 0)),
    )


async def _events(db: AsyncSession, session_id: uuid.UUID) -> list[EventRow]:
    query = (
        select(
            SessionEvent.kind,
            SessionEvent.role,
            SessionEvent.started_at,
            SessionEvent.ended_at,
            SessionEvent.size,
        )
        .where(SessionEvent.session_id == session_id)
        .order_by(SessionEvent.id)
    )
    return [event_row(*row) for row in (await db.execute(query)).all()]


def _stale(log: DocLog, version: LogVersion) -> bool:
    """The log no longer matches the database (rows were deleted): read it all again."""
    return len(log) > 0 and not version.grown_from(LogVersion(log.first_id, log.last_id))


def _read_after(log: DocLog, version: LogVersion) -> int | None:
    """The id after which ``log`` lacks rows, or None when it lacks none."""
    if version.last_id == 0 or version.last_id == log.last_id:
        return None
    return log.last_id


async def _batches(
    db: AsyncSession, table: LogTable, session_id: uuid.UUID, after: int, upto: int
) -> AsyncIterator[list[StoredRow]]:
    """The rows after ``after`` up to ``upto`` (the version read at the start: rows
    committed meanwhile wait for the next request), ``BATCH_ROWS`` at a time."""
    while True:
        query = (
            select(table.id, table.created_at, table.data, table.kind)
            .where(
                table.session_id == session_id,
                table.id > after,
                table.id <= upto,
                table.kind != SNAPSHOT,
            )
            .order_by(table.id)
            .limit(BATCH_ROWS)
        )
        rows: list[StoredRow] = list((await db.execute(query)).all())
        if rows:
            yield rows
        if len(rows) < BATCH_ROWS:
            return
        after = int(rows[-1][0])


@dataclass(frozen=True)
class _Limits:
    log_bytes: int
    memory: int  # 0: no limit (no cache)


async def load_timeline(
    database: Database,
    session_id: uuid.UUID,
    *,
    cache: TimelineCache | None = None,
    events: bool = True,
    max_log_bytes: int | None = None,
) -> Timeline:
    """The replay timeline of a session as stored now (``ApiError`` 404 when there is no
    such session, 413 when it is too large to replay). With ``cache``, a timeline built
    before is reused and brought up to date, and concurrent callers for one session wait
    for one build; without, one is built for this call alone. ``events=False`` leaves the
    integrity events as last read (a state needs none of the markers). ``max_log_bytes``
    defaults to the cache's, or ``DEFAULT_MAX_LOG_BYTES``."""
    if max_log_bytes is None:
        max_log_bytes = cache.max_log_bytes if cache is not None else DEFAULT_MAX_LOG_BYTES
    if cache is None:
        return await _load(database, session_id, None, events, _Limits(max_log_bytes, 0))
    limits = _Limits(max_log_bytes, cache.max_bytes)
    async with cache.locks.hold(session_id):
        try:
            timeline = await _load(database, session_id, cache, events, limits)
        except BaseException:
            # A half-refreshed timeline is not kept (its markers were not written again).
            cache.discard(session_id)
            raise
        cache.put(timeline, timeline.size)
        return timeline


async def _load(
    database: Database,
    session_id: uuid.UUID,
    cache: TimelineCache | None,
    with_events: bool,
    limits: _Limits,
) -> Timeline:
    cached = cache.get(session_id) if cache is not None else None
    async with database.session() as db:
        head = await _head(db, session_id)
        if cache is not None:
            cache.check_refused(session_id, head.room, head.notes)
        events = await _events(db, session_id) if with_events else None
        if cached is not None and (
            _stale(cached.room, head.room) or _stale(cached.notes, head.notes)
        ):
            cached = None
        timeline = cached if cached is not None else Timeline(session_id)
        if cached is None and cache is not None:
            cache.loads += 1
        if events is None:
            events = timeline.events
        room_after = _read_after(timeline.room, head.room)
        notes_after = _read_after(timeline.notes, head.notes)
        changed = cached is None or room_after is not None or notes_after is not None
        changed = changed or events != timeline.events
        changed = changed or head.ended_at != timeline.session_ended_at
        if not changed:
            return timeline

        def refuse(message: str) -> ApiError:
            if cache is not None:
                cache.refuse(session_id, head.room, head.notes, message)
            return too_large(message)

        log_bytes = timeline.log_bytes

        async def read(table: LogTable, after: int | None, upto: int, notes: bool) -> None:
            nonlocal log_bytes
            if after is None:
                return
            pending: asyncio.Future[None] | None = None
            try:
                async for rows in _batches(db, table, session_id, after, upto):
                    log_bytes += sum(len(row[2]) for row in rows)
                    if log_bytes > limits.log_bytes:
                        raise refuse(
                            f"this interview's history holds more than {limits.log_bytes:,} "
                            "bytes, more than this server replays (replay_max_log_bytes)"
                        )
                    if pending is not None:
                        await _applied(pending, timeline, limits, refuse)
                    room_rows, note_rows = ([], rows) if notes else (rows, [])
                    add = functools.partial(timeline.add_stored, room_rows, note_rows)
                    pending = asyncio.ensure_future(in_replay_thread(add, key=session_id))
                if pending is not None:
                    await _applied(pending, timeline, limits, refuse)
            finally:
                if pending is not None and not pending.done():
                    # The thread cannot be stopped: let it finish with the documents.
                    await asyncio.wait([pending])
                if pending is not None and not pending.cancelled():
                    pending.exception()  # retrieved: the error raised is the one above

        await read(RoomUpdate, room_after, head.room.last_id, notes=False)
        await read(NoteUpdate, notes_after, head.notes.last_id, notes=True)

    def finish() -> None:
        timeline.created_at = head.created_at
        timeline.session_ended_at = head.ended_at
        timeline.events = events
        timeline.label()
        timeline.size = timeline.nbytes

    await in_replay_thread(finish, key=session_id)
    return timeline


async def _applied(
    pending: asyncio.Future[None],
    timeline: Timeline,
    limits: _Limits,
    refuse: Callable[[str], ApiError],
) -> None:
    """Wait for a batch to be applied; refuse the replay once the timeline outgrows the
    cache (it would be built for every request and kept by none)."""
    await pending
    if limits.memory and timeline.nbytes > limits.memory:
        raise refuse(
            f"replaying this interview needs about {timeline.nbytes // 2**20:,} MiB, more "
            f"than this server keeps for replays ({limits.memory // 2**20:,} MiB, "
            "replay_cache_bytes)"
        )
