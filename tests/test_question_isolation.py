"""A candidate obtains no hidden test, no rubric and no unrevealed part: by any credential
form, on any endpoint, or in any room message (read on the wire, as raw frames). And a
candidate cannot write the question the room shows, nor test results that break the
rules (docs/security.md, "Questions")."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pycrdt import (
    Array,
    Doc,
    Map,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)
from tornado.websocket import WebSocketClientConnection

from devinterview_jupyter.testing.rest import create_session
from devinterview_jupyter.testing.rooms import open_ws, synced_doc, until
from tests.test_candidate_isolation import assert_refused, credential_forms, make_candidate
from tests.test_hostile_room import bearer, closed_with
from tests.test_question_api import REVERSE, devinterview_config, team_folder  # noqa: F401

# Text that only the interviewers' copy holds (tests/test_question_files.py GOOD).
SECRETS = (
    "palindrome",  # the hidden test's name
    "reverse('aba')",  # its input
    "readable",  # the rubric
    "Correctness",
    "Without a second string",  # part 3, never revealed below
)
REVEALED = "Keep grapheme clusters together"  # part 2, revealed below
VISIBLE = 'reverse("abc")'  # a visible test's input


class Wire:
    """Every frame a connection receives, kept as bytes."""

    def __init__(self, conn: WebSocketClientConnection) -> None:
        self.conn = conn
        self.frames: list[bytes] = []
        self.task = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while True:
            message = await self.conn.read_message()
            if message is None:
                return
            self.frames.append(message if isinstance(message, bytes) else message.encode())

    @property
    def data(self) -> bytes:
        return b"".join(self.frames)

    def close(self) -> None:
        self.conn.close()
        self.task.cancel()


async def test_no_question_endpoint_answers_a_candidate_in_any_credential_form(api):
    candidate = await make_candidate(api)
    sid = candidate["session"]["id"]
    await api("PUT", f"sessions/{sid}/question", {"question_id": REVERSE})
    await api("POST", f"sessions/{sid}/question/reveal")
    endpoints = [
        ("GET", "questions", None),
        ("GET", f"questions/{REVERSE}", None),
        ("GET", "questions/shipped~python~two-sum", None),
        ("GET", f"sessions/{sid}/question", None),
        ("PUT", f"sessions/{sid}/question", {"question_id": REVERSE}),
        ("POST", f"sessions/{sid}/question/reveal", None),
    ]
    for form, creds in credential_forms(candidate).items():
        for method, path, body in endpoints:
            reply = await api(method, path, body, as_=None, **creds)
            assert_refused(reply, f"{form} {method} {path}")
            assert b"palindrome" not in reply.body
    for method, path, body in endpoints:
        query = f"{path}?token={candidate['token']}&candidate_token={candidate['token']}"
        reply = await api(method, query, body, as_=None)
        assert_refused(reply, f"query {method} {path}")
    # The candidate's own session (which it may read) does not carry the question either.
    own = await api("GET", f"sessions/{sid}", as_=None, bearer=candidate["token"])
    assert own.status == 200 and b"palindrome" not in own.body
    # Nothing was revealed or switched by those attempts.
    chosen = (await api("GET", f"sessions/{sid}/question")).json
    assert chosen["revealed"] == 1


@pytest.mark.parametrize("form", ["bearer", "query"])
async def test_the_room_sends_a_candidate_no_hidden_test_rubric_or_unrevealed_part(
    api, room_url, interviewer, form
):
    candidate = await make_candidate(api)
    sid = candidate["session"]["id"]
    url = room_url(sid, f"candidate_token={candidate['token']}" if form == "query" else "")
    wire = Wire(await open_ws(url, bearer(candidate["invite"]) if form == "bearer" else {}))
    try:
        # Everything the interview goes through while the candidate is connected: a
        # question chosen, a part revealed, the question switched and switched back.
        assert (
            await api("PUT", f"sessions/{sid}/question", {"question_id": REVERSE})
        ).status == 200
        assert (await api("POST", f"sessions/{sid}/question/reveal")).status == 200
        await api("PUT", f"sessions/{sid}/question", {"question_id": "shipped~python~two-sum"})
        await api("PUT", f"sessions/{sid}/question", {"question_id": REVERSE})
        await api("POST", f"sessions/{sid}/question/reveal")
        await until(lambda: REVEALED.encode() in wire.data, what="the revealed part")
        # A second connection syncs the whole document from scratch: also on the wire.
        late = Wire(await open_ws(url, bearer(candidate["invite"]) if form == "bearer" else {}))
        await late.conn.write_message(create_sync_message(Doc()), binary=True)
        try:
            await until(lambda: VISIBLE.encode() in late.data, what="a full sync")
            for data in (wire.data, late.data):
                assert VISIBLE.encode() in data  # the check below can see question text
                for secret in SECRETS:
                    assert secret.encode() not in data, secret
        finally:
            late.close()
    finally:
        wire.close()


async def test_an_unrevealed_part_never_reaches_the_candidate(api, room_url):
    candidate = await make_candidate(api)
    sid = candidate["session"]["id"]
    wire = Wire(await open_ws(room_url(sid), bearer(candidate["invite"])))
    try:
        await api("PUT", f"sessions/{sid}/question", {"question_id": REVERSE})
        await api("POST", f"sessions/{sid}/question/reveal")
        await until(lambda: REVEALED.encode() in wire.data, what="part 2")
        assert b"Without a second string" not in wire.data
        assert (await api("POST", f"sessions/{sid}/question/reveal")).status == 200
        await until(lambda: b"Without a second string" in wire.data, what="part 3")
    finally:
        wire.close()


# -- writing ----------------------------------------------------------------------------


async def _candidate_doc_update(room_url: str, invite: dict[str, Any], change: Any) -> int | None:
    """Sync a candidate's copy of the room, make ``change`` on it, send the update; the
    close code the room answers with (None if it keeps the connection)."""
    conn = await open_ws(room_url, bearer(invite))
    try:
        doc: Doc[Any] = Doc()
        await conn.write_message(create_sync_message(doc), binary=True)
        while True:  # until the room's answer to our sync step 1: the whole document
            message = await asyncio.wait_for(conn.read_message(), 10)
            assert message is not None, "closed before the sync"
            if message[0] == YMessageType.SYNC:
                handle_sync_message(message[1:], doc)
                if message[1] == YSyncMessageType.SYNC_STEP2:
                    break
        before = doc.get_state()
        change(doc)
        await conn.write_message(create_update_message(doc.get_update(before)), binary=True)
        try:
            return await closed_with(conn, 3)
        except TimeoutError:
            return None
    finally:
        conn.close()


async def test_a_candidate_cannot_write_the_question(api, room_url, interviewer):
    candidate = await make_candidate(api)
    sid = candidate["session"]["id"]
    await api("PUT", f"sessions/{sid}/question", {"question_id": REVERSE})

    def rewrite(doc: Doc[Any]) -> None:
        doc.get("question", type=Map)["prompt"] = "Write hello world; all tests pass."

    assert await _candidate_doc_update(room_url(sid), candidate["invite"], rewrite) == 4422
    async with synced_doc(room_url(sid), interviewer) as doc:
        await until(lambda: bool(doc.get("question", type=Map).to_py()))
        assert doc.get("question", type=Map)["prompt"].startswith("Write `reverse(s)`")


CASE: dict[str, Any] = {
    "name": "simple",
    "status": "pass",
    "input": "reverse('abc')",
    "expected": '"cba"',
    "actual": '"cba"',
    "error": None,
    "durationMs": 3.0,
}


def _test_run(**overrides: Any) -> Map[Any]:
    values: dict[str, Any] = {
        "id": "t1",
        "by": {"name": "Grace", "color": "#123456", "role": "candidate"},
        "language": "python",
        "question": "q",
        "status": "done",
        "startedAt": 1.0,
        "total": 1,
        "results": [CASE],
    }
    values.update(overrides)
    if isinstance(values["results"], list) and not overrides.get("plain_list"):
        values["results"] = Array(values["results"])
    values.pop("plain_list", None)
    return Map({k: v for k, v in values.items() if v is not ...})


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "won"},
        {"total": 0},  # fewer cases than results
        {"total": 10_000},
        {"results": [{**CASE, "status": "passed"}]},
        {"results": [{**CASE, "extra": 1}]},
        {"results": [{**CASE, "actual": "x" * 5000}]},
        {"results": "3/3 passed"},
        {"results": [CASE], "plain_list": True},  # a list rewritten per case: refused
        {"by": "Grace"},
        {"id": ...},
        {"secret": "x"},
    ],
    ids=lambda o: ",".join(o),
)
async def test_a_test_run_that_breaks_the_rules_is_refused(api, room_url, overrides):
    s = await create_session(api)
    invite = (await api("POST", f"sessions/{s['id']}/invites", {})).json
    change = lambda doc: doc.get("testRuns", type=Array).append(_test_run(**overrides))  # noqa: E731
    assert await _candidate_doc_update(room_url(s["id"]), invite, change) == 4422


async def test_a_well_formed_test_run_is_shared_with_everyone(api, room_url, interviewer):
    s = await create_session(api)
    invite = (await api("POST", f"sessions/{s['id']}/invites", {})).json
    async with (
        synced_doc(room_url(s["id"]), bearer(invite)) as candidate,
        synced_doc(room_url(s["id"]), interviewer) as watcher,
    ):
        runs: Array[Any] = candidate.get("testRuns", type=Array)
        runs.append(_test_run(status="running", results=[], total=2))
        watched: Array[Any] = watcher.get("testRuns", type=Array)
        await until(lambda: len(watched) == 1, what="the test run")
        runs[0]["results"].append(CASE)
        runs[0]["results"].append({**CASE, "name": "second", "status": "fail"})
        runs[0]["status"] = "done"
        await until(lambda: watched[0]["status"] == "done", what="the results")
        assert [c["name"] for c in watched[0]["results"]] == ["simple", "second"]


LATER_CHANGES = {
    "a result appended past the total": lambda run: run["results"].append(CASE),
    "a result removed": lambda run: run["results"].__delitem__(0),
    "a field removed": lambda run: run.pop("status"),
    "the total lowered below the results": lambda run: run.__setitem__("total", 0),
    "the total made text": lambda run: run.__setitem__("total", "many"),
    "a bad result appended": lambda run: run["results"].append({**CASE, "status": "won"}),
}


@pytest.mark.parametrize("change", sorted(LATER_CHANGES))
async def test_changing_a_test_run_against_the_rules_later_is_refused(
    api, room_url, interviewer, change
):
    s = await create_session(api)
    invite = (await api("POST", f"sessions/{s['id']}/invites", {})).json
    async with synced_doc(room_url(s["id"]), interviewer) as doc:
        doc.get("testRuns", type=Array).append(_test_run(total=1))
        await _flush(api)
        await until(lambda: len(doc.get("testRuns", type=Array)) == 1)
    await asyncio.sleep(0.3)  # the room has stored and applied it

    def later(d: Doc[Any]) -> None:
        LATER_CHANGES[change](d.get("testRuns", type=Array)[0])

    assert await _candidate_doc_update(room_url(s["id"]), invite, later) == 4422


async def test_a_later_change_within_the_rules_is_kept(api, room_url, interviewer):
    # The refusals above are for the rules, not for any later change.
    s = await create_session(api)
    invite = (await api("POST", f"sessions/{s['id']}/invites", {})).json
    async with synced_doc(room_url(s["id"]), interviewer) as doc:
        doc.get("testRuns", type=Array).append(_test_run(total=2))
        await until(lambda: len(doc.get("testRuns", type=Array)) == 1)
    await asyncio.sleep(0.3)

    def later(d: Doc[Any]) -> None:
        d.get("testRuns", type=Array)[0]["results"].append({**CASE, "name": "two"})

    assert await _candidate_doc_update(room_url(s["id"]), invite, later) is None


async def _flush(api) -> None:
    await api("GET", "time")
