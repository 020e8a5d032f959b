"""The frame layer of room connections (rooms/websocket.py), byte by byte over real sockets.

A well-behaved client never sends most of these frames, so the client here is a bare
socket (tests/rawws.py). One frame layer serves every connection — the codec of
``websockets`` with our rules around it, reading tornado's stream — and every test runs
on both streams it reads (``frame_path``): plain TCP and TLS. Where a rule is the
library's (which close code a frame gets), the test pins it. test_rooms.py covers the
rooms themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Doc, Text, create_update_message, write_var_uint
from tornado.httpserver import HTTPServer
from tornado.iostream import IOStream
from tornado.testing import bind_unused_port

from devinterview_jupyter.rooms import handler, websocket
from devinterview_jupyter.rooms.stream_transport import serve_on_stream
from devinterview_jupyter.testing.rest import create_session
from devinterview_jupyter.testing.rooms import synced_doc, text, until
from tests.rawws import (
    BINARY,
    CLOSE,
    CONTINUATION,
    PING,
    PONG,
    TEXT,
    RawSocket,
    client_frame,
    raw_upgrade,
)

MAX_FRAME = 256 * 1024
# A y-websocket "sync step 1" with an empty state vector: the server answers with step 2.
STEP1 = b"\x00\x00" + write_var_uint(1) + b"\x00"


MAX_SEND_BUFFER = 512 * 1024  # above the largest document a test makes (100 kB)


# tcp: frames read from tornado's IOStream; tls: Jupyter serving TLS itself, frames read
# from tornado's SSLIOStream.
FRAME_PATHS = ["tcp", "tls"]


@pytest.fixture(params=FRAME_PATHS)
def frame_path(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def devinterview_config(frame_path: str) -> dict[str, Any]:
    return {
        "room_max_frame_bytes": MAX_FRAME,
        "room_max_send_buffer_bytes": MAX_SEND_BUFFER,
        "room_idle_seconds": 0.3,
    }


@pytest.fixture
def new_room(
    api: Any, jp_http_port: int, jp_base_url: str, frame_path: str, request: pytest.FixtureRequest
) -> Any:
    """Creates a session; gives its room's URL (on the frame path's listener) and an
    interviewer's headers."""
    scheme, port = "ws", jp_http_port
    if frame_path == "tls":
        scheme, port = "wss", request.getfixturevalue("tls_port")

    async def create() -> tuple[str, dict[str, str]]:
        s = await create_session(api)
        url = f"{scheme}://127.0.0.1:{port}{jp_base_url}devinterview/api/rooms/{s['id']}"
        return url, {"Authorization": f"token {api.server_token}"}

    return create


async def step2_count(ws: RawSocket, expected: int) -> int:
    """Read until ``expected`` sync-step-2 answers arrived; how many did."""
    seen = 0
    while seen < expected:
        frame = await ws.read_frame()
        assert frame is not None, "the server closed the connection"
        opcode, payload = frame
        assert opcode != CLOSE, f"closed with {payload[:2].hex()}"
        if opcode == BINARY and payload[:2] == b"\x00\x01":
            seen += 1
    return seen


async def test_a_frame_sent_with_the_upgrade_request_is_not_lost(new_room):
    """Bytes tornado read ahead during the upgrade move over with the socket."""
    ws = await raw_upgrade(*await new_room(), first=client_frame(BINARY, STEP1))
    try:
        assert await step2_count(ws, 1) == 1
    finally:
        ws.close()


async def test_no_extension_is_negotiated_even_when_offered(new_room):
    """Our frame layer speaks no extension: a client offering permessage-deflate gets a
    connection without it, and its compressed frames (RSV1) would be refused."""
    url, headers = await new_room()
    offer = {"Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits"}
    ws = await raw_upgrade(url, {**headers, **offer})
    try:
        assert b"sec-websocket-extensions" not in ws.upgrade_reply.lower()
        await ws.send(client_frame(BINARY, STEP1, rsv=0x40))
        assert await ws.close_code() == 1002
    finally:
        ws.close()


