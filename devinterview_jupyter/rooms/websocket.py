"""Websocket frames of room connections: the sans-I/O protocol of ``websockets`` on an
asyncio protocol.

Tornado does the HTTP part of a room connection (authentication, origin check, the
upgrade) and keeps the socket in its stream; ``stream_transport.py`` feeds what the stream
reads to a ``RoomSocket`` and writes what it sends. Tornado's own frame layer reads
nothing: it costs several futures and coroutine steps per frame, where this costs a
``data_received`` call per TCP read (docs/performance.md has the measurements).

The RFC 6455 codec is ``websockets.protocol.Protocol`` (server side, constructed OPEN:
tornado did the handshake, and we offer no extension). It parses and checks frames,
answers pings and close frames, and refuses, each with a close frame:

- unmasked client frames, reserved bits, unknown opcodes, continuation of nothing, a new
  message inside a fragmented one, fragmented or long control frames, close frames of one
  byte or with a code a peer may not send (1002); a close reason that is not UTF-8 (1007);
- a frame whose header announces more than what is left of ``max_message_bytes`` (1009),
  before its payload is read.

This module adds the rest of the rules docs/protocol.md states:

- text messages close the connection (1003): rooms speak binary;
- every fragment counts ``FRAGMENT_COST`` bytes beyond its payload against the message
  limit (1009), so endless empty fragments end too;
- after a close, from either side, the connection ends once the handshake completes, or
  ``CLOSE_TIMEOUT_SECONDS`` later if the peer never answers or never reads;
- a peer silent for a whole ping interval after a ping is dropped;
- a peer that stops reading is dropped once ``max_send_buffer_bytes`` are queued for it
  (pongs count too).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

from websockets.frames import Frame, Opcode
from websockets.protocol import SEND_EOF, Side, State
from websockets.protocol import Protocol as Codec

from .budget import SendBudget

CLOSE_NORMAL = 1000
CLOSE_UNSUPPORTED = 1003
CLOSE_TOO_BIG = 1009
CLOSE_TIMEOUT_SECONDS = 5.0
# What each fragment counts against the message limit beyond its payload: without it,
# endless empty fragments would be a message that never grows too big.
FRAGMENT_COST = 16
_MAX_REASON_BYTES = 123  # a control frame's payload is at most 125 bytes, 2 for the code
# The codec's own messages (e.g. "connection closed" at info level) go to a logger of
# ours, which operators can tune without touching the library's.
_CODEC_LOG = logging.getLogger(__name__)


class SocketOwner(Protocol):
    """What a RoomSocket reports to (the handler that made it)."""

    def socket_opened(self, peer: RoomSocket) -> None:
        """The socket is ours; called before any frame is passed on."""

    def socket_message(self, message: bytes) -> None:
        """One complete binary message."""

    def socket_lost(self) -> None:
        """The connection is gone, for whatever reason."""


class RoomSocket(asyncio.Protocol):
    """One room connection after the upgrade: frames in, frames out."""

    def __init__(
        self,
        owner: SocketOwner,
        *,
        max_message_bytes: int,
        max_send_buffer_bytes: int,
        ping_interval: float,
        log: logging.Logger,
        send_budget: SendBudget | None = None,
    ) -> None:
        self.owner = owner
        self.send_budget = send_budget or SendBudget(2**62)
        self.max_message_bytes = max_message_bytes
        self.max_send_buffer_bytes = max_send_buffer_bytes
        self.ping_interval = ping_interval
        self.log = log
        self.transport: asyncio.Transport | None = None
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.codec = Codec(
            Side.SERVER, state=State.OPEN, max_size=max_message_bytes, logger=_CODEC_LOG
        )
        self._failure_logged = False
        # We started closing: what the peer sends from then on no longer matters. (Not the
        # codec's state: that changes when it parses the peer's close frame, and frames
        # read in the same pass before it still count.)
        self._closing = False
        self._fragments: list[bytes] = []
        self._fragments_size = 0  # payload plus FRAGMENT_COST per fragment
        self._heard = True
        self._timer: asyncio.TimerHandle | None = None

    # -- asyncio.Protocol ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._schedule(self.ping_interval, self._keepalive)
        self.owner.socket_opened(self)

    def data_received(self, data: bytes) -> None:
        self._heard = True
        codec = self.codec
        codec.receive_data(data)
        for event in codec.events_received():
            if self.transport is None:
                return
            if isinstance(event, Frame):  # an OPEN server-side codec yields nothing else
                self._frame(event)
        if codec.parser_exc is not None and not self._failure_logged:
            self._failure_logged = True  # the codec failed the connection; said once
            self.log.info("DevInterview: closing a room connection: %s", codec.parser_exc)
        self._flush()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.owner.socket_lost()
        if not self.closed.done():
            self.closed.set_result(None)

    # -- what the room calls ------------------------------------------------------------

    def deliver(self, message: bytes) -> None:
        """Queue one binary message; drop the connection if its reader is too far behind."""
        if self.codec.state is State.OPEN and self.transport is not None:
            self.codec.send_binary(message)
            self._flush()

    def queued_bytes(self) -> int:
        transport = self.transport
        return 0 if transport is None else transport.get_write_buffer_size()

    def shed(self, code: int, reason: str) -> None:
        """Dropped to keep the server within its send budget (see budget.py)."""
        self.log.warning("DevInterview: dropping a room connection: %s", reason)
        transport = self.transport
        if transport is not None and transport.get_write_buffer_size() < self.send_budget.threshold:
            self.close(code, reason)  # still reading: it gets the code
        else:
            self.abort()  # a close frame could only wait behind the backlog it must free

    def reject(self, code: int, reason: str) -> None:
        self.close(code, reason)

    def close(self, code: int = CLOSE_NORMAL, reason: str = "") -> None:
        """Start the closing handshake: our close frame, then wait for the peer's."""
        # Set first: frames parsed with a close the codec has already seen come after it.
        self._closing = True
        if self.transport is None or self.codec.state is not State.OPEN:
            return
        short = reason.encode("utf-8")[:_MAX_REASON_BYTES].decode("utf-8", "ignore")
        self.codec.send_close(code, short)
        self._flush()
        if self.transport is not None:
            self._schedule(CLOSE_TIMEOUT_SECONDS, self.abort)

    def abort(self) -> None:
        """Drop the connection now. Nothing is written from here on: asyncio calls
        connection_lost only on its next pass, and logs every write in between."""
        transport, self.transport = self.transport, None
        if transport is not None:
            transport.abort()

    # -- frames -------------------------------------------------------------------------

    def _frame(self, frame: Frame) -> None:
        """One frame the codec accepted. It answered pings and close frames itself."""
        opcode = frame.opcode
        if self._closing or opcode not in _DATA:
            return
        if opcode is Opcode.TEXT:
            # The frames are in step: the close handshake goes on as usual.
            self.log.info("DevInterview: closing a room connection: binary frames only")
            self.close(CLOSE_UNSUPPORTED, "binary frames only")
            return
        data = bytes(frame.data)
        if frame.fin and opcode is Opcode.BINARY:
            self.owner.socket_message(data)  # the common case: a message in one frame
            return
        if self._fragments_size + len(data) > self.max_message_bytes:
            self.log.info("DevInterview: closing a room connection: message too big")
            self._closing = True
            self.codec.fail(CLOSE_TOO_BIG, "message too big")
            return
        self._fragments.append(data)
        self._fragments_size += len(data) + FRAGMENT_COST
        if frame.fin:
            message = b"".join(self._fragments)
            self._fragments, self._fragments_size = [], 0
            self.owner.socket_message(message)

    def _flush(self) -> None:
        """Write what the codec has queued, within the send buffer's limit."""
        codec = self.codec
        for data in codec.data_to_send():
            transport = self.transport
            if transport is None or transport.is_closing():
                return
            if data == SEND_EOF:
                self._end()
                continue
            if transport.get_write_buffer_size() + len(data) > self.max_send_buffer_bytes:
                # Not reading: drop it rather than queue without end. No close frame, it
                # would not fit either; the client sees the connection end and reconnects.
                self.log.warning("DevInterview: dropping a room connection that stopped reading")
                self.abort()
                return
            transport.write(data)
            queued = transport.get_write_buffer_size()
            if queued >= self.send_budget.threshold:
                self.send_budget.note(self, queued)

    def _end(self) -> None:
        """The codec is done with the stream: after a complete close handshake, or after
        failing the connection (what the peer sends next is discarded)."""
        transport = self.transport
        assert transport is not None
        if self.codec.close_rcvd is not None:
            # The handshake is complete. close() flushes what is queued first, but not for
            # longer than a close handshake may take.
            transport.close()
        # Otherwise the peer broke the framing: our close frame is on its way, and closing
        # now, with its bytes unread, could reset the connection before the peer reads the
        # code. It ends when the peer ends it, or on the timeout.
        self._schedule(CLOSE_TIMEOUT_SECONDS, self.abort)

    def _keepalive(self) -> None:
        if self.transport is None:
            return
        if not self._heard:
            self.log.info("DevInterview: dropping a room connection silent for a ping interval")
            self.abort()
            return
        self._heard = False
        if self.codec.state is State.OPEN:
            self.codec.send_ping(b"")
            self._flush()
        self._schedule(self.ping_interval, self._keepalive)

    def _schedule(self, delay: float, callback: Callable[[], object]) -> None:
        """One timer per connection: the keepalive ping, or the close handshake's end."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        if delay > 0:
            self._timer = asyncio.get_running_loop().call_later(delay, callback)


_DATA = (Opcode.BINARY, Opcode.CONT, Opcode.TEXT)
