"""Bad input gets a 400 (or 404/405) with a JSON message naming the problem; never a 500."""

from __future__ import annotations

import uuid

import pytest

from devinterview_jupyter.testing.rest import create_session

BAD_CREATE = [
    (None, "JSON object"),
    (b"{not json", "malformed JSON"),
    (b"[1, 2]", "not of type 'object'"),
    (b'"title"', "not of type 'object'"),
    (b'{"title": NaN}', "malformed JSON"),
    (b"\xff\xfe", "malformed JSON"),
    ({}, "'title' is a required property"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": 12}, "title"),
    ({"title": None}, "title"),
    ({"title": "ok", "language": "cobol"}, "language"),
    ({"title": "ok", "planned_minutes": 0}, "planned_minutes"),
    ({"title": "ok", "planned_minutes": 601}, "planned_minutes"),
    ({"title": "ok", "planned_minutes": "30"}, "planned_minutes"),
    ({"title": "ok", "planned_minutes": 1.5}, "planned_minutes"),
    ({"title": "ok", "planned_minutes": True}, "planned_minutes"),
    ({"title": "ok", "candidate_name": 5}, "candidate_name"),
    ({"title": "ok", "status": "active"}, "'status' was unexpected"),
    ({"title": "ok", "owner": "mallory"}, "'owner' was unexpected"),
]


@pytest.mark.parametrize(("body", "named"), BAD_CREATE)
async def test_create_rejects_bad_bodies(api, body, named):
    kwargs = {"raw": body} if isinstance(body, bytes) or body is None else {}
    reply = await api("POST", "sessions", None if "raw" in kwargs else body, **kwargs)
    assert reply.status == 400, reply.body
    assert named in reply.json["message"], reply.json
    assert (await api("GET", "sessions")).json["total"] == 0


BAD_PATCH = [
    ({}, "should be non-empty"),
    ({"status": "terminated"}, "'status' was unexpected"),
    ({"duration_minutes": 3}, "'duration_minutes' was unexpected"),
    ({"title": None}, "title"),
    ({"language": None}, "language"),
    ({"planned_minutes": -1}, "planned_minutes"),
]


@pytest.mark.parametrize(("body", "named"), BAD_PATCH)
async def test_patch_rejects_bad_bodies_and_changes_nothing(api, body, named):
    s = await create_session(api, planned_minutes=30)
    reply = await api("PATCH", f"sessions/{s['id']}", body)
    assert reply.status == 400, reply.body
    assert named in reply.json["message"]
    assert (await api("GET", f"sessions/{s['id']}")).json == s


@pytest.mark.parametrize(
    "query",
    [
        "status=done",
        "limit=0",
        "limit=201",
        "limit=ten",
        "offset=-1",
        "offset=1.5",
        # Past PostgreSQL's 32-bit OFFSET: a 400, not a driver error.
        "offset=2147483648",
        "offset=99999999999999999999",
    ],
)
async def test_list_rejects_bad_queries(api, query):
    reply = await api("GET", f"sessions?{query}")
    assert reply.status == 400
    name = query.split("=")[0]
    assert name in reply.json["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "sessions/not-a-uuid"),
        ("GET", "sessions/123"),
        ("PATCH", "sessions/{%7B00000000-0000-0000-0000-000000000000%7D}"),
        ("DELETE", "sessions/zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"),
        ("POST", "sessions/nope/start"),
        ("POST", "sessions/nope/terminate"),
        ("GET", "sessions/nope/invites"),
        ("DELETE", "sessions/{sid}/invites/nope"),
    ],
)
async def test_malformed_ids_are_400(api, method, path):
    s = await create_session(api)
    body = {"title": "x"} if method == "PATCH" else None
    reply = await api(method, path.replace("{sid}", s["id"]), body)
    assert reply.status == 400, reply.body
    assert "not a UUID" in reply.json["message"]


async def test_invite_and_join_bodies(api):
    s = await create_session(api)
    for body in ({"expires_in_minutes": 0}, {"expires_in_minutes": 43201}, {"expires": 5}):
        reply = await api("POST", f"sessions/{s['id']}/invites", body)
        assert reply.status == 400, body
    assert (await api("GET", f"sessions/{s['id']}/invites")).json["items"] == []
    for body in ({}, {"token": 5}, {"token": ""}, {"token": "x", "extra": 1}):
        reply = await api("POST", "join", body, as_=None)
        assert reply.status == 400, body
        assert reply.json["message"]


async def test_unknown_paths_and_methods_answer_json(api):
    missing = await api("GET", "nothing/here")
    assert missing.status == 404
    assert "no such API endpoint" in missing.json["message"]
    wrong = await api("PUT", "sessions", {"title": "x"})
    assert wrong.status == 405
    assert wrong.json["message"]
    unknown = await api("POST", f"sessions/{uuid.uuid4()}/start")
    assert unknown.status == 404
    assert unknown.json["reason"] == "not_found"


async def test_text_no_database_can_store_is_400(api):
    for raw in (b'{"title": "a\\u0000b"}', b'{"title": "ok", "candidate_name": "\\ud800"}'):
        reply = await api("POST", "sessions", raw=raw)
        assert reply.status == 400, raw
        assert reply.json["reason"] in ("invalid_text", "validation_error")
    assert (await api("GET", "sessions")).json["total"] == 0


async def test_oversized_body_is_413(api):
    reply = await api("POST", "sessions", {"title": "x", "candidate_name": "y" * 70_000})
    assert reply.status == 413
    assert reply.json["reason"] == "too_large"
    assert (await api("GET", "sessions")).json["total"] == 0
