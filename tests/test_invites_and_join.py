"""Invites, the candidate's join, and /me, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta, timezone
from http.cookies import SimpleCookie

from sqlalchemy import select

from devinterview_jupyter.db.models import Invite
from devinterview_jupyter.testing.rest import create_invite, create_session
from tests.helpers import expire_invite


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def test_invite_token_is_shown_once_and_stored_only_hashed(api, devinterview_app):
    s = await create_session(api)
    inv = await create_invite(api, s["id"])
    assert set(inv) == {"id", "token", "url", "expires_at"}
    token = inv["token"]
    # >= 128 bits of randomness: 32 random bytes in URL-safe base64 are 43 characters.
    assert len(token) >= 43
    assert inv["url"].endswith(f"/devinterview/candidate/#token={token}")
    assert inv["url"].startswith("http://127.0.0.1:")
    expires = ts(inv["expires_at"])
    expected = datetime.now(timezone.utc) + timedelta(minutes=1440)
    assert abs((expires - expected).total_seconds()) < 60

    listed = await api("GET", f"sessions/{s['id']}/invites")
    assert listed.status == 200
    assert [i["id"] for i in listed.json["items"]] == [inv["id"]]
    assert token not in listed.body.decode()
    assert set(listed.json["items"][0]) == {
        "id",
        "role",
        "created_at",
        "expires_at",
        "revoked",
        "last_used_at",
    }

    async with devinterview_app.database.session() as db:
        row = (await db.scalars(select(Invite))).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(vars(row))


async def test_tokens_are_distinct(api):
    s = await create_session(api)
    tokens = {(await create_invite(api, s["id"]))["token"] for _ in range(5)}
    assert len(tokens) == 5


async def test_custom_expiry_and_public_url(api, devinterview_app):
    devinterview_app.public_url = "https://interviews.example.org/"
    s = await create_session(api)
    inv = await create_invite(api, s["id"], expires_in_minutes=5)
    assert inv["url"].startswith("https://interviews.example.org/")
    remaining = ts(inv["expires_at"]) - datetime.now(timezone.utc)
    assert timedelta(minutes=4) < remaining <= timedelta(minutes=5)


async def test_invite_for_terminated_or_unknown_session(api):
    s = await create_session(api)
    await api("POST", f"sessions/{s['id']}/terminate")
    assert (await api("POST", f"sessions/{s['id']}/invites")).status == 409
    assert (await api("POST", f"sessions/{uuid.uuid4()}/invites")).status == 404
    assert (await api("GET", f"sessions/{uuid.uuid4()}/invites")).status == 404


async def test_join_sets_http_only_cookie_and_starts_the_clock(api):
    s = await create_session(api, candidate_name="Grace")
    inv = await create_invite(api, s["id"])
    reply = await api("POST", "join", {"token": inv["token"]}, as_=None)
    assert reply.status == 200, reply.body
    assert reply.json["role"] == "candidate"
    seen = reply.json["session"]
    assert seen["id"] == s["id"]
    assert "owner" not in seen
    assert seen["status"] == "active"
    assert seen["started_at"] is not None

    cookie = SimpleCookie(reply.headers["Set-Cookie"])
    morsel = cookie["devinterview-candidate"]
    assert morsel.value == inv["token"]
    assert morsel["httponly"]
    assert morsel["samesite"] == "Strict"
    assert morsel["path"].endswith("/devinterview/")

    # The clock started at the first join and is not moved by the next one.
    again = await api("POST", "join", {"token": inv["token"]}, as_=None)
    assert again.json["session"]["started_at"] == seen["started_at"]
    listed = (await api("GET", f"sessions/{s['id']}/invites")).json["items"][0]
    assert listed["last_used_at"] is not None


async def test_join_does_not_restart_an_active_session(api):
    s = await create_session(api)
    started = (await api("POST", f"sessions/{s['id']}/start")).json["started_at"]
    inv = await create_invite(api, s["id"])
    reply = await api("POST", "join", {"token": inv["token"]}, as_=None)
    assert reply.json["session"]["started_at"] == started


async def test_join_refusals_say_why(api, devinterview_app):
    s = await create_session(api)
    revoked = await create_invite(api, s["id"])
    expired = await create_invite(api, s["id"])
    assert (await api("DELETE", f"sessions/{s['id']}/invites/{revoked['id']}")).status == 204
    assert (await api("DELETE", f"sessions/{s['id']}/invites/{revoked['id']}")).status == 204
    await expire_invite(devinterview_app, expired["id"])

    for token, reason in (
        (revoked["token"], "revoked"),
        (expired["token"], "expired"),
        ("A" * 43, "invalid_token"),
        ("not a token!", "invalid_token"),
    ):
        reply = await api("POST", "join", {"token": token}, as_=None)
        assert reply.status == 401, (token, reply.body)
        assert reply.json["reason"] == reason
        assert "Set-Cookie" not in reply.headers
    assert (await api("GET", f"sessions/{s['id']}")).json["status"] == "scheduled"
    items = (await api("GET", f"sessions/{s['id']}/invites")).json["items"]
    assert {i["id"]: i["revoked"] for i in items} == {revoked["id"]: True, expired["id"]: False}


async def test_join_after_terminate_is_410(api):
    s = await create_session(api)
    inv = await create_invite(api, s["id"])
    await api("POST", f"sessions/{s['id']}/terminate")
    reply = await api("POST", "join", {"token": inv["token"]}, as_=None)
    assert reply.status == 410
    assert reply.json["reason"] == "ended"


async def test_revoking_unknown_invite_is_404(api):
    s = await create_session(api)
    other = await create_session(api, title="Other")
    inv = await create_invite(api, other["id"])
    # An invite of another session cannot be revoked through this one.
    reply = await api("DELETE", f"sessions/{s['id']}/invites/{inv['id']}")
    assert reply.status == 404
    assert (await api("DELETE", f"sessions/{s['id']}/invites/{uuid.uuid4()}")).status == 404


async def test_me_for_interviewer_candidate_and_nobody(api):
    s = await create_session(api, candidate_name="Grace")
    inv = await create_invite(api, s["id"])
    me = await api("GET", "me")
    assert me.status == 200
    assert me.json["kind"] == "interviewer"

    by_bearer = await api("GET", "me", as_=None, bearer=inv["token"])
    assert by_bearer.status == 200
    assert by_bearer.json == {"kind": "candidate", "name": "Grace", "session_id": s["id"]}

    joined = await api("POST", "join", {"token": inv["token"]}, as_=None)
    cookie = joined.headers["Set-Cookie"].split(";")[0]
    by_cookie = await api("GET", "me", as_=None, cookie=cookie)
    assert by_cookie.json == by_bearer.json

    nobody = await api("GET", "me", as_=None)
    assert nobody.status == 401
    assert nobody.json["reason"] == "unauthenticated"


async def test_candidate_reads_only_own_session_in_candidate_view(api):
    mine = await create_session(api)
    other = await create_session(api, title="Other")
    inv = await create_invite(api, mine["id"])
    own = await api("GET", f"sessions/{mine['id']}", as_=None, bearer=inv["token"])
    assert own.status == 200
    assert "owner" not in own.json
    assert own.json["id"] == mine["id"]
    foreign = await api("GET", f"sessions/{other['id']}", as_=None, bearer=inv["token"])
    assert foreign.status == 403
    assert "Other" not in foreign.body.decode()


async def test_revocation_and_expiry_apply_to_existing_credentials(api, devinterview_app):
    s = await create_session(api)
    inv = await create_invite(api, s["id"])
    assert (await api("GET", "me", as_=None, bearer=inv["token"])).status == 200
    await api("DELETE", f"sessions/{s['id']}/invites/{inv['id']}")
    assert (await api("GET", "me", as_=None, bearer=inv["token"])).json["reason"] == "revoked"

    inv2 = await create_invite(api, s["id"])
    await expire_invite(devinterview_app, inv2["id"])
    reply = await api("GET", f"sessions/{s['id']}", as_=None, bearer=inv2["token"])
    assert reply.status == 401
    assert reply.json["reason"] == "expired"


async def test_deleted_session_invalidates_its_invites(api):
    s = await create_session(api)
    inv = await create_invite(api, s["id"])
    await api("DELETE", f"sessions/{s['id']}")
    reply = await api("POST", "join", {"token": inv["token"]}, as_=None)
    assert reply.status == 401
