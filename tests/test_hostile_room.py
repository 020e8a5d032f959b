"""A hostile participant holding one candidate invite, against real rooms over real
websockets (docs/security.md, "Hostile participant"). Each test names the attack; each
fails without the rule it checks."""

from __future__ import annotations

import asyncio
import json
import resource
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text, create_update_message
from sqlalchemy import update
from tornado.websocket import WebSocketClientConnection

from devinterview_jupyter.colors import CANDIDATE_COLOR
from devinterview_jupyter.db.models import Invite
from devinterview_jupyter.rooms.document import new_document
from devinterview_jupyter.rooms.protocol import MessageType, parse_frame
from devinterview_jupyter.testing.rest import create_invite, create_session
from devinterview_jupyter.testing.rooms import open_ws, synced_doc, text, until, upgrade_status
from tests.helpers import SHAPE, stable_identity
from tests.rawws import raw_upgrade
from tests.test_rooms import awareness_entries, awareness_frame, stored_rows, until_room

HUGE_CLOCK = 2**53 - 1


def bearer(invite: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {invite['token']}"}


async def closed_with(conn: WebSocketClientConnection, timeout: float = 20) -> int | None:
    async def drain() -> int | None:
        while await conn.read_message() is not None:
            pass
        return conn.close_code

    return await asyncio.wait_for(drain(), timeout)


async def presence_until(
    conn: WebSocketClientConnection, done: Any, timeout: float = 10
) -> dict[int, Any]:
    """Presence states relayed to ``conn`` (client id -> state) until ``done(states)``."""
    states: dict[int, Any] = {}

    async def read() -> None:
        while not done(states):
            message = await conn.read_message()
            assert message is not None, "connection closed"
            if message[0] == MessageType.AWARENESS:
                for entry in parse_frame(message).presence:
                    states[entry.client_id] = entry.state

    await asyncio.wait_for(read(), timeout)
    return states


async def joined(*conns: WebSocketClientConnection) -> None:
    for conn in conns:
        await conn.read_message()  # sync step 1


# -- 1. presence ------------------------------------------------------------------------


async def test_a_candidate_cannot_take_over_the_interviewers_presence(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api, candidate_name="Grace")
    invite = await create_invite(api, s["id"])
    owner = await open_ws(room_url(s["id"]), interviewer)
    watcher = await open_ws(room_url(s["id"]), interviewer)
    mallory = await open_ws(room_url(s["id"]), bearer(invite))
    await joined(owner, watcher, mallory)
    await owner.write_message(awareness_frame(1001, 1, '{"mark": "ada-1"}'), binary=True)
    await presence_until(watcher, lambda st: 1001 in st)

    # The hijack: the interviewer's id, the largest clock a browser accepts, a new name.
    hijack = '{"mark": "mallory", "user": {"name": "Mallory", "role": "interviewer"}}'
    await mallory.write_message(awareness_frame(1001, HUGE_CLOCK, hijack), binary=True)
    # A marker from the interviewer after it: whatever the hijack caused arrives first.
    await owner.write_message(awareness_frame(1001, 2, '{"mark": "ada-2"}'), binary=True)
    seen = await presence_until(watcher, lambda st: st.get(1001, {}).get("mark") == "ada-2")
    assert seen[1001]["mark"] == "ada-2"
    room = await until_room(devinterview_app, s["id"])
    assert room.sync.stats.presence_foreign >= 1
    assert room.sync.awareness.meta[1001]["clock"] == 2
    # The interviewer's connection is still open and her presence still flows.
    await owner.write_message(awareness_frame(1001, 3, '{"mark": "ada-3"}'), binary=True)
    await presence_until(watcher, lambda st: st.get(1001, {}).get("mark") == "ada-3")
    assert owner.close_code is None
    for conn in (owner, watcher, mallory):
        conn.close()


async def test_a_departed_participants_presence_id_stays_theirs(
    api, room_url, jp_fetch, jp_auth_header, devinterview_app
):
    interviewer, _ = await stable_identity(jp_fetch, jp_auth_header)
    s = await create_session(api)
    invite = await create_invite(api, s["id"])
    owner = await open_ws(room_url(s["id"]), interviewer)
    watcher = await open_ws(room_url(s["id"]), interviewer)
    await joined(owner, watcher)
    await owner.write_message(awareness_frame(2002, 1, '{"mark": "ada"}'), binary=True)
    await presence_until(watcher, lambda st: 2002 in st)
    owner.close()  # a reload: her tab comes back with the same id
    await presence_until(watcher, lambda st: st.get(2002, "x") is None)
    mallory = await open_ws(room_url(s["id"]), bearer(invite))
    await joined(mallory)
    await mallory.write_message(awareness_frame(2002, 9, '{"mark": "mallory"}'), binary=True)
    await mallory.write_message(awareness_frame(3003, 1, '{"mark": "own"}'), binary=True)
    seen = await presence_until(watcher, lambda st: 3003 in st)
    assert seen.get(2002) is None
    back = await open_ws(room_url(s["id"]), interviewer)
    await joined(back)
    await back.write_message(awareness_frame(2002, 5, '{"mark": "ada-back"}'), binary=True)
    seen = await presence_until(watcher, lambda st: (st.get(2002) or {}).get("mark") == "ada-back")
    for conn in (watcher, mallory, back):
        conn.close()


async def test_presence_clocks_are_bounded(api, room_url, interviewer, devinterview_app):
    s = await create_session(api)
    sender = await open_ws(room_url(s["id"]), interviewer)
    watcher = await open_ws(room_url(s["id"]), interviewer)
    await joined(sender, watcher)
    # Its own id, but a clock whose next step a browser cannot decode: not relayed.
    await sender.write_message(awareness_frame(4004, HUGE_CLOCK, '{"mark": "big"}'), binary=True)
    await sender.write_message(awareness_frame(4005, 1, '{"mark": "marker"}'), binary=True)
    seen = await presence_until(watcher, lambda st: 4005 in st)
    assert 4004 not in seen
    room = await until_room(devinterview_app, s["id"])
    assert room.sync.stats.presence_clock == 1
    sender.close()
    watcher.close()


async def test_names_and_roles_shown_come_from_the_server(api, room_url, jp_fetch, jp_auth_header):
    interviewer, name = await stable_identity(jp_fetch, jp_auth_header)
    s = await create_session(api, candidate_name="Grace Hopper")
    invite = await create_invite(api, s["id"])
    candidate = await open_ws(room_url(s["id"]), bearer(invite))
    lead = await open_ws(room_url(s["id"]), interviewer)
    watcher = await open_ws(room_url(s["id"]), interviewer)
    await joined(candidate, lead, watcher)
    posing = {
        "user": {"name": "The Interviewer", "role": "interviewer", "color": "#12ab34"},
        "whiteboard": {"userName": "The Interviewer", "color": "#000000", "cursor": {"x": 1}},
    }
    await candidate.write_message(awareness_frame(5005, 1, json.dumps(posing)), binary=True)
    await lead.write_message(awareness_frame(6006, 1, '{"user": {"name": "x"}}'), binary=True)
    seen = await presence_until(watcher, lambda st: 5005 in st and 6006 in st)
    shown = seen[5005]
    # The colour too is the server's (colors.py), whatever the client claims.
    assert shown["user"] == {"name": "Grace Hopper", "role": "candidate", "color": CANDIDATE_COLOR}
    assert shown["whiteboard"]["userName"] == "Grace Hopper"
    assert shown["whiteboard"]["color"] == CANDIDATE_COLOR
    assert shown["whiteboard"]["cursor"] == {"x": 1}
    assert seen[6006]["user"]["name"] == name
    assert seen[6006]["user"]["role"] == "interviewer"
    for conn in (candidate, lead, watcher):
        conn.close()


async def test_a_presence_flood_is_throttled_and_oversized_states_close(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    invite = await create_invite(api, s["id"])
    flooder = await open_ws(room_url(s["id"]), bearer(invite))
    await joined(flooder)
    for clock in range(1, 501):
        await flooder.write_message(awareness_frame(7007, clock, '{"n": 1}'), binary=True)
    room = await until_room(devinterview_app, s["id"])
    await until(lambda: room.sync.stats.presence_throttled > 0, what="throttling")
    big = json.dumps({"pad": "x" * (devinterview_app.room_max_awareness_state_bytes + 1)})
    await flooder.write_message(awareness_frame(7007, 1000, big), binary=True)
    assert await closed_with(flooder) == 1009


# -- 2. memory ------------------------------------------------------------------------


@pytest.mark.parametrize("devinterview_config", [{"room_max_connections_per_invite": 2}])
async def test_one_invite_holds_a_bounded_number_of_connections(api, room_url):
    s = await create_session(api)
    invite = await create_invite(api, s["id"])
    url = room_url(s["id"])
    first, second = [await open_ws(url, bearer(invite)) for _ in range(2)]
    assert await upgrade_status(url, bearer(invite)) == 429
    # Another invite (another candidate's tab) is not affected.
    other = await create_invite(api, s["id"])
    assert await upgrade_status(url, bearer(other)) == 101
    first.close()
    await closed_with(first)

    async def can_join() -> bool:
        return await upgrade_status(url, bearer(invite)) == 101

    for _ in range(100):
        if await can_join():
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("a closed connection did not give its place back")
    second.close()


@pytest.mark.parametrize("devinterview_config", [{"room_max_connections_per_user": 2}])
async def test_one_interviewer_holds_a_bounded_number_of_connections(
    api, room_url, jp_fetch, jp_auth_header
):
    headers, _ = await stable_identity(jp_fetch, jp_auth_header)
    s = await create_session(api)
    url = room_url(s["id"])
    held = [await open_ws(url, headers) for _ in range(2)]
    assert await upgrade_status(url, headers) == 429
    # Another person (a bare token is a new anonymous user each time) is not affected.
    assert await upgrade_status(url, jp_auth_header) == 101
    for conn in held:
        conn.close()


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


BUDGET = 4 * 1024 * 1024


def queued_in(room: Any) -> int:
    """What the server holds for this room's connections, unsent."""
    return sum(peer.queued_bytes() for peer in room.sync.peers)


@pytest.mark.parametrize("devinterview_config", [{"room_send_budget_bytes": BUDGET}])
async def test_connections_that_never_read_are_dropped_within_the_global_budget(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    invite = await create_invite(api, s["id"])
    url = room_url(s["id"])
    # Three of the candidate's four connections never read (a tiny receive window); the
    # fourth writes. Each silent queue alone would stay under its own 32 MiB limit.
    silent = [await raw_upgrade(url, bearer(invite), receive_buffer=4096) for _ in range(3)]
    try:
        async with (
            synced_doc(url, bearer(invite)) as writer,
            synced_doc(url, interviewer) as reader,
        ):
            room = await until_room(devinterview_app, s["id"])
            await until(lambda: len(room.sync.peers) == 5, what="all joined")
            chunk = "y" * 100_000
            for i in range(100):
                writer.get("source", type=Text).insert(len(text(writer)), chunk)
                if i % 10 == 9:
                    await until(lambda n=i: len(text(reader)) == (n + 1) * 100_000, what="reader")
                # Below the threshold a connection is not tracked: one threshold each.
                assert queued_in(room) <= BUDGET + 5 * devinterview_app.send_budget.threshold
            await until(lambda: len(room.sync.peers) == 2, what="the silent connections dropped")
            assert devinterview_app.send_budget.shed_count >= 3
            assert len(text(reader)) == 100 * 100_000  # the interviewer never noticed
    finally:
        for conn in silent:
            conn.close()


@pytest.mark.parametrize("devinterview_config", [{"room_send_budget_bytes": BUDGET}])
async def test_a_presence_flood_into_silent_connections_stays_within_the_budget(
    api, room_url, jp_fetch, jp_auth_header, devinterview_app
):
    s = await create_session(api, candidate_name="Grace")
    invite = await create_invite(api, s["id"])
    url = room_url(s["id"])
    headers, name = await stable_identity(jp_fetch, jp_auth_header)
    ada = await open_ws(url, headers)
    await joined(ada)
    await ada.write_message(awareness_frame(1001, 1, '{"mark": "ada"}'), binary=True)
    silent = [await raw_upgrade(url, bearer(invite), receive_buffer=4096) for _ in range(3)]
    flooder = await open_ws(url, bearer(invite))
    await joined(flooder)
    room = await until_room(devinterview_app, s["id"])
    state = json.dumps({"pad": "x" * 15_000, "user": {"name": "Ada", "role": "interviewer"}})
    before = rss_bytes()
    try:
        for clock in range(1, 3001):  # 45 MB of presence, fanned out to four connections
            await flooder.write_message(awareness_frame(3003, clock, state), binary=True)
            if clock % 100 == 0:
                assert queued_in(room) <= BUDGET + 6 * devinterview_app.send_budget.threshold
        grown = rss_bytes() - before
        assert grown < 64 * 1024 * 1024, f"server grew {grown / 2**20:.0f} MiB"
        assert room.sync.stats.presence_throttled > 0
        # The interviewer is still here and everyone is shown by their true name.
        await ada.write_message(awareness_frame(1001, 2, '{"mark": "ada-2"}'), binary=True)
        watcher = await open_ws(url, headers)
        seen = await presence_until(watcher, lambda st: 1001 in st and 3003 in st)
        assert seen[1001]["user"]["name"] == name
        assert seen[3003]["user"] == {**seen[3003]["user"], "name": "Grace", "role": "candidate"}
        assert ada.close_code is None
        watcher.close()
    finally:
        for conn in (*silent, flooder, ada):
            conn.close()


# -- 3. a valid interview document --------------------------------------------------------


def _update(build: Any) -> bytes:
    doc = new_document()
    with doc.transaction():
        build(doc)
    return doc.get_update()


def _good_run(doc: Doc[Any]) -> None:
    run = Map(
        {
            "id": "r1",
            "language": "python",
            "by": {"name": "Grace", "color": "#123456", "role": "candidate"},
            "code": "print(1)",
            "stdin": "",
            "status": "ok",
            "startedAt": 1.0,
            "durationMs": 3.0,
            "output": Array([{"kind": "text", "stream": "stdout", "text": "1\n"}]),
        }
    )
    doc.get("runs", type=Array).append(run)


POISON = {
    "a string in runs": lambda d: d.get("runs", type=Array).append("junk"),
    "a run missing fields": lambda d: d.get("runs", type=Array).append(Map({"id": "x"})),
    "a whiteboard shape at x='oops'": lambda d: d.get("whiteboard", type=Array).append(
        {"key": "shape:b", "val": {**SHAPE, "id": "shape:b", "x": "oops"}}
    ),
    "a record filed under another key": lambda d: d.get("whiteboard", type=Array).append(
        {"key": "shape:c", "val": SHAPE}
    ),
    "formatted code": lambda d: d.get("source", type=Text).insert(0, "x", {"bold": True}),
    "a meta field the server does not own": lambda d: d.get("meta", type=Map).update({"x": 7}),
    "a part the document does not have": lambda d: d.get("extra", type=Map).update({"a": 1}),
}


@pytest.mark.parametrize("poison", sorted(POISON))
async def test_an_update_that_breaks_the_document_is_refused(
    api, room_url, interviewer, devinterview_app, poison
):
    s = await create_session(api)
    invite = await create_invite(api, s["id"])
    url = room_url(s["id"])
    async with synced_doc(url, interviewer) as watcher:
        mallory = await open_ws(url, bearer(invite))
        await joined(mallory)
        await mallory.write_message(create_update_message(_update(POISON[poison])), binary=True)
        assert await closed_with(mallory) == 4422
        # Her invite cools down before it may connect again (each refusal costs a rebuild).
        assert await upgrade_status(url, bearer(invite)) == 429
        # The room still takes good updates, and the bad one went nowhere.
        good = await open_ws(url, bearer(await create_invite(api, s["id"])))
        await joined(good)
        await good.write_message(create_update_message(_update(_good_run)), binary=True)
        await until(lambda: len(watcher.get("runs", type=Array)) == 1, what="good run")
        assert watcher.get("whiteboard", type=Array).to_py() in ([], None)
        assert "x" not in text(watcher)
        assert "extra" not in set(watcher.keys())
        good.close()
    assert devinterview_app.rooms.rooms[uuid.UUID(s["id"])].sync.stats.updates_refused == 1
    async with synced_doc(url, interviewer) as later:
        assert [run["id"] for run in later.get("runs", type=Array).to_py()] == ["r1"]


async def test_valid_runs_and_shapes_pass_and_a_stored_bad_entry_does_not_stop_a_room(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    sid = uuid.UUID(s["id"])
    # A document stored before the rules existed, with a bad run in it.
    room = await devinterview_app.rooms.acquire(sid, "test")
    with room.doc.transaction():
        room.doc.get("runs", type=Array).append("stored before the rules")
    devinterview_app.rooms.release(room, "test")
    url = room_url(s["id"])
    async with synced_doc(url, interviewer) as a, synced_doc(url, interviewer) as b:
        assert a.get("runs", type=Array).to_py() == ["stored before the rules"]
        _good_run(a)
        a.get("whiteboard", type=Array).append({"key": "shape:a", "val": SHAPE})
        await until(lambda: len(b.get("runs", type=Array)) == 2, what="run relayed")
        await until(lambda: len(b.get("whiteboard", type=Array)) == 1, what="shape relayed")
        run = a.get("runs", type=Array)[1]
        run["status"] = "error"
        run["output"].append({"kind": "table", "columns": ["n"], "rows": [[1]], "truncated": False})
        await until(lambda: b.get("runs", type=Array)[1]["status"] == "error", what="status")
        await until(lambda: len(b.get("runs", type=Array)[1]["output"]) == 2, what="output")


# -- 4. quotas ----------------------------------------------------------------------------


@pytest.mark.parametrize("devinterview_config", [{"room_max_document_bytes": 64 * 1024}])
async def test_a_document_past_its_quota_is_refused(api, room_url, interviewer, devinterview_app):
    s = await create_session(api)
    invite = await create_invite(api, s["id"])
    url = room_url(s["id"])
    async with synced_doc(url, interviewer) as watcher:
        mallory = await open_ws(url, bearer(invite))
        await joined(mallory)
        small = _update(lambda d: d.get("source", type=Text).insert(0, "ok"))
        await mallory.write_message(create_update_message(small), binary=True)
        await until(lambda: text(watcher) == "ok", what="small edit")
        doc = Doc()
        doc.apply_update(small)
        big: list[bytes] = []
        doc.observe(lambda e: big.append(e.update))
        doc.get("source", type=Text).insert(2, "z" * 70_000)
        await mallory.write_message(create_update_message(big[0]), binary=True)
        assert await closed_with(mallory) == 4413
        assert text(watcher) == "ok"
    rows_before = await stored_rows(devinterview_app, s["id"])
    async with synced_doc(url, interviewer) as later:
        assert text(later) == "ok"
    assert await stored_rows(devinterview_app, s["id"]) == rows_before


@pytest.mark.parametrize("devinterview_config", [{"room_max_pending_bytes": 2048}])
async def test_updates_waiting_for_missing_parts_are_bounded(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    invite = await create_invite(api, s["id"])
    url = room_url(s["id"])
    source = Doc()
    updates: list[bytes] = []
    source.observe(lambda e: updates.append(e.update))
    for i in range(12):
        source.get("source", type=Text).insert(0, f"{i:04d}" * 100)
    async with synced_doc(url, interviewer) as watcher:
        conn = await open_ws(url, bearer(invite))
        await joined(conn)
        # Held while the first is missing, then applied in order once it comes.
        await conn.write_message(create_update_message(updates[1]), binary=True)
        room = await until_room(devinterview_app, s["id"])
        await until(lambda: len(room.sync.guard.held) == 1, what="held")
        assert text(watcher) == ""
        await conn.write_message(create_update_message(updates[0]), binary=True)
        await until(lambda: len(text(watcher)) == 800, what="both applied")
        assert not room.sync.guard.held
        # Never the part they wait for: past the budget they go, with the connection.
        for missing_first in updates[3:]:
            await conn.write_message(create_update_message(missing_first), binary=True)
        assert await closed_with(conn) == 4413
        assert not room.sync.guard.held and room.sync.guard.held_bytes == 0
        assert len(text(watcher)) == 800


# -- 5. expiry ------------------------------------------------------------------------------


async def test_an_invite_expiring_during_the_interview_closes_its_connection(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    invite = await create_invite(api, s["id"])
    async with devinterview_app.database.session() as db:
        await db.execute(
            update(Invite)
            .where(Invite.id == uuid.UUID(invite["id"]))
            .values(expires_at=datetime.now().astimezone() + timedelta(seconds=2))
        )
    url = room_url(s["id"])
    async with synced_doc(url, interviewer) as watcher:
        conn = await open_ws(url, bearer(invite))
        await joined(conn)
        assert await closed_with(conn) == 4401
        late = _update(lambda d: d.get("source", type=Text).insert(0, "too late"))
        with pytest.raises(Exception):  # noqa: B017, PT011 - closed: tornado refuses the write
            await conn.write_message(create_update_message(late), binary=True)
        assert await upgrade_status(url, bearer(invite)) == 401
        assert text(watcher) == ""


def test_the_interview_document_is_a_registered_jupyter_ydoc_type():
    from importlib.metadata import entry_points

    from jupyter_ydoc.ybasedoc import YBaseDoc

    (entry,) = [e for e in entry_points(group="jupyter_ydoc") if e.name == "devinterview"]
    doc_type = entry.load()
    assert issubclass(doc_type, YBaseDoc)
    doc = doc_type()
    doc.set("print(1)")
    assert doc.get()["source"] == "print(1)"
    assert set(doc.ydoc.keys()) >= {"source", "meta", "timer", "whiteboard", "runs"}
    assert awareness_entries([]) == b"\x01\x01\x00"  # (the helper these tests share)
