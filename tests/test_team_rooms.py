"""One interview room across several real Jupyter server processes on one PostgreSQL.

Each server hosts the room of the same session for its own clients; they converge through
the shared log and PostgreSQL's notices (docs/architecture.md, "Many servers, one room"),
with presence, terminate and revocation reaching every server. Servers are killed,
restarted and cut off from the database (a TCP relay, as in test_database_outage.py).
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, ExitStack, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Doc, Map, Text
from sqlalchemy.engine import make_url

from devinterview_jupyter.db.engine import Database
from devinterview_jupyter.db.url import normalize_database_url
from devinterview_jupyter.pytest_plugin import empty_postgres, selected_backends
from devinterview_jupyter.rooms.document import new_document
from devinterview_jupyter.rooms.store import RoomHistory, UpdateWriter
from devinterview_jupyter.testing.rooms import open_ws, synced_doc, text, until
from devinterview_jupyter.testing.server import LiveServer, live_server
from tests.test_database_outage import Relay
from tests.test_hostile_room import closed_with, joined, presence_until
from tests.test_rooms import awareness_frame

pytestmark = pytest.mark.skipif(
    "postgresql" not in selected_backends(),
    reason="PostgreSQL deselected by DEVINTERVIEW_TEST_DATABASES",
)

SETTINGS = {"room_idle_seconds": 0.5, "room_recheck_seconds": 1.0, "freeze_startup_objects": False}


@contextmanager
def servers(url: str, root: Path, count: int, **settings: Any) -> Iterator[list[LiveServer]]:
    with ExitStack() as stack:
        yield [
            stack.enter_context(live_server(url, root / f"s{i}", settings={**SETTINGS, **settings}))
            for i in range(count)
        ]


async def call(server: LiveServer, method: str, path: str, body: object = None) -> Any:
    return await asyncio.to_thread(server.request, method, path, body)


async def new_session(server: LiveServer) -> str:
    created = await call(server, "POST", "sessions", {"title": "Team", "language": "python"})
    return str(created["id"])


@asynccontextmanager
async def client(server: LiveServer, sid: str, doc: Doc[Any] | None = None) -> AsyncIterator[Doc]:
    """A Yjs client of the room on ``server`` (an existing ``doc`` reconnects)."""
    async with synced_doc(server.room_url(sid), server.auth, doc=doc) as synced:
        yield synced


def source(doc: Doc[Any]) -> Text:
    return doc.get("source", type=Text)


async def converged(docs: list[Doc[Any]], *parts: str, timeout: float = 30) -> str:
    """Wait until every doc holds the same text, containing every part."""

    def same() -> bool:
        texts = {text(d) for d in docs}
        return len(texts) == 1 and all(p in next(iter(texts)) for p in parts)

    await until(same, timeout=timeout, what=f"convergence: {[text(d) for d in docs]}")
    return text(docs[0])


async def stored_text(url: str, sid: str) -> str:
    """The document as stored, read straight from the log (snapshot + rows after it)."""
    database = Database(normalize_database_url(url), log=_log())
    try:
        writer = UpdateWriter(database, log=database.log, origin="reader")
        doc = new_document()
        await RoomHistory(sid, writer=writer).load_into(doc)
        return text(doc)
    finally:
        await database.dispose()


def _log() -> Any:
    import logging

    return logging.getLogger("test_team_rooms")


async def reloaded_everywhere(team: list[LiveServer], sid: str, expected: str) -> None:
    """After every room unloaded: a fresh client of each server gets ``expected``."""
    await asyncio.sleep(SETTINGS["room_idle_seconds"] * 4)  # let the rooms unload
    for server in team:
        async with client(server, sid) as fresh:
            assert text(fresh) == expected


@pytest.fixture
def team_db(devinterview_postgres_url: str) -> str:
    empty_postgres(devinterview_postgres_url)
    return devinterview_postgres_url


# -- the document ---------------------------------------------------------------------------


async def test_typing_on_every_server_converges_and_is_stored(team_db, tmp_path):
    with servers(team_db, tmp_path, 3) as team:
        sid = await new_session(team[0])
        async with AsyncExitStack() as stack:
            docs = [await stack.enter_async_context(client(s, sid)) for s in team]
            for i, doc in enumerate(docs):
                source(doc).insert(0, f"[from {i}]")
            final = await converged(docs, "[from 0]", "[from 1]", "[from 2]")
            # A second round, each typing into what the others wrote.
            for i, doc in enumerate(docs):
                source(doc).insert(len(source(doc)), f"<again {i}>")
            final = await converged(docs, "<again 0>", "<again 1>", "<again 2>")
        assert await stored_text(team_db, sid) == final
        await reloaded_everywhere(team, sid, final)


async def test_twenty_typists_spread_over_three_servers(team_db, tmp_path):
    rng = random.Random(18)
    with servers(team_db, tmp_path, 3, room_snapshot_every=40) as team:
        sid = await new_session(team[1])
        async with AsyncExitStack() as stack:
            docs = [await stack.enter_async_context(client(team[i % 3], sid)) for i in range(20)]

            async def typist(n: int, doc: Doc[Any]) -> None:
                for k in range(15):
                    here = source(doc)
                    # Between two marks, so that every mark stays whole.
                    bounds = [0] + [i + 1 for i, c in enumerate(str(here)) if c == ";"]
                    here.insert(rng.choice(bounds), f"{n}.{k};")
                    await asyncio.sleep(rng.random() * 0.02)

            await asyncio.gather(*(typist(n, d) for n, d in enumerate(docs)))
            marks = [f"{n}.{k};" for n in range(20) for k in range(15)]
            final = await converged(docs, *marks, timeout=60)
        assert len(final) == sum(len(m) for m in marks)
        assert await stored_text(team_db, sid) == final
        await reloaded_everywhere(team, sid, final)


async def test_a_server_killed_mid_interview_comes_back_and_catches_up(team_db, tmp_path):
    with ExitStack() as stack:
        a = stack.enter_context(live_server(team_db, tmp_path / "a", settings=SETTINGS))
        b = stack.enter_context(live_server(team_db, tmp_path / "b", settings=SETTINGS))
        sid = await new_session(a)
        port = int(a.url.rsplit(":", 1)[1].strip("/"))
        on_a: Doc[Any] = Doc()
        on_a["source"] = Text()
        async with client(b, sid) as on_b:
            async with client(a, sid, on_a):
                source(on_a).insert(0, "before the crash;")
                await converged([on_a, on_b], "before the crash;")
                assert a.stop(signal.SIGKILL) == -signal.SIGKILL
            # Typed on A's page while its server is gone, and on B meanwhile.
            source(on_a).insert(len(source(on_a)), "offline on A;")
            source(on_b).insert(0, "while A was down;")
            restarted = stack.enter_context(
                live_server(team_db, tmp_path / "a", port=port, settings=SETTINGS)
            )
            # A's page reconnects to the restarted server with what it has.
            async with client(restarted, sid, on_a):
                final = await converged(
                    [on_a, on_b], "before the crash;", "offline on A;", "while A was down;"
                )
        assert await stored_text(team_db, sid) == final
        await reloaded_everywhere([restarted, b], sid, final)


async def test_a_server_cut_off_from_the_database_catches_up(team_db, tmp_path):
    relay = Relay(make_url(team_db).port or 5432)
    await relay.set("up")
    through = make_url(team_db).set(host="127.0.0.1", port=relay.port)
    relayed = through.render_as_string(hide_password=False)
    settings = {**SETTINGS, "room_notice_keepalive_seconds": 0.5, "database_retry_interval": 0.5}
    try:
        with ExitStack() as stack:
            a = stack.enter_context(live_server(relayed, tmp_path / "a", settings=settings))
            b = stack.enter_context(live_server(team_db, tmp_path / "b", settings=settings))
            sid = await new_session(b)
            async with client(a, sid) as on_a, client(b, sid) as on_b:
                source(on_a).insert(0, "A;")
                await converged([on_a, on_b], "A;")
                await relay.set("down")
                # Each side keeps working for its own clients during the cut.
                source(on_a).insert(len(source(on_a)), "A during the cut;")
                source(on_b).insert(0, "B during the cut;")
                async with client(a, sid) as second_on_a:
                    await converged([on_a, second_on_a], "A during the cut;")
                await asyncio.sleep(1.5)  # past A's keepalive: it knows it is cut off
                assert "B during the cut;" not in text(on_a)
                await relay.set("up")
                final = await converged(
                    [on_a, on_b], "A;", "A during the cut;", "B during the cut;", timeout=60
                )
                source(on_b).insert(0, "after;")
                final = await converged([on_a, on_b], "after;", "A during the cut;")
            await reloaded_everywhere([a, b], sid, final)
        assert await stored_text(team_db, sid) == final
    finally:
        await relay.set("down")


# -- what the servers own ---------------------------------------------------------------------


async def test_presence_of_everyone_is_seen_on_every_server(team_db, tmp_path):
    with servers(team_db, tmp_path, 3) as team:
        sid = await new_session(team[0])
        conns = []
        for server in team:
            conn = await open_ws(server.room_url(sid), server.auth)
            await joined(conn)
            conns.append(conn)
        for i, conn in enumerate(conns):
            await conn.write_message(awareness_frame(7000 + i, 1, json.dumps({"mark": i})), True)
        for conn in conns:
            seen = await presence_until(conn, lambda st: {7000, 7001, 7002} <= st.keys())
            for i in range(3):
                assert seen[7000 + i]["mark"] == i
                assert seen[7000 + i]["user"]["role"] == "interviewer"
        # A participant on one server cannot take over the presence of one on another.
        invite = await call(team[2], "POST", f"sessions/{sid}/invites", {})
        candidate = await open_ws(
            team[2].room_url(sid), {"Authorization": f"Bearer {invite['token']}"}
        )
        await joined(candidate)
        await candidate.write_message(awareness_frame(7000, 99, '{"mark": "stolen"}'), True)
        await conns[0].write_message(awareness_frame(7000, 2, '{"mark": "still 0"}'), True)
        # Watched on a third server: the state it shows for 7000 must be its owner's.
        await conns[1].write_message(awareness_frame(7001, 2, '{"mark": "still 1"}'), True)
        seen = await presence_until(
            conns[1],
            lambda st: (
                st.get(7000, {}).get("mark") == "still 0"
                and st.get(7001, {}).get("mark") == "still 1"
            ),
        )
        # Whatever arrived after it (all frames of one connection arrive in order).
        assert seen[7000]["mark"] == "still 0"
        # One leaves: everyone elsewhere sees them go.
        conns[2].close()
        await presence_until(conns[0], lambda st: 7002 in st and st[7002] is None)
        for conn in (*conns, candidate):
            conn.close()


async def test_terminate_on_one_server_makes_the_room_read_only_on_all(team_db, tmp_path):
    with servers(team_db, tmp_path, 2) as (a, b):
        sid = await new_session(a)
        async with client(a, sid) as on_a, client(b, sid) as on_b:
            source(on_a).insert(0, "answer;")
            await converged([on_a, on_b], "answer;")
            await call(b, "POST", f"sessions/{sid}/terminate")
            await until(
                lambda: on_a.get("meta", type=Map).to_py().get("status") == "terminated",
                what="A's room terminated",
            )
            source(on_a).insert(0, "too late on A;")
            source(on_b).insert(0, "too late on B;")
            # A new client of each server gets the room as it is: without those edits.
            for server in (a, b):
                async with client(server, sid) as fresh:
                    assert text(fresh) == "answer;"
            assert not on_a.get("timer", type=Map).to_py().get("running")


async def test_revoking_on_one_server_closes_the_candidate_on_all(team_db, tmp_path):
    with servers(team_db, tmp_path, 3) as team:
        sid = await new_session(team[0])
        invite = await call(team[0], "POST", f"sessions/{sid}/invites", {})
        bearer = {"Authorization": f"Bearer {invite['token']}"}
        candidates = []
        for server in team[:2]:
            conn = await open_ws(server.room_url(sid), bearer)
            await joined(conn)
            candidates.append(conn)
        await call(team[2], "DELETE", f"sessions/{sid}/invites/{invite['id']}")
        for conn in candidates:
            assert await closed_with(conn, timeout=10) == 4401


async def test_deleting_on_one_server_closes_the_room_on_all(team_db, tmp_path):
    with servers(team_db, tmp_path, 2) as (a, b):
        sid = await new_session(a)
        conn = await open_ws(a.room_url(sid), a.auth)
        await joined(conn)
        await call(b, "DELETE", f"sessions/{sid}")
        assert await closed_with(conn, timeout=10) == 4404
