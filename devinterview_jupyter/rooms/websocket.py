"""Websocket frames of room connections, read and written on an asyncio protocol.

Tornado does the HTTP part of a room connection (authentication, origin check, the
upgrade); then ``RoomHandler`` hands the socket to a ``RoomSocket``. Tornado's frame
reader costs several futures, coroutine steps and buffer copies per frame, and its writer
a future per frame: at 400 interviews that was ≈ 45 % of the server's busy samples
(docs/performance.md, step 12). Here a frame costs one ``data_received`` call and a few
slices. Sockets that tornado serves over TLS itself stay with tornado.

A strict server side of RFC 6455, for a binary-only protocol:

- client frames must be masked and must not set reserved bits (no extension is offered);
- a message larger than ``max_message_bytes``, whole or in fragments, closes the
  connection (1009) as soon as its header says so, before anything is buffered;
- text messages close it (1003): rooms speak binary;
- control frames must be final and at most 125 bytes; pings get their pong;
- close frames are answered and the socket is closed after the handshake, or 5 s after
  we sent ours if the peer never answers;
- a peer silent for a whole ping interval after a ping is dropped;
- a peer that stops reading is dropped once ``max_send_buffer_bytes`` are queued for it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
from collections.abc import Callable
from typing import Protocol

from tornado.iostream import IOStream

from .budget import SendBudget

CLOSE_NORMAL = 1000
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_UNSUPPORTED = 1003
CLOSE_INVALID_DATA = 1007
CLOSE_TOO_BIG = 1009

_FIN = 0x80
_RSV = 0x70
_MASKED = 0x80
_CONTINUATION, _TEXT, _BINARY = 0x0, 0x1, 0x2
_CLOSE, _PING, _PONG = 0x8, 0x9, 0xA
_MAX_CONTROL_PAYLOAD = 125
CLOSE_TIMEOUT_SECONDS = 5.0
# What each fragment counts against the message limit beyond its payload: without it,
# endless empty fragments would be a message that never grows too big.
FRAGMENT_COST = 16
# Codes a peer may send (RFC 6455 §7.4): the defined ones that can travel, and 3000-4999.
_RECEIVABLE_CODES = frozenset((1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011))


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
        buffered: bytes = b"",
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
        # Bytes that arrived with the upgrade, before the socket changed hands.
        self._pending = bytearray(buffered)
        self._need = 0  # bytes _pending must hold before a frame can be read from it
        self._fragments = bytearray()
        self._fragments_size = 0  # payload plus FRAGMENT_COST per fragment
        self._fragment_opcode = 0
        self._close_sent = False
        self._discarding = False  # after a framing error: nothing more is read as frames
        self._heard = True
        self._timer: asyncio.TimerHandle | None = None

    # -- asyncio.Protocol ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._schedule(self.ping_interval, self._keepalive)
        self.owner.socket_opened(self)
        if self._pending:
            pending, self._pending = bytes(self._pending), bytearray()
            self.data_received(pending)

    def data_received(self, data: bytes) -> None:
        self._heard = True
        if self._discarding:
            return
        if self._pending:
            self._pending += data
            if len(self._pending) < self._need:
                return
            data, self._pending = bytes(self._pending), bytearray()
        end = len(data)
        pos = 0
        while end - pos >= 2:
            first, second = data[pos], data[pos + 1]
            length = second & 0x7F
            head = 6
            if length > 125:
                head = 8 if length == 126 else 14
                if end - pos < head:
                    self._need = head
                    break
                length = int.from_bytes(data[pos + 2 : pos + head - 4], "big")
            if not self._acceptable(first, second, length):
                return
            frame_end = pos + head + length
            if frame_end > end:
                self._need = frame_end - pos
                break
            payload = data[pos + head : frame_end]
            if length:
                payload = _unmask(data[pos + head - 4 : pos + head], payload)
            pos = frame_end
            self._frame(first, payload)
            if self.transport is None or self._discarding:
                return
        else:
            self._need = 2
        if pos < end:
            self._pending += data[pos:]

    def eof_received(self) -> bool:
        # The peer is gone: close our side too (False), without waiting longer than a
        # close handshake for whatever it never read.
        self._schedule(CLOSE_TIMEOUT_SECONDS, self.abort)
        return False

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
        if not self._close_sent:
            self._send(_BINARY, message)

    def _send(self, opcode: int, payload: bytes) -> bool:
        """Queue one frame, within the send buffer's limit; whether it was queued."""
        transport = self.transport
        if transport is None or transport.is_closing():
            return False
        if transport.get_write_buffer_size() + len(payload) > self.max_send_buffer_bytes:
            # Not reading: drop it rather than queue without end. No close frame, it would
            # not fit either; the client sees the connection end and reconnects.
            self.log.warning("DevInterview: dropping a room connection that stopped reading")
            self.abort()
            return False
        transport.write(_encode(opcode, payload))
        queued = transport.get_write_buffer_size()
        if queued >= self.send_budget.threshold:
            self.send_budget.note(self, queued)
        return True

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
        if self.transport is None or self._close_sent:
            return
        self._close_sent = True
        payload = struct.pack("!H", code) + reason.encode("utf-8")[: _MAX_CONTROL_PAYLOAD - 2]
        if self._send(_CLOSE, payload):
            self._schedule(CLOSE_TIMEOUT_SECONDS, self.abort)

    def abort(self) -> None:
        """Drop the connection now. Nothing is written from here on: asyncio calls
        connection_lost only on its next pass, and logs every write in between."""
        transport, self.transport = self.transport, None
        if transport is not None:
            transport.abort()

    # -- frames -------------------------------------------------------------------------

    def _acceptable(self, first: int, second: int, length: int) -> bool:
        """Check a frame's header before its payload is waited for."""
        opcode = first & 0x0F
        if first & _RSV:
            return self._fail(CLOSE_PROTOCOL_ERROR, "reserved bits set")
        if not second & _MASKED:
            return self._fail(CLOSE_PROTOCOL_ERROR, "client frames must be masked")
        if opcode & 0x8:
            if opcode not in (_CLOSE, _PING, _PONG):
                return self._fail(CLOSE_PROTOCOL_ERROR, "unknown control opcode")
            if not first & _FIN or length > _MAX_CONTROL_PAYLOAD:
                return self._fail(CLOSE_PROTOCOL_ERROR, "fragmented or long control frame")
            return True
        if opcode == _CONTINUATION:
            if not self._fragment_opcode:
                return self._fail(CLOSE_PROTOCOL_ERROR, "continuation of nothing")
        elif opcode in (_TEXT, _BINARY):
            if self._fragment_opcode:
                return self._fail(CLOSE_PROTOCOL_ERROR, "new message inside a fragmented one")
        else:
            return self._fail(CLOSE_PROTOCOL_ERROR, "unknown data opcode")
        if self._fragments_size + length > self.max_message_bytes:
            return self._fail(CLOSE_TOO_BIG, "message too big")
        return True

    def _frame(self, first: int, payload: bytes) -> None:
        opcode = first & 0x0F
        if opcode & 0x8:
            self._control(opcode, payload)
            return
        if not first & _FIN:
            if opcode:
                self._fragment_opcode = opcode
            self._fragments += payload
            self._fragments_size += len(payload) + FRAGMENT_COST
            return
        if opcode == _CONTINUATION:
            payload = bytes(self._fragments + payload)
            opcode = self._fragment_opcode
            self._fragments, self._fragments_size, self._fragment_opcode = bytearray(), 0, 0
        if self._close_sent:
            return  # closing: what the peer sent meanwhile no longer matters
        if opcode == _TEXT:
            self._fail(CLOSE_UNSUPPORTED, "binary frames only", in_step=True)
            return
        self.owner.socket_message(payload)

    def _control(self, opcode: int, payload: bytes) -> None:
        transport = self.transport
        assert transport is not None
        if opcode == _PING:
            if not self._close_sent:
                self._send(_PONG, payload)  # within the send limit: pings can be a flood
        elif opcode == _CLOSE:
            if not self._close_sent:
                code, valid = _close_code(payload)
                if not valid:
                    self._fail(CLOSE_PROTOCOL_ERROR, "malformed close frame")
                    return
                self._close_sent = True
                self._send(_CLOSE, struct.pack("!H", code) if code is not None else b"")
            # The handshake is complete. close() flushes what is queued first, but not for
            # longer than a close handshake may take.
            transport.close()
            self._schedule(CLOSE_TIMEOUT_SECONDS, self.abort)

    def _fail(self, code: int, reason: str, *, in_step: bool = False) -> bool:
        """Close because of what the peer sent.

        Unless the frames are still ``in_step`` (the offence was a whole, well-framed
        message), the rest of the stream cannot be read as frames: it is discarded, and
        the peer's answer to our close is not waited for.
        """
        self.log.info("DevInterview: closing a room connection: %s", reason)
        self.close(code, reason)
        if not in_step:
            self._discarding = True
            self._pending = bytearray()
        return False

    def _keepalive(self) -> None:
        if self.transport is None:
            return
        if not self._heard:
            self.log.info("DevInterview: dropping a room connection silent for a ping interval")
            self.abort()
            return
        self._heard = False
        if not self._close_sent:
            self._send(_PING, b"")
        self._schedule(self.ping_interval, self._keepalive)

    def _schedule(self, delay: float, callback: Callable[[], object]) -> None:
        """One timer per connection: the keepalive ping, or the close handshake's end."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        if delay > 0:
            self._timer = asyncio.get_running_loop().call_later(delay, callback)


def _encode(opcode: int, payload: bytes) -> bytes:
    size = len(payload)
    if size < 126:
        return bytes((_FIN | opcode, size)) + payload
    if size < 1 << 16:
        return struct.pack("!BBH", _FIN | opcode, 126, size) + payload
    return struct.pack("!BBQ", _FIN | opcode, 127, size) + payload


def _unmask(mask: bytes, payload: bytes) -> bytes:
    # XOR of two integers runs in C over the whole payload at once.
    size = len(payload)
    key = (mask * (size // 4 + 1))[:size]
    value = int.from_bytes(payload, "little") ^ int.from_bytes(key, "little")
    return value.to_bytes(size, "little")


def _close_code(payload: bytes) -> tuple[int | None, bool]:
    """The code of a peer's close frame, and whether the frame is well formed."""
    if not payload:
        return None, True
    if len(payload) == 1:
        return None, False
    code = int.from_bytes(payload[:2], "big")
    try:
        payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        return code, False
    return code, code in _RECEIVABLE_CODES or 3000 <= code <= 4999


# What take_over reads of tornado's IOStream (6.x); a tornado without them keeps its sockets.
_STREAM_INTERNALS = ("_state", "_read_buffer", "_read_buffer_size")


def can_take_over(stream: object) -> bool:
    """Whether a connection's socket can leave tornado: plain TCP, not TLS, not a pipe."""
    return (
        type(stream) is IOStream
        and isinstance(stream.socket, socket.socket)
        and all(hasattr(stream, name) for name in _STREAM_INTERNALS)
    )


async def take_over(stream: IOStream) -> tuple[socket.socket, bytes]:
    """Take an upgraded connection's socket from tornado, with what it has read ahead.

    Tornado's stream keeps a socket object in closed state, so closing the stream later
    leaves our socket alone.
    """
    await stream.write(b"")  # resolves once the 101 response has gone out
    if stream._state is not None:  # tornado has no public way to hand over
        stream.io_loop.remove_handler(stream.socket)
        stream._state = None
    buffered = bytes(stream._read_buffer[: stream._read_buffer_size])
    del stream._read_buffer[:]
    stream._read_buffer_size = 0
    return socket.socket(fileno=stream.socket.detach()), buffered
