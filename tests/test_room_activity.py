"""A live interview is activity of the Jupyter server (rooms/activity.py).

JupyterHub's idle culler stops servers whose ``last_activity`` (what jupyterhub-singleuser
reports, and ``GET /api/status`` shows) is old. Here nothing but room traffic happens
between two readings of ``/api/status`` — which itself counts as no activity — and the
reading must move; without traffic it must not.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timezone
from typing import Any

import pytest
from pycrdt import Doc, Text

from devinterview_jupyter.rooms import activity
from devinterview_jupyter.rooms.stream_transport import StreamTransport
from devinterview_jupyter.rooms.websocket import RoomSocket
from devinterview_jupyter.testing.rest import create_invite, create_session
from devinterview_jupyter.testing.rooms import synced_doc, text, until

# Longer than the activity clock's interval: the next frame writes a new timestamp.
PAST_THROTTLE = activity.MIN_INTERVAL + 0.3


async def last_activity(api: Any) -> datetime:
    reply = await api("GET", "status", prefix="api/")
    assert reply.status == 200, reply.body
    return datetime.fromisoformat(reply.json["last_activity"])


def append(doc: Doc[Any], value: str) -> None:
    source = doc.get("source", type=Text)
    source.insert(len(str(source)), value)


async def test_room_traffic_alone_moves_the_servers_last_activity(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api)
    inv = await create_invite(api, s["id"])
    candidate = {"Authorization": f"Bearer {inv['token']}"}
    url = room_url(s["id"])

    await asyncio.sleep(PAST_THROTTLE)
    before = await last_activity(api)
    # /api/status is not activity: reading it twice, with nothing in between, agrees.
    await asyncio.sleep(PAST_THROTTLE)
    assert await last_activity(api) == before

    async with synced_doc(url, interviewer) as lead:
        # Connecting and syncing (the frames of the sync steps) is activity.
        joined = await last_activity(api)
        assert joined > before

        room = devinterview_app.rooms.rooms[uuid.UUID(s["id"])]
        (peer,) = room.sync.peers
        # The frames reach the handler through our frame layer (there is no other).
        assert type(peer) is RoomSocket
        assert isinstance(peer.transport, StreamTransport)

        async with synced_doc(url, candidate) as cand:
            # A connection that sends nothing leaves last_activity where it is.
            await asyncio.sleep(PAST_THROTTLE)
            idle = await last_activity(api)
            await asyncio.sleep(PAST_THROTTLE)
            assert await last_activity(api) == idle

            # A frame from an open connection (a candidate's: no Jupyter identity) is.
            append(cand, "print('hi')")
            await until(lambda: text(lead) == "print('hi')", what="the edit to reach the lead")
            typed = await last_activity(api)
            assert typed > idle

            # And the next one, once the throttle's second has passed.
            await asyncio.sleep(PAST_THROTTLE)
            append(lead, "\n")
            await until(lambda: text(cand) == "print('hi')\n", what="the edit to reach cand")
            assert await last_activity(api) > typed


def test_the_activity_clock_writes_at_most_once_per_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    monkeypatch.setattr(activity.time, "monotonic", lambda: now[0])
    settings: dict[str, Any] = {}
    clock = activity.activity_clock(settings)
    assert activity.activity_clock(settings) is clock  # one per server

    clock.touch()
    first = settings[activity.SETTING]
    assert first.tzinfo is timezone.utc  # Jupyter compares it with aware datetimes

    del settings[activity.SETTING]
    now[0] += activity.MIN_INTERVAL / 2
    clock.touch()
    assert activity.SETTING not in settings  # throttled

    now[0] += activity.MIN_INTERVAL / 2
    clock.touch()
    assert settings[activity.SETTING] >= first