async def test_frames_split_across_and_packed_into_tcp_segments(new_room):
    ws = await raw_upgrade(*await new_room())
    try:
        frame = client_frame(BINARY, STEP1)
        for byte in frame:  # one frame, a byte per segment
            await ws.send(bytes((byte,)))
            await asyncio.sleep(0.002)
        assert await step2_count(ws, 1) == 1
        await ws.send(client_frame(BINARY, STEP1) * 5)  # five frames, one segment
        assert await step2_count(ws, 5) == 5

        # 64-bit length: a 100 kB insert, in three pieces; it is in the next step 2.
        doc: Doc[Any] = Doc()
        doc["source"] = Text("x" * 100_000)
        big = client_frame(BINARY, create_update_message(doc.get_update()))
        assert big[1] & 0x7F == 127
        for piece in (big[:5], big[5:70_000], big[70_000:]):
            await ws.send(piece)
            await asyncio.sleep(0.01)
        await ws.send(client_frame(BINARY, STEP1))
        while True:
            frame_ = await ws.read_frame()
            assert frame_ is not None and frame_[0] != CLOSE, frame_
            if frame_[1][:2] == b"\x00\x01":
                assert len(frame_[1]) > 100_000
                break
    finally:
        ws.close()


async def test_a_message_read_together_with_the_close_that_follows_it_counts(new_room):
    """The last edit of a tab that closes arrives in the same TCP read as its close frame:
    the codec has parsed both before the edit is handed on, and the edit still counts."""
    url, headers = await new_room()
    doc: Doc[Any] = Doc()
    doc["source"] = Text("the last keystroke")
    last = client_frame(BINARY, create_update_message(doc.get_update()))
    ws = await raw_upgrade(url, headers)
    try:
        await ws.send(last + client_frame(CLOSE, struct.pack("!H", 1000)))
        assert await ws.close_code() == 1000
    finally:
        ws.close()
    async with synced_doc(url, headers, validate_cert=False) as later:
        await until(lambda: text(later) == "the last keystroke", what="the edit was kept")


async def test_fragmented_messages_are_joined_and_pings_between_them_answered(new_room):
    ws = await raw_upgrade(*await new_room())
    try:
        await ws.send(client_frame(BINARY, STEP1[:2], fin=False))
        await ws.send(client_frame(PING, b"are you there"))
        await ws.send(client_frame(CONTINUATION, STEP1[2:3], fin=False))
        await ws.send(client_frame(CONTINUATION, STEP1[3:]))
        pong = None
        step2 = False
        while pong is None or not step2:
            frame = await ws.read_frame()
            assert frame is not None and frame[0] != CLOSE, frame
            if frame[0] == PONG:
                pong = frame[1]
            elif frame[1][:2] == b"\x00\x01":
                step2 = True
        assert pong == b"are you there"
    finally:
        ws.close()


