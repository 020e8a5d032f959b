"""Room connections' frames, read from and written to tornado's stream.

Tornado performs the upgrade and keeps the socket (plain TCP in an ``IOStream``, TLS in an
``SSLIOStream``); every room connection's frames are then read and written by a
``RoomSocket`` (``websocket.py``) through an asyncio transport made of the stream's public
methods (``read_bytes(partial=True)``, ``write``, ``close``): one read, and one future,
per TCP read rather than tornado's several per frame. Tornado's own frame layer
(``WebSocketProtocol13``) reads none of them: the handler's ``open()`` returns only once
the connection has ended. So every room connection obeys one set of frame rules, the one
docs/protocol.md states, plain or TLS.
"""

from __future__ import annotations

import asyncio
from asyncio import Future

from tornado.iostream import IOStream, StreamBufferFullError, StreamClosedError

from .websocket import RoomSocket

READ_BYTES = 65536  # at most this much per read: what a socket read gives asyncio's protocols


class StreamTransport(asyncio.Transport):
    """What a ``RoomSocket`` writes to, on a tornado ``IOStream`` (TLS or plain)."""

    def __init__(self, stream: IOStream) -> None:
        super().__init__()
        self.stream = stream
        self._closing = False
        self._queued = 0  # bytes handed to the stream
        self._written = 0  # of those, bytes the stream has passed on to the socket

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self.is_closing():
            return  # like an asyncio transport: nothing goes out after close or abort
        try:
            written = self.stream.write(bytes(data))
        except (StreamClosedError, StreamBufferFullError):
            self.abort()
            return
        self._queued += len(data)
        if written.done():  # the socket took it all at once (the stream resolves in order)
            self._written = self._queued
            return
        mark = self._queued
        written.add_done_callback(lambda done: self._flushed(done, mark))

    def _flushed(self, done: Future[None], mark: int) -> None:
        # The stream resolves a write's future once everything up to its end is written.
        if not done.cancelled() and done.exception() is None:
            self._written = max(self._written, mark)

    def get_write_buffer_size(self) -> int:
        """Bytes written but not yet on their way (counted in whole writes: an upper bound)."""
        return self._queued - self._written

    def is_closing(self) -> bool:
        return self._closing or self.stream.closed()

    def close(self) -> None:
        """Close once what is queued has been written, as asyncio's transports do."""
        if self.is_closing():
            return
        self._closing = True
        try:
            flushed = self.stream.write(b"")  # resolves once everything queued is written
        except StreamClosedError:
            return
        flushed.add_done_callback(lambda _: self.stream.close())

    def abort(self) -> None:
        self._closing = True
        self.stream.close()


async def serve_on_stream(stream: IOStream, peer: RoomSocket) -> None:
    """Feed what arrives on ``stream`` to ``peer`` until the connection ends.

    Bytes tornado read ahead with the upgrade are still in the stream: the first read
    returns them (tests/test_room_websocket.py sends a frame with the upgrade request).
    """
    peer.connection_made(StreamTransport(stream))
    try:
        while True:
            read = stream.read_bytes(READ_BYTES, partial=True)
            if not isinstance(read, asyncio.Future) or read.done():
                # Awaiting a finished future does not pass through the event loop: a peer
                # that keeps its socket full would otherwise hold the whole server.
                await asyncio.sleep(0)
            peer.data_received(await read)
    except StreamClosedError:
        pass  # the peer left, or the RoomSocket closed or aborted the stream
    finally:
        stream.close()
        peer.connection_lost(None)
