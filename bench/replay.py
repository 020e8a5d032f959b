"""The replay of a 60-minute interview: opening it and scrubbing to random steps.

The interview is written straight into the database (``interview_history``): 20,000 rows
over an hour, keystroke-sized edits of the code by the candidate (typing, backspaces, edits
in the middle), whiteboard strokes by the interviewer (tldraw draw shapes whose point list
grows with every update, as tldraw rewrites a record while it is drawn), runs with their
output, test runs, the server's writes (start, timer, question, a revealed part, language
changes, the end) and the interviewers' notes in their own log.

Ours is measured over HTTP against a real `jupyter server` on the same database: opening
(GET /replay, cold: a session the server has not replayed yet; and warm: cached) and
scrubbing (GET /replay/state at random steps). The baselines run in this process on the
same rows: opening = reading the log and applying every row (no markers, no checkpoints),
scrubbing = the naive replay that rebuilds the document from the first row at every
scrub. The module-level figures (no HTTP) are in the JSON detail.

A hostile history beside it: 120,000 rows that each type one character at the start of
the code (3.3 MB, a fifth of the room's quota), the worst case for checkpoints. Measured
in this process: the checkpoints' bytes as a multiple of the log's (a checkpoint every
256 rows made it 116), the open, and the event loop's longest pause meanwhile.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import random
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pycrdt import Array, Doc, Map, Text
from sqlalchemy import insert, select

from devinterview_jupyter.db.engine import Database
from devinterview_jupyter.db.models import InterviewSession, NoteUpdate, RoomUpdate, SessionEvent
from devinterview_jupyter.db.url import normalize_database_url
from devinterview_jupyter.replay import TimelineCache, document_json, load_timeline, state_json
from devinterview_jupyter.rooms.document import new_document
from devinterview_jupyter.testing.server import LiveServer, live_server

from .common import Result, median, percentile, scratch_postgres, scratch_sqlite

LOG = logging.getLogger("bench")
MINUTES = 60


@dataclass(frozen=True)
class Entry:
    kind: str  # "update" or "server"
    data: bytes
    at_ms: float  # from the start of the interview


class _Actors:
    """The participants' documents, kept in step: an edit made on one is applied to the
    others, and its update is one row of the log."""

    def __init__(self, names: list[str]) -> None:
        self.docs: dict[str, Doc[Any]] = {}
        self._sent: list[bytes] = []
        for name in names:
            doc = new_document()
            # What a Yjs client sends: the update of one transaction (its own deletions
            # only, where a diff against a state vector would repeat every deletion).
            doc.observe(lambda event, name=name: self._sent.append(event.update))
            self.docs[name] = doc
        self.rows: list[tuple[str, bytes]] = []

    def edit(self, actor: str, change: Callable[[Doc[Any]], None]) -> None:
        doc = self.docs[actor]
        self._sent.clear()
        with doc.transaction():
            change(doc)
        (update,) = self._sent
        for name, other in self.docs.items():
            if name != actor:
                other.apply_update(update)
        self._sent.clear()
        self.rows.append(("server" if actor == "server" else "update", update))


def _draw_shape(shape_id: str, points: list[dict[str, float]], n: int) -> dict[str, Any]:
    return {
        "id": shape_id,
        "typeName": "shape",
        "type": "draw",
        "x": 100.0 + 37 * (n % 20),
        "y": 80.0 + 53 * (n // 20),
        "rotation": 0,
        "index": f"a{n + 1}",
        "parentId": "page:page",
        "isLocked": False,
        "opacity": 1,
        "props": {
            "segments": [{"type": "free", "points": points}],
            "color": "black",
            "fill": "none",
            "dash": "draw",
            "size": "m",
            "isComplete": False,
            "isClosed": False,
            "isPen": False,
            "scale": 1,
        },
        "meta": {},
    }


def _set_record(board: Array[Any], key: str, record: dict[str, Any]) -> None:
    """y-utility's YKeyValue.set: the old entry out, the new one pushed."""
    for i, entry in enumerate(board):
        if isinstance(entry, dict) and entry.get("key") == key:
            del board[i]
            break
    board.append({"key": key, "val": record})


