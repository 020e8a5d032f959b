"""Markers of a replay's timeline: what happened at which step.

From the document, while the log is applied row by row (``DocMarkers``): the interview
started (status active, or the timer started), a run or a test run first appeared, the
language changed, the room's question showed one more part, the interview ended. From the
session's integrity events (``event_markers``): pastes, the candidate's page hidden or
unfocused, each placed at the last step at or before its server time.

Watching the document costs one flag per change of a small root (observers on ``meta``,
``timer``, ``question``, ``runs`` and ``testRuns``, never on the code or the board); the
roots are read only after a row that changed them. Of the lists of runs, only the entries
a row inserted are read (from the change's delta): reading the whole list after every row
made a log of n runs cost n² reads.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from pycrdt import Array, Doc, Map

from ..rooms.ydoc import META, QUESTION, RUNS, TEST_RUNS, TIMER

KINDS = (
    "start",
    "run",
    "test_run",
    "language",
    "reveal",
    "paste",
    "hidden",
    "unfocused",
    "terminate",
)
EVENT_KINDS = frozenset(("paste", "hidden", "unfocused"))
# Labels are short: a participant's name is the room's, and anyone in the room may set it.
MAX_NAME = 60


@dataclass(frozen=True)
class Marker:
    kind: str
    step: int
    at_ms: int
    label: str
    detail: str | None = None

    def json(self) -> dict[str, Any]:
        return asdict(self)


def _name(value: Any) -> str:
    name = value.get("name") if isinstance(value, dict) else None
    if not isinstance(name, str) or not name.strip():
        return "someone"
    name = " ".join(name.split())
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _get(container: Any, key: str) -> Any:
    try:
        return container.get(key)
    except Exception:
        return None


def root_of(doc: Doc[Any], name: str, kind: type[Any]) -> Any:
    """A root of the document, or None when a stored row made it something else."""
    try:
        return doc.get(name, type=kind)
    except Exception:
        return None


@dataclass
class _Found:
    """A marker found in the document; its label is written from the end state."""

    kind: str
    step: int
    key: str = ""  # run / test run id, or what the label needs
    detail: str | None = None


class DocMarkers:
    """Watches a document while a log is applied to it, one row (step) at a time."""

    def __init__(self, doc: Doc[Any]) -> None:
        self.doc = doc
        self.found: list[_Found] = []
        self._changed: set[str] = set()
        self._language: Any = None
        self._status: Any = None
        self._running = False
        self._start_steps: set[int] = set()
        self._question: tuple[Any, int] = (None, 0)
        self._runs: set[str] = set()
        self._test_runs: set[str] = set()
        # Entries inserted into ``runs`` / ``testRuns`` since the last row, in list order.
        self._inserted: dict[str, list[Any]] = {RUNS: [], TEST_RUNS: []}
        self._subscriptions: list[tuple[Any, Any]] = []
        for name, kind in (
            (META, Map),
            (TIMER, Map),
            (QUESTION, Map),
            (RUNS, Array),
            (TEST_RUNS, Array),
        ):
            shared = root_of(doc, name, kind)
            if shared is not None:
                # Kept: a subscription that is dropped stops observing.
                self._subscriptions.append((shared, shared.observe(self._flag(name))))

    def _flag(self, name: str) -> Callable[[Any], None]:
        # One parameter: pycrdt passes the transaction too to a callback that takes two.
        if name in self._inserted:

            def on_list(event: Any) -> None:
                self._changed.add(name)
                # The delta holds only what the row inserted (and counts of the rest).
                for op in event.delta:
                    self._inserted[name].extend(op.get("insert", ()))

            return on_list
        return lambda _event: self._changed.add(name)

    def after_row(self, step: int, server: bool = False) -> None:
        if not self._changed:
            return
        changed, self._changed = self._changed, set()
        # The status, the language and the timer are the server's: a participant's write
        # to them is put back by the server's next row, and never makes a marker.
        if META in changed and server:
            self._meta(step)
        if TIMER in changed and server:
            running = _get(root_of(self.doc, TIMER, Map), "running") is True
            if running and not self._running:
                self._add("start", step, "timer")
            self._running = running
        if QUESTION in changed:
            self._question_changed(step)
        if RUNS in changed:
            self._new_entries(step, RUNS, self._runs, "run")
        if TEST_RUNS in changed:
            self._new_entries(step, TEST_RUNS, self._test_runs, "test_run")

    def _add(self, kind: str, step: int, key: str = "", detail: str | None = None) -> None:
        if kind == "start":
            if step in self._start_steps:
                return  # the status and the timer in one write: one marker
            self._start_steps.add(step)
        self.found.append(_Found(kind, step, key, detail))

    def _meta(self, step: int) -> None:
        meta = root_of(self.doc, META, Map)
        language, status = _get(meta, "language"), _get(meta, "status")
        if language != self._language and isinstance(language, str):
            if isinstance(self._language, str):
                self._add("language", step, language, f"was {self._language}")
            self._language = language
        if status != self._status:
            if status == "active":
                self._add("start", step, "status")
            elif status == "terminated":
                self._add("terminate", step)
            self._status = status

    def _question_changed(self, step: int) -> None:
        question = root_of(self.doc, QUESTION, Map)
        qid, parts = _get(question, "id"), _get(question, "parts")
        count = len(parts) if isinstance(parts, list) else 0
        previous_id, previous_count = self._question
        if qid is not None and qid == previous_id and count > previous_count:
            for n in range(previous_count + 1, count + 1):
                title = _get(parts[n - 1], "title") if isinstance(parts[n - 1], dict) else None
                detail = " ".join(title.split())[:120] if isinstance(title, str) else None
                self._add("reveal", step, str(n), detail or None)
        self._question = (qid, count)

    def _new_entries(self, step: int, root: str, seen: set[str], kind: str) -> None:
        # A run is written with its id (the room's guard refuses one without): an entry
        # inserted without one is not looked at again.
        inserted, self._inserted[root] = self._inserted[root], []
        for entry in inserted:
            entry_id = _get(entry, "id") if isinstance(entry, Map) else None
            if isinstance(entry_id, str) and entry_id not in seen:
                seen.add(entry_id)
                self._add(kind, step, entry_id)

    def markers(self, times: Sequence[int]) -> list[Marker]:
        """The markers found so far, labelled from the document as it is now (a run's
        marker says how the run ended)."""
        runs = _summaries(root_of(self.doc, RUNS, Array))
        test_runs = _summaries(root_of(self.doc, TEST_RUNS, Array))
        out = []
        for f in self.found:
            label, detail = _label(f, runs, test_runs)
            out.append(Marker(f.kind, f.step, times[f.step], label, detail))
        return out


def _summaries(entries: Any) -> dict[str, Map[Any]]:
    found: dict[str, Map[Any]] = {}
    for entry in entries if entries is not None else []:
        entry_id = _get(entry, "id") if isinstance(entry, Map) else None
        if isinstance(entry_id, str):
            found.setdefault(entry_id, entry)
    return found


def _label(
    f: _Found, runs: dict[str, Map[Any]], test_runs: dict[str, Map[Any]]
) -> tuple[str, str | None]:
    if f.kind == "start":
        return ("Timer started" if f.key == "timer" else "Interview started"), None
    if f.kind == "terminate":
        return "Interview ended", None
    if f.kind == "language":
        return f"Language: {f.key}", f.detail
    if f.kind == "reveal":
        # The part's own title numbers it ("Part 2: ..."): the prompt is the first part.
        return "Question part revealed", f.detail or f"follow-up {f.key}"
    if f.kind == "run":
        run = runs.get(f.key)
        if run is None:
            return "Run", "removed later"
        language, status = _get(run, "language"), _get(run, "status")
        parts = [str(language)[:32]] if isinstance(language, str) else []
        if isinstance(status, str):
            parts.append(status[:16])
        duration = _number(_get(run, "durationMs"))
        if duration is not None:
            parts.append(f"{duration:,.0f} ms")
        return f"Run by {_name(_get(run, 'by'))}", ", ".join(parts) or None
    # test_run
    run = test_runs.get(f.key)
    if run is None:
        return "Tests", "removed later"
    results = _get(run, "results")
    cases = list(results) if isinstance(results, Array) else []
    passed = sum(1 for case in cases if isinstance(case, dict) and case.get("status") == "pass")
    total = _number(_get(run, "total"))
    status = _get(run, "status")
    detail: str | None = None
    if status == "done" and total is not None:
        detail = f"{passed} of {total:.0f} passed"
    elif isinstance(status, str):
        detail = f"{status[:16]}, {passed} passed"
    return f"Tests by {_name(_get(run, 'by'))}", detail


# -- integrity events ---------------------------------------------------------------------

_EVENT_LABELS = {
    "paste": "Paste by {who}",
    "hidden": "{whose} page hidden",
    "unfocused": "{whose} window unfocused",
}


@dataclass(frozen=True)
class EventRow:
    kind: str
    role: str
    started_ms: float  # epoch milliseconds
    ended_ms: float | None
    size: int | None


def event_row(
    kind: str, role: str, started_at: datetime, ended_at: datetime | None, size: Any
) -> EventRow:
    return EventRow(
        kind,
        role,
        started_at.timestamp() * 1000.0,
        None if ended_at is None else ended_at.timestamp() * 1000.0,
        size if isinstance(size, int) else None,
    )


def event_markers(
    events: Sequence[EventRow], times: Sequence[int], started_ms: float, duration_ms: int
) -> list[Marker]:
    """Markers of integrity events (``times``: the steps' ms from ``started_ms``): at their
    own time, on the last step at or before it. Only the participant's role is named
    (their invite or account is not the replay's business)."""
    if not times:
        return []  # no step to put them on
    out = []
    for event in events:
        if event.kind not in EVENT_KINDS:
            continue
        offset = event.started_ms - started_ms
        step = max(0, bisect.bisect_right(times, offset) - 1)
        at_ms = int(min(max(0.0, offset), duration_ms))
        candidate = event.role == "candidate"
        who = "the candidate" if candidate else "an interviewer"
        whose = "Candidate's" if candidate else "An interviewer's"
        label = _EVENT_LABELS[event.kind].format(who=who, whose=whose)
        if event.kind == "paste":
            detail = f"{event.size:,} characters" if event.size is not None else None
        elif event.ended_ms is None:
            detail = "not ended"
        else:
            detail = f"for {_seconds(event.ended_ms - event.started_ms)}"
        out.append(Marker(event.kind, step, at_ms, label, detail))
    return out


def _seconds(ms: float) -> str:
    seconds = max(0, round(ms / 1000.0))
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def sort_markers(markers: list[Marker]) -> list[Marker]:
    return sorted(markers, key=lambda m: (m.step, m.at_ms))
