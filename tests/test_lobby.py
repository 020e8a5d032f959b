"""The candidate's lobby (`POST /join` with `lobby`, then with `name`), against a hostile
candidate holding one invite (docs/security.md, "The lobby"), on SQLite and PostgreSQL.
Each test names the rule it checks and fails without it."""

from __future__ import annotations

import json
import uuid
from http.cookies import SimpleCookie
from typing import Any

import pytest
from pycrdt import Array
from sqlalchemy import select

from devinterview_jupyter import team
from devinterview_jupyter.db.models import InterviewSession, Invite
from devinterview_jupyter.profiles import set_display_name
from devinterview_jupyter.testing.rest import create_invite, create_session
from devinterview_jupyter.testing.rooms import open_ws, synced_doc, until
from tests.helpers import expire_invite
from tests.test_hostile_room import bearer, joined, presence_until
from tests.test_rooms import awareness_frame
from tests.test_run_authors import _author, _run

JOIN_KEYS = {"session", "role", "integrity", "interviewers", "name"}


async def lobby(api: Any, token: str) -> Any:
    return await api("POST", "join", {"token": token, "lobby": True}, as_=None)


async def enter(api: Any, token: str, name: str) -> Any:
    return await api("POST", "join", {"token": token, "name": name}, as_=None)


async def stored(app: Any, session_id: str) -> tuple[InterviewSession, list[Invite]]:
    async with app.database.session() as db:
        session = await db.get(InterviewSession, uuid.UUID(session_id))
        assert session is not None
        invites = (await db.scalars(select(Invite).where(Invite.session_id == session.id))).all()
        return session, list(invites)


async def display_name_of(app: Any, invite_id: str) -> str | None:
    async with app.database.session() as db:
        invite = await db.get(Invite, uuid.UUID(invite_id))
        assert invite is not None
        return invite.display_name


# -- the lobby only looks -----------------------------------------------------------------


async def test_the_lobby_sets_the_cookie_and_starts_nothing(api, devinterview_app):
    s = await create_session(api, candidate_name="Grace")
    invite = await create_invite(api, s["id"])
    for _ in range(3):  # as often as the candidate reloads: still nothing changes
        reply = await lobby(api, invite["token"])
        assert reply.status == 200, reply.body
        assert set(reply.json) == JOIN_KEYS
        assert reply.json["session"]["status"] == "scheduled"
        assert reply.json["session"]["started_at"] is None
        assert reply.json["name"] == "Grace"
        cookie = SimpleCookie(reply.headers["Set-Cookie"])
        assert cookie["devinterview-candidate"].value == invite["token"]
    session, invites = await stored(devinterview_app, s["id"])
    assert session.status == "scheduled"
    assert session.started_at is None
    assert [(i.last_used_at, i.display_name) for i in invites] == [(None, None)]
    # The cookie the lobby set opens what the candidate needs next, and nothing else.
    cookie_header = reply.headers["Set-Cookie"].split(";")[0]
    me = await api("GET", "me", as_=None, cookie=cookie_header)
    assert me.json == {"kind": "candidate", "name": "Grace", "session_id": s["id"]}


async def test_the_lobby_tells_only_title_interviewer_names_and_policy(api, devinterview_app):
    s = await create_session(api, title="Backend round", candidate_name="Grace")
    other = await create_session(api, title="Someone else's interview")
    invite = await create_invite(api, s["id"])
    await create_invite(api, other["id"])
    owner = s["owner"]
    async with devinterview_app.database.session() as db:
        await set_display_name(db, owner, "Ada Lovelace")
        await team.add_co_interviewer(db, uuid.UUID(s["id"]), "bob-the-username", owner)
        await team.add_co_interviewer(db, uuid.UUID(s["id"]), "carol", owner)
        await set_display_name(db, "bob-the-username", "Bob Builder")
    reply = await lobby(api, invite["token"])
    assert reply.status == 200, reply.body
    # Owner first, then co-interviewers as added; never a username (an account, often an
    # e-mail address on a hub): "Interviewer" for one who chose no display name.
    assert reply.json["interviewers"] == ["Ada Lovelace", "Bob Builder", "Interviewer"]
    assert "carol" not in json.dumps(reply.json)
    assert reply.json["session"]["title"] == "Backend round"
    assert reply.json["integrity"] == devinterview_app.integrity_policy().as_json()
    assert "owner" not in reply.json["session"]
    text = reply.body.decode()
    for secret in (owner, "bob-the-username", other["id"], "Someone else", invite["id"]):
        assert secret not in text, secret