def interview_history(total: int = 20_000, seed: int = 7) -> tuple[list[Entry], list[bytes]]:
    """An hour of interview as ``total`` log rows, and the notes log beside it."""
    rng = random.Random(seed)
    actors = _Actors(["server", "candidate", "interviewer"])
    question = {
        "id": "q1",
        "title": "Two sum",
        "difficulty": "easy",
        "language": "python",
        "prompt": "Find two numbers that add up to the target.",
        "parts": [],
        "starter": "def solve(xs, target):\n    pass\n",
        "tests": [{"name": "small", "input": "[1, 2], 3", "expected": "(0, 1)"}],
    }
    by = {"name": "Grace", "color": "#123456", "role": "candidate"}

    def server_meta(status: str, language: str = "python") -> None:
        def change(doc: Doc[Any]) -> None:
            meta = doc.get("meta", type=Map)
            meta["language"], meta["status"] = language, status

        actors.edit("server", change)

    server_meta("scheduled")
    actors.edit("server", lambda d: d.get("question", type=Map).update(question))
    server_meta("active")
    actors.edit(
        "server",
        lambda d: d.get("timer", type=Map).update(
            {"running": True, "started_at_ms": 0.0, "accumulated_ms": 0.0, "planned_minutes": 60}
        ),
    )

    strokes, points_per_stroke = 60, 40
    runs, cases = 40, 4
    test_runs = 5
    # Rows other than keystrokes, spread over the hour: whiteboard updates, run rows
    # (insert, two output chunks, the end), test run rows, a few server writes.
    other = strokes * points_per_stroke + runs * 4 + test_runs * (cases + 2) + 6
    keystrokes = total - len(actors.rows) - other
    assert keystrokes > 0
    plan = ["key"] * keystrokes + ["draw"] * strokes + ["run"] * runs + ["test"] * test_runs
    plan += ["reveal", "language", "language_back"]
    rng.shuffle(plan)
    cursor = 0
    stroke = 0
    run_n = 0
    for step in plan:
        if step == "key":

            def type_key(doc: Doc[Any]) -> None:
                nonlocal cursor
                code = doc.get("source", type=Text)
                length = len(code)
                cursor = min(cursor, length)
                roll = rng.random()
                if roll < 0.05 and length:
                    cursor = rng.randrange(length + 1)  # a click elsewhere
                if roll < 0.12 and cursor > 0:
                    del code[cursor - 1 : cursor]
                    cursor -= 1
                else:
                    char = "\n" if rng.random() < 0.04 else "abcdefghij (),:=+"[rng.randrange(17)]
                    code.insert(cursor, char)
                    cursor += 1

            actors.edit("candidate", type_key)
        elif step == "draw":
            key = f"shape:stroke{stroke}"
            points: list[dict[str, float]] = []
            for p in range(points_per_stroke):
                points.append({"x": p * 3.0 + rng.random(), "y": rng.random() * 40, "z": 0.5})
                record = _draw_shape(key, list(points), stroke)
                record["props"]["isComplete"] = p == points_per_stroke - 1
                actors.edit(
                    "interviewer",
                    lambda d, r=record, k=key: _set_record(d.get("whiteboard", type=Array), k, r),
                )
            stroke += 1
        elif step == "run":
            run_id = f"run-{run_n}"
            run_n += 1

            def start_run(doc: Doc[Any], run_id: str = run_id) -> None:
                doc.get("runs", type=Array).append(
                    Map(
                        {
                            "id": run_id,
                            "language": "python",
                            "by": by,
                            "code": str(doc.get("source", type=Text)),
                            "stdin": "",
                            "status": "running",
                            "startedAt": 1.0,
                            "durationMs": None,
                            "output": Array([]),
                        }
                    )
                )

            actors.edit("candidate", start_run)
            for line in ("partial output\n", "done\n"):
                actors.edit(
                    "candidate",
                    lambda d, t=line: d.get("runs", type=Array)[-1]["output"].append(
                        {"kind": "text", "stream": "stdout", "text": t}
                    ),
                )

            def end_run(doc: Doc[Any]) -> None:
                run = doc.get("runs", type=Array)[-1]
                run["status"], run["durationMs"] = "ok", 12.0

            actors.edit("candidate", end_run)
        elif step == "test":
            test_id = f"test-{uuid.uuid4().hex[:8]}"
            actors.edit(
                "candidate",
                lambda d, i=test_id: d.get("testRuns", type=Array).append(
                    Map(
                        {
                            "id": i,
                            "language": "python",
                            "question": "q1",
                            "by": by,
                            "status": "running",
                            "startedAt": 1.0,
                            "total": cases,
                            "results": Array([]),
                        }
                    )
                ),
            )
            for c in range(cases):
                case = {
                    "name": f"case {c}",
                    "input": "[1, 2], 3",
                    "expected": "(0, 1)",
                    "actual": "(0, 1)",
                    "error": None,
                    "status": "pass" if c % 3 else "fail",
                    "durationMs": 1.0,
                }
                actors.edit(
                    "candidate",
                    lambda d, c=case: d.get("testRuns", type=Array)[-1]["results"].append(c),
                )
            actors.edit(
                "candidate",
                lambda d: d.get("testRuns", type=Array)[-1].__setitem__("status", "done"),
            )
        elif step == "reveal":
            part = {"title": "Sorted input", "prompt": "Now the input is sorted."}
            actors.edit(
                "server",
                lambda d, p=part: d.get("question", type=Map).__setitem__("parts", [p]),
            )
        elif step == "language":
            server_meta("active", "javascript")
        else:
            server_meta("active", "python")
    server_meta("terminated")
    assert len(actors.rows) <= total, len(actors.rows)
    while len(actors.rows) < total:  # the rounding of the plan: a few more keys
        actors.edit("candidate", lambda d: d.get("source", type=Text).insert(0, " "))
    spacing = MINUTES * 60_000 / total
    entries = [Entry(kind, data, i * spacing) for i, (kind, data) in enumerate(actors.rows)]
    return entries, _notes_history(rng)


