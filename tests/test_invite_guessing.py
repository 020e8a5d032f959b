"""Failed invite checks are limited per client address: 429 with Retry-After before any
lookup, log lines bounded, memory bounded (docs/security.md, "Hostile participant", 8),
on SQLite and PostgreSQL. Time is a fake clock: nothing here waits or measures speed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import tornado.httpserver

from devinterview_jupyter import handlers
from devinterview_jupyter import sessions as ops
from devinterview_jupyter.api import candidate as candidate_api
from devinterview_jupyter.ratelimit import FailureLimiter, client_key
from devinterview_jupyter.testing.rest import create_invite, create_session
from devinterview_jupyter.testing.rooms import upgrade_status
from tests.logcapture import AllRecords, all_records

LIMIT = 5
GUESS = "G" * 43  # well-formed, unknown
ATTACKER = {"X-Forwarded-For": "203.0.113.7"}
NEIGHBOUR = {"X-Forwarded-For": "198.51.100.20"}


@pytest.fixture
def devinterview_config() -> dict[str, Any]:
    return {"invite_failures_per_minute": LIMIT, "invite_failure_addresses": 500}


@pytest.fixture
def http_server(jp_asyncio_loop: Any, http_server_port: Any, jp_web_app: Any) -> Iterator[Any]:
    """pytest-jupyter's server, as behind a proxy with `ServerApp.trust_xheaders = True`:
    each request's X-Forwarded-For is its client address."""

    async def start() -> tornado.httpserver.HTTPServer:
        server = tornado.httpserver.HTTPServer(jp_web_app, xheaders=True)
        server.add_socket(http_server_port[0])
        return server

    server = jp_asyncio_loop.run_until_complete(start())
    yield server
    server.stop()
    with contextlib.suppress(asyncio.TimeoutError):
        jp_asyncio_loop.run_until_complete(
            asyncio.wait_for(server.close_all_connections(), timeout=10)
        )
    http_server_port[0].close()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(devinterview_app: Any) -> FakeClock:
    fake = FakeClock()
    devinterview_app.invite_failures.clock = fake
    return fake


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every invite token looked up in the database, by /join or by any other endpoint."""
    seen: list[str] = []
    join, resolve = ops.join, handlers.resolve_invite

    async def counting_join(db: Any, token: str, **kwargs: Any) -> Any:
        seen.append(token)
        return await join(db, token, **kwargs)

    async def counting_resolve(db: Any, token: str) -> Any:
        seen.append(token)
        return await resolve(db, token)

    monkeypatch.setattr(ops, "join", counting_join)
    monkeypatch.setattr(handlers, "resolve_invite", counting_resolve)
    # The lobby looks an invite up without joining.
    monkeypatch.setattr(candidate_api, "resolve_invite", counting_resolve)
    return seen


async def join(api: Any, token: str, client: dict[str, str], *, lobby: bool = False) -> Any:
    body: dict[str, Any] = {"token": token, "lobby": True} if lobby else {"token": token}
    return await api("POST", "join", body, as_=None, headers=client)


async def test_a_burst_of_bad_tokens_gets_429_before_any_lookup(
    api, clock, lookups, room_url, devinterview_app
):
    s = await create_session(api)
    good = (await create_invite(api, s["id"]))["token"]

    # Guessing through the lobby counts as much as through a join.
    for i in range(LIMIT):
        assert (await join(api, GUESS, ATTACKER, lobby=i % 2 == 1)).status == 401
    assert len(lookups) == LIMIT

    refused = await join(api, GUESS, ATTACKER)
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "60"
    assert refused.json["reason"] == "rate_limited"
    # Even a valid invite, from that address, and on every endpoint that takes one.
    assert (await join(api, good, ATTACKER)).status == 429
    assert (await join(api, good, ATTACKER, lobby=True)).status == 429
    me = await api("GET", "me", as_=None, bearer=good, headers=ATTACKER)
    assert (me.status, me.headers["Retry-After"]) == (429, "60")
    own = await api("GET", f"sessions/{s['id']}", as_=None, bearer=good, headers=ATTACKER)
    assert own.status == 429
    assert (await api("GET", "time", as_=None, bearer=good, headers=ATTACKER)).status == 429
    bearer = {"Authorization": f"Bearer {good}", **ATTACKER}
    assert await upgrade_status(room_url(s["id"]), bearer) == 429
    assert len(lookups) == LIMIT  # none of the refused requests reached the database

    # Another address is not affected, and its own failures are its own.
    assert (await join(api, good, NEIGHBOUR)).status == 200
    assert (await join(api, GUESS, NEIGHBOUR)).status == 401
    assert await upgrade_status(room_url(s["id"]), {"Authorization": f"Bearer {good}"}) == 101

    # Interviewers (a Jupyter identity) are never counted nor refused, from any address.
    for _ in range(LIMIT + 2):
        reply = await api("POST", "join", {"token": GUESS}, headers=ATTACKER)
        assert reply.status == 401
    assert (await api("GET", "me", headers=ATTACKER)).status == 200

    # Later in the window, Retry-After says how much later; after it, the address may retry.
    clock.now += 45
    assert (await join(api, GUESS, ATTACKER)).headers["Retry-After"] == "15"
    clock.now += 15
    assert (await join(api, good, ATTACKER)).status == 200
    assert (await join(api, GUESS, ATTACKER)).status == 401


async def test_successes_are_not_limited(api, clock):
    s = await create_session(api)
    good = (await create_invite(api, s["id"]))["token"]
    for _ in range(3 * LIMIT):
        assert (await join(api, good, ATTACKER)).status == 200
        me = await api("GET", "me", as_=None, bearer=good, headers=ATTACKER)
        assert me.status == 200
    # Nor do they count: the address still has its whole allowance of failures.
    for _ in range(LIMIT):
        assert (await join(api, GUESS, ATTACKER)).status == 401
    assert (await join(api, GUESS, ATTACKER)).status == 429


async def test_missing_expired_and_malformed_credentials_count_too(api, clock):
    statuses = [
        (await api("GET", "me", as_=None, headers=ATTACKER)).status,
        (await api("GET", "time", as_=None, headers=ATTACKER)).status,
        (await api("POST", "join", raw=b"[", as_=None, headers=ATTACKER)).status,
        (await api("POST", "join", {"token": 5}, as_=None, headers=ATTACKER)).status,
        (await api("GET", "me", as_=None, bearer=GUESS, headers=ATTACKER)).status,
        (await api("GET", "me", as_=None, headers=ATTACKER)).status,
    ]
    assert statuses == [401, 401, 400, 400, 401, 429]


async def test_log_lines_are_bounded_during_a_burst(api, clock, devinterview_app):
    with all_records() as records:
        statuses = [(await join(api, GUESS, ATTACKER)).status for _ in range(200)]
        assert statuses == [401] * LIMIT + [429] * (200 - LIMIT)
        about_attacker = attacker_lines(records)
        # The first failure's two lines (tornado's reason, Jupyter's access line), and
        # one line when the limit is reached; not one line per request.
        assert len(about_attacker) == 3, about_attacker
        assert sum("401 POST" in line for line in about_attacker) == 2
        assert any(
            f"{LIMIT} failed invite checks from 203.0.113.7" in line for line in about_attacker
        )

        # The next window: its first failure is logged, with the count of those that were not.
        records.clear()
        clock.now += 60
        assert (await join(api, GUESS, ATTACKER)).status == 401
        about_attacker = attacker_lines(records)
        assert any(
            "199 more failed or refused invite checks from 203.0.113.7" in line
            for line in about_attacker
        ), about_attacker
        assert len(about_attacker) == 3

        # Other addresses are still logged as usual.
        records.clear()
        assert (await join(api, GUESS, NEIGHBOUR)).status == 401
        lines = records.lines(logging.WARNING)
        assert len(lines) == 2, lines
        assert all("401 POST" in line and "198.51.100.20" in line for line in lines), lines


def attacker_lines(records: AllRecords) -> list[str]:
    return [
        line
        for line in records.lines(logging.WARNING)
        if "203.0.113.7" in line or "/join" in line or "invite checks" in line
    ]


async def test_the_tracked_addresses_are_capped(api, clock, devinterview_app):
    limiter = devinterview_app.invite_failures
    assert limiter.max_addresses == 500
    for n in range(600):
        address = {"X-Forwarded-For": f"10.0.{n // 250}.{n % 250 + 1}"}
        assert (await join(api, GUESS, address)).status == 401
    assert len(limiter) == 500
    # The oldest were forgotten, the most recent are still counted.
    assert limiter.retry_after("10.0.0.1") is None
    assert client_key("10.0.2.99") in limiter._windows


def test_the_limiter_forgets_the_least_recently_failing_address():
    clock = FakeClock()
    limiter = FailureLimiter(2, max_addresses=3, clock=clock)
    for key in ("a", "b", "c", "a", "d"):
        limiter.failed(key)
    assert list(limiter._windows) == ["c", "a", "d"]  # "b" failed least recently
    assert limiter.retry_after("a") == 60
    clock.now += 59.5
    assert limiter.retry_after("a") == 1
    clock.now += 0.5
    assert limiter.retry_after("a") is None


def test_a_zero_limit_refuses_nobody():
    limiter = FailureLimiter(0, clock=FakeClock())
    for _ in range(100):
        limiter.failed("a")
    assert limiter.retry_after("a") is None


@pytest.mark.parametrize(
    ("remote_ip", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),  # same /64: same allowance
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("fe80::1%eth0", "fe80::/64"),
        (None, ""),
        ("not an address", "not an address"),
    ],
)
def test_client_key(remote_ip, key):
    assert client_key(remote_ip) == key
