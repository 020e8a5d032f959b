"""The REST client of the tests: any request, with whichever credential a test chooses."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, Protocol

from tornado.httpclient import HTTPClientError, HTTPResponse
from tornado.httputil import HTTPHeaders

API_PATH = "devinterview/api/"


class Fetcher(Protocol):
    """What sends the requests: pytest-jupyter's ``http_server_client``, or any object
    whose ``fetch`` takes a URL (or a path on the test server) and tornado's options."""

    def fetch(self, url: str, **kwargs: Any) -> Awaitable[HTTPResponse]: ...


@dataclass
class Reply:
    status: int
    body: bytes
    headers: HTTPHeaders = field(repr=False)

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class ApiClient:
    """HTTP against the test server, with any credential (or none) the test chooses.

    By default a request is an interviewer's (the server's token). ``as_=None`` sends no
    credential; ``bearer`` a candidate's invite token; ``cookie`` a Cookie header. A reply
    of any status is returned, never raised.
    """

    client: Fetcher
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
        prefix: str = API_PATH,
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
            response = await self.client.fetch(
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

    @property
    def interviewer_headers(self) -> dict[str, str]:
        """An interviewer's credential, for a websocket or a request made elsewhere. A bare
        token: Jupyter makes up a new anonymous user for every request that sends it."""
        return {"Authorization": f"token {self.server_token}"}


async def create_session(api: ApiClient, **fields: Any) -> dict[str, Any]:
    """A new interview session (as an interviewer); ``fields`` go into the request body."""
    body = {"title": "Backend engineer", **fields}
    reply = await api("POST", "sessions", body)
    assert reply.status == 201, reply.body
    session: dict[str, Any] = reply.json
    return session


async def create_invite(api: ApiClient, session_id: str, **fields: Any) -> dict[str, Any]:
    """A candidate invite to the session: its ``token`` is the candidate's credential."""
    reply = await api("POST", f"sessions/{session_id}/invites", fields or None)
    assert reply.status == 201, reply.body
    invite: dict[str, Any] = reply.json
    return invite
