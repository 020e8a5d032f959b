"""Integrity signals on both databases: what a candidate's page may report and how (each
credential form, server-stamped times, intervals that pair up, bounds on size, count and
rate), what is refused (bad reports, other sessions, ended interviews, signals turned
off), who reads them (interviewers only; the owner and co-interviewers in team mode) and
that no invite id or token ever shows.

Interviewers are the stable users of tests/team_identity.py, as in tests/test_scorecards.py.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from devinterview_jupyter import sessions as ops
from devinterview_jupyter.db.models import SessionEvent, utcnow
from devinterview_jupyter.ratelimit import RequestLimiter
from tests.test_candidate_isolation import credential_forms

# The stable users alice, bob and carol of tests/team_identity.py.
from tests.test_team import ALICE, BOB, CAROL, jp_server_config  # noqa: F401

TEAM = pytest.mark.parametrize("devinterview_config", [{"session_access": "owner"}])
PASTE = {"kind": "paste", "size": 340}


async def as_(api: Any, who: dict[str, str], method: str, path: str, body: Any = None) -> Any:
    return await api(method, path, body, as_=None, headers=who)


async def new_session(api: Any, who: dict[str, str] = ALICE, **fields: Any) -> str:
    body = {"title": "Backend engineer", "candidate_name": "Grace", **fields}
    reply = await as_(api, who, "POST", "sessions", body)
    assert reply.status == 201, reply.body
    return str(reply.json["id"])


async def join(api: Any, sid: str, who: dict[str, str] = ALICE) -> dict[str, Any]:
    """A candidate of ``sid``: its invite, token, /join cookie and /join answer."""
    invite = await as_(api, who, "POST", f"sessions/{sid}/invites", {})
    assert invite.status == 201, invite.body
    token = invite.json["token"]
    joined = await api("POST", "join", {"token": token}, as_=None)
    assert joined.status == 200, joined.body
    return {
        "invite_id": invite.json["id"],
        "token": token,
        "cookie": joined.headers["Set-Cookie"].split(";")[0],
        "joined": joined.json,
    }


async def report(api: Any, sid: str, candidate: dict[str, Any], body: Any) -> Any:
    return await api("POST", f"sessions/{sid}/events", body, as_=None, bearer=candidate["token"])


async def events(api: Any, sid: str, who: dict[str, str] = ALICE) -> dict[str, Any]:
    reply = await as_(api, who, "GET", f"sessions/{sid}/events")
    assert reply.status == 200, reply.body
    return reply.json  # type: ignore[no-any-return]


async def stored(app: Any, sid: str) -> int:
    query = (
        select(func.count())
        .select_from(SessionEvent)
        .where(SessionEvent.session_id == uuid.UUID(sid))
    )
    async with app.database.session() as db:
        return int(await db.scalar(query) or 0)


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


# -- reporting ------------------------------------------------------------------------------


async def test_the_candidate_reports_with_each_credential_form_and_the_server_stamps_times(
    api, devinterview_app
):
    sid = await new_session(api)
    candidate = await join(api, sid)
    forms = credential_forms(candidate)

    before = utcnow()
    pasted = await api("POST", f"sessions/{sid}/events", PASTE, as_=None, **forms["bearer"])
    after = utcnow()
    assert pasted.status == 201, pasted.body
    event = pasted.json
    assert set(event) == {
        "id",
        "kind",
        "role",
        "participant_name",
        "started_at",
        "ended_at",
        "size",
    }
    assert (event["kind"], event["size"], event["ended_at"]) == ("paste", 340, None)
    assert (event["role"], event["participant_name"]) == ("candidate", "Grace")
    assert before <= at(event["started_at"]) <= after

    hidden = {"kind": "hidden", "state": "start"}
    by_bearer = await api("POST", f"sessions/{sid}/events", hidden, as_=None, **forms["bearer"])
    assert by_bearer.status == 201, by_bearer.body
    assert by_bearer.json["role"] == "candidate"

    # The /join cookie is ambient (any page of the same site sends it): it only reads.
    by_cookie = await api("POST", f"sessions/{sid}/events", PASTE, as_=None, **forms["cookie"])
    assert (by_cookie.status, by_cookie.json["reason"]) == (403, "bearer_required")
    # Jupyter's own `token` header is not a candidate credential; nor is nothing.
    for creds in (forms["jupyter-token-header"], {}):
        refused = await api("POST", f"sessions/{sid}/events", PASTE, as_=None, **creds)
        assert refused.status == 401, refused.body
    assert await stored(devinterview_app, sid) == 2

    listed = await events(api, sid)
    assert [(e["kind"], e["role"]) for e in listed["events"]] == [
        ("paste", "candidate"),
        ("hidden", "candidate"),
    ]
    assert (listed["signals"], listed["paste_chars"], listed["limit_reached"]) == (True, 200, False)
    # Who reported is shown as a role and a name, never as the invite.
    for secret in (candidate["invite_id"], candidate["token"], "invite:"):
        assert secret.encode() not in (await as_(api, ALICE, "GET", f"sessions/{sid}/events")).body


async def test_a_candidate_without_a_name_is_shown_as_the_role_only(api):
    sid = await new_session(api, candidate_name=None)
    candidate = await join(api, sid)
    assert (await report(api, sid, candidate, PASTE)).json["participant_name"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "paste", "size": 340, "started_at": "2020-01-01T00:00:00Z"},
        {"kind": "hidden", "state": "start", "at": "2020-01-01T00:00:00Z"},
        {"kind": "hidden", "state": "end", "ended_at": "2020-01-01T00:00:00Z"},
        {"kind": "paste", "size": 340, "participant": "user:alice"},
        {"kind": "paste", "size": 340, "role": "interviewer"},
    ],
)
async def test_a_time_or_identity_in_the_report_is_refused(api, devinterview_app, body):
    sid = await new_session(api)
    candidate = await join(api, sid)
    reply = await report(api, sid, candidate, body)
    assert (reply.status, reply.json["reason"]) == (400, "validation_error"), reply.body
    assert await stored(devinterview_app, sid) == 0


async def test_intervals_pair_up_and_a_start_while_open_is_idempotent(api, devinterview_app):
    sid = await new_session(api)
    candidate = await join(api, sid)
    start, end = "start", "end"

    first = await report(api, sid, candidate, {"kind": "hidden", "state": start})
    assert first.status == 201 and first.json["ended_at"] is None
    again = await report(api, sid, candidate, {"kind": "hidden", "state": start})
    assert again.status == 200 and again.json == first.json
    # Another kind is another interval.
    unfocused = await report(api, sid, candidate, {"kind": "unfocused", "state": start})
    assert unfocused.status == 201 and unfocused.json["id"] != first.json["id"]

    closed = await report(api, sid, candidate, {"kind": "hidden", "state": end})
    assert closed.status == 200 and closed.json["id"] == first.json["id"]
    assert at(closed.json["started_at"]) <= at(closed.json["ended_at"])
    # Nothing open: an end changes nothing (a reloaded page ends what may be open).
    nothing = await report(api, sid, candidate, {"kind": "hidden", "state": end})
    assert (nothing.status, nothing.body) == (204, b"")
    reopened = await report(api, sid, candidate, {"kind": "hidden", "state": start})
    assert reopened.status == 201 and reopened.json["id"] not in (
        first.json["id"],
        unfocused.json["id"],
    )

    # An interval is per participant: the interviewer's end does not close the candidate's.
    mine = await as_(
        api, ALICE, "POST", f"sessions/{sid}/events", {"kind": "unfocused", "state": end}
    )
    assert mine.status == 204
    listed = (await events(api, sid))["events"]
    assert [(e["kind"], e["ended_at"] is None) for e in listed] == [
        ("hidden", False),
        ("unfocused", True),
        ("hidden", True),
    ]
    assert await stored(devinterview_app, sid) == 3


async def test_concurrent_reports_keep_one_open_interval_and_the_cap(api, devinterview_app):
    sid = await new_session(api)
    candidate = await join(api, sid)
    starts = await asyncio.gather(
        *(report(api, sid, candidate, {"kind": "hidden", "state": "start"}) for _ in range(6))
    )
    assert sorted(r.status for r in starts) == [200] * 5 + [201]
    assert len({r.json["id"] for r in starts}) == 1

    devinterview_app.integrity_max_events_per_session = 4
    pastes = await asyncio.gather(*(report(api, sid, candidate, PASTE) for _ in range(8)))
    assert sorted(r.status for r in pastes) == [201] * 3 + [409] * 5
    assert await stored(devinterview_app, sid) == 4


BAD_REPORTS = [
    {"kind": "typing", "size": 300},
    {"kind": "paste"},
    {"kind": "paste", "size": -5},
    {"kind": "paste", "size": 0},
    {"kind": "paste", "size": 10_000_001},
    {"kind": "paste", "size": 2**63},
    {"kind": "paste", "size": True},
    {"kind": "paste", "size": 300.5},
    {"kind": "paste", "size": "300"},
    {"kind": "paste", "size": None},
    {"kind": "paste", "size": 300, "state": "start"},
    {"kind": "hidden"},
    {"kind": "hidden", "state": "middle"},
    {"kind": "hidden", "state": "start", "size": 300},
    {"kind": "unfocused", "state": True},
    {"kind": None, "state": "start"},
    {"size": 300},
    [],
    "paste",
    300,
]


@pytest.mark.parametrize("body", BAD_REPORTS)
async def test_bad_reports_are_refused_and_store_nothing(api, devinterview_app, body):
    sid = await new_session(api)
    candidate = await join(api, sid)
    reply = await report(api, sid, candidate, body)
    assert reply.status == 400, (body, reply.status, reply.body)
    assert reply.json["reason"] in ("validation_error", "invalid_event")
    assert await stored(devinterview_app, sid) == 0


async def test_malformed_bodies_are_refused_and_a_whole_float_is_an_integer(api, devinterview_app):
    sid = await new_session(api)
    candidate = await join(api, sid)
    for raw in (b"", b"{", b'{"kind": "paste", "size": NaN}', b'{"kind": "paste", "size": 1e400}'):
        reply = await api(
            "POST", f"sessions/{sid}/events", as_=None, bearer=candidate["token"], raw=raw
        )
        assert reply.status == 400, (raw, reply.body)
    assert await stored(devinterview_app, sid) == 0
    # JSON has one number type: 340.0 is the integer 340, stored as one.
    whole = b'{"kind": "paste", "size": 340.0}'
    reply = await api(
        "POST", f"sessions/{sid}/events", as_=None, bearer=candidate["token"], raw=whole
    )
    assert (reply.status, reply.json["size"]) == (201, 340)
    assert b"340.0" not in (await as_(api, ALICE, "GET", f"sessions/{sid}/events")).body


async def test_a_paste_below_the_threshold_is_not_recorded(api, devinterview_app):
    sid = await new_session(api)
    candidate = await join(api, sid)
    small = await report(api, sid, candidate, {"kind": "paste", "size": 199})
    assert (small.status, small.json["reason"]) == (422, "below_threshold")
    assert (await report(api, sid, candidate, {"kind": "paste", "size": 200})).status == 201
    assert await stored(devinterview_app, sid) == 1


@pytest.mark.parametrize("devinterview_config", [{"integrity_max_events_per_session": 3}])
async def test_a_session_stores_at_most_its_cap(api, devinterview_app):
    sid = await new_session(api)
    candidate = await join(api, sid)
    for body in (PASTE, PASTE, {"kind": "unfocused", "state": "start"}):
        assert (await report(api, sid, candidate, body)).status == 201
    full = await report(api, sid, candidate, PASTE)
    assert (full.status, full.json["reason"]) == (409, "event_limit")
    interviewer = await as_(api, ALICE, "POST", f"sessions/{sid}/events", PASTE)
    assert interviewer.status == 409
    # Closing an interval adds no event: still allowed, so no interval stays open.
    ended = await report(api, sid, candidate, {"kind": "unfocused", "state": "end"})
    assert ended.status == 200 and ended.json["ended_at"] is not None
    # A start of an open interval would be answered with it; a new one is refused.
    refused = await report(api, sid, candidate, {"kind": "unfocused", "state": "start"})
    assert refused.status == 409
    assert await stored(devinterview_app, sid) == 3
    assert (await events(api, sid))["limit_reached"] is True


@pytest.mark.parametrize("devinterview_config", [{"integrity_events_per_minute": 3}])
async def test_reports_are_rate_limited_per_participant(api, devinterview_app):
    now = [1000.0]
    devinterview_app.integrity_limiter.clock = lambda: now[0]
    sid = await new_session(api)
    candidate = await join(api, sid)
    # Refused reports count too: a page cannot probe for free.
    assert (await report(api, sid, candidate, {"kind": "nope"})).status == 400
    for _ in range(2):
        assert (await report(api, sid, candidate, PASTE)).status == 201
    limited = await report(api, sid, candidate, PASTE)
    assert (limited.status, limited.json["reason"]) == (429, "rate_limited")
    assert limited.headers["Retry-After"] == "60"
    # Counted per participant: another invite of the session, and an interviewer, are not.
    other = await join(api, sid)
    assert (await report(api, sid, other, PASTE)).status == 201
    assert (await as_(api, ALICE, "POST", f"sessions/{sid}/events", PASTE)).status == 201
    now[0] += 45
    assert (await report(api, sid, candidate, PASTE)).headers["Retry-After"] == "15"
    now[0] += 15
    assert (await report(api, sid, candidate, PASTE)).status == 201
    assert await stored(devinterview_app, sid) == 5


def test_the_request_limiter_counts_windows_and_forgets_the_oldest_key():
    now = [0.0]
    limiter = RequestLimiter(2, window_seconds=10, max_keys=2, clock=lambda: now[0])
    assert [limiter.hit("a") for _ in range(3)] == [None, None, 10]
    now[0] = 9.5
    assert limiter.hit("a") == 1
    now[0] = 10
    assert limiter.hit("a") is None
    limiter.hit("b")
    limiter.hit("c")  # "a" is the least recently seen: forgotten
    assert len(limiter) == 2
    assert [limiter.hit("a"), limiter.hit("a")] == [None, None]
    assert RequestLimiter(0).hit("a") is None


async def test_nothing_is_recorded_once_the_interview_has_ended(api, devinterview_app):
    sid = await new_session(api)
    candidate = await join(api, sid)
    assert (await report(api, sid, candidate, {"kind": "hidden", "state": "start"})).status == 201
    assert (await report(api, sid, candidate, PASTE)).status == 201
    ended = await as_(api, ALICE, "POST", f"sessions/{sid}/terminate")
    assert ended.status == 200
    # The open interval ended with the interview.
    hidden, paste = (await events(api, sid))["events"]
    assert hidden["ended_at"] == ended.json["ended_at"] and paste["ended_at"] is None
    for body in (
        PASTE,
        {"kind": "hidden", "state": "end"},
        {"kind": "unfocused", "state": "start"},
    ):
        reply = await report(api, sid, candidate, body)
        assert (reply.status, reply.json["reason"]) == (409, "terminated"), body
        reply = await as_(api, ALICE, "POST", f"sessions/{sid}/events", body)
        assert reply.status == 409
    assert await stored(devinterview_app, sid) == 2


async def test_a_candidate_reports_only_on_their_own_session(api, devinterview_app):
    sid, other = await new_session(api), await new_session(api)
    candidate = await join(api, sid)
    forms = credential_forms(candidate)
    reply = await api("POST", f"sessions/{other}/events", PASTE, as_=None, **forms["bearer"])
    assert (reply.status, reply.json["reason"]) == (403, "forbidden")
    reply = await api("POST", f"sessions/{other}/events", PASTE, as_=None, **forms["cookie"])
    assert reply.status == 403
    assert await stored(devinterview_app, other) == 0


async def test_a_revoked_invite_reports_nothing(api, devinterview_app):
    sid = await new_session(api)
    candidate = await join(api, sid)
    revoked = await as_(api, ALICE, "DELETE", f"sessions/{sid}/invites/{candidate['invite_id']}")
    assert revoked.status == 204
    reply = await report(api, sid, candidate, PASTE)
    assert (reply.status, reply.json["reason"]) == (401, "revoked")
    assert await stored(devinterview_app, sid) == 0


async def test_candidates_never_read_events_by_any_credential(api):
    sid = await new_session(api)
    candidate = await join(api, sid)
    assert (await report(api, sid, candidate, PASTE)).status == 201
    forms = {**credential_forms(candidate), "none": {}}
    for form, creds in forms.items():
        reply = await api("GET", f"sessions/{sid}/events", as_=None, **creds)
        expected = (401,) if form == "none" else (401, 403)
        assert reply.status in expected, (form, reply.status)
        assert b"paste" not in reply.body and b"340" not in reply.body


async def test_the_candidate_is_told_what_is_recorded_when_joining(api):
    sid = await new_session(api)
    candidate = await join(api, sid)
    assert candidate["joined"]["integrity"] == {"signals": True, "paste_chars": 200}


@pytest.mark.parametrize(
    "devinterview_config", [{"integrity_signals": False, "integrity_paste_chars": 500}]
)
async def test_with_signals_off_nothing_is_recorded_and_the_candidate_is_told(
    api, devinterview_app
):
    sid = await new_session(api)
    candidate = await join(api, sid)
    assert candidate["joined"]["integrity"] == {"signals": False, "paste_chars": 500}
    for body in (PASTE, {"kind": "hidden", "state": "start"}):
        reply = await report(api, sid, candidate, body)
        assert (reply.status, reply.json["reason"]) == (409, "disabled")
        reply = await as_(api, ALICE, "POST", f"sessions/{sid}/events", body)
        assert (reply.status, reply.json["reason"]) == (409, "disabled")
    listed = await events(api, sid)
    assert (listed["events"], listed["signals"]) == ([], False)
    assert await stored(devinterview_app, sid) == 0


async def test_unknown_and_malformed_sessions(api):
    candidate = await join(api, await new_session(api))
    missing = str(uuid.uuid4())
    assert (await as_(api, ALICE, "GET", f"sessions/{missing}/events")).status == 404
    assert (await as_(api, ALICE, "POST", f"sessions/{missing}/events", PASTE)).status == 404
    assert (await as_(api, ALICE, "GET", "sessions/nope/events")).status == 400
    assert (await report(api, "nope", candidate, PASTE)).status == 400


async def test_interviewers_may_report_as_themselves(api):
    sid = await new_session(api)
    reply = await as_(api, BOB, "POST", f"sessions/{sid}/events", PASTE)
    assert reply.status == 201
    assert (reply.json["role"], reply.json["participant_name"]) == ("interviewer", "bob")


# -- team mode --------------------------------------------------------------------------------


@TEAM
async def test_team_mode_owner_and_co_interviewers_only(api, devinterview_app):
    sid = await new_session(api)
    candidate = await join(api, sid)
    assert (await report(api, sid, candidate, PASTE)).status == 201
    for who in (BOB, CAROL):
        assert (await as_(api, who, "GET", f"sessions/{sid}/events")).status == 404
        assert (await as_(api, who, "POST", f"sessions/{sid}/events", PASTE)).status == 404
    assert await stored(devinterview_app, sid) == 1

    await as_(api, ALICE, "PUT", f"sessions/{sid}/co-interviewers/carol")
    listed = await events(api, sid, CAROL)
    assert [(e["kind"], e["participant_name"]) for e in listed["events"]] == [("paste", "Grace")]
    mine = await as_(
        api, CAROL, "POST", f"sessions/{sid}/events", {"kind": "hidden", "state": "start"}
    )
    assert (mine.status, mine.json["participant_name"]) == (201, "carol")
    # The candidate's credential works as in every mode.
    assert (await report(api, sid, candidate, {"kind": "hidden", "state": "start"})).status == 201

    await as_(api, ALICE, "DELETE", f"sessions/{sid}/co-interviewers/carol")
    assert (await as_(api, CAROL, "GET", f"sessions/{sid}/events")).status == 404


# -- deletion ---------------------------------------------------------------------------------


async def test_deleting_a_session_deletes_its_events(
    api, devinterview_app, devinterview_db_backend, devinterview_database_url
):
    sid, other = await new_session(api), await new_session(api)
    for session in (sid, other):
        candidate = await join(api, session)
        assert (await report(api, session, candidate, PASTE)).status == 201
    assert (await as_(api, ALICE, "DELETE", f"sessions/{sid}")).status == 204
    assert await stored(devinterview_app, sid) == 0
    assert await stored(devinterview_app, other) == 1

    if devinterview_db_backend == "sqlite":
        # Without the foreign-key pragma SQLite does not cascade: the delete itself must.
        url = devinterview_database_url.replace("sqlite://", "sqlite+aiosqlite://", 1)
        bare = create_async_engine(url)
        try:
            async with AsyncSession(bare) as db, db.begin():
                await ops.delete_session(db, uuid.UUID(other))
            async with AsyncSession(bare) as db:
                count = await db.scalar(select(func.count()).select_from(SessionEvent))
                assert count == 0
        finally:
            await bare.dispose()


# -- a candidate page on another origin, a hardened server ----------------------------------

SITE = "https://interviews.example.org"


@pytest.mark.parametrize("devinterview_config", [{"allowed_origins": [SITE]}])
async def test_a_candidate_page_on_a_listed_origin_may_report(api):
    sid = await new_session(api)
    candidate = await join(api, sid)
    preflight = await api(
        "OPTIONS",
        f"sessions/{sid}/events",
        as_=None,
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == SITE
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    reply = await api(
        "POST",
        f"sessions/{sid}/events",
        PASTE,
        as_=None,
        bearer=candidate["token"],
        headers={"Origin": SITE},
    )
    assert reply.status == 201
    assert reply.headers["Access-Control-Allow-Origin"] == SITE
    evil = await api(
        "POST",
        f"sessions/{sid}/events",
        PASTE,
        as_=None,
        bearer=candidate["token"],
        headers={"Origin": "https://evil.example"},
    )
    assert "Access-Control-Allow-Origin" not in evil.headers


class TestHardenedServer:
    """`ServerApp.allow_unauthenticated_access = False`: the candidate still reports, and
    reading stays an interviewer's."""

    @pytest.fixture
    def jp_server_config(self, devinterview_database_url: str) -> Any:
        return {
            "ServerApp": {
                "jpserver_extensions": {"devinterview_jupyter": True},
                "allow_unauthenticated_access": False,
            },
            "DevInterviewApp": {"database_url": devinterview_database_url},
        }

    async def test_candidates_still_report(self, api):
        created = await api("POST", "sessions", {"title": "Backend engineer"})
        sid = created.json["id"]
        invite = await api("POST", f"sessions/{sid}/invites", {})
        token = invite.json["token"]
        assert (await api("POST", "join", {"token": token}, as_=None)).status == 200
        reply = await api("POST", f"sessions/{sid}/events", PASTE, as_=None, bearer=token)
        assert reply.status == 201, reply.body
        assert (await api("GET", f"sessions/{sid}/events", as_=None, bearer=token)).status in (
            401,
            403,
        )
        assert (await api("GET", f"sessions/{sid}/events")).json["events"][0]["size"] == 340
