"""The author of a run or a test run is who the server knows sent it: a candidate cannot
pass a run off as an interviewer's (in the room, and so in the replay and the report),
and nobody rewrites a run's author afterwards (docs/security.md, "Run authors")."""

from __future__ import annotations

from typing import Any

from pycrdt import Array, Doc, Map, Text, create_update_message

from devinterview_jupyter.colors import CANDIDATE_COLOR
from devinterview_jupyter.testing.rest import create_invite, create_session
from devinterview_jupyter.testing.rooms import open_ws, synced_doc, until
from tests.test_hostile_room import bearer, closed_with
from tests.test_question_isolation import CASE

FORGED = {"name": "Interviewer Ada", "color": "#0a0b0c", "role": "interviewer"}


def _run(run_id: str, by: dict[str, str] = FORGED) -> Map[Any]:
    return Map(
        {
            "id": run_id,
            "language": "python",
            "by": dict(by),
            "code": "print(1)",
            "stdin": "",
            "status": "ok",
            "startedAt": 1.0,
            "durationMs": 3.0,
            "output": Array([{"kind": "text", "stream": "stdout", "text": "1\n"}]),
        }
    )


def _test_run(run_id: str) -> Map[Any]:
    return Map(
        {
            "id": run_id,
            "by": dict(FORGED),
            "language": "python",
            "question": "q",
            "status": "done",
            "startedAt": 1.0,
            "total": 1,
            "results": Array([CASE]),
        }
    )


def _author(doc: Doc[Any], root: str, run_id: str) -> Any:
    for run in doc.get(root, type=Array):
        if isinstance(run, Map) and run.get("id") == run_id:
            return run.get("by")
    return None


async def test_a_candidates_run_is_signed_with_the_candidates_name_and_role(
    api, room_url, interviewer
):
    s = await create_session(api, candidate_name="Grace")
    invite = await create_invite(api, s["id"])
    async with (
        synced_doc(room_url(s["id"]), interviewer) as watcher,
        synced_doc(room_url(s["id"]), bearer(invite)) as candidate,
    ):
        candidate.get("runs", type=Array).append(_run("r1"))
        candidate.get("testRuns", type=Array).append(_test_run("t1"))
        for doc in (watcher, candidate):
            for root, run_id in (("runs", "r1"), ("testRuns", "t1")):
                await until(
                    lambda d=doc, r=root, i=run_id: (
                        (_author(d, r, i) or {}).get("role") == "candidate"
                    ),
                    what=f"the server's signature on {root}",
                )
                # All of it is the server's, the colour too (colors.py).
                assert _author(doc, root, run_id) == {
                    "name": "Grace",
                    "color": CANDIDATE_COLOR,
                    "role": "candidate",
                }


async def test_an_interviewers_run_keeps_the_interviewers_role(api, room_url, interviewer):
    s = await create_session(api)
    async with synced_doc(room_url(s["id"]), interviewer) as doc:
        claimed = {"name": "whoever", "color": "#123456", "role": "candidate"}
        doc.get("runs", type=Array).append(_run("r2", claimed))
        await until(
            lambda: (_author(doc, "runs", "r2") or {}).get("role") == "interviewer",
            what="the interviewer's signature",
        )


async def test_rewriting_a_runs_author_closes_the_connection(api, room_url, interviewer):
    s = await create_session(api, candidate_name="Grace")
    invite = await create_invite(api, s["id"])
    async with synced_doc(room_url(s["id"]), bearer(invite)) as candidate:
        candidate.get("runs", type=Array).append(_run("r3"))
        await until(
            lambda: (_author(candidate, "runs", "r3") or {}).get("name") == "Grace",
            what="the signature",
        )
        # A second connection of the candidate, holding the room, rewrites the author.
        conn = await open_ws(room_url(s["id"]), bearer(invite))
        doc: Doc[Any] = Doc()
        doc.apply_update(candidate.get_update())
        updates: list[bytes] = []
        doc.observe(lambda event: updates.append(event.update))
        for run in doc.get("runs", type=Array):
            run["by"] = dict(FORGED)
        await conn.write_message(create_update_message(updates[-1]), binary=True)
        assert await closed_with(conn) == 4422
        assert _author(candidate, "runs", "r3")["name"] == "Grace"
        assert str(candidate.get("source", type=Text)) == ""
