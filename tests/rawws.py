"""A websocket client on a bare socket, for frames no well-behaved client library sends."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
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
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.loop = asyncio.get_running_loop()
        self.buffer = b""

    async def send(self, data: bytes) -> None:
        await self.loop.sock_sendall(self.sock, data)

    async def _fill(self, size: int) -> bool:
        while len(self.buffer) < size:
            try:
                chunk = await self.loop.sock_recv(self.sock, 65536)
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
    """Upgrade a bare socket; ``first`` is sent in the same write as the request."""
    loop = asyncio.get_running_loop()
    parsed = urlsplit(url)
    sock = socket.socket()
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.setblocking(False)
    await loop.sock_connect(sock, (parsed.hostname, parsed.port))
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
    await loop.sock_sendall(sock, ("\r\n".join(lines) + "\r\n\r\n").encode() + first)
    reply = b""
    while b"\r\n\r\n" not in reply:
        chunk = await loop.sock_recv(sock, 1)
        assert chunk, f"connection closed during the upgrade: {reply!r}"
        reply += chunk
    assert reply.startswith(b"HTTP/1.1 101"), reply
    return RawSocket(sock)