def _notes_history(rng: random.Random, count: int = 1_500) -> list[bytes]:
    doc: Doc[Any] = Doc()
    notes = doc.get("notes", type=Text)
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    for _ in range(count):
        notes.insert(len(notes), "good naming, asks questions "[rng.randrange(28)])
    return updates


# -- the database ---------------------------------------------------------------------------


async def _seed(url: str, entries: list[Entry], notes: list[bytes], copies: int) -> list[str]:
    """``copies`` sessions with the same history (each one opened cold once)."""
    db = Database(normalize_database_url(url), log=LOG)
    await db.ensure_ready()
    start = datetime.now(timezone.utc) - timedelta(days=1)
    ids = []
    try:
        for n in range(copies):
            sid = uuid.uuid4()
            ids.append(str(sid))
            async with db.session() as s:
                s.add(
                    InterviewSession(
                        id=sid,
                        title=f"Replay {n}",
                        language="python",
                        status="terminated",
                        owner="bench",
                        planned_minutes=MINUTES,
                        created_at=start,
                        started_at=start,
                        ended_at=start + timedelta(minutes=MINUTES),
                    )
                )
            for i in range(0, len(entries), 2000):
                async with db.session() as s:
                    await s.execute(
                        insert(RoomUpdate),
                        [
                            {
                                "session_id": sid,
                                "kind": e.kind,
                                "data": e.data,
                                "created_at": start + timedelta(milliseconds=e.at_ms),
                            }
                            for e in entries[i : i + 2000]
                        ],
                    )
            spacing = MINUTES * 60_000 / max(1, len(notes))
            async with db.session() as s:
                await s.execute(
                    insert(NoteUpdate),
                    [
                        {
                            "session_id": sid,
                            "kind": "update",
                            "data": u,
                            "created_at": start + timedelta(milliseconds=i * spacing),
                        }
                        for i, u in enumerate(notes)
                    ],
                )
                await s.execute(
                    insert(SessionEvent),
                    [
                        {
                            "session_id": sid,
                            "kind": kind,
                            "participant": "invite:bench",
                            "role": "candidate",
                            "started_at": start + timedelta(minutes=minute),
                            "ended_at": start + timedelta(minutes=minute, seconds=20),
                            "size": 500 if kind == "paste" else None,
                        }
                        for kind, minute in (("paste", 12), ("hidden", 25), ("unfocused", 41))
                    ],
                )
    finally:
        await db.dispose()
    return ids


