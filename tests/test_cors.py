"""A candidate page on another origin: CORS only for listed origins and candidate endpoints."""

from __future__ import annotations

from typing import Any

import pytest

from devinterview_jupyter.testing.rest import create_invite, create_session

SITE = "https://interviews.example.org"


@pytest.fixture
def devinterview_config() -> dict[str, Any]:
    return {"allowed_origins": [SITE + "/"]}


async def test_preflight_for_candidate_endpoints(api):
    s = await create_session(api)
    for path in ("join", "me", "time", f"sessions/{s['id']}"):
        reply = await api(
            "OPTIONS",
            path,
            as_=None,
            headers={
                "Origin": SITE,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert reply.status == 204, path
        assert reply.headers["Access-Control-Allow-Origin"] == SITE
        assert "authorization" in reply.headers["Access-Control-Allow-Headers"]
        assert "PATCH" not in reply.headers["Access-Control-Allow-Methods"]
        assert "Access-Control-Allow-Credentials" not in reply.headers


async def test_candidate_calls_from_the_listed_origin(api):
    s = await create_session(api)
    inv = await create_invite(api, s["id"])
    joined = await api("POST", "join", {"token": inv["token"]}, as_=None, headers={"Origin": SITE})
    assert joined.status == 200
    assert joined.headers["Access-Control-Allow-Origin"] == SITE
    me = await api("GET", "me", as_=None, bearer=inv["token"], headers={"Origin": SITE})
    assert me.headers["Access-Control-Allow-Origin"] == SITE
    # Refusals carry the header too, so the page can read the reason.
    bad = await api("POST", "join", {"token": "x" * 43}, as_=None, headers={"Origin": SITE})
    assert bad.status == 401
    assert bad.headers["Access-Control-Allow-Origin"] == SITE


async def test_no_cors_for_other_origins_or_interviewer_endpoints(api):
    s = await create_session(api)
    inv = await create_invite(api, s["id"])
    evil = {"Origin": "https://evil.example"}
    me = await api("GET", "me", as_=None, bearer=inv["token"], headers=evil)
    assert "Access-Control-Allow-Origin" not in me.headers
    pre = await api(
        "OPTIONS",
        "join",
        as_=None,
        headers={**evil, "Access-Control-Request-Method": "POST"},
    )
    assert pre.headers.get("Access-Control-Allow-Origin") in (None, "")
    listed = {"Origin": SITE}
    for method, path in (("OPTIONS", "sessions"), ("OPTIONS", f"sessions/{s['id']}/invites")):
        reply = await api(
            method, path, as_=None, headers={**listed, "Access-Control-Request-Method": "POST"}
        )
        assert reply.headers.get("Access-Control-Allow-Origin") in (None, ""), path


class TestHardenedServer:
    """`ServerApp.allow_unauthenticated_access = False` refuses anonymous requests unless a
    handler opts in: the candidate endpoints do, nothing else does."""

    @pytest.fixture
    def jp_server_config(self, devinterview_database_url: str) -> Any:
        return {
            "ServerApp": {
                "jpserver_extensions": {"devinterview_jupyter": True},
                "allow_unauthenticated_access": False,
            },
            "DevInterviewApp": {"database_url": devinterview_database_url},
        }

    async def test_candidates_still_get_in(self, api, jp_http_port, jp_base_url):
        from devinterview_jupyter.testing.rooms import upgrade_status

        s = await create_session(api)
        inv = await create_invite(api, s["id"])
        assert (await api("POST", "join", {"token": inv["token"]}, as_=None)).status == 200
        assert (await api("GET", "me", as_=None, bearer=inv["token"])).status == 200
        assert (await api("GET", "time", as_=None, bearer=inv["token"])).status == 200
        own = await api("GET", f"sessions/{s['id']}", as_=None, bearer=inv["token"])
        assert own.status == 200
        url = f"ws://127.0.0.1:{jp_http_port}{jp_base_url}devinterview/api/rooms/{s['id']}"
        assert await upgrade_status(url, {"Authorization": f"Bearer {inv['token']}"}) == 101
        for method, path in (("GET", "sessions"), ("POST", f"sessions/{s['id']}/invites")):
            reply = await api(method, path, as_=None, bearer=inv["token"])
            assert reply.status in (401, 403), path
        assert (await api("GET", "api/contents", as_=None, prefix="")).status in (401, 403)


def test_every_endpoint_declares_how_it_authenticates():
    """Jupyter's hardening (allow_unauthenticated_access=False) relies on these marks."""
    from devinterview_jupyter.api.meta import NotFoundHandler
    from devinterview_jupyter.routes import api_handlers

    for route in api_handlers():
        handler = route[1]
        if handler is NotFoundHandler:
            continue
        for name in ("get", "post", "put", "patch", "delete"):
            method = getattr(handler, name)
            if method is getattr(NotFoundHandler, name):
                continue  # not implemented here
            assert hasattr(method, "__allow_unauthenticated"), f"{handler.__name__}.{name}"