BROKEN_FRAMES = {
    "unmasked": (client_frame(BINARY, STEP1, masked=False), 1002),
    "reserved bit": (client_frame(BINARY, STEP1, rsv=0x40), 1002),
    "unknown data opcode": (client_frame(0x3, STEP1), 1002),
    "unknown control opcode": (client_frame(0xB), 1002),
    "continuation of nothing": (client_frame(CONTINUATION, STEP1), 1002),
    "fragmented ping": (client_frame(PING, b"x", fin=False), 1002),
    "long ping": (client_frame(PING, bytes(126)), 1002),
    "new message inside a fragmented one": (
        client_frame(BINARY, b"\x00", fin=False) + client_frame(BINARY, STEP1),
        1002,
    ),
    "one-byte close": (client_frame(CLOSE, b"\x03"), 1002),
    # Codes a peer may not send (RFC 6455 §7.4): not echoed, refused.
    "close with a reserved code": (client_frame(CLOSE, struct.pack("!H", 1005)), 1002),
    "close with code 999": (client_frame(CLOSE, struct.pack("!H", 999)), 1002),
    "close with code 1015": (client_frame(CLOSE, struct.pack("!H", 1015)), 1002),
    "close with code 5000": (client_frame(CLOSE, struct.pack("!H", 5000)), 1002),
    # Data that should be UTF-8 and is not: 1007 (RFC 6455 §8.1, what the codec sends).
    "close with a reason that is not UTF-8": (
        client_frame(CLOSE, struct.pack("!H", 1000) + b"\xff\xfe"),
        1007,
    ),
    "text": (client_frame(TEXT, b"hello"), 1003),
    # Only the header: the size alone closes it, nothing of a 1 TB payload is awaited.
    "huge declared length": (client_frame(BINARY, b"", declared=1 << 40), 1009),
    # Fragments count more than their payload: empty ones cannot go on for ever.
    "endless empty fragments": (
        client_frame(BINARY, b"", fin=False)
        + client_frame(CONTINUATION, b"", fin=False) * (MAX_FRAME // websocket.FRAGMENT_COST + 2),
        1009,
    ),
    "fragments adding up past the limit": (
        client_frame(BINARY, bytes(MAX_FRAME // 2 + 1), fin=False)
        + client_frame(CONTINUATION, bytes(MAX_FRAME // 2 + 1), fin=False),
        1009,
    ),
}


@pytest.mark.parametrize("name", list(BROKEN_FRAMES))
async def test_broken_frames_close_with_the_right_code_and_end_the_connection(new_room, name):
    frame, code = BROKEN_FRAMES[name]
    ws = await raw_upgrade(*await new_room())
    try:
        await ws.send(frame)
        assert await ws.close_code() == code
        if code != 1003:
            # After a framing error the stream is unreadable: the server does not wait
            # for our close frame, it ends the connection when we end ours or on timeout.
            await ws.send(client_frame(CLOSE, struct.pack("!H", code)))
            ws.sock.shutdown(2)
        else:
            await ws.send(client_frame(CLOSE, struct.pack("!H", code)))
        assert await ws.ended(timeout=CLOSE_WAIT)
    finally:
        ws.close()


CLOSE_WAIT = 10.0  # bound against hanging; the server's own close timeout is 5 s


# Codes a peer may send, echoed (the codec's list: RFC 6455 §7.4 and IANA's 1012-1014).
@pytest.mark.parametrize("code", [1000, 1001, 1011, 1014, 3000, 4999])
async def test_the_server_answers_a_close_and_ends_the_connection(new_room, code):
    ws = await raw_upgrade(*await new_room())
    try:
        await ws.send(client_frame(CLOSE, struct.pack("!H", code) + b"bye"))
        assert await ws.close_code() == code
        assert await ws.ended(timeout=CLOSE_WAIT)
    finally:
        ws.close()


async def test_a_text_message_is_refused_but_the_close_handshake_completes(new_room):
    """The frames were in step, so the server reads our close and ends at once."""
    ws = await raw_upgrade(*await new_room())
    try:
        await ws.send(client_frame(TEXT, b"hello"))
        assert await ws.close_code() == 1003
        started = asyncio.get_running_loop().time()
        await ws.send(client_frame(CLOSE, struct.pack("!H", 1003)))
        assert await ws.ended(timeout=CLOSE_WAIT)
        # Not the 5 s timeout: the server saw our close frame.
        assert asyncio.get_running_loop().time() - started < 4.0
    finally:
        ws.close()


async def test_a_silent_peer_is_pinged_then_dropped_and_an_answering_one_kept(
    new_room, monkeypatch
):
    monkeypatch.setattr(handler, "ROOM_PING_INTERVAL", 0.3)
    silent = await raw_upgrade(*await new_room())
    lively = await raw_upgrade(*await new_room())

    async def answer_pings() -> None:  # the lively peer, from the start
        while (frame := await lively.read_frame()) is not None:
            if frame[0] == PING:
                await lively.send(client_frame(PONG, frame[1]))

    answering = asyncio.ensure_future(answer_pings())
    try:

        async def pings_until_dropped() -> int:  # the silent peer: reads, never writes
            pings = 0
            while (frame := await silent.read_frame()) is not None:
                pings += frame[0] == PING
            return pings

        assert await asyncio.wait_for(pings_until_dropped(), CLOSE_WAIT) >= 1

        # The lively peer answered every ping, so it is still served.
        await asyncio.sleep(1.5)  # five ping intervals
        await lively.send(client_frame(BINARY, STEP1))
        assert not answering.done()
        answering.cancel()
        assert await step2_count(lively, 1) == 1
    finally:
        answering.cancel()
        silent.close()
        lively.close()


@pytest.fixture
def tls_port(jp_asyncio_loop: Any, jp_web_app: Any, tmp_path: Path) -> Iterator[int]:
    """The test server's application served over TLS too, on a port of its own."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    request = [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
    ]
    subprocess.run(
        ["openssl", *request, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sock, port = bind_unused_port()

    async def start() -> HTTPServer:
        server = HTTPServer(jp_web_app, ssl_options=context)
        server.add_socket(sock)
        return server

    server = jp_asyncio_loop.run_until_complete(start())
    yield port
    server.stop()


@pytest.mark.parametrize("frame_path", ["tcp"])
async def test_connections_over_tls_share_the_room_on_the_same_frame_layer(
    api, new_room, tls_port, devinterview_app
):
    """Jupyter serving TLS itself: our frame layer reads and writes tornado's SSL stream,
    beside plain connections on tornado's plain stream; tornado's frame layer serves
    neither."""
    url, headers = await new_room()
    secure = f"wss://127.0.0.1:{tls_port}/" + url.split("/", 3)[3]
    async with (
        synced_doc(secure, headers, validate_cert=False) as over_tls,
        synced_doc(url, headers) as plain,
    ):
        over_tls.get("source", type=Text).insert(0, "typed over TLS")
        await until(lambda: text(plain) == "typed over TLS", what="TLS edit reaches plain peer")
        plain.get("source", type=Text).insert(0, "> ")
        await until(lambda: text(over_tls) == "> typed over TLS", what="and back")
        (room,) = devinterview_app.rooms.rooms.values()
        assert all(type(peer) is websocket.RoomSocket for peer in room.sync.peers)
        streams = sorted(type(peer.transport.stream).__name__ for peer in room.sync.peers)
        assert streams == ["IOStream", "SSLIOStream"]


async def test_a_ping_flood_that_never_reads_its_pongs_is_dropped(new_room):
    """Pongs count against the send buffer like every other frame."""
    ws = await raw_upgrade(*await new_room(), receive_buffer=4096)
    try:
        flood = client_frame(PING, bytes(125)) * 1000  # 131 kB of pings, 125 kB of pongs
        with contextlib.suppress(ConnectionError):
            for _ in range(100):  # 12.5 MB of pongs: past any kernel buffer, and ours
                await ws.send(flood)
        assert await ws.ended(timeout=CLOSE_WAIT)
    finally:
        ws.close()


@pytest.mark.parametrize("frame_path", ["tcp"])
async def test_the_room_closes_with_its_code_even_before_the_frames_are_served(
    new_room, api, monkeypatch
):
    """A session deleted between the upgrade and the frame layer's start still tells the
    client why (4404: do not reconnect), instead of cutting the connection."""
    url, headers = await new_room()
    session_id = url.rsplit("/", 1)[1]
    real_serve = handler.serve_on_stream

    async def serve_after_a_delete(stream: Any, peer: Any) -> None:
        assert (await api("DELETE", f"sessions/{session_id}")).status == 204
        await real_serve(stream, peer)

    monkeypatch.setattr(handler, "serve_on_stream", serve_after_a_delete)
    ws = await raw_upgrade(url, headers)
    try:
        assert await ws.close_code() == 4404
    finally:
        ws.close()


@pytest.mark.parametrize("frame_path", ["tcp"])
async def test_a_frame_layer_that_fails_lets_go_of_the_room(
    new_room, devinterview_app, monkeypatch
):
    async def broken_serve(stream: Any, peer: Any) -> None:
        raise OSError("the frame layer could not start")

    monkeypatch.setattr(handler, "serve_on_stream", broken_serve)
    url, headers = await new_room()
    ws = await raw_upgrade(url, headers)
    try:
        assert await ws.ended()
        # With nobody left in it, the room unloads after room_idle_seconds.
        await until(lambda: not devinterview_app.rooms.rooms, what="room unloaded")
    finally:
        ws.close()


class RecordingOwner:
    """Stands in for RoomHandler (faked: no room behind it); the socket is real."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.lost = False

    def socket_opened(self, peer: websocket.RoomSocket) -> None:
        pass

    def socket_message(self, message: bytes) -> None:
        self.messages.append(message)

    def socket_lost(self) -> None:
        self.lost = True


@contextlib.asynccontextmanager
async def socket_pair(**limits: Any) -> Any:
    """A RoomSocket on one end of a real TCP connection (tornado's stream, as in the
    server), a bare socket on the other."""
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    server_side, _ = listener.accept()
    listener.close()
    client.setblocking(False)
    peer = websocket.RoomSocket(
        RecordingOwner(),
        max_message_bytes=limits.get("max_message_bytes", 1 << 20),
        max_send_buffer_bytes=limits.get("max_send_buffer_bytes", 64 << 20),
        ping_interval=60.0,
        log=logging.getLogger("test"),
    )
    served = asyncio.ensure_future(serve_on_stream(IOStream(server_side), peer))
    await until(lambda: peer.transport is not None, what="serving")
    try:
        yield peer, RawSocket(client)
    finally:
        peer.abort()
        client.close()
        await asyncio.wait_for(served, CLOSE_WAIT)


async def test_nothing_is_written_between_an_abort_and_connection_lost(caplog):
    caplog.set_level(logging.WARNING)
    async with socket_pair() as (peer, _client):
        peer.abort()
        for _ in range(20):  # a busy room broadcasting to a connection just dropped
            peer.deliver(b"update")
        await asyncio.wait_for(peer.closed, CLOSE_WAIT)
    assert not [r for r in caplog.records if "socket.send()" in r.getMessage()]


async def test_a_peer_that_closes_without_reading_its_backlog_is_let_go(monkeypatch):
    monkeypatch.setattr(websocket, "CLOSE_TIMEOUT_SECONDS", 0.3)
    async with socket_pair() as (peer, client):
        client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        for _ in range(200):  # 12 MB queued: more than the kernel takes
            peer.deliver(bytes(60_000))
        await client.send(client_frame(CLOSE, struct.pack("!H", 1000)))
        # Not held until the backlog drains (never) or the next keepalive (a minute).
        await asyncio.wait_for(peer.closed, CLOSE_WAIT)
        assert peer.owner.lost


async def test_a_peer_that_closes_while_reading_gets_its_backlog_before_the_close(monkeypatch):
    """The answer to a close goes out after what was queued before it, and the connection
    ends once all of it is written: here more than the kernel's buffers hold."""
    monkeypatch.setattr(websocket, "CLOSE_TIMEOUT_SECONDS", 60.0)  # not what ends it here
    async with socket_pair() as (peer, client):
        for i in range(500):  # 30 MB queued, unread
            peer.deliver(i.to_bytes(4, "big") + bytes(60_000))
        await client.send(client_frame(CLOSE, struct.pack("!H", 1000)))
        received = []
        while (frame := await client.read_frame()) is not None and frame[0] == BINARY:
            received.append(int.from_bytes(frame[1][:4], "big"))
        assert received == list(range(500))
        assert frame == (CLOSE, struct.pack("!H", 1000))
        assert await client.ended(timeout=CLOSE_WAIT)
        await asyncio.wait_for(peer.closed, CLOSE_WAIT)


async def test_a_peer_that_keeps_its_socket_full_does_not_hold_the_event_loop():
    """Tornado hands back an already finished read while data is waiting: without a pass
    through the event loop per read, one flooding connection stopped every other room."""
    async with socket_pair() as (peer, client):
        flooder = client.sock.dup()
        flooder.setblocking(True)
        burst = client_frame(BINARY, b"x" * 20) * 2000
        stop = threading.Event()

        def flood() -> None:
            with contextlib.suppress(OSError):
                while not stop.is_set():
                    flooder.sendall(burst)

        thread = threading.Thread(target=flood, daemon=True)
        # Another task's turns while the flood goes on: about 200 on an idle loop, one or
        # none when the connection's reads never let the loop run. Counted, not timed.
        turns_during_flood = 0
        thread.start()
        try:
            deadline = time.perf_counter() + 2.0
            while time.perf_counter() < deadline:
                before = len(peer.owner.messages)
                await asyncio.sleep(0.01)
                if len(peer.owner.messages) > before:
                    turns_during_flood += 1
        finally:
            stop.set()
            peer.abort()
            flooder.close()
            thread.join(5)
        assert len(peer.owner.messages) > 2000  # the flood did arrive
        assert turns_during_flood >= 10, turns_during_flood


async def test_a_message_after_a_text_frame_never_reaches_the_room_even_in_one_read():
    async with socket_pair() as (peer, client):
        await client.send(
            client_frame(TEXT, b"hello")
            + client_frame(BINARY, b"after-text")
            + client_frame(CLOSE, struct.pack("!H", 1000))
        )
        assert await client.ended(timeout=CLOSE_WAIT)
        await asyncio.wait_for(peer.closed, CLOSE_WAIT)
        assert peer.owner.messages == []


async def test_a_peer_that_never_answers_our_close_is_dropped_after_the_close_timeout(
    monkeypatch,
):
    monkeypatch.setattr(websocket, "CLOSE_TIMEOUT_SECONDS", 0.3)
    async with socket_pair() as (peer, client):
        peer.close(4401, "invite revoked")
        assert await client.read_frame() == (CLOSE, struct.pack("!H", 4401) + b"invite revoked")
        # The client stays silent; the keepalive (a minute here) is not what ends it.
        await asyncio.wait_for(peer.closed, 2.0)