async def test_the_prefill_is_the_given_name_then_the_sessions_if_it_qualifies(
    api, devinterview_app
):
    plain = await create_session(api)
    invite = await create_invite(api, plain["id"])
    assert (await lobby(api, invite["token"])).json["name"] is None
    # An interviewer may type 200 characters; the lobby offers only what it could send back.
    long = await create_session(api, candidate_name="G" * 120)
    long_invite = await create_invite(api, long["id"])
    assert (await lobby(api, long_invite["token"])).json["name"] is None
    assert (await enter(api, invite["token"], "Ada")).status == 200
    assert (await lobby(api, invite["token"])).json["name"] == "Ada"


async def test_the_lobby_refuses_what_join_refuses(api, devinterview_app):
    s = await create_session(api)
    expired = await create_invite(api, s["id"])
    await expire_invite(devinterview_app, expired["id"])
    for token, status, reason in (
        ("A" * 43, 401, "invalid_token"),
        (expired["token"], 401, "expired"),
    ):
        reply = await lobby(api, token)
        assert (reply.status, reply.json["reason"]) == (status, reason)
        assert "Set-Cookie" not in reply.headers
    ended = await create_session(api)
    invite = await create_invite(api, ended["id"])
    await api("POST", f"sessions/{ended['id']}/terminate")
    reply = await lobby(api, invite["token"])
    assert (reply.status, reply.json["reason"]) == (410, "ended")
    assert "Set-Cookie" not in reply.headers


@pytest.mark.parametrize(
    "body", [{"lobby": True, "name": "Ada"}, {"lobby": False, "name": "Ada"}, {"lobby": "yes"}]
)
async def test_a_lobby_call_cannot_write_a_name(api, devinterview_app, body):
    s = await create_session(api)
    invite = await create_invite(api, s["id"])
    reply = await api("POST", "join", {"token": invite["token"], **body}, as_=None)
    assert reply.status == 400, reply.body
    assert await display_name_of(devinterview_app, invite["id"]) is None
    assert (await stored(devinterview_app, s["id"]))[0].status == "scheduled"


# -- entering under a name ----------------------------------------------------------------


async def test_entering_starts_the_interview_under_the_cleaned_name(api, devinterview_app):
    s = await create_session(api, candidate_name="Grace")
    invite = await create_invite(api, s["id"])
    # Spaces, tabs and line breaks collapse: one line, as others will see it.
    reply = await enter(api, invite["token"], "  Ada \t\n Lovelace  ")
    assert reply.status == 200, reply.body
    assert reply.json["session"]["status"] == "active"
    assert reply.json["name"] == "Ada Lovelace"
    assert await display_name_of(devinterview_app, invite["id"]) == "Ada Lovelace"
    me = await api("GET", "me", as_=None, bearer=invite["token"])
    assert me.json["name"] == "Ada Lovelace"
    # A plain join (a reload) keeps the name; the session's own name is not touched.
    again = await api("POST", "join", {"token": invite["token"]}, as_=None)
    assert again.json["name"] == "Ada Lovelace"
    assert again.json["session"]["candidate_name"] == "Grace"


@pytest.mark.parametrize(
    "name",
    [
        "   ",  # nothing once spaces go
        "x" * 81,  # over 80
        "Ada\u202eecalevoL",  # a bidi override: shows another name than it is
        "Ada\u200b",  # zero-width
        "\x1b[2JAda",  # a terminal escape
        "Ada\x07",  # a control character (NUL is refused earlier, as any text)
    ],
)
async def test_a_bad_name_is_refused_and_changes_nothing(api, devinterview_app, name):
    s = await create_session(api, candidate_name="Grace")
    invite = await create_invite(api, s["id"])
    reply = await enter(api, invite["token"], name)
    assert reply.status == 400, reply.body
    assert reply.json["reason"] == "invalid_name"
    assert "Set-Cookie" not in reply.headers
    session, invites = await stored(devinterview_app, s["id"])
    assert session.status == "scheduled"
    assert [(i.last_used_at, i.display_name) for i in invites] == [(None, None)]


async def test_a_guessed_token_is_refused_as_such_whatever_the_name(api):
    # The token is checked first: a bad name never tells whether a token exists.
    reply = await enter(api, "G" * 43, "\u202e")
    assert (reply.status, reply.json["reason"]) == (401, "invalid_token")


@pytest.mark.parametrize("name", ["", "y" * 201])
async def test_a_name_out_of_the_documents_bounds_is_400(api, devinterview_app, name):
    s = await create_session(api)
    invite = await create_invite(api, s["id"])
    reply = await enter(api, invite["token"], name)
    assert reply.status == 400
    assert await display_name_of(devinterview_app, invite["id"]) is None


