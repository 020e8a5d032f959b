"""The room as it was after one step, as the JSON the replay panel draws (docs/replay.md)."""

from __future__ import annotations

from typing import Any

from pycrdt import Array, Doc, Map, Text

from ..rooms.ydoc import META, QUESTION, RUNS, SOURCE, TEST_RUNS, WHITEBOARD
from .markers import root_of
from .timeline import Timeline


def document_json(doc: Doc[Any]) -> dict[str, Any]:
    """The parts of an interview document the replay shows, as plain JSON (also what the
    tests record from a live room to compare with)."""
    source = root_of(doc, SOURCE, Text)
    meta = root_of(doc, META, Map)
    meta_values = (meta.to_py() or {}) if meta is not None else {}
    return {
        "code": str(source) if source is not None else "",
        "language": meta_values.get("language"),
        "status": meta_values.get("status"),
        "whiteboard": _list(doc, WHITEBOARD),
        "runs": _list(doc, RUNS),
        "test_runs": _list(doc, TEST_RUNS),
        "question": _map(doc, QUESTION),
    }


def _list(doc: Doc[Any], name: str) -> list[Any]:
    shared = root_of(doc, name, Array)
    return (shared.to_py() or []) if shared is not None else []


def _map(doc: Doc[Any], name: str) -> dict[str, Any]:
    shared = root_of(doc, name, Map)
    return (shared.to_py() or {}) if shared is not None else {}


def state_json(timeline: Timeline, step: int) -> dict[str, Any]:
    """The state after ``step`` (0 <= step < steps). Runs in the replay thread."""
    view = document_json(timeline.room.doc_at(step))
    return {
        "step": step,
        "at_ms": timeline.times[step],
        **view,
        "notes": timeline.notes_at(step),
    }
