from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError, HTTPResponse

pytest_plugins = ["pytest_jupyter.jupyter_server", "devinterview_jupyter.pytest_plugin"]


@pytest.fixture
def devinterview_config() -> dict[str, Any]:
    """Extra DevInterviewApp settings for one test."""
    return {}


@pytest.fixture
def jp_server_config(devinterview_database_url: str, devinterview_config: dict[str, Any]) -> Any:
    return {
        "ServerApp": {"jpserver_extensions": {"devinterview_jupyter": True}},
        "DevInterviewApp": {
            "database_url": devinterview_database_url,
            # Many servers live and die in this one process: let GC reclaim each of them.
            "freeze_startup_objects": False,
            **devinterview_config,
        },
    }


@dataclass
class Reply:
    status: int
    body: bytes
    headers: Any = field(repr=False)

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Api:
    """HTTP against the test server, with any credential (or none) the test chooses."""

    client: Any
    base_url: str
    server_token: str

    async def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        as_: str | None = "interviewer",
        bearer: str | None = None,
        cookie: str | None = None,
        raw: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        prefix: str = "devinterview/api/",
    ) -> Reply:
        all_headers = dict(headers or {})
        if as_ == "interviewer":
            all_headers.setdefault("Authorization", f"token {self.server_token}")
        if bearer is not None:
            all_headers["Authorization"] = f"Bearer {bearer}"
        if cookie is not None:
            all_headers["Cookie"] = cookie
        data: bytes | str | None = raw
        if body is not None:
            data = json.dumps(body)
            all_headers.setdefault("Content-Type", "application/json")
        if data is None and method in ("POST", "PATCH", "PUT"):
            data = b""
        url = self.base_url + prefix + path.lstrip("/")
        try:
            response: HTTPResponse = await self.client.fetch(
                url,
                method=method,
                body=data,
                headers=all_headers,
                follow_redirects=False,
                allow_nonstandard_methods=True,
                request_timeout=30,
            )
        except HTTPClientError as e:
            if e.response is None:
                raise
            response = e.response
        return Reply(response.code, response.body or b"", response.headers)


@pytest.fixture
def api(jp_serverapp: Any, http_server_client: Any, jp_base_url: str) -> Api:
    return Api(http_server_client, jp_base_url, jp_serverapp.identity_provider.token)


@pytest.fixture
def devinterview_app(jp_serverapp: Any) -> Any:
    return jp_serverapp.extension_manager.extension_apps["devinterview_jupyter"].copy().pop()


@pytest.fixture
def room_url(jp_http_port: int, jp_base_url: str) -> Any:
    """The websocket URL of a session's room (with an optional query string)."""

    def build(session_id: str, query: str = "") -> str:
        url = f"ws://127.0.0.1:{jp_http_port}{jp_base_url}devinterview/api/rooms/{session_id}"
        return url + (f"?{query}" if query else "")

    return build


@pytest.fixture
def interviewer(api: Api) -> dict[str, str]:
    """Headers of an interviewer (a bare token: a new anonymous user on every request)."""
    return {"Authorization": f"token {api.server_token}"}
