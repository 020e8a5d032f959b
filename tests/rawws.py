"""A websocket client on a bare socket, for frames no well-behaved client library sends."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import ssl
import struct
from urllib.parse import urlsplit

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def client_frame(
    opcode: int,
    payload: bytes = b"",
    *,
    fin: bool = True,
    masked: bool = True,
    rsv: int = 0,
    declared: int | None = None,
) -> bytes:
    """One frame as a client writes it; ``declared`` claims another payload length."""
    length = len(payload) if declared is None else declared
    first = (0x80 if fin else 0) | rsv | opcode
    mask_bit = 0x80 if masked else 0
    if length < 126:
        head = bytes((first, mask_bit | length))
    elif length < 1 << 16:
        head = struct.pack("!BBH", first, mask_bit | 126, length)
    else:
        head = struct.pack("!BBQ", first, mask_bit | 127, length)
    if not masked:
        return head + payload
    key = os.urandom(4)
    body = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return head + key + body


class RawSocket:
    """A bare TCP socket, with TLS done in memory (``tls``) so that ``sock`` stays the
    plain socket, which tests may shut down or tune like any other."""

    def __init__(self, sock: socket.socket, tls: ssl.SSLObject | None = None) -> None:
        self.sock = sock
        self.loop = asyncio.get_running_loop()
        self.buffer = b""
        self.tls = tls
        self.upgrade_reply = b""  # the server's 101 response, headers included
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()

    @classmethod
    async def connect(
        cls, host: str, port: int, *, tls: bool = False, receive_buffer: int | None = None
    ) -> RawSocket:
        loop = asyncio.get_running_loop()
        sock = socket.socket()
        if receive_buffer is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.setblocking(False)
        await loop.sock_connect(sock, (host, port))
        raw = cls(sock)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the test server's certificate is its own
            raw.tls = context.wrap_bio(raw._incoming, raw._outgoing)
            while True:
                try:
                    raw.tls.do_handshake()
                    break
                except ssl.SSLWantReadError:
                    await raw._flush_tls()
                    assert await raw._receive_tls(), "connection closed during TLS handshake"
            await raw._flush_tls()
        return raw

    async def _flush_tls(self) -> None:
        data = self._outgoing.read()
        if data:
            await self.loop.sock_sendall(self.sock, data)

    async def _receive_tls(self) -> bool:
        chunk = await self.loop.sock_recv(self.sock, 65536)
        if not chunk:
            self._incoming.write_eof()
            return False
        self._incoming.write(chunk)
        return True

    async def send(self, data: bytes) -> None:
        if self.tls is None:
            await self.loop.sock_sendall(self.sock, data)
            return
        view = memoryview(data)
        while view:  # in records, each sent before the next is made (like a socket)
            written = self.tls.write(view[:16384])
            view = view[written:]
            await self._flush_tls()

    async def _recv(self) -> bytes:
        """What the server sent next (decrypted); b"" once it has ended the connection."""
        if self.tls is None:
            return await self.loop.sock_recv(self.sock, 65536)
        while True:
            try:
                return self.tls.read(65536)
            except ssl.SSLWantReadError:
                if not await self._receive_tls():
                    return b""
            except ssl.SSLError:  # the server ended the connection without close_notify
                return b""

    async def _fill(self, size: int) -> bool:
        while len(self.buffer) < size:
            try:
                chunk = await self._recv()
            except ConnectionResetError:  # the server aborted: that is an end too
                return False
            if not chunk:
                return False
            self.buffer += chunk
        return True

    async def read_frame(self, timeout: float = 20.0) -> tuple[int, bytes] | None:
        """The next (opcode, payload) from the server, or None once it has closed the TCP."""
        return await asyncio.wait_for(self._read_frame(), timeout)

    async def _read_frame(self) -> tuple[int, bytes] | None:
        if not await self._fill(2):
            return None
        first, second = self.buffer[0], self.buffer[1]
        assert not second & 0x80, "server frames are never masked"
        length, head = second & 0x7F, 2
        if length == 126:
            head = 4
        elif length == 127:
            head = 10
        if not await self._fill(head):
            return None
        if head > 2:
            length = int.from_bytes(self.buffer[2:head], "big")
        if not await self._fill(head + length):
            return None
        payload = self.buffer[head : head + length]
        self.buffer = self.buffer[head + length :]
        assert first & 0x80, "the server does not fragment"
        return first & 0x0F, payload

    async def close_code(self, timeout: float = 20.0) -> int | None:
        """Read until the server's close frame; its code (None if the TCP ended first)."""
        while True:
            frame = await self.read_frame(timeout)
            if frame is None:
                return None
            if frame[0] == CLOSE:
                return int.from_bytes(frame[1][:2], "big") if frame[1] else 1005

    async def ended(self, timeout: float = 20.0) -> bool:
        """Whether the server closes the TCP connection (after whatever it still sends)."""
        while True:
            frame = await self.read_frame(timeout)
            if frame is None:
                return True

    def close(self) -> None:
        self.sock.close()


async def raw_upgrade(
    url: str,
    headers: dict[str, str],
    *,
    first: bytes = b"",
    receive_buffer: int | None = None,
) -> RawSocket:
    """Upgrade a bare socket (over TLS for wss://); ``first`` is sent in the same write as
    the request."""
    parsed = urlsplit(url)
    assert parsed.hostname is not None and parsed.port is not None
    ws = await RawSocket.connect(
        parsed.hostname,
        parsed.port,
        tls=parsed.scheme == "wss",
        receive_buffer=receive_buffer,
    )
    target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    lines = [
        f"GET {target} HTTP/1.1",
        f"Host: {parsed.netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
        "Sec-WebSocket-Version: 13",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    await ws.send(("\r\n".join(lines) + "\r\n\r\n").encode() + first)
    while b"\r\n\r\n" not in ws.buffer:
        assert await ws._fill(len(ws.buffer) + 1), f"closed during the upgrade: {ws.buffer!r}"
    reply, ws.buffer = ws.buffer.split(b"\r\n\r\n", 1)
    assert reply.startswith(b"HTTP/1.1 101"), reply
    ws.upgrade_reply = reply
    return ws