async def _baselines(
    url: str, sid: str, steps: list[int], rounds: int
) -> tuple[list[float], list[float], dict[str, float]]:
    """In this process, on the same rows: read + apply every row (opening without markers
    or checkpoints), the naive scrub (read and apply the rows up to the step, every time),
    and ours without HTTP."""
    db = Database(normalize_database_url(url), log=LOG)
    await db.ensure_ready()
    session_id = uuid.UUID(sid)
    query = (
        select(RoomUpdate.data)
        .where(RoomUpdate.session_id == session_id, RoomUpdate.kind != "snapshot")
        .order_by(RoomUpdate.id)
    )
    opens, naive = [], []
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            async with db.session() as s:
                rows = (await s.scalars(query)).all()
            doc: Doc[Any] = Doc()
            for data in rows:
                doc.apply_update(data)
            opens.append((time.perf_counter() - started) * 1000)
        for step in steps:
            started = time.perf_counter()
            async with db.session() as s:
                rows = (await s.scalars(query.limit(step + 1))).all()
            doc = Doc()
            for data in rows:
                doc.apply_update(data)
            document_json(doc)
            naive.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        timeline = await load_timeline(db, session_id)
        module_open = (time.perf_counter() - started) * 1000
        module_scrubs = []
        for step in steps:
            started = time.perf_counter()
            state_json(timeline, step)
            module_scrubs.append((time.perf_counter() - started) * 1000)
        module = {
            "open_ms": module_open,
            "scrub_p50_ms": median(module_scrubs),
            "scrub_p99_ms": percentile(module_scrubs, 99),
            "checkpoints": float(len(timeline.room.checkpoint_at)),
            "checkpoint_mb": timeline.room.checkpoint_bytes / 1e6,
            "log_mb": timeline.log_bytes / 1e6,
            "memory_mb": timeline.nbytes / 1e6,  # the cache's estimate
            "markers": float(len(timeline.markers)),
        }
    finally:
        await db.dispose()
    return opens, naive, module


def prepend_history(count: int) -> list[Entry]:
    """``count`` rows that each type one character at the start of the code."""
    doc = new_document()
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    code = doc.get("source", type=Text)
    for _ in range(count):
        code.insert(0, "a")
    return [Entry("update", u, i * 10.0) for i, u in enumerate(updates)]


async def _hostile(url: str, entries: list[Entry]) -> dict[str, float]:
    """Open the hostile history in this process, with a ticker on the event loop."""
    (sid,) = await _seed(url, entries, _notes_history(random.Random(3), 1), 1)
    db = Database(normalize_database_url(url), log=LOG)
    await db.ensure_ready()
    worst = 0.0
    done = False

    async def ticker() -> None:
        nonlocal worst
        while not done:
            started = time.perf_counter()
            await asyncio.sleep(0.001)
            worst = max(worst, time.perf_counter() - started)

    tick = asyncio.ensure_future(ticker())
    try:
        started = time.perf_counter()
        cache = TimelineCache(2**40, 2**40)  # measured, not refused
        timeline = await load_timeline(db, uuid.UUID(sid), cache=cache)
        open_ms = (time.perf_counter() - started) * 1000
    finally:
        done = True
        await tick
        await db.dispose()
    return {
        "rows": float(timeline.steps),
        "log_mb": timeline.room.row_bytes / 1e6,
        "checkpoint_mb": timeline.room.checkpoint_bytes / 1e6,
        "checkpoints": float(len(timeline.room.checkpoint_at)),
        "estimate_mb": timeline.nbytes / 1e6,
        "open_ms": open_ms,
        "worst_loop_pause_ms": worst * 1000,
    }