async def test_a_name_is_written_on_the_callers_invite_only(api, devinterview_app):
    s = await create_session(api, candidate_name="Grace")
    mine = await create_invite(api, s["id"])
    theirs = await create_invite(api, s["id"])
    elsewhere = await create_invite(api, (await create_session(api))["id"])
    assert (await enter(api, theirs["token"], "Grace Hopper")).status == 200
    # No field names another invite or session: the token decides whose name it is.
    for extra in ({"invite_id": theirs["id"]}, {"session_id": s["id"]}):
        body = {"token": mine["token"], "name": "Mallory", **extra}
        assert (await api("POST", "join", body, as_=None)).status == 400
    assert (await enter(api, mine["token"], "Mallory")).status == 200
    assert await display_name_of(devinterview_app, mine["id"]) == "Mallory"
    assert await display_name_of(devinterview_app, theirs["id"]) == "Grace Hopper"
    assert await display_name_of(devinterview_app, elsewhere["id"]) is None
    assert (await api("GET", "me", as_=None, bearer=theirs["token"])).json["name"] == (
        "Grace Hopper"
    )


async def test_no_name_after_the_interview_ended(api, devinterview_app):
    s = await create_session(api)
    invite = await create_invite(api, s["id"])
    await api("POST", f"sessions/{s['id']}/terminate")
    reply = await enter(api, invite["token"], "Ada")
    assert (reply.status, reply.json["reason"]) == (410, "ended")
    assert await display_name_of(devinterview_app, invite["id"]) is None


# -- the name others see -----------------------------------------------------------------


async def test_interviewers_see_the_lobby_then_the_given_name_as_a_candidate(
    api, room_url, interviewer
):
    s = await create_session(api, candidate_name="Grace")
    invite = await create_invite(api, s["id"])
    assert (await lobby(api, invite["token"])).status == 200
    watcher = await open_ws(room_url(s["id"]), interviewer)
    waiting = await open_ws(room_url(s["id"]), bearer(invite))
    await joined(watcher, waiting)
    # The page claims a name, a role and to be in the room already: the server's stamp wins
    # (the invite has not entered, so it is in the lobby).
    claim = '{"user": {"name": "The Boss", "role": "interviewer"}, "lobby": false}'
    await waiting.write_message(awareness_frame(7001, 1, claim), binary=True)
    seen = await presence_until(watcher, lambda st: 7001 in st)
    assert seen[7001]["lobby"] is True
    assert seen[7001]["user"]["name"] == "Grace"
    assert seen[7001]["user"]["role"] == "candidate"

    # Join: a name, then a new connection (the page reconnects) carries it.
    assert (await enter(api, invite["token"], "Ada Lovelace")).status == 200
    waiting.close()
    await presence_until(watcher, lambda st: 7001 in st and st[7001] is None)
    entered = await open_ws(room_url(s["id"]), bearer(invite))
    await joined(entered)
    # Entered: claiming to be still in the lobby (while at work) does not stick either.
    claim = '{"user": {"name": "The Boss", "role": "interviewer"}, "lobby": true}'
    await entered.write_message(awareness_frame(7001, 2, claim), binary=True)
    seen = await presence_until(watcher, lambda st: bool(st.get(7001)))
    assert seen[7001]["lobby"] is False
    assert seen[7001]["user"]["name"] == "Ada Lovelace"
    assert seen[7001]["user"]["role"] == "candidate"
    for conn in (watcher, entered):
        conn.close()


async def test_a_named_candidates_runs_are_signed_with_that_name(api, room_url, interviewer):
    s = await create_session(api, candidate_name="Grace")
    invite = await create_invite(api, s["id"])
    assert (await enter(api, invite["token"], "Ada Lovelace")).status == 200
    async with (
        synced_doc(room_url(s["id"]), interviewer) as watcher,
        synced_doc(room_url(s["id"]), bearer(invite)) as candidate,
    ):
        candidate.get("runs", type=Array).append(_run("r1"))
        await until(
            lambda: (_author(watcher, "runs", "r1") or {}).get("name") == "Ada Lovelace",
            what="the server's signature with the lobby's name",
        )
        assert _author(watcher, "runs", "r1")["role"] == "candidate"


async def test_integrity_signals_name_the_candidate_by_the_lobbys_name(api, devinterview_app):
    s = await create_session(api, candidate_name="Grace")
    named = await create_invite(api, s["id"])
    unnamed = await create_invite(api, s["id"])
    assert (await enter(api, named["token"], "Ada Lovelace")).status == 200
    paste = {"kind": "paste", "size": 340}
    sid = s["id"]
    reply = await api("POST", f"sessions/{sid}/events", paste, as_=None, bearer=named["token"])
    assert reply.status == 201, reply.body
    assert reply.json["participant_name"] == "Ada Lovelace"
    await api("POST", f"sessions/{sid}/events", paste, as_=None, bearer=unnamed["token"])
    listed = (await api("GET", f"sessions/{sid}/events")).json["events"]
    assert sorted(e["participant_name"] for e in listed) == ["Ada Lovelace", "Grace"]
