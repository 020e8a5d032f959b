"""The interviewers' private notes: a room of their own (rooms/kind.py), edited live by
the interviewers, stored in a log of its own, refused to every candidate credential, and
never a part of the candidate's room (docs/notes.md)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timezone
from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text
from sqlalchemy import func, select
from tornado.httpclient import HTTPClientError

from devinterview_jupyter.db.models import NoteUpdate, RoomUpdate
from devinterview_jupyter.notes import read_notes
from devinterview_jupyter.pytest_plugin import selected_backends
from devinterview_jupyter.testing.rest import create_invite, create_session
from devinterview_jupyter.testing.rooms import open_ws, synced_doc, until
from tests.test_candidate_isolation import make_candidate
from tests.test_hostile_room import bearer, closed_with
from tests.test_question_isolation import Wire
from tests.test_team_rooms import new_session, servers, team_db  # noqa: F401

SECRET = "Weak on complexity; do not hire for the senior role"


def notes_doc() -> Doc[Any]:
    # The notes are the notes room's `source` text (rooms/kind.py).
    doc: Doc[Any] = Doc()
    doc["source"] = Text()
    return doc


def notes_of(doc: Doc[Any]) -> str:
    return str(doc.get("source", type=Text))


@pytest.fixture
def notes_url(room_url: Any) -> Any:
    def build(session_id: str, query: str = "") -> str:
        base = room_url(session_id) + "/notes"
        return base + (f"?{query}" if query else "")

    return build


async def rows(app: Any, table: Any, session_id: str) -> int:
    await app.rooms.writer.flush()
    await app.note_rooms.writer.flush()
    async with app.database.session() as db:
        count = await db.scalar(
            select(func.count()).select_from(table).where(table.session_id == uuid.UUID(session_id))
        )
    return int(count or 0)


async def test_interviewers_write_notes_together_and_they_are_stored(
    api, notes_url, interviewer, devinterview_app
):
    s = await create_session(api)
    sid = s["id"]
    async with (
        synced_doc(notes_url(sid), interviewer, doc=notes_doc()) as one,
        synced_doc(notes_url(sid), interviewer, doc=notes_doc()) as two,
    ):
        one.get("source", type=Text).insert(0, "Strong start. ")
        await until(lambda: notes_of(two) == "Strong start. ", what="the first edit")
        text = two.get("source", type=Text)
        text.insert(len(text), SECRET)
        await until(lambda: notes_of(one) == "Strong start. " + SECRET, what="the reply")
    await devinterview_app.note_rooms.writer.flush()
    assert await read_notes(devinterview_app.database, uuid.UUID(sid)) == (
        "Strong start. " + SECRET
    )
    # In the notes' own log, none in the interview's.
    assert await rows(devinterview_app, NoteUpdate, sid) > 0
    assert await rows(devinterview_app, RoomUpdate, sid) == 0


async def test_read_notes_rebuilds_the_notes_as_they_were_at_a_moment(
    api, notes_url, interviewer, devinterview_app
):
    s = await create_session(api)
    sid = uuid.UUID(s["id"])
    database = devinterview_app.database

    async def stored(expected: str) -> None:
        for _ in range(400):
            await devinterview_app.note_rooms.writer.flush()
            if await read_notes(database, sid) == expected:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"the notes never read {expected!r}")

    async with synced_doc(notes_url(s["id"]), interviewer, doc=notes_doc()) as doc:
        doc.get("source", type=Text).insert(0, "first")
        await stored("first")
        await asyncio.sleep(0.05)  # a later row gets a later commit time
        middle = datetime.now(timezone.utc)
        await asyncio.sleep(0.05)
        doc.get("source", type=Text).insert(5, " second")
        await stored("first second")
    assert await read_notes(database, sid, until=middle) == "first"
    assert await read_notes(database, sid) == "first second"


@pytest.mark.parametrize("form", ["bearer", "jupyter-token-header", "query", "cookie"])
async def test_no_candidate_credential_opens_the_notes_room(api, notes_url, form):
    candidate = await make_candidate(api)
    sid = candidate["session"]["id"]
    headers: dict[str, str] = {}
    query = ""
    if form == "bearer":
        headers = bearer(candidate["invite"])
    elif form == "jupyter-token-header":
        headers = {"Authorization": f"token {candidate['token']}"}
    elif form == "query":
        query = f"candidate_token={candidate['token']}&token={candidate['token']}"
    else:
        headers = {"Cookie": candidate["cookie"]}
    with pytest.raises(HTTPClientError) as refused:
        await open_ws(notes_url(sid, query), headers)
    assert refused.value.code in (401, 403), form


async def test_the_candidates_room_carries_no_note_on_the_wire(
    api, room_url, notes_url, interviewer
):
    candidate = await make_candidate(api)
    sid = candidate["session"]["id"]
    wire = Wire(await open_ws(room_url(sid), bearer(candidate["invite"])))
    try:
        async with synced_doc(notes_url(sid), interviewer, doc=notes_doc()) as notes:
            notes.get("source", type=Text).insert(0, SECRET)
            # The interviewer also types code, so the candidate's wire demonstrably moves.
            async with synced_doc(room_url(sid), interviewer) as interview:
                interview.get("source", type=Text).insert(0, "print('visible')")
                await until(lambda: b"visible" in wire.data, what="the code on the wire")
        # A fresh connection of the candidate syncs the whole room: no note in it either.
        async with synced_doc(room_url(sid), bearer(candidate["invite"])) as fresh:
            assert SECRET.encode() not in fresh.get_update()
        assert SECRET.encode() not in wire.data
    finally:
        wire.close()


async def test_notes_stay_editable_after_the_interview_ends(api, notes_url, interviewer):
    s = await create_session(api)
    assert (await api("POST", f"sessions/{s['id']}/terminate")).status == 200
    async with (
        synced_doc(notes_url(s["id"]), interviewer, doc=notes_doc()) as one,
        synced_doc(notes_url(s["id"]), interviewer, doc=notes_doc()) as two,
    ):
        one.get("source", type=Text).insert(0, "Written up after the call")
        await until(lambda: notes_of(two) == "Written up after the call", what="the edit")


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda doc: doc.get("whiteboard", type=Array).append(1), id="whiteboard"),
        pytest.param(lambda doc: doc.get("runs", type=Map).__setitem__("x", 1), id="other-root"),
        pytest.param(lambda doc: doc.get("question", type=Map).__setitem__("x", 1), id="question"),
        pytest.param(
            lambda doc: doc.get("source", type=Text).insert(0, "bold", {"bold": True}),
            id="formatting",
        ),
    ],
)
async def test_the_notes_room_takes_nothing_but_plain_notes(api, notes_url, interviewer, write):
    s = await create_session(api)
    conn = await open_ws(notes_url(s["id"]), interviewer)
    doc: Doc[Any] = Doc()
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    write(doc)
    from pycrdt import create_update_message

    await conn.write_message(create_update_message(updates[-1]), binary=True)
    assert await closed_with(conn) in (4422, 1007)


async def test_deleting_the_session_closes_its_notes_room_and_deletes_the_notes(
    api, notes_url, interviewer, devinterview_app
):
    s = await create_session(api)
    conn = await open_ws(notes_url(s["id"]), interviewer)
    async with synced_doc(notes_url(s["id"]), interviewer, doc=notes_doc()) as doc:
        doc.get("source", type=Text).insert(0, SECRET)
        await devinterview_app.note_rooms.writer.flush()
        assert await rows(devinterview_app, NoteUpdate, s["id"]) > 0
        assert (await api("DELETE", f"sessions/{s['id']}")).status == 204
        assert await closed_with(conn) == 4404
    assert await rows(devinterview_app, NoteUpdate, s["id"]) == 0


async def test_an_unknown_session_has_no_notes_room(api, notes_url, interviewer):
    with pytest.raises(HTTPClientError) as refused:
        await open_ws(notes_url(str(uuid.uuid4())), interviewer)
    assert refused.value.code == 404


async def test_a_candidate_connection_to_its_own_room_still_works(api, room_url):
    # The notes room refusing candidates must not change the interview room.
    s = await create_session(api)
    invite = await create_invite(api, s["id"])
    async with synced_doc(room_url(s["id"]), bearer(invite)) as doc:
        assert str(doc.get("source", type=Text)) == ""


@pytest.mark.skipif(
    "postgresql" not in selected_backends(), reason="PostgreSQL deselected by the run"
)
async def test_notes_written_on_two_servers_of_a_team_converge(team_db, tmp_path):  # noqa: F811
    with servers(team_db, tmp_path, 2) as (one, two):
        sid = await new_session(one)
        async with (
            synced_doc(one.room_url(sid) + "/notes", one.auth, doc=notes_doc()) as a,
            synced_doc(two.room_url(sid) + "/notes", two.auth, doc=notes_doc()) as b,
        ):
            a.get("source", type=Text).insert(0, "on one. ")
            b.get("source", type=Text).insert(0, "on two. ")
            await until(
                lambda: notes_of(a) == notes_of(b) and len(notes_of(a)) == 16,
                what="the two servers' notes to converge",
            )
