"""Sessions of a team sharing one database (`session_access = "owner"`): an interviewer
sees and controls their own sessions; another user gets nothing until the owner adds
them as co-interviewer; only the owner deletes or manages co-interviewers."""

from __future__ import annotations

from typing import Any

import pytest

from devinterview_jupyter.testing.rooms import upgrade_status
from tests.team_identity import team_server_config

ALICE = {"Authorization": "token alice-token"}
BOB = {"Authorization": "token bob-token"}
CAROL = {"Authorization": "token carol-token"}


@pytest.fixture
def devinterview_config() -> dict[str, Any]:
    return {"session_access": "owner"}


@pytest.fixture
def jp_server_config(devinterview_database_url: str, devinterview_config: dict[str, Any]) -> Any:
    return team_server_config(devinterview_database_url, devinterview_config)


async def create_as(api: Any, who: dict[str, str], title: str) -> dict[str, Any]:
    reply = await api("POST", "sessions", {"title": title}, as_=None, headers=who)
    assert reply.status == 201, reply.body
    return reply.json


async def listed(api: Any, who: dict[str, str]) -> list[str]:
    reply = await api("GET", "sessions", as_=None, headers=who)
    assert reply.status == 200
    # The total counts the same sessions the page shows, never anyone else's.
    assert reply.json["total"] == len(reply.json["items"])
    return [s["title"] for s in reply.json["items"]]


async def test_others_cannot_see_read_change_or_join_a_session(api, room_url):
    mine = await create_as(api, ALICE, "alice's interview")
    await create_as(api, BOB, "bob's interview")
    assert mine["owner"] == "alice"
    assert await listed(api, ALICE) == ["alice's interview"]
    assert await listed(api, BOB) == ["bob's interview"]

    sid = mine["id"]
    for method, path, body in [
        ("GET", f"sessions/{sid}", None),
        ("PATCH", f"sessions/{sid}", {"title": "hijacked"}),
        ("POST", f"sessions/{sid}/start", None),
        ("POST", f"sessions/{sid}/terminate", None),
        ("GET", f"sessions/{sid}/invites", None),
        ("POST", f"sessions/{sid}/invites", {}),
        ("POST", f"sessions/{sid}/timer", {"action": "start"}),
        ("GET", f"sessions/{sid}/co-interviewers", None),
        ("PUT", f"sessions/{sid}/co-interviewers/bob", None),
        ("DELETE", f"sessions/{sid}", None),
    ]:
        reply = await api(method, path, body, as_=None, headers=BOB)
        assert reply.status == 404, (method, path, reply.status)
    assert await upgrade_status(room_url(sid), BOB) == 404
    # Nothing changed, nothing was created.
    again = await api("GET", f"sessions/{sid}", as_=None, headers=ALICE)
    assert again.json["title"] == "alice's interview"
    assert again.json["status"] == "scheduled"
    invites = await api("GET", f"sessions/{sid}/invites", as_=None, headers=ALICE)
    assert invites.json["items"] == []
    assert await upgrade_status(room_url(sid), ALICE) == 101


