"""Room traffic counts as activity of the Jupyter server.

JupyterHub's idle culler stops single-user servers that have shown no activity for a
while. Jupyter reports activity as ``ServerWebApplication.last_activity()``: the latest of
its REST calls, kernels, terminals and every tornado setting whose name ends with
``_last_activity``; jupyterhub-singleuser sends that to the hub, and ``/api/status``
shows it. Room websockets are none of those, so a server hosting a live interview (the
interviewer typing in the room, no kernel running, no REST call for an hour) looked idle
and could be stopped under everyone's feet. Every room connection and every frame a
participant sends therefore marks the server active, under
``settings["devinterview_last_activity"]``.

That happens per Yjs update, for every interview the server hosts: the hot path is one
clock read and a float comparison. The timestamp is written at most once a second, which
is far finer than any culler's resolution (minutes).
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from datetime import datetime, timezone
from typing import Any

SETTING = "devinterview_last_activity"  # ends with "_last_activity": Jupyter counts it
_CLOCK_SETTING = "devinterview_activity_clock"  # where a server keeps its ActivityClock
MIN_INTERVAL = 1.0  # seconds between two writes of the timestamp


class ActivityClock:
    """Marks a Jupyter server active, at most once per ``interval`` seconds."""

    __slots__ = ("_next", "interval", "settings")

    def __init__(self, settings: MutableMapping[str, Any], interval: float = MIN_INTERVAL) -> None:
        self.settings = settings
        self.interval = interval
        self._next = float("-inf")  # monotonic time from which the next write is due

    def touch(self) -> None:
        """Something happened: the server is in use now."""
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self.interval
        self.settings[SETTING] = datetime.now(timezone.utc)


def activity_clock(settings: MutableMapping[str, Any]) -> ActivityClock:
    """The ActivityClock of the server whose tornado ``settings`` these are."""
    clock = settings.get(_CLOCK_SETTING)
    if not isinstance(clock, ActivityClock):
        clock = settings[_CLOCK_SETTING] = ActivityClock(settings)
    return clock
