"""Messages between the servers that host the same rooms, over PostgreSQL's LISTEN/NOTIFY.

Every server of a team uses the same database, so the database is also how they talk: one
channel per session, listened to by every server hosting its room. Nothing here carries
document content: the log (rooms/store.py) does, and a notice only says that it grew.
What a notice does carry is small and ephemeral (presence) or a hint to re-read the
database (the session changed, an invite was revoked). A notice can be missed (a dropped
connection); so on every (re)connection each room catches up from the log, and the manager
re-reads sessions and invites on a timer.

On SQLite (one process) there is nobody to talk to: ``Bus`` is the silent default.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import make_url

CHANNEL_PREFIX = "devinterview_"
# One channel for "the log grew", listened to by every server: one notice per commit of
# any server (a commit holds rows of many rooms), and each server catches up all the
# rooms it hosts in one query (rooms/manager.py).
ROWS_CHANNEL = "devinterview_rows"
# Kinds of notice; the payload is "<kind> <origin>[ <body>]".
NEW_ROWS = "u"  # the session's log grew
PRESENCE = "a"  # an awareness update (base64 of zlib), from the origin's own participants
HELLO = "q"  # the origin began hosting the room: others answer with their presence
BYE = "b"  # the origin stopped hosting it: its participants' presence is gone
CHANGED = "c"  # the session's row changed (status, language, duration)
DELETED = "d"  # the session was deleted
REVOKED = "r"  # body: the id of an invite that was revoked
REMOVED = "x"  # body: the user name of a co-interviewer who was removed
KINDS = frozenset({NEW_ROWS, PRESENCE, HELLO, BYE, CHANGED, DELETED, REVOKED, REMOVED})
# PostgreSQL refuses payloads of 8000 bytes or more.
MAX_PAYLOAD = 7999
# Notices waiting for a connection; beyond this the oldest are dropped (all of them are
# either ephemeral or backed by the manager's periodic re-read).
MAX_QUEUED = 2000


def channel_of(session_id: uuid.UUID, prefix: str = CHANNEL_PREFIX) -> str:
    return prefix + session_id.hex


@dataclass(frozen=True)
class Notice:
    kind: str
    origin: str
    body: str = ""


def parse_notice(payload: str) -> Notice | None:
    kind, _, rest = payload.partition(" ")
    origin, _, body = rest.partition(" ")
    if kind not in KINDS or not origin:
        return None
    return Notice(kind, origin, body)


def session_of(
    channel: str, prefix: str = CHANNEL_PREFIX, rows_channel: str = ROWS_CHANNEL
) -> uuid.UUID | None:
    if not channel.startswith(prefix) or channel == rows_channel:
        return None
    try:
        return uuid.UUID(hex=channel[len(prefix) :])
    except ValueError:
        return None


# (the session of the channel, or None for ROWS_CHANNEL; the notice)
NoticeHandler = Callable[[uuid.UUID | None, Notice], None]


class Bus:
    """No other server to talk to (SQLite): every call does nothing."""

    connected = False

    def __init__(
        self, origin: str, *, prefix: str = CHANNEL_PREFIX, rows_channel: str = ROWS_CHANNEL
    ) -> None:
        self.origin = origin
        # Each kind of room (rooms/kind.py) has channels of its own.
        self.prefix = prefix
        self.rows_channel = rows_channel
        self.on_notice: NoticeHandler | None = None
        self.on_connected: Callable[[], None] | None = None

    @property
    def shared(self) -> bool:
        """Whether other servers may host the same rooms."""
        return False

    def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def subscribe(self, session_id: uuid.UUID) -> None:
        pass

    async def unsubscribe(self, session_id: uuid.UUID) -> None:
        pass

    def publish(self, session_id: uuid.UUID, kind: str, body: str = "") -> bool:
        """Send a notice to every other server hosting the room; False if it cannot go."""
        return False


class PostgresBus(Bus):
    """One dedicated connection per server: it listens, and it sends the notices."""

    def __init__(
        self,
        url: str,
        *,
        origin: str,
        log: logging.Logger,
        connect_timeout: float = 5.0,
        keepalive_seconds: float = 5.0,
        retry_seconds: float = 1.0,
        prefix: str = CHANNEL_PREFIX,
        rows_channel: str = ROWS_CHANNEL,
    ) -> None:
        super().__init__(origin, prefix=prefix, rows_channel=rows_channel)
        self.url = url
        self.log = log
        self.connect_timeout = connect_timeout
        self.keepalive_seconds = keepalive_seconds
        self.retry_seconds = retry_seconds
        self.channels: set[str] = set()
        self.received = 0
        self.sent = 0
        self.connections = 0  # how many times it (re)connected
        self._connection: Any = None
        self._use = asyncio.Lock()  # asyncpg runs one query at a time per connection
        self._lost = asyncio.Event()
        self._outbox: list[tuple[str, str]] = []
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._reported = False
        self._stopping = False

    @property
    def shared(self) -> bool:
        return True

    def start(self) -> None:
        if not self._tasks and not self._stopping:
            self._tasks = [
                asyncio.ensure_future(self._run()),
                asyncio.ensure_future(self._send_loop()),
            ]

    async def stop(self) -> None:
        # Flags as well as cancellation: a query that completes as it is cancelled (asyncpg
        # under asyncio.wait_for) swallows the cancellation, and the loop would go on.
        self._stopping = True
        self._wake.set()
        self._lost.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self._drop()

    async def subscribe(self, session_id: uuid.UUID) -> None:
        channel = channel_of(session_id, self.prefix)
        if channel in self.channels:
            return
        self.channels.add(channel)
        self.start()
        if self._connection is not None:
            try:
                async with self._use:
                    await asyncio.wait_for(
                        self._connection.add_listener(channel, self._received),
                        self.connect_timeout,
                    )
            except Exception as e:
                # Listened to again, and the room caught up, once reconnected.
                self._lose(e)

    async def unsubscribe(self, session_id: uuid.UUID) -> None:
        channel = channel_of(session_id, self.prefix)
        if channel not in self.channels:
            return
        self.channels.discard(channel)
        if self._connection is not None:
            try:
                async with self._use:
                    await asyncio.wait_for(
                        self._connection.remove_listener(channel, self._received),
                        self.connect_timeout,
                    )
            except Exception as e:
                self._lose(e)

    def publish(self, session_id: uuid.UUID, kind: str, body: str = "") -> bool:
        payload = f"{kind} {self.origin} {body}" if body else f"{kind} {self.origin}"
        if len(payload.encode()) > MAX_PAYLOAD:
            return False
        self.start()
        self._outbox.append((channel_of(session_id, self.prefix), payload))
        if len(self._outbox) > MAX_QUEUED:
            del self._outbox[0]
        self._wake.set()
        return True

    # -- the connection -------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._connect()
            except asyncio.CancelledError:
                raise
            except Exception as e:
                self._report(e)
                await asyncio.sleep(self.retry_seconds)
                continue
            if self._reported:
                self.log.info("DevInterview: room notices from the database are back")
                self._reported = False
            if self._stopping:
                break
            self.connected = True
            self._wake.set()
            if self.on_connected is not None:
                try:
                    self.on_connected()
                except Exception:
                    self.log.exception("DevInterview: catching up after reconnecting failed")
            await self._watch()
            self.connected = False
            await self._drop()
            await asyncio.sleep(self.retry_seconds)

    async def _connect(self) -> None:
        import asyncpg  # only with PostgreSQL

        self._lost.clear()
        connection = await asyncpg.connect(
            timeout=self.connect_timeout, **connect_arguments(self.url)
        )
        connection.add_termination_listener(lambda _c: self._lost.set())
        try:
            # Rooms loaded meanwhile add channels: listen until none is left out (from the
            # last check to taking the connection there is no await, so a later
            # subscribe finds the connection and listens itself).
            listened: set[str] = set()
            while missing := ({self.rows_channel} | self.channels) - listened:
                for channel in sorted(missing):
                    await asyncio.wait_for(
                        connection.add_listener(channel, self._received), self.connect_timeout
                    )
                    listened.add(channel)
        except BaseException:
            connection.terminate()
            raise
        self._connection = connection
        self.connections += 1

    async def _watch(self) -> None:
        """Until the connection is lost: a dead peer (a silent network) is noticed by a
        query that does not come back in time."""
        while not self._lost.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._lost.wait(), self.keepalive_seconds)
            if self._lost.is_set():
                break
            try:
                async with self._use:
                    await asyncio.wait_for(
                        self._connection.fetchval("SELECT 1"), self.connect_timeout
                    )
            except asyncio.CancelledError:
                raise
            except Exception as e:
                self._lose(e)

    def _lose(self, error: BaseException) -> None:
        self._report(error)
        self._lost.set()

    def _report(self, error: BaseException) -> None:
        if not self._reported:
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            self.log.warning(
                "DevInterview: lost the database connection for room notices (%s: %s); "
                "rooms shared with other servers catch up once it is back",
                type(error).__name__,
                detail,
            )
            self._reported = True

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.terminate()  # no goodbye: the peer may be a black hole

    def _received(self, _connection: Any, _pid: int, channel: str, payload: str) -> None:
        self.received += 1
        session_id = session_of(channel, self.prefix, self.rows_channel)
        notice = parse_notice(payload)
        if notice is None or notice.origin == self.origin:
            return
        if session_id is None and channel != self.rows_channel:
            return
        if self.on_notice is not None:
            try:
                self.on_notice(session_id, notice)
            except Exception:
                self.log.exception("DevInterview: handling a room notice failed")

    # -- sending ----------------------------------------------------------------------------

    async def _send_loop(self) -> None:
        while not self._stopping:
            if not self._outbox or self._connection is None:
                self._wake.clear()
                await self._wake.wait()
                continue
            batch, self._outbox = self._outbox, []
            try:
                async with self._use:
                    await asyncio.wait_for(
                        self._connection.execute(
                            _NOTIFY_ALL, [c for c, _ in batch], [p for _, p in batch]
                        ),
                        self.connect_timeout,
                    )
                self.sent += len(batch)
            except asyncio.CancelledError:
                raise
            except Exception as e:
                # Lost with the connection: presence is re-sent by every heartbeat, the
                # rest is found again by the manager's periodic re-read.
                self._lose(e)


_NOTIFY_ALL = "SELECT count(pg_notify(c, p)) FROM unnest($1::text[], $2::text[]) AS t(c, p)"


def connect_arguments(url: str) -> dict[str, Any]:
    """asyncpg's connection arguments for a SQLAlchemy PostgreSQL URL."""
    parsed = make_url(url)
    arguments: dict[str, Any] = {
        "host": parsed.query.get("host") or parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "password": parsed.password,
        "database": parsed.database,
    }
    ssl = parsed.query.get("ssl")
    if ssl:
        arguments["ssl"] = ssl
    return {key: value for key, value in arguments.items() if value is not None}