async def test_a_co_interviewer_runs_the_session_but_only_the_owner_manages_it(api, room_url):
    sid = (await create_as(api, ALICE, "pairing"))["id"]
    added = await api("PUT", f"sessions/{sid}/co-interviewers/bob", as_=None, headers=ALICE)
    assert added.status == 201
    assert added.json["username"] == "bob"
    assert added.json["added_by"] == "alice"
    again = await api("PUT", f"sessions/{sid}/co-interviewers/bob", as_=None, headers=ALICE)
    assert again.status == 200

    assert await listed(api, BOB) == ["pairing"]
    assert (await api("GET", f"sessions/{sid}", as_=None, headers=BOB)).status == 200
    patched = await api("PATCH", f"sessions/{sid}", {"language": "go"}, as_=None, headers=BOB)
    assert patched.status == 200
    invite = await api("POST", f"sessions/{sid}/invites", {}, as_=None, headers=BOB)
    assert invite.status == 201
    assert (await api("POST", f"sessions/{sid}/start", as_=None, headers=BOB)).status == 200
    assert await upgrade_status(room_url(sid), BOB) == 101
    people = await api("GET", f"sessions/{sid}/co-interviewers", as_=None, headers=BOB)
    assert [p["username"] for p in people.json["items"]] == ["bob"]

    # Owner-only: delete, and managing co-interviewers.
    for method, path in [
        ("DELETE", f"sessions/{sid}"),
        ("PUT", f"sessions/{sid}/co-interviewers/carol"),
        ("DELETE", f"sessions/{sid}/co-interviewers/bob"),
    ]:
        reply = await api(method, path, as_=None, headers=BOB)
        assert reply.status == 403, (method, path)
        assert reply.json["reason"] == "owner_only"
    assert await listed(api, CAROL) == []

    removed = await api("DELETE", f"sessions/{sid}/co-interviewers/bob", as_=None, headers=ALICE)
    assert removed.status == 204
    assert (await api("GET", f"sessions/{sid}", as_=None, headers=BOB)).status == 404
    assert await upgrade_status(room_url(sid), BOB) == 404
    gone = await api("DELETE", f"sessions/{sid}/co-interviewers/bob", as_=None, headers=ALICE)
    assert gone.status == 404
    assert (await api("DELETE", f"sessions/{sid}", as_=None, headers=ALICE)).status == 204


@pytest.mark.parametrize(
    ("username", "reason"),
    [("alice", "is_owner"), ("bad%2Fname", "invalid_username"), ("a%20b", "invalid_username")],
)
async def test_bad_co_interviewer_names_are_refused(api, username, reason):
    sid = (await create_as(api, ALICE, "names"))["id"]
    reply = await api("PUT", f"sessions/{sid}/co-interviewers/{username}", as_=None, headers=ALICE)
    assert reply.status == 400
    assert reply.json["reason"] == reason
    people = await api("GET", f"sessions/{sid}/co-interviewers", as_=None, headers=ALICE)
    assert people.json["items"] == []


async def test_candidates_cannot_manage_co_interviewers(api):
    sid = (await create_as(api, ALICE, "cand"))["id"]
    invite = await api("POST", f"sessions/{sid}/invites", {}, as_=None, headers=ALICE)
    token = invite.json["token"]
    for method in ("GET", "PUT", "DELETE"):
        path = f"sessions/{sid}/co-interviewers" + ("" if method == "GET" else "/bob")
        reply = await api(method, path, as_=None, bearer=token)
        assert reply.status == 403, method


async def test_a_sessions_question_is_only_for_its_owner_and_co_interviewers(api):
    sid = (await create_as(api, ALICE, "with a question"))["id"]
    chosen = await api(
        "PUT",
        f"sessions/{sid}/question",
        {"question_id": "shipped~python~two-sum"},
        as_=None,
        headers=ALICE,
    )
    assert chosen.status == 200
    attempts = [
        ("GET", f"sessions/{sid}/question", None),
        ("PUT", f"sessions/{sid}/question", {"question_id": "shipped~sql~second-highest-salary"}),
        ("POST", f"sessions/{sid}/question/reveal", None),
    ]
    for method, path, body in attempts:
        reply = await api(method, path, body, as_=None, headers=BOB)
        assert reply.status == 404, (method, path)  # as if the session did not exist
        assert b"hidden_tests" not in reply.body
    # The library itself is every interviewer's.
    assert (await api("GET", "questions", as_=None, headers=BOB)).status == 200
    await api("PUT", f"sessions/{sid}/co-interviewers/bob", as_=None, headers=ALICE)
    read = await api("GET", f"sessions/{sid}/question", as_=None, headers=BOB)
    assert read.status == 200 and read.json["question"]["hidden_tests"]
    revealed = await api("POST", f"sessions/{sid}/question/reveal", as_=None, headers=BOB)
    assert revealed.status == 200 and revealed.json["revealed"] == 1
