"""Deeply nested JSON is a 400 `malformed_json` on every endpoint that reads a body, never a
500 (docs/security.md, "Hostile participant", 7), on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from devinterview_jupyter.api.validation import MAX_JSON_DEPTH, json_depth
from devinterview_jupyter.testing.rest import create_session


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def assert_too_deep(reply) -> None:
    assert reply.status == 400, reply.body
    assert reply.json["reason"] == "malformed_json", reply.json
    assert f"deeper than {MAX_JSON_DEPTH}" in reply.json["message"]
    assert "Traceback" not in reply.body.decode()


async def test_a_1000_deep_array_to_anonymous_join_is_a_400(api):
    body = nested(1000)
    assert len(body) < 2100  # the 2 KB body of the report
    assert_too_deep(await api("POST", "join", raw=body, as_=None))


@pytest.mark.parametrize(
    "body",
    [
        nested(MAX_JSON_DEPTH + 1),
        # Depth hidden inside a field that the schema would refuse anyway.
        json.dumps({"token": json.loads(nested(MAX_JSON_DEPTH + 1))}),
        "{" + '"a":{' * 200 + "}" * 201,
        # Past Python's own recursion limit.
        nested(30_000),
    ],
    ids=["just-over", "in-a-field", "objects", "past-recursion-limit"],
)
async def test_too_deep_bodies_are_refused_before_parsing(api, body):
    assert_too_deep(await api("POST", "join", raw=body, as_=None))
    assert_too_deep(await api("POST", "sessions", raw=body))


async def test_interviewer_endpoints_refuse_deep_bodies(api):
    s = await create_session(api)
    deep = {"title": json.loads(nested(MAX_JSON_DEPTH + 5, '"x"'))}
    for method, path in (
        ("POST", "sessions"),
        ("PATCH", f"sessions/{s['id']}"),
        ("POST", f"sessions/{s['id']}/invites"),
        ("POST", f"sessions/{s['id']}/timer"),
    ):
        assert_too_deep(await api(method, path, deep))
    assert (await api("GET", f"sessions/{s['id']}")).json == s


async def test_nesting_up_to_the_limit_is_parsed(api):
    # At the limit the body is parsed, and refused (or taken) by the schema as before.
    body = json.dumps({"title": json.loads(nested(MAX_JSON_DEPTH - 1))})
    reply = await api("POST", "sessions", raw=body)
    assert reply.status == 400
    assert reply.json["reason"] == "validation_error"
    # Brackets inside strings are text, not nesting.
    title = "[" * 200 + "{" * 200
    reply = await api("POST", "sessions", {"title": title[:200]})
    assert reply.status == 201, reply.body


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        (b'{"a": 1}', 0),  # few brackets: not scanned
        (b"[" * 70 + b"]" * 70, MAX_JSON_DEPTH + 1),  # counting stops past the limit
        (b'["' + b"[" * 100 + b'"]' + b"[]" * 40, 1),
        (b'["\\"' + b"[" * 100 + b'"]' + b"[]" * 40, 1),
        (b'["\\\\"' + b"[" * 100 + b"]" * 101, MAX_JSON_DEPTH + 1),
    ],
    ids=["small", "deep", "in-string", "escaped-quote", "escaped-backslash"],
)
def test_json_depth_skips_strings(raw, depth):
    assert json_depth(raw) == depth
