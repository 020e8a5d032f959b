"""What a report holds, gathered from the database: the JSON of ``GET …/report``
(``Report`` in openapi.json), from which the notebook is made too.

Everything is read as stored now, so the report of a live session is the interview so
far. The room's document is rebuilt from its whole log by the replay's timeline (the
timeline's markers are the report's timeline too); the notes come from their own log.
"""

from __future__ import annotations

import asyncio
import math
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from .. import integrity, scorecards
from .. import sessions as ops
from ..db.engine import Database
from ..db.models import utcnow
from ..notes import read_notes
from ..questions import chosen
from ..replay import Timeline, TimelineCache, document_json, in_replay_thread, load_timeline
from ..rooms.schema import CASE_STATUSES, OUTPUT_STREAMS, RUN_STATUSES, TEST_RUN_STATUSES
from ..sessions import SESSION_FIELDS
from . import svg

VISIBILITY_RULE = (
    "An interviewer sees the other interviewers' scorecards only once their own is "
    "submitted, and never a draft but their own."
)
# Client clocks stamp runs (startedAt, epoch ms): only a plausible one becomes a date.
_EARLIEST_MS = 946_684_800_000  # 2000-01-01
_LATEST_MS = 253_402_214_400_000  # 9999-12-31


# -- values from the document ---------------------------------------------------------------
# The document passed the room's rules when it was written (rooms/schema.py), but rules
# change and rows outlive them: every value is checked again, never trusted.


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        value = float(value)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def client_time(value: Any) -> datetime | None:
    """A client's epoch-millisecond stamp as a date, when it is a plausible one."""
    ms = _number(value)
    if ms is None or not _EARLIEST_MS <= ms <= _LATEST_MS:
        return None
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms)


def _author(value: Any) -> dict[str, str]:
    author = value if isinstance(value, Mapping) else {}
    role = _text(author.get("role"))
    return {
        "name": _text(author.get("name"))[:256],
        "role": role if role in ("candidate", "interviewer") else "unknown",
    }


def _chunk(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    if value.get("kind") == "text":
        stream = value.get("stream")
        return {
            "kind": "text",
            "stream": stream if stream in OUTPUT_STREAMS else "stdout",
            "text": _text(value.get("text")),
        }
    if value.get("kind") == "table":
        columns = value.get("columns")
        rows = value.get("rows")
        return {
            "kind": "table",
            "columns": [_text(c) for c in columns] if isinstance(columns, list) else [],
            "rows": [
                [_cell(cell) for cell in row]
                for row in (rows if isinstance(rows, list) else [])
                if isinstance(row, list)
            ],
            "truncated": value.get("truncated") is True,
        }
    return None


def _cell(value: Any) -> str | float | None:
    if isinstance(value, str):
        return value
    return _number(value)


def run_json(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    status = value.get("status")
    output = value.get("output")
    chunks = [_chunk(c) for c in output] if isinstance(output, list) else []
    return {
        "id": _text(value.get("id"))[:64],
        "language": _text(value.get("language"))[:32],
        "code": _text(value.get("code")),
        "stdin": _text(value.get("stdin")),
        "by": _author(value.get("by")),
        "status": status if status in RUN_STATUSES else "unknown",
        "started_at": client_time(value.get("startedAt")),
        "duration_ms": _non_negative(value.get("durationMs")),
        "output": [c for c in chunks if c is not None],
    }


def _non_negative(value: Any) -> float | None:
    number = _number(value)
    return number if number is not None and number >= 0 else None


def _case_json(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    status = value.get("status")
    actual, error = value.get("actual"), value.get("error")
    return {
        "name": _text(value.get("name")),
        "input": _text(value.get("input")),
        "expected": _text(value.get("expected")),
        "actual": actual if isinstance(actual, str) else None,
        "error": error if isinstance(error, str) else None,
        "status": status if status in CASE_STATUSES else "error",
        "duration_ms": _non_negative(value.get("durationMs")),
    }


def test_run_json(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    status = value.get("status")
    results = value.get("results")
    cases = [_case_json(c) for c in results] if isinstance(results, list) else []
    kept = [c for c in cases if c is not None]
    total = _number(value.get("total"))
    return {
        "id": _text(value.get("id"))[:64],
        "language": _text(value.get("language"))[:32],
        "question": _text(value.get("question"))[:64],
        "by": _author(value.get("by")),
        "status": status if status in TEST_RUN_STATUSES else "unknown",
        "started_at": client_time(value.get("startedAt")),
        "total": int(total) if total is not None and 0 <= total <= 10_000 else len(kept),
        "passed": sum(1 for c in kept if c["status"] == "pass"),
        "results": kept,
    }


def _listed(values: Any, convert: Any) -> list[dict[str, Any]]:
    found = [convert(v) for v in values] if isinstance(values, list) else []
    return [v for v in found if v is not None]


# -- the timeline ---------------------------------------------------------------------------


def timeline_json(timeline: Timeline) -> list[dict[str, Any]]:
    """The timeline's markers, each with its date (the server's clock)."""
    start = timeline.started_at
    return [
        {
            "kind": m.kind,
            "at": start + timedelta(milliseconds=m.at_ms),
            "offset_ms": m.at_ms,
            "label": m.label,
            "detail": m.detail,
        }
        for m in timeline.markers
    ]


# -- gathering ------------------------------------------------------------------------------


async def gather(
    database: Database,
    session_id: uuid.UUID,
    viewer: str,
    *,
    cache: TimelineCache | None = None,
) -> dict[str, Any]:
    """The report of a session for the interviewer ``viewer`` (whose scorecard decides
    which of the others' they see). ``ApiError`` 404 when there is no such session.
    ``cache``: the replay's timelines, shared (a report after a replay reads no log)."""
    async with database.session() as db:
        session = await ops.get_session(db, session_id)
        session_json = {field: getattr(session, field) for field in SESSION_FIELDS}
        question = await chosen.current(db, session_id)
        question_json = None if question is None else chosen.rest_view(question)
        cards = await scorecards.of_session(db, session_id)
        shown, hidden = scorecards.visible(cards, viewer)
        scorecards_json = {
            "viewer": viewer,
            "items": [scorecards.scorecard_json(c) for c in shown],
            "hidden": hidden,
            "rule": VISIBILITY_RULE,
        }
        given = await integrity.given_names(db, session_id)
        events = [
            integrity.event_json(e, session.candidate_name, given)
            for e in await integrity.of_session(db, session_id)
        ]
    timeline = await load_timeline(database, session_id, cache=cache)
    # The timeline's documents are read in the replay thread only; drawing the board is
    # plain CPU work on plain values, kept off both that thread and the event loop.
    final = await in_replay_thread(lambda: document_json(timeline.room.end))
    picture = await asyncio.to_thread(svg.render, final["whiteboard"])
    notes = await read_notes(database, session_id)
    return {
        "generated_at": utcnow(),
        "session": session_json,
        "question": question_json,
        "language": _text(final.get("language")) or session.language,
        "final_code": final["code"],
        "runs": _listed(final["runs"], run_json),
        "test_runs": _listed(final["test_runs"], test_run_json),
        "notes": notes,
        "scorecards": scorecards_json,
        "events": events,
        "whiteboard": {
            "shapes": picture.drawn,
            "skipped": picture.skipped,
            "svg": picture.svg,
        },
        "timeline": timeline_json(timeline),
    }
