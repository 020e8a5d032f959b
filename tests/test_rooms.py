"""Real-time rooms with real websockets and pycrdt clients, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text, create_update_message, write_message, write_var_uint
from sqlalchemy import func, select
from tornado.websocket import WebSocketClientConnection

from devinterview_jupyter.db.models import RoomUpdate
from devinterview_jupyter.rooms.document import new_document
from devinterview_jupyter.rooms.store import SNAPSHOT, RoomHistory
from devinterview_jupyter.rooms.stream_transport import StreamTransport
from devinterview_jupyter.rooms.websocket import RoomSocket
from devinterview_jupyter.testing.rest import create_invite, create_session
from devinterview_jupyter.testing.rooms import (
    many_docs,
    open_ws,
    synced_doc,
    text,
    until,
    upgrade_status,
)
from tests.helpers import SHAPE, expire_invite, stable_identity
from tests.rawws import raw_upgrade


@pytest.fixture
def devinterview_config() -> dict[str, Any]:
    return {
        "room_max_frame_bytes": 64 * 1024,
        "room_idle_seconds": 0.3,
        "room_max_send_buffer_bytes": 256 * 1024,
    }


async def stored_rows(app: Any, session_id: str, kind: str | None = None) -> int:
    await app.rooms.writer.flush()
    async with app.database.session() as db:
        query = select(func.count()).select_from(RoomUpdate)
        query = query.where(RoomUpdate.session_id == uuid.UUID(session_id))
        if kind:
            query = query.where(RoomUpdate.kind == kind)
        return int(await db.scalar(query) or 0)


async def stored_text(app: Any, session_id: str) -> str:
    """Rebuild the document from the database alone."""
    await app.rooms.writer.flush()
    doc = new_document()
    store = RoomHistory(session_id, writer=app.rooms.writer)
    await store.load_into(doc)
    return str(doc.get("source", type=Text))


async def until_room(app: Any, session_id: str) -> Any:
    sid = uuid.UUID(session_id)
    await until(lambda: sid in app.rooms.rooms, what="room loaded")
    return app.rooms.rooms[sid]


def insert(doc: Doc[Any], index: int, value: str) -> None:
    doc.get("source", type=Text).insert(index, value)


async def test_two_clients_converge_and_a_late_joiner_gets_everything(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    url = room_url(s["id"])
    async with synced_doc(url, interviewer) as a, synced_doc(url, interviewer) as b:
        insert(a, 0, "def solve():\n")
        await until(lambda: text(b) == "def solve():\n", what="b to see a's text")
        insert(b, len(text(b)), "    return 42\n")
        await until(lambda: text(a) == text(b) == "def solve():\n    return 42\n")
        async with synced_doc(url, interviewer) as late:
            assert text(late) == "def solve():\n    return 42\n"
            meta = late.get("meta", type=Map).to_py()
            assert meta == {"language": "python", "status": "scheduled"}
    assert await stored_text(devinterview_app, s["id"]) == "def solve():\n    return 42\n"


async def test_simultaneous_joins_of_a_new_room_all_sync(api, room_url, interviewer):
    s = await create_session(api)
    url = room_url(s["id"])
    async with synced_doc(url, interviewer) as seed:
        insert(seed, 0, "seed")
        await asyncio.sleep(0)
    # The room may have unloaded; now three clients arrive at the same instant.
    await asyncio.sleep(0.5)
    async with many_docs(url, interviewer, 3) as docs:
        await until(lambda: all(text(d) == "seed" for d in docs), what="all joiners synced")
        insert(docs[0], 4, "!")
        await until(lambda: all(text(d) == "seed!" for d in docs), what="live edits")


async def test_twenty_clients_typing_converge_and_storage_matches(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    url = room_url(s["id"])
    async with many_docs(url, interviewer, 20) as docs:

        async def typist(n: int, doc: Doc[Any]) -> None:
            for i in range(10):
                src = doc.get("source", type=Text)
                src.insert(len(str(src)) if i % 2 else 0, f"<{n}.{i}>")
                await asyncio.sleep(0.005 * (n % 3))

        await asyncio.gather(*(typist(n, d) for n, d in enumerate(docs)))
        expected_len = sum(len(f"<{n}.{i}>") for n in range(20) for i in range(10))
        await until(
            lambda: len({text(d) for d in docs}) == 1 and len(text(docs[0])) == expected_len,
            timeout=60,
            what="20 clients to converge",
        )
        final = text(docs[0])
        for n in range(20):
            for i in range(10):
                assert f"<{n}.{i}>" in final
    assert await stored_text(devinterview_app, s["id"]) == final


async def test_candidate_credentials_for_rooms(api, room_url, interviewer, devinterview_app):
    mine = await create_session(api)
    other = await create_session(api, title="Other")
    inv = await create_invite(api, mine["id"])
    joined = await api("POST", "join", {"token": inv["token"]}, as_=None)
    cookie = joined.headers["Set-Cookie"].split(";")[0]
    token = inv["token"]

    assert await upgrade_status(room_url(mine["id"]), {"Authorization": f"Bearer {token}"}) == 101
    assert await upgrade_status(room_url(mine["id"]), {"Cookie": cookie}) == 101
    assert await upgrade_status(room_url(mine["id"], f"candidate_token={token}")) == 101
    assert await upgrade_status(room_url(mine["id"]), interviewer) == 101

    # A's token never opens B, in any form.
    assert await upgrade_status(room_url(other["id"]), {"Authorization": f"Bearer {token}"}) == 403
    assert await upgrade_status(room_url(other["id"]), {"Cookie": cookie}) == 403
    assert await upgrade_status(room_url(other["id"], f"candidate_token={token}")) == 403
    # No credential, a made-up one, and Jupyter's ?token= with an invite token.
    assert await upgrade_status(room_url(mine["id"])) == 401
    assert await upgrade_status(room_url(mine["id"], "candidate_token=" + "x" * 43)) == 401
    assert await upgrade_status(room_url(mine["id"], f"token={token}")) == 401
    assert await upgrade_status(room_url(str(uuid.uuid4())), interviewer) == 404
    assert await upgrade_status(room_url("not-a-uuid"), interviewer) == 400

    await expire_invite(devinterview_app, inv["id"])
    assert await upgrade_status(room_url(mine["id"]), {"Authorization": f"Bearer {token}"}) == 401
    inv2 = await create_invite(api, mine["id"])
    await api("DELETE", f"sessions/{mine['id']}/invites/{inv2['id']}")
    bearer2 = {"Authorization": f"Bearer {inv2['token']}"}
    assert await upgrade_status(room_url(mine["id"]), bearer2) == 401


async def test_candidate_edits_sync_with_the_interviewer(api, room_url, interviewer):
    s = await create_session(api)
    inv = await create_invite(api, s["id"])
    cand = {"Authorization": f"Bearer {inv['token']}"}
    async with (
        synced_doc(room_url(s["id"]), interviewer) as lead,
        synced_doc(room_url(s["id"]), cand) as candidate,
    ):
        insert(candidate, 0, "print('hi')")
        await until(lambda: text(lead) == "print('hi')")


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("http://evil.example", 403),
        ("http://127.0.0.1:1", 403),
        ("https://interviews.example.org", 101),
        ("null", 403),
    ],
)
async def test_origins_are_checked(api, room_url, interviewer, devinterview_app, origin, expected):
    devinterview_app.allowed_origins = ["https://interviews.example.org/"]
    s = await create_session(api)
    headers = {**interviewer, "Origin": origin}
    assert await upgrade_status(room_url(s["id"]), headers) == expected


async def test_same_origin_is_allowed(api, room_url, interviewer, jp_http_port):
    s = await create_session(api)
    headers = {**interviewer, "Origin": f"http://127.0.0.1:{jp_http_port}"}
    assert await upgrade_status(room_url(s["id"]), headers) == 101


async def _closed_with(conn: WebSocketClientConnection) -> int | None:
    while await conn.read_message() is not None:
        pass
    return conn.close_code


async def test_bad_frames_close_only_that_connection(api, room_url, interviewer):
    s = await create_session(api)
    url = room_url(s["id"])
    async with synced_doc(url, interviewer) as a, synced_doc(url, interviewer) as b:
        bad_frames = {
            "unknown type": b"\x07\x00",
            "truncated": b"\x00\x02\x05ab",
            "stray bytes": b"\x00\x00\x00\xff",
            "bad awareness JSON": b"\x01\x06\x01\x01\x01\x02{x",
            "text frame": "hello",
            "broken update": create_update_message(b"\x01\x02\x03garbage"),
            "oversized": b"\x00\x02" + b"\x80" * (70 * 1024),
            "bad state vector": b"\x00\x00\x02\x05\x01",
            "awareness id out of range": awareness_frame(2**40, 1, "{}"),
            "awareness clock out of range": awareness_frame(1, 2**60, "{}"),
            "huge awareness state": awareness_frame(1, 1, '"' + "x" * 40_000 + '"'),
            "too many presences": awareness_entries([(i, 1, "{}") for i in range(1, 10)]),
        }
        for name, frame in bad_frames.items():
            conn = await open_ws(url, interviewer)
            await conn.read_message()  # the server's sync step 1
            await conn.write_message(frame, binary=not isinstance(frame, str))
            code = await asyncio.wait_for(_closed_with(conn), 20)
            assert code in (1003, 1007, 1008, 1009), f"{name}: closed with {code}"
            insert(a, len(text(a)), name[0])
            expected = text(a)
            await until(lambda e=expected: text(b) == e, what=f"sync after {name}")
        assert len(text(b)) == len(bad_frames)


async def test_terminated_room_is_read_only_but_readable(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    url = room_url(s["id"])
    async with synced_doc(url, interviewer) as a:
        insert(a, 0, "final answer")
        room = await until_room(devinterview_app, s["id"])
        await until(lambda: str(room.doc.get("source", type=Text)) == "final answer")
        rows_before_end = await stored_rows(devinterview_app, s["id"])
        assert rows_before_end >= 1
        await api("POST", f"sessions/{s['id']}/terminate")
        await until(lambda: a.get("meta", type=Map).to_py().get("status") == "terminated")
        rows = await stored_rows(devinterview_app, s["id"])

        # A raw client sends a genuine update after the end.
        outsider: Doc[Any] = Doc()
        outsider["source"] = Text()
        outsider.apply_update(a.get_update())
        outsider.get("source", type=Text).insert(0, "CHEAT ")
        update = outsider.get_update(a.get_state())
        conn = await open_ws(url, interviewer)
        await conn.read_message()
        await conn.write_message(create_update_message(update), binary=True)
        # Edits by a synced client are refused as well.
        insert(a, 0, "late ")
        await asyncio.sleep(0.3)
        conn.close()
        assert str(room.doc.get("source", type=Text)) == "final answer"
        assert await stored_rows(devinterview_app, s["id"]) == rows

    async with synced_doc(url, interviewer) as reviewer:
        assert text(reviewer) == "final answer"
        assert reviewer.get("meta", type=Map).to_py()["status"] == "terminated"
    assert await stored_text(devinterview_app, s["id"]) == "final answer"


async def test_meta_and_timer_belong_to_the_server(api, room_url, interviewer):
    s = await create_session(api, planned_minutes=45)
    url = room_url(s["id"])
    async with synced_doc(url, interviewer) as a:
        meta = a.get("meta", type=Map)
        meta["status"] = "terminated"  # well typed, so taken, then written back
        await until(lambda: meta.to_py() == {"language": "python", "status": "scheduled"})

        await api("PATCH", f"sessions/{s['id']}", {"language": "go"})
        await api("POST", f"sessions/{s['id']}/start")
        await until(lambda: meta.to_py() == {"language": "go", "status": "active"})

        started = await api("POST", f"sessions/{s['id']}/timer", {"action": "start"})
        assert started.status == 200
        assert started.json["running"] is True
        timer = a.get("timer", type=Map)
        await until(lambda: timer.to_py().get("running") is True)
        assert timer.to_py()["planned_minutes"] == 45
        assert timer.to_py()["started_at_ms"] == started.json["started_at_ms"]

        timer["running"] = False  # a client cannot stop the clock
        await until(lambda: timer.to_py().get("running") is True, what="timer repaired")

        paused = await api("POST", f"sessions/{s['id']}/timer", {"action": "pause"})
        assert paused.json["running"] is False
        assert paused.json["accumulated_ms"] > 0
        await until(lambda: timer.to_py().get("accumulated_ms") == paused.json["accumulated_ms"])
        reset = await api("POST", f"sessions/{s['id']}/timer", {"action": "reset"})
        assert reset.json["accumulated_ms"] == 0

        await api("POST", f"sessions/{s['id']}/timer", {"action": "start"})
        await api("POST", f"sessions/{s['id']}/terminate")
        await until(lambda: timer.to_py().get("running") is False, what="timer stopped at end")
        late = await api("POST", f"sessions/{s['id']}/timer", {"action": "start"})
        assert late.status == 409


async def test_server_clock(api):
    s = await create_session(api)
    inv = await create_invite(api, s["id"])
    reply = await api("GET", "time")
    assert reply.status == 200
    assert reply.json["now_ms"] > 1.7e12
    assert (await api("GET", "time", as_=None, bearer=inv["token"])).status == 200
    assert (await api("GET", "time", as_=None)).status == 401
    cand = await api(
        "POST", f"sessions/{s['id']}/timer", {"action": "start"}, as_=None, bearer=inv["token"]
    )
    assert cand.status == 403


async def test_idle_room_unloads_with_a_snapshot_and_reloads(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    url = room_url(s["id"])
    sid = uuid.UUID(s["id"])
    async with synced_doc(url, interviewer) as a:
        insert(a, 0, "kept across unload")
        await until(lambda: sid in devinterview_app.rooms.rooms)
    await until(lambda: sid not in devinterview_app.rooms.rooms, what="room unloaded")
    assert await stored_rows(devinterview_app, s["id"], SNAPSHOT) >= 1
    async with synced_doc(url, interviewer) as b:
        assert text(b) == "kept across unload"


async def test_deleting_a_session_closes_its_room(api, room_url, interviewer, devinterview_app):
    s = await create_session(api)
    conn = await open_ws(room_url(s["id"]), interviewer)
    await conn.read_message()
    assert (await api("DELETE", f"sessions/{s['id']}")).status == 204
    assert await asyncio.wait_for(_closed_with(conn), 20) == 4404
    assert await stored_rows(devinterview_app, s["id"]) == 0


async def test_revoking_an_invite_disconnects_that_candidate(api, room_url, interviewer):
    s = await create_session(api)
    kept = await create_invite(api, s["id"])
    revoked = await create_invite(api, s["id"])
    conns = {}
    for name, inv in (("kept", kept), ("revoked", revoked)):
        conns[name] = await open_ws(room_url(s["id"]), {"Authorization": f"Bearer {inv['token']}"})
        await conns[name].read_message()
    await api("DELETE", f"sessions/{s['id']}/invites/{revoked['id']}")
    assert await asyncio.wait_for(_closed_with(conns["revoked"]), 20) == 4401
    async with synced_doc(room_url(s["id"]), interviewer) as doc:
        insert(doc, 0, "still here")
    assert conns["kept"].close_code is None
    conns["kept"].close()


def awareness_entries(entries: list[tuple[int, int, str]]) -> bytes:
    """An awareness frame with (client id, clock, JSON state) entries, written by hand."""
    body = write_var_uint(len(entries))
    for client_id, clock, state in entries:
        body += write_var_uint(client_id) + write_var_uint(clock) + write_message(state.encode())
    return write_var_uint(1) + write_message(body)


def awareness_frame(client_id: int, clock: int, state: str) -> bytes:
    return awareness_entries([(client_id, clock, state)])


async def test_awareness_still_flows_after_terminate(api, room_url, interviewer):
    s = await create_session(api)
    await api("POST", f"sessions/{s['id']}/terminate")
    sender = await open_ws(room_url(s["id"]), interviewer)
    watcher = await open_ws(room_url(s["id"]), interviewer)
    await sender.read_message()
    await watcher.read_message()
    frame = awareness_frame(4242, 1, '{"mark": "Reviewer"}')
    await sender.write_message(frame, binary=True)

    async def relayed() -> bytes:
        while True:
            message = await watcher.read_message()
            assert message is not None
            if message[0] == 1 and b"Reviewer" in message:
                return message

    assert (await asyncio.wait_for(relayed(), 20))[0] == 1
    sender.close()
    watcher.close()


async def test_a_newcomer_learns_who_is_already_there(api, room_url, interviewer):
    s = await create_session(api)
    present = await open_ws(room_url(s["id"]), interviewer)
    await present.read_message()
    await present.write_message(awareness_frame(777, 1, '{"mark": "Ada"}'), binary=True)
    await present.read_message()  # its own awareness, echoed (the y-websocket heartbeat)

    newcomer = await open_ws(room_url(s["id"]), interviewer)

    async def first_awareness() -> bytes:
        while True:
            message = await newcomer.read_message()
            assert message is not None
            if message[0] == 1:
                return message

    # Nobody re-sends anything: the server itself tells the newcomer about Ada.
    assert b"Ada" in await asyncio.wait_for(first_awareness(), 10)
    present.close()
    newcomer.close()


async def test_a_leavers_cursor_is_removed_for_the_others(api, room_url, interviewer):
    s = await create_session(api)
    leaver = await open_ws(room_url(s["id"]), interviewer)
    watcher = await open_ws(room_url(s["id"]), interviewer)
    await leaver.read_message()
    await watcher.read_message()
    await leaver.write_message(awareness_frame(4711, 3, '{"mark": "Bo"}'), binary=True)

    async def awareness_with(needle: bytes) -> bytes:
        while True:
            message = await watcher.read_message()
            assert message is not None
            if message[0] == 1 and needle in message:
                return message

    await asyncio.wait_for(awareness_with(b"Bo"), 10)
    leaver.close()
    # Gone without saying goodbye: the server announces client 4711 (clock 3) as null.
    gone = awareness_frame(4711, 3, "null")
    assert await asyncio.wait_for(awareness_with(b"null"), 10) == gone
    watcher.close()


async def test_a_reconnected_clients_cursor_survives_its_old_connection_closing(
    api, room_url, jp_fetch, jp_auth_header, devinterview_app
):
    # One person on both connections (a bare token is a new anonymous user each time).
    interviewer, _ = await stable_identity(jp_fetch, jp_auth_header)
    s = await create_session(api)
    old = await open_ws(room_url(s["id"]), interviewer)
    new = await open_ws(room_url(s["id"]), interviewer)
    watcher = await open_ws(room_url(s["id"]), interviewer)
    for conn in (old, new, watcher):
        await conn.read_message()
    # The same awareness client id on both connections, as after a reconnect.
    await old.write_message(awareness_frame(5150, 1, '{"mark": "Al"}'), binary=True)
    await new.write_message(awareness_frame(5150, 2, '{"mark": "Al"}'), binary=True)
    room = await until_room(devinterview_app, s["id"])
    await until(lambda: len(room.sync.peers) == 3, what="all three joined")
    both = lambda: sum(5150 in c.ids for c in room.sync.peers.values()) == 2  # noqa: E731
    await until(both, what="both connections announced client 5150")
    old.close()
    await until(lambda: len(room.sync.peers) == 2, what="the old connection gone")
    # A marker sent after the close was handled: anything it caused arrives before it.
    await new.write_message(awareness_frame(6000, 1, '{"mark": "Mark"}'), binary=True)
    seen = []
    while True:
        message = await asyncio.wait_for(watcher.read_message(), 10)
        assert message is not None
        seen.append(message)
        if b"Mark" in message:
            break
    assert awareness_frame(5150, 2, "null") not in seen
    assert awareness_frame(5150, 1, "null") not in seen
    new.close()
    watcher.close()


async def _awareness_until(conn: WebSocketClientConnection, needle: bytes) -> list[bytes]:
    """Awareness frames read from ``conn`` up to and including one containing ``needle``."""
    seen = []
    while True:
        message = await asyncio.wait_for(conn.read_message(), 10)
        assert message is not None
        if message[0] == 1:
            seen.append(message)
            if needle in message:
                return seen


async def test_presence_belongs_to_whoever_brought_it_not_to_who_passed_it_on(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    owner, echoer, watcher = [await open_ws(room_url(s["id"]), interviewer) for _ in range(3)]
    for conn in (owner, echoer, watcher):
        await conn.read_message()
    room = await until_room(devinterview_app, s["id"])
    await owner.write_message(awareness_frame(7001, 4, '{"mark": "Own"}'), binary=True)
    await _awareness_until(watcher, b"Own")
    # y-websocket clients send back every remote state they apply: nothing new, not relayed.
    await echoer.write_message(awareness_frame(7001, 4, '{"mark": "Own"}'), binary=True)
    # A stale removal (older clock) inside a frame must not strip the id from its owner.
    stale = awareness_entries([(7002, 2, '{"mark": "Two"}'), (7002, 1, "null")])
    await owner.write_message(stale, binary=True)
    assert b"Own" not in b"".join(await _awareness_until(watcher, b"Two"))
    await until(lambda: len(room.sync.peers) == 3, what="all joined")
    echoer.close()
    await until(lambda: len(room.sync.peers) == 2, what="the echoer gone")
    await owner.write_message(awareness_frame(7003, 1, '{"mark": "Mark"}'), binary=True)
    # The echoer's leaving removed nobody.
    assert b"null" not in b"".join(await _awareness_until(watcher, b"Mark"))
    owner.close()
    removed = (await _awareness_until(watcher, b"null"))[-1]
    # One frame removing everything the owner brought (7003 is the marker it sent).
    for client_id, clock in ((7001, 4), (7002, 2), (7003, 1)):
        assert write_var_uint(client_id) + write_var_uint(clock) + write_message(b"null") in removed
    assert removed[1:3] == b"\x19\x03"  # payload length, three entries
    watcher.close()


async def test_updates_go_to_the_others_not_back_to_the_sender(api, room_url, interviewer):
    s = await create_session(api)
    sender = await open_ws(room_url(s["id"]), interviewer)
    other = await open_ws(room_url(s["id"]), interviewer)
    for conn in (sender, other):
        await conn.read_message()  # sync step 1
    doc = new_document()
    with doc.transaction():
        doc.get("source", type=Text).insert(0, "hello")
    update = create_update_message(doc.get_update())
    await sender.write_message(update, binary=True)
    await sender.write_message(awareness_frame(99, 1, '{"mark": "S"}'), binary=True)

    assert await asyncio.wait_for(other.read_message(), 10) == update
    # The server handles a connection's frames in order: had the update been echoed, it
    # would arrive before the echo of the awareness frame sent after it.
    echoed = await asyncio.wait_for(sender.read_message(), 10)
    assert echoed is not None and echoed[0] == 1 and b'"S"' in echoed
    sender.close()
    other.close()


async def test_a_connection_that_stops_reading_is_dropped_not_buffered_forever(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    url = room_url(s["id"])
    # A small receive window, so the server's queue fills instead of the kernel's.
    silent = await raw_upgrade(url, interviewer, receive_buffer=4096)
    try:
        async with synced_doc(url, interviewer) as writer, synced_doc(url, interviewer) as reader:
            room = await until_room(devinterview_app, s["id"])
            assert len(room.sync.peers) == 3
            # ~9 MB of edits: more than the kernel's buffers and the 256 KB allowed to queue.
            chunk = "x" * 60_000
            for i in range(150):
                insert(writer, len(text(writer)), chunk)
                if i % 10 == 9:
                    await until(lambda n=i: len(text(reader)) == (n + 1) * 60_000, what="peer")
            await until(lambda: len(room.sync.peers) == 2, what="the silent connection dropped")
            # The others went on undisturbed.
            assert len(text(reader)) == 150 * 60_000
    finally:
        silent.close()


async def test_whiteboard_records_sync_are_kept_and_freeze_at_the_end(
    api, room_url, interviewer, devinterview_app
):
    """The board's tldraw records (a YKeyValue over the `whiteboard` array) travel and
    persist like the code, and nobody can draw once the interview has ended."""
    s = await create_session(api)
    url = room_url(s["id"])
    circle = {"key": "shape:circle", "val": {**SHAPE, "id": "shape:circle", "x": 1}}
    late = {"key": "shape:late", "val": {**SHAPE, "id": "shape:late", "x": 2}}

    def keys(doc: Doc[Any]) -> list[str]:
        return [entry["key"] for entry in doc.get("whiteboard", type=Array).to_py()]

    async with synced_doc(url, interviewer) as a, synced_doc(url, interviewer) as b:
        a.get("whiteboard", type=Array).append(circle)
        await until(lambda: keys(b) == ["shape:circle"], what="record relayed")
        await api("POST", f"sessions/{s['id']}/terminate")
        await until(lambda: a.get("meta", type=Map).to_py().get("status") == "terminated")
        a.get("whiteboard", type=Array).append(late)
        await asyncio.sleep(0.3)
        assert keys(b) == ["shape:circle"]
        room = await until_room(devinterview_app, s["id"])
        assert keys(room.doc) == ["shape:circle"]

    await devinterview_app.rooms.writer.flush()
    stored = new_document()
    await RoomHistory(s["id"], writer=devinterview_app.rooms.writer).load_into(stored)
    assert keys(stored) == ["shape:circle"]
    assert stored.get("whiteboard", type=Array).to_py()[0]["val"]["x"] == 1


async def test_room_connections_are_served_by_our_frame_layer_on_tornados_stream(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    async with synced_doc(room_url(s["id"]), interviewer):
        room = await until_room(devinterview_app, s["id"])
        (peer,) = room.sync.peers
        # One frame layer for every connection, on tornado's stream (public methods only).
        assert type(peer) is RoomSocket
        assert isinstance(peer.transport, StreamTransport)
