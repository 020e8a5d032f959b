"""No token of any kind in any log line written about our endpoints (docs/security.md,
"Hostile participant", 6): Jupyter's server token (`?token=`) and invite tokens
(`?candidate_token=`), on refused and accepted requests and room upgrades, on SQLite and
PostgreSQL. Every logger is opened to DEBUG and every record built is checked."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from devinterview_jupyter import sessions as ops
from devinterview_jupyter.ratelimit import FailureLimiter
from devinterview_jupyter.scrub import scrub_uri
from devinterview_jupyter.testing.rest import create_invite, create_session
from devinterview_jupyter.testing.rooms import upgrade_status
from tests.logcapture import AllRecords, all_records


@pytest.fixture
def records() -> Iterator[AllRecords]:
    with all_records() as captured:
        yield captured


async def test_no_token_in_any_log_line(
    api, records, room_url, devinterview_app, monkeypatch: pytest.MonkeyPatch
):
    server = api.server_token
    mine = await create_session(api)
    other = await create_session(api, title="Other")
    invite = (await create_invite(api, mine["id"]))["token"]
    guess = "G" * 43  # well-formed, unknown
    statuses: list[int] = []
    # Every failed invite check logged (not just the first per minute and address).
    devinterview_app.invite_failures = FailureLimiter(0, window_seconds=0)

    async def http(method: str, path: str, body: Any = None, **kwargs: Any) -> None:
        statuses.append((await api(method, path, body, **kwargs)).status)

    # HTTP with the server token or an invite in the query, accepted and refused.
    await http("GET", f"sessions?token={server}", as_=None)  # 200: Jupyter reads ?token=
    await http("GET", f"sessions/not-a-uuid?token={server}", as_=None)  # 400
    await http("GET", f"no-such-endpoint?token={server}&x=1", as_=None)  # 404
    await http("GET", f"me?candidate_token={invite}", as_=None, bearer=invite)  # 200
    await http("GET", f"me?candidate_token={invite}", as_=None)  # 401: not read from here
    await http("GET", f"sessions/{other['id']}?candidate_token={invite}", as_=None, bearer=invite)
    await http("POST", f"join?candidate_token={invite}", {"token": guess}, as_=None)  # 401
    await http("POST", f"join?TOKEN={server}&candidate%5Ftoken={invite}", raw="[", as_=None)
    await http("GET", f"time?candidate_token={guess}", as_=None, bearer=guess)  # 401
    await http("GET", f"candidate/missing.js?token={server}", prefix="devinterview/", as_=None)
    await http("GET", f"candidate/%2e%2e/x?token={server}", prefix="devinterview/", as_=None)

    # An uncaught exception: tornado adds repr(request), the URI included.
    async def broken_join(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("join broke")

    monkeypatch.setattr(ops, "join", broken_join)
    await http("POST", f"join?candidate_token={invite}&token={server}", {"token": invite}, as_=None)

    # Room upgrades, accepted and refused, with either token in the query.
    upgrades = [
        await upgrade_status(room_url(mine["id"], f"candidate_token={invite}")),  # 101
        await upgrade_status(room_url(other["id"], f"candidate_token={invite}")),  # 403
        await upgrade_status(room_url(mine["id"], f"candidate_token={guess}")),  # 401
        await upgrade_status(room_url(mine["id"], f"token={invite}")),  # 401
        await upgrade_status(room_url(mine["id"], f"token={server}")),  # 101
        await upgrade_status(room_url(str(uuid.uuid4()), f"token={server}")),  # 404
        await upgrade_status(room_url("not-a-uuid", f"token={server}")),  # 400
    ]

    assert statuses == [200, 400, 404, 200, 401, 403, 401, 400, 401, 404, 403, 500]
    # Past the limit of failed invite checks: 429s.
    devinterview_app.invite_failures = FailureLimiter(2)
    for _ in range(4):
        await http("GET", f"me?candidate_token={guess}", as_=None, bearer=guess)
    assert statuses[-4:] == [401, 401, 429, 429]
    assert upgrades == [101, 403, 401, 401, 101, 404, 400]
    lines = records.lines()
    assert records.leaking(server, invite, guess) == []
    # The refusals were logged (scrubbed), so the check above looked at real lines.
    assert any(
        "401 GET" in line and "rooms/" in line and "candidate_token=[secret]" in line
        for line in lines
    ), lines
    assert any("403 GET" in line and "rooms/" in line for line in lines)
    assert any("Uncaught exception POST" in line and "join broke" in line for line in lines)
    assert any(" 429 " in line or "answering 429" in line for line in lines)


@pytest.mark.parametrize(
    ("uri", "scrubbed"),
    [
        ("/p", "/p"),
        ("/p?x=1", "/p?x=1"),
        ("/p?token=abc&x=1", "/p?token=[secret]&x=1"),
        ("/p?candidate_token=abc", "/p?candidate_token=[secret]"),
        ("/p?candidate%5Ftoken=abc", "/p?candidate%5Ftoken=[secret]"),
        ("/p?TOKEN=abc", "/p?TOKEN=[secret]"),
        ("/p?x=1&auth=abc&_xsrf=def", "/p?x=1&auth=[secret]&_xsrf=[secret]"),
        ("/p?token", "/p?[secret]"),
    ],
)
def test_scrub_uri(uri, scrubbed):
    assert scrub_uri(uri) == scrubbed


def test_scrub_uri_takes_jupyters_extra_keys():
    assert scrub_uri("/p?ticket=abc", ["ticket"]) == "/p?ticket=[secret]"