class _Client:
    """GETs over one kept-alive connection, as the panel's fetches are."""

    def __init__(self, server: LiveServer) -> None:
        parsed = urllib.parse.urlsplit(server.api)
        self.prefix = parsed.path
        self.conn = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port)
        self.headers = server.auth

    def get(self, path: str) -> tuple[float, Any]:
        started = time.perf_counter()
        self.conn.request("GET", f"{self.prefix}/{path}", headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        # Until the last byte has arrived; parsing it is the client's time.
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status == 200, (response.status, body[:200])
        return elapsed, json.loads(body)

    def close(self) -> None:
        self.conn.close()


def _bench(
    url: str,
    label: str,
    workdir: Path,
    entries: list[Entry],
    notes: list[bytes],
    hostile: list[Entry],
    quick: bool,
) -> list[Result]:
    copies = 3 if quick else 5
    scrubs = 100 if quick else 300
    ids = asyncio.run(_seed(url, entries, notes, copies))
    rng = random.Random(11)
    steps = [rng.randrange(len(entries)) for _ in range(scrubs)]
    with live_server(url, workdir / f"replay-{label}") as server:
        client = _Client(server)
        try:
            cold = []
            for sid in ids:
                elapsed, body = client.get(f"sessions/{sid}/replay")
                assert body["steps"] == len(entries), body["steps"]
                cold.append(elapsed)
            warm = [client.get(f"sessions/{ids[0]}/replay")[0] for _ in range(5)]
            scrub = []
            for step in steps:
                elapsed, body = client.get(f"sessions/{ids[0]}/replay/state?step={step}")
                assert body["step"] == step
                scrub.append(elapsed)
        finally:
            client.close()
    naive_steps = steps[: 10 if quick else 30]
    opens, naive, module = asyncio.run(_baselines(url, ids[0], naive_steps, 3))
    worst = asyncio.run(_hostile(url, hostile))
    n = f"{len(entries):,}"
    return [
        Result(
            "replay",
            f"open a {n}-row replay over HTTP, cold, worst of {copies} ({label})",
            "ms",
            max(cold),
            max(opens),
            "read + apply every row",
            "<= 1,000 ms",
            detail={
                "cold_ms": cold,
                "warm_p50_ms": median(warm),
                "baseline_ms": opens,
                "module": module,
            },
        ),
        Result(
            "replay",
            f"scrub to a random step over HTTP, p99 of {scrubs} ({label})",
            "ms",
            percentile(scrub, 99),
            percentile(naive, 99),
            "naive full replay",
            "<= 50 ms",
            detail={
                "p50_ms": median(scrub),
                "max_ms": max(scrub),
                "naive_p50_ms": median(naive),
                "naive_samples": len(naive),
                "module": module,
            },
        ),
        Result(
            "replay",
            f"checkpoints of {len(hostile):,} one-character prepends, x the log ({label})",
            "x",
            worst["checkpoint_mb"] / worst["log_mb"],
            None,
            "",
            "<= 5x",
            detail=worst,
        ),
    ]


def run(workdir: Path, quick: bool = False) -> list[Result]:
    entries, notes = interview_history(5_000 if quick else 20_000)
    hostile = prepend_history(30_000 if quick else 120_000)
    results: list[Result] = []
    with scratch_postgres() as url:
        results += _bench(url, "PostgreSQL", workdir, entries, notes, hostile, quick)
    with scratch_sqlite(workdir) as url:
        results += _bench(url, "SQLite", workdir, entries, notes, hostile, quick)
    return results
