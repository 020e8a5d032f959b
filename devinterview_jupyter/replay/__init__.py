"""The replay of an interview: its room rebuilt as it was at any step of the stored log,
with markers of what happened when (docs/replay.md).

- ``timeline.py``: reading a session's log in one pass, the cache of timelines;
- ``log.py``: a log in memory with checkpoints, the document after any row;
- ``markers.py``: runs, language changes, reveals, test runs, start, end, integrity events;
- ``state.py``: the JSON of one step;
- ``worker.py``: the threads all of it runs in, off the server's event loop.
"""

from __future__ import annotations

from .markers import Marker
from .state import document_json, state_json
from .timeline import DEFAULT_MAX_LOG_BYTES, Timeline, TimelineCache, load_timeline
from .worker import in_replay_thread

__all__ = [
    "DEFAULT_MAX_LOG_BYTES",
    "Marker",
    "Timeline",
    "TimelineCache",
    "document_json",
    "in_replay_thread",
    "load_timeline",
    "state_json",
]
