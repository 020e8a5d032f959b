"""The sessions REST contract, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select

from devinterview_jupyter.api.validation import openapi_document
from devinterview_jupyter.db.models import Invite, RoomUpdate
from devinterview_jupyter.testing.rest import create_invite, create_session
from tests.helpers import backdate_start

# What the API promises a session looks like.
SESSION_FIELDS = set(openapi_document()["components"]["schemas"]["Session"]["properties"])


def parse_ts(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert parsed.utcoffset() is not None and parsed.utcoffset().total_seconds() == 0
    return parsed


async def test_create_returns_the_whole_session(api):
    reply = await api(
        "POST",
        "sessions",
        {
            "title": "  Platform team  ",
            "language": "go",
            "candidate_name": "Ada",
            "planned_minutes": 45,
        },
    )
    assert reply.status == 201
    s = reply.json
    assert set(s) == SESSION_FIELDS
    assert uuid.UUID(s["id"])
    assert s["title"] == "Platform team"
    assert (s["language"], s["status"], s["candidate_name"], s["planned_minutes"]) == (
        "go",
        "scheduled",
        "Ada",
        45,
    )
    assert s["owner"]
    parse_ts(s["created_at"])
    assert s["started_at"] is None and s["ended_at"] is None and s["duration_minutes"] is None
    assert reply.headers["Location"].endswith(s["id"])


async def test_defaults(api):
    s = await create_session(api)
    assert s["language"] == "python"
    assert s["candidate_name"] is None
    assert s["planned_minutes"] is None


async def test_get_one_and_unknown(api):
    s = await create_session(api)
    reply = await api("GET", f"sessions/{s['id']}")
    assert reply.status == 200
    assert reply.json == s
    missing = await api("GET", f"sessions/{uuid.uuid4()}")
    assert missing.status == 404
    assert "no interview session" in missing.json["message"]


async def test_list_newest_first_with_total_and_paging(api):
    ids = [(await create_session(api, title=f"S{i}"))["id"] for i in range(5)]
    reply = await api("GET", "sessions")
    assert reply.status == 200
    assert reply.json["total"] == 5
    assert [s["id"] for s in reply.json["items"]] == list(reversed(ids))

    page = await api("GET", "sessions?limit=2&offset=1")
    assert page.json["total"] == 5
    assert [s["id"] for s in page.json["items"]] == [ids[3], ids[2]]

    beyond = await api("GET", "sessions?offset=10")
    assert beyond.json == {"items": [], "total": 5}
    # Lists change all the time and JupyterLab never revalidates them: no ETag to hash.
    assert "Etag" not in reply.headers


async def test_listed_sessions_match_the_session_itself(api):
    created = await create_session(api, title="Same", candidate_name="Ada", planned_minutes=30)
    await api("POST", f"sessions/{created['id']}/start")
    one = (await api("GET", f"sessions/{created['id']}")).json
    listed = (await api("GET", "sessions")).json["items"]
    assert listed == [one]
    assert one["started_at"].endswith("Z") and one["created_at"].endswith("Z")


async def test_list_filters_by_status(api):
    a = await create_session(api, title="A")
    b = await create_session(api, title="B")
    await create_session(api, title="C")
    await api("POST", f"sessions/{a['id']}/start")
    await api("POST", f"sessions/{b['id']}/terminate")
    for status, expected in (("active", [a["id"]]), ("terminated", [b["id"]])):
        reply = await api("GET", f"sessions?status={status}")
        assert reply.json["total"] == 1
        assert [s["id"] for s in reply.json["items"]] == expected
    scheduled = await api("GET", "sessions?status=scheduled")
    assert [s["title"] for s in scheduled.json["items"]] == ["C"]


async def test_patch_changes_only_given_fields(api):
    s = await create_session(api, candidate_name="Ada", planned_minutes=30)
    reply = await api("PATCH", f"sessions/{s['id']}", {"title": "Renamed", "language": "sql"})
    assert reply.status == 200
    assert reply.json["title"] == "Renamed"
    assert reply.json["language"] == "sql"
    assert reply.json["candidate_name"] == "Ada"
    assert reply.json["planned_minutes"] == 30
    cleared = await api("PATCH", f"sessions/{s['id']}", {"candidate_name": None})
    assert cleared.json["candidate_name"] is None
    assert (await api("GET", f"sessions/{s['id']}")).json["title"] == "Renamed"


async def test_patch_on_terminated_is_409_and_changes_nothing(api):
    s = await create_session(api)
    await api("POST", f"sessions/{s['id']}/terminate")
    reply = await api("PATCH", f"sessions/{s['id']}", {"title": "Too late"})
    assert reply.status == 409
    assert "terminated" in reply.json["message"]
    assert (await api("GET", f"sessions/{s['id']}")).json["title"] == s["title"]


async def test_start_is_idempotent(api):
    s = await create_session(api)
    first = await api("POST", f"sessions/{s['id']}/start")
    assert first.status == 200
    assert first.json["status"] == "active"
    started = parse_ts(first.json["started_at"])
    second = await api("POST", f"sessions/{s['id']}/start")
    assert second.status == 200
    assert parse_ts(second.json["started_at"]) == started


async def test_terminate_records_duration_in_minutes(api, devinterview_app):
    s = await create_session(api)
    await api("POST", f"sessions/{s['id']}/start")
    await backdate_start(devinterview_app, s["id"], 42.25)
    reply = await api("POST", f"sessions/{s['id']}/terminate")
    assert reply.status == 200
    t = reply.json
    assert t["status"] == "terminated"
    ended, started = parse_ts(t["ended_at"]), parse_ts(t["started_at"])
    assert t["duration_minutes"] == round((ended - started).total_seconds() / 60, 1)
    assert 42.2 <= t["duration_minutes"] <= 42.4

    again = await api("POST", f"sessions/{s['id']}/terminate")
    assert again.status == 200
    assert again.json == t
    listed = (await api("GET", "sessions")).json["items"][0]
    assert listed["duration_minutes"] == t["duration_minutes"]


async def test_terminate_never_started_has_zero_duration(api):
    s = await create_session(api)
    t = (await api("POST", f"sessions/{s['id']}/terminate")).json
    assert t["status"] == "terminated"
    assert t["duration_minutes"] == 0
    assert t["started_at"] is None
    assert t["ended_at"] is not None


async def test_start_after_terminate_is_409(api):
    s = await create_session(api)
    await api("POST", f"sessions/{s['id']}/terminate")
    reply = await api("POST", f"sessions/{s['id']}/start")
    assert reply.status == 409
    assert (await api("GET", f"sessions/{s['id']}")).json["status"] == "terminated"


async def test_delete_removes_session_invites_and_room_data(api, devinterview_app):
    s = await create_session(api)
    keep = await create_session(api, title="Other")
    await create_invite(api, s["id"])
    await create_invite(api, keep["id"])
    sid = uuid.UUID(s["id"])
    async with devinterview_app.database.session() as db:
        db.add(RoomUpdate(session_id=sid, kind="update", data=b"\x00\x01"))
        db.add(RoomUpdate(session_id=uuid.UUID(keep["id"]), kind="update", data=b"\x02"))

    reply = await api("DELETE", f"sessions/{s['id']}")
    assert reply.status == 204
    assert reply.body == b""
    assert (await api("GET", f"sessions/{s['id']}")).status == 404
    assert (await api("DELETE", f"sessions/{s['id']}")).status == 404
    async with devinterview_app.database.session() as db:
        invites = await db.scalar(select(func.count()).select_from(Invite))
        updates = await db.scalar(select(func.count()).select_from(RoomUpdate))
        orphans = await db.scalar(
            select(func.count()).select_from(RoomUpdate).where(RoomUpdate.session_id == sid)
        )
    assert (invites, updates, orphans) == (1, 1, 0)
    assert (await api("GET", f"sessions/{keep['id']}")).status == 200


async def test_owner_is_the_jupyter_user(api):
    # Jupyter names a header-token caller afresh per request, so compare shapes, not equality.
    s = await create_session(api)
    me = await api("GET", "me")
    assert me.json["kind"] == "interviewer"
    assert isinstance(s["owner"], str) and s["owner"]
    assert isinstance(me.json["name"], str) and me.json["name"]
