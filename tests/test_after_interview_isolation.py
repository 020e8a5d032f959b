"""Everything interviewers keep about an interview after it — private notes, scorecards,
integrity events, the replay and the report — is refused to the candidate: by every
credential form (the invite as bearer, as Jupyter's `token` header, the `/join` cookie, as
`?token=`/`?candidate_token=`), on every endpoint, and none of it is in any message of the
candidate's room (raw frames, and a fresh full sync). One test over all of them, so that
an endpoint added later and forgotten here is the exception, not the rule."""

from __future__ import annotations

import asyncio
from typing import Any

from pycrdt import Doc, Text, create_sync_message
from sqlalchemy import select

from devinterview_jupyter.db.models import Scorecard
from devinterview_jupyter.testing.rooms import open_ws, synced_doc, until
from tests.test_candidate_isolation import assert_refused, credential_forms, make_candidate
from tests.test_hostile_room import bearer
from tests.test_question_isolation import Wire

NOTE = "private-note-words"
SUMMARY = "scorecard-summary-words"
COMMENT = "scorecard-comment-words"

# Every endpoint with interviewers' material about a session (one list to extend).
ENDPOINTS = [
    ("GET", "sessions/{sid}/scorecards", None),
    ("PUT", "sessions/{sid}/scorecards/mine", {"summary": "candidate-words"}),
    ("POST", "sessions/{sid}/scorecards/mine/submit", None),
    ("GET", "scorecards/summary?ids={sid}", None),
    ("GET", "sessions/{sid}/events", None),
    ("GET", "sessions/{sid}/replay", None),
    ("GET", "sessions/{sid}/replay/state?step=0", None),
    ("GET", "sessions/{sid}/report", None),
    ("GET", "sessions/{sid}/report.ipynb", None),
]
SECRETS = (NOTE, SUMMARY, COMMENT)


async def _interview_with_everything(api: Any, room_url: Any, interviewer: Any) -> dict[str, Any]:
    """A candidate's session holding notes, a submitted scorecard and some code."""
    candidate = await make_candidate(api)
    sid = candidate["session"]["id"]
    async with synced_doc(room_url(sid) + "/notes", interviewer) as notes:
        notes.get("source", type=Text).insert(0, NOTE)
        async with synced_doc(room_url(sid), interviewer) as room:
            room.get("source", type=Text).insert(0, "print('visible code')")
            await api("PUT", f"sessions/{sid}/scorecards/mine", {"summary": SUMMARY})
    return candidate


async def test_no_endpoint_gives_the_candidate_interviewers_material(
    api, room_url, interviewer, devinterview_app
):
    candidate = await _interview_with_everything(api, room_url, interviewer)
    sid = candidate["session"]["id"]
    # The interviewer does get it (so the refusals below are about who asks).
    for _ in range(200):  # a bound against hanging: the notes are stored within ms
        await devinterview_app.note_rooms.writer.flush()
        report = await api("GET", f"sessions/{sid}/report")
        if NOTE.encode() in report.body:
            break
        await asyncio.sleep(0.05)
    assert report.status == 200 and NOTE.encode() in report.body
    for form, creds in {**credential_forms(candidate), "none": {}}.items():
        for method, path, body in ENDPOINTS:
            url = path.format(sid=sid)
            reply = await api(method, url, body, as_=None, **creds)
            assert_refused(reply, f"{form} {method} {url}")
            for secret in SECRETS:
                assert secret.encode() not in reply.body, (form, url, secret)
    token = candidate["token"]
    for method, path, body in ENDPOINTS:
        url = path.format(sid=sid)
        joiner = "&" if "?" in url else "?"
        reply = await api(
            method, f"{url}{joiner}token={token}&candidate_token={token}", body, as_=None
        )
        assert_refused(reply, f"query {method} {url}")
    # Nothing changed: the interviewer's scorecard is still the only one, a draft.
    async with devinterview_app.database.session() as db:
        cards = (await db.execute(select(Scorecard.summary, Scorecard.status))).all()
    assert [tuple(c) for c in cards] == [(SUMMARY, "draft")]


async def test_the_candidates_room_carries_none_of_it(api, room_url, interviewer):
    candidate = await make_candidate(api)
    sid = candidate["session"]["id"]
    wire = Wire(await open_ws(room_url(sid), bearer(candidate["invite"])))
    try:
        async with synced_doc(room_url(sid) + "/notes", interviewer) as notes:
            notes.get("source", type=Text).insert(0, NOTE)
            await api("PUT", f"sessions/{sid}/scorecards/mine", {"summary": SUMMARY})
            await api("GET", f"sessions/{sid}/report")
            await api("GET", f"sessions/{sid}/replay")
            async with synced_doc(room_url(sid), interviewer) as room:
                room.get("source", type=Text).insert(0, "print('visible code')")
                await until(lambda: b"visible code" in wire.data, what="the code on the wire")
        late = Wire(await open_ws(room_url(sid), bearer(candidate["invite"])))
        await late.conn.write_message(create_sync_message(Doc()), binary=True)
        try:
            await until(lambda: b"visible code" in late.data, what="a full sync")
            for data in (wire.data, late.data):
                for secret in SECRETS:
                    assert secret.encode() not in data, secret
        finally:
            late.close()
    finally:
        wire.close()
