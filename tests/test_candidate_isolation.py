"""DESIGN §8: a candidate credential opens nothing of Jupyter and nothing but its own session.

The candidate credential is tried in every form a browser or script could send it: as a
bearer header, as Jupyter's own `token` header and query parameter, and as the cookie set
by /join. JupyterLab and jupyter-collaboration are loaded so their endpoints are real.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from devinterview_jupyter.testing.rest import create_invite, create_session


@pytest.fixture
def jp_server_config(devinterview_database_url: str) -> Any:
    return {
        "ServerApp": {
            "jpserver_extensions": {
                "devinterview_jupyter": True,
                "jupyterlab": True,
                "jupyter_server_fileid": True,
                "jupyter_server_ydoc": True,
            }
        },
        "DevInterviewApp": {"database_url": devinterview_database_url},
    }


async def make_candidate(api) -> dict[str, Any]:
    session = await create_session(api)
    invite = await create_invite(api, session["id"])
    joined = await api("POST", "join", {"token": invite["token"]}, as_=None)
    assert joined.status == 200
    return {
        "session": session,
        "invite": invite,
        "token": invite["token"],
        "cookie": joined.headers["Set-Cookie"].split(";")[0],
    }


def credential_forms(c: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        "bearer": {"bearer": c["token"]},
        "jupyter-token-header": {"headers": {"Authorization": f"token {c['token']}"}},
        "cookie": {"cookie": c["cookie"]},
    }


JUPYTER_HTTP = [
    ("GET", "api/kernels", None),
    ("POST", "api/kernels", {"name": "python3"}),
    ("GET", "api/kernelspecs", None),
    ("GET", "api/contents", None),
    ("PUT", "api/contents/stolen.txt", {"type": "file", "format": "text", "content": "x"}),
    ("GET", "api/terminals", None),
    ("POST", "api/terminals", {}),
    ("GET", "api/sessions", None),
    ("POST", "api/sessions", {"path": "a.ipynb", "type": "notebook", "kernel": {"name": "x"}}),
    ("GET", "api/config/notebook", None),
    ("PATCH", "api/config/notebook", {"x": 1}),
    ("GET", "api/me", None),
    ("GET", "api/status", None),
    ("PUT", "api/collaboration/session/notes.txt", {"format": "text", "type": "file"}),
    ("GET", "lab", None),
    ("GET", "lab/tree/secret.txt", None),
]


def assert_refused(reply, what: str) -> None:
    if reply.status in (301, 302, 303, 307):
        location = reply.headers.get("Location", "")
        assert "login" in location, f"{what}: redirected to {location}"
    else:
        assert reply.status in (401, 403), f"{what}: {reply.status} {reply.body[:200]!r}"


async def test_candidate_credentials_open_nothing_of_jupyter(api, jp_root_dir):
    candidate = await make_candidate(api)
    for form, creds in credential_forms(candidate).items():
        for method, path, body in JUPYTER_HTTP:
            reply = await api(method, path, body, as_=None, prefix="", **creds)
            assert_refused(reply, f"{form} {method} {path}")
    # Jupyter's ?token= query parameter with an invite token is no key either.
    for path in ("api/contents", "api/kernels", "lab"):
        reply = await api("GET", f"{path}?token={candidate['token']}", as_=None, prefix="")
        assert_refused(reply, f"query-token GET {path}")
    assert not (jp_root_dir / "stolen.txt").exists()
    # Sanity: the same requests with the interviewer's Jupyter token do get through.
    assert (await api("GET", "api/contents", prefix="")).status == 200
    assert (await api("GET", "api/kernelspecs", prefix="")).status == 200


async def _ws_status(url: str, headers: dict[str, str]) -> int:
    request = HTTPRequest(url, headers=headers, request_timeout=10)
    try:
        conn = await websocket_connect(request)
    except HTTPClientError as e:
        return e.code
    conn.close()
    return 101


async def test_candidate_credentials_open_no_jupyter_websocket(
    api, jp_http_port, jp_base_url, jp_root_dir
):
    candidate = await make_candidate(api)
    kernel_id = str(uuid.uuid4())
    # A real file-backed room: jupyter-collaboration builds the room in prepare(), before
    # its auth check in get(), so a made-up file id fails with 500 for anyone.
    (jp_root_dir / "notes.txt").write_text("interview notes")
    opened = await api(
        "PUT", "api/collaboration/session/notes.txt", {"format": "text", "type": "file"}, prefix=""
    )
    assert opened.status in (200, 201), opened.body
    paths = [
        f"api/collaboration/room/text:file:{opened.json['fileId']}",
        "api/collaboration/room/awareness",
        f"api/kernels/{kernel_id}/channels",
        "api/events/subscribe",
        "terminals/websocket/1",
    ]
    header_forms = {
        "bearer": {"Authorization": f"Bearer {candidate['token']}"},
        "cookie": {"Cookie": candidate["cookie"]},
        "none": {},
    }
    for path in paths:
        for form, headers in header_forms.items():
            url = f"ws://127.0.0.1:{jp_http_port}{jp_base_url}{path}"
            status = await _ws_status(url, headers)
            assert status in (401, 403, 404), f"{form} {path}: {status}"
            if status == 404:
                # 404 only where the resource does not exist even for the interviewer.
                ok = await _ws_status(url, {"Authorization": f"token {api.server_token}"})
                assert ok != 101, f"{path} opens for the interviewer but 404s for a candidate"


INTERVIEWER_ONLY = [
    ("GET", "sessions", None),
    ("POST", "sessions", {"title": "mine now"}),
    ("PATCH", "sessions/{sid}", {"title": "hacked"}),
    ("DELETE", "sessions/{sid}", None),
    ("POST", "sessions/{sid}/start", None),
    ("POST", "sessions/{sid}/terminate", None),
    ("GET", "sessions/{sid}/invites", None),
    ("POST", "sessions/{sid}/invites", {}),
    ("DELETE", "sessions/{sid}/invites/{iid}", None),
    ("GET", "openapi.json", None),
]


async def test_candidate_cannot_use_interviewer_endpoints(api):
    candidate = await make_candidate(api)
    sid, iid = candidate["session"]["id"], candidate["invite"]["id"]
    for form, creds in credential_forms(candidate).items():
        for method, template, body in INTERVIEWER_ONLY:
            path = template.format(sid=sid, iid=iid)
            reply = await api(method, path, body, as_=None, **creds)
            assert reply.status in (401, 403), f"{form} {method} {path}: {reply.status}"
            assert "message" in reply.json
    after = await api("GET", f"sessions/{sid}")
    assert after.json["title"] == candidate["session"]["title"]
    assert after.json["status"] == "active"
    assert (await api("GET", "sessions")).json["total"] == 1
    invites = (await api("GET", f"sessions/{sid}/invites")).json["items"]
    assert [i["revoked"] for i in invites] == [False]


async def test_anonymous_gets_401_everywhere(api):
    s = await create_session(api)
    for method, template, body in INTERVIEWER_ONLY:
        path = template.format(sid=s["id"], iid=uuid.uuid4())
        reply = await api(method, path, body, as_=None)
        assert reply.status == 401, f"{method} {path}: {reply.status}"
    assert (await api("GET", f"sessions/{s['id']}", as_=None)).status == 401
