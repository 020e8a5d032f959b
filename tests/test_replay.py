"""The replay, on both databases: a scripted interview with real Yjs clients over real
websockets, its live document recorded at several moments, then rebuilt from the stored
history and compared exactly; markers; checkpoints against the naive full replay; the
cache following a live session; notes and integrity events at their times; who may see
it; bad requests."""

from __future__ import annotations

import asyncio
import random
import threading
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text
from sqlalchemy import delete, insert

from devinterview_jupyter.db.models import NoteUpdate, RoomUpdate, SessionEvent
from devinterview_jupyter.notes import read_notes
from devinterview_jupyter.replay import TimelineCache, document_json, in_replay_thread, markers
from devinterview_jupyter.replay import log as log_module
from devinterview_jupyter.replay import timeline as timeline_module
from devinterview_jupyter.replay.log import DocLog, Row
from devinterview_jupyter.replay.timeline import Timeline
from devinterview_jupyter.rooms.document import new_document
from devinterview_jupyter.rooms.kind import NOTES_ROOM
from devinterview_jupyter.testing.rest import create_invite, create_session
from devinterview_jupyter.testing.rooms import synced_doc, until
from tests.helpers import SHAPE
from tests.test_candidate_isolation import credential_forms

TWO_SUM = "shipped~python~two-sum"
BY = {"name": "Grace", "color": "#123456", "role": "candidate"}


async def replay(api: Any, sid: str) -> dict[str, Any]:
    reply = await api("GET", f"sessions/{sid}/replay")
    assert reply.status == 200, reply.body
    return reply.json  # type: ignore[no-any-return]


async def state(api: Any, sid: str, step: int) -> dict[str, Any]:
    reply = await api("GET", f"sessions/{sid}/replay/state?step={step}")
    assert reply.status == 200, reply.body
    return reply.json  # type: ignore[no-any-return]


def without_step(view: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in view.items() if k not in ("step", "at_ms", "notes")}


def draw(key: str, points: int) -> dict[str, Any]:
    """A tldraw draw shape with a point list (tldraw rewrites it as the stroke grows)."""
    record = {**SHAPE, "id": key, "type": "draw"}
    record["props"] = {
        "segments": [
            {"type": "free", "points": [{"x": i, "y": i * 2, "z": 0.5} for i in range(points)]}
        ],
        "color": "black",
        "isComplete": False,
    }
    return record


def set_record(doc: Doc[Any], key: str, record: dict[str, Any]) -> None:
    """y-utility's YKeyValue.set, as the whiteboard does it: old entry out, new one in."""
    board = doc.get("whiteboard", type=Array)
    with doc.transaction():
        for i, entry in enumerate(board):
            if entry["key"] == key:
                del board[i]
                break
        board.append({"key": key, "val": record})


def add_run(doc: Doc[Any], run_id: str) -> None:
    code = str(doc.get("source", type=Text))
    doc.get("runs", type=Array).append(
        Map(
            {
                "id": run_id,
                "language": "python",
                "by": BY,
                "code": code,
                "stdin": "",
                "status": "running",
                "startedAt": 1.0,
                "durationMs": None,
                "output": Array([]),
            }
        )
    )


def add_test_run(doc: Doc[Any], run_id: str, question: str) -> None:
    doc.get("testRuns", type=Array).append(
        Map(
            {
                "id": run_id,
                "language": "python",
                "question": question,
                "by": BY,
                "status": "running",
                "startedAt": 2.0,
                "total": 1,
                "results": Array([]),
            }
        )
    )


class Interview:
    """The scripted interview: the server's live room, and moments recorded from it."""

    def __init__(self, api: Any, app: Any, sid: str) -> None:
        self.api, self.app, self.sid = api, app, sid
        self.moments: list[tuple[int, dict[str, Any]]] = []

    @property
    def room_doc(self) -> Doc[Any]:
        return self.app.rooms.rooms[uuid.UUID(self.sid)].doc

    async def settle(self, check: Any, what: str) -> None:
        """Until the server's room shows ``check``, then until every row is stored."""
        await until(lambda: check(self.room_doc), what=what)
        await asyncio.sleep(0.05)  # the server's own repairs are written right after
        await self.app.rooms.writer.flush()

    async def record(self) -> None:
        live = document_json(self.room_doc)
        steps = (await replay(self.api, self.sid))["steps"]
        # Nothing was written meanwhile: the live room is still what was recorded.
        assert document_json(self.room_doc) == live
        self.moments.append((steps, live))


async def test_the_replay_rebuilds_exactly_what_the_live_room_had(
    api, room_url, interviewer, devinterview_app
):
    s = await create_session(api, question_id=TWO_SUM)
    sid = s["id"]
    invite = await create_invite(api, sid)
    candidate_headers = {"Authorization": f"Bearer {invite['token']}"}
    iv = Interview(api, devinterview_app, sid)
    url = room_url(sid)
    async with synced_doc(url, interviewer) as lead, synced_doc(url, candidate_headers) as cand:
        assert (await api("POST", f"sessions/{sid}/start")).status == 200
        assert (await api("POST", f"sessions/{sid}/timer", {"action": "start"})).status == 200
        await iv.settle(lambda d: d.get("timer", type=Map).get("running") is True, "timer")
        await iv.record()

        code = cand.get("source", type=Text)
        code.clear()  # the starter code goes, keystroke by keystroke
        for char in "def solve(xs, target):\n    return None\n":
            code.insert(len(code), char)
            await asyncio.sleep(0)
        del code[len(code) - 5 : len(code)]
        code.insert(len(code), "0\n")
        typed = str(code)
        await iv.settle(lambda d: str(d.get("source", type=Text)) == typed, "typing")
        await iv.record()

        add_run(cand, "run-1")
        await iv.settle(lambda d: len(d.get("runs", type=Array)) == 1, "the run")
        run = cand.get("runs", type=Array)[0]
        run["output"].append({"kind": "text", "stream": "stdout", "text": "0\n"})
        with cand.transaction():
            run["status"], run["durationMs"] = "ok", 4.0
        code.insert(0, "# after the run\n")
        for points in (1, 2, 5):
            set_record(lead, "shape:stroke", draw("shape:stroke", points))
        set_record(lead, "shape:box", {**SHAPE, "id": "shape:box"})
        await iv.settle(
            lambda d: (
                len(d.get("whiteboard", type=Array)) == 2
                and d.get("runs", type=Array)[0]["status"] == "ok"
                and str(d.get("source", type=Text)).startswith("# after")
            ),
            "run end, board and code",
        )
        await iv.record()

        patched = await api("PATCH", f"sessions/{sid}", {"language": "javascript"})
        assert patched.status == 200
        revealed = await api("POST", f"sessions/{sid}/question/reveal")
        assert revealed.status == 200, revealed.body
        question_id = str(iv.room_doc.get("question", type=Map)["id"])
        add_test_run(cand, "tests-1", question_id)
        await iv.settle(lambda d: len(d.get("testRuns", type=Array)) == 1, "test run")
        tests = cand.get("testRuns", type=Array)[0]
        tests["results"].append(
            {
                "name": "small",
                "input": "[1, 2], 3",
                "expected": "(0, 1)",
                "actual": "(0, 1)",
                "error": None,
                "status": "pass",
                "durationMs": 1.0,
            }
        )
        tests["status"] = "done"
        await iv.settle(
            lambda d: (
                d.get("testRuns", type=Array)[0]["status"] == "done"
                and len(d.get("question", type=Map)["parts"]) == 1
                and d.get("meta", type=Map)["language"] == "javascript"
            ),
            "tests, reveal and language",
        )
        await iv.record()

        assert (await api("POST", f"sessions/{sid}/terminate")).status == 200
        await iv.settle(lambda d: d.get("meta", type=Map)["status"] == "terminated", "the end")
        await iv.record()
        ended = document_json(iv.room_doc)

    timeline = await replay(api, sid)
    steps = timeline["steps"]
    assert steps == iv.moments[-1][0]
    assert len(timeline["times"]) == steps
    assert timeline["times"] == sorted(timeline["times"]) and timeline["times"][0] == 0
    counts = [n for n, _ in iv.moments]
    assert counts == sorted(counts) and len(set(counts)) == len(counts)

    # Every recorded moment, exactly.
    for n, live in iv.moments:
        assert without_step(await state(api, sid, n - 1)) == live, f"at step {n - 1}"
    assert without_step(await state(api, sid, steps - 1)) == ended
    # Each moment is another document than the one before (the check can fail).
    for (before, _), (_, live) in zip(iv.moments, iv.moments[1:], strict=False):
        assert without_step(await state(api, sid, before - 1)) != live

    markers = timeline["markers"]
    kinds = [m["kind"] for m in markers]
    for kind in ("start", "run", "language", "reveal", "test_run", "terminate"):
        assert kind in kinds, (kind, kinds)
    assert kinds.count("run") == 1 and kinds.count("terminate") == 1
    assert [m["step"] for m in markers] == sorted(m["step"] for m in markers)
    for m in markers:
        assert 0 <= m["step"] < steps and m["at_ms"] == timeline["times"][m["step"]]
    by_kind = {m["kind"]: m for m in markers}
    assert by_kind["language"]["label"] == "Language: javascript"
    assert by_kind["language"]["detail"] == "was python"
    assert by_kind["reveal"]["label"] == "Question part revealed"
    assert by_kind["reveal"]["detail"] == "Part 2: Sorted input"
    # The room signs a run with the name the server knows its author by.
    author = ended["runs"][0]["by"]["name"]
    assert author != BY["name"] and by_kind["run"]["label"] == f"Run by {author}"
    assert by_kind["run"]["detail"] == "python, ok, 4 ms"
    assert by_kind["test_run"]["detail"] == "1 of 1 passed"

    # A run marker's step shows the code the run carried; the step before has no run.
    run_step = by_kind["run"]["step"]
    at_run = await state(api, sid, run_step)
    assert [r["id"] for r in at_run["runs"]] == ["run-1"]
    assert at_run["runs"][0]["code"] == at_run["code"] == typed
    assert at_run["runs"][0]["status"] == "running"
    assert (await state(api, sid, run_step - 1))["runs"] == []
    terminate = by_kind["terminate"]["step"]
    assert (await state(api, sid, terminate))["status"] == "terminated"
    assert (await state(api, sid, terminate - 1))["status"] == "active"


# -- checkpoints against the naive replay -------------------------------------------------


def random_history(seed: int, count: int) -> tuple[list[bytes], list[dict[str, Any]]]:
    """``count`` random edits by three clients of every part of a document, with the
    document's JSON after each."""
    rng = random.Random(seed)
    docs = [new_document() for _ in range(3)]
    sent: list[bytes] = []
    for doc in docs:
        doc.observe(lambda event: sent.append(event.update))
    updates: list[bytes] = []
    views: list[dict[str, Any]] = []
    for n in range(count):
        doc = docs[rng.randrange(3)]
        sent.clear()
        roll = rng.random()
        code = doc.get("source", type=Text)
        board = doc.get("whiteboard", type=Array)
        runs = doc.get("runs", type=Array)
        if roll < 0.5:
            at = rng.randrange(len(code) + 1)
            if rng.random() < 0.25 and at:
                del code[at - 1 : at]
            else:
                code.insert(at, rng.choice("ab\n "))
        elif roll < 0.7:
            key = f"shape:{rng.randrange(4)}"
            set_record(doc, key, draw(key, rng.randrange(1, 6)))
        elif roll < 0.75 and len(board):
            del board[rng.randrange(len(board))]
        elif roll < 0.85 or not len(runs):
            add_run(doc, f"run-{n}")
        elif roll < 0.95:
            runs[rng.randrange(len(runs))]["output"].append(
                {"kind": "text", "stream": "stdout", "text": str(n)}
            )
        else:
            doc.get("meta", type=Map)["language"] = rng.choice(["python", "sql"])
        if not sent:
            continue
        (update,) = sent
        sent.clear()
        for other in docs:
            if other is not doc:
                other.apply_update(update)
        sent.clear()
        updates.append(update)
        views.append(document_json(doc))
    return updates, views


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_checkpoints_and_the_naive_replay_agree_at_every_step(seed):
    updates, views = random_history(seed, 400)
    log = DocLog(every_rows=17, every_bytes=2048)
    log.extend(Row(i + 1, float(i), u) for i, u in enumerate(updates))
    assert len(log.checkpoint_at) > 10
    steps = list(range(len(updates)))
    # In order (the cursor plays forward), backwards and at random (checkpoints).
    order = steps + steps[::-1] + random.Random(seed).sample(steps, len(steps))
    for i in order:
        assert document_json(log.doc_at(i)) == views[i], i
    for i in steps[:: max(1, len(steps) // 40)]:
        assert document_json(log.doc_at_naive(i)) == views[i], i


def test_a_row_that_cannot_be_applied_is_a_step_that_changes_nothing():
    updates, views = random_history(4, 30)
    log = DocLog(every_rows=4)
    rows = [*updates[:10], b"\x00not an update", *updates[10:]]
    log.extend(Row(i + 1, float(i), u) for i, u in enumerate(rows))
    assert document_json(log.doc_at(10)) == document_json(log.doc_at(9)) == views[9]
    assert document_json(log.doc_at(30)) == views[29]


def test_markers_read_only_the_runs_each_row_inserted(monkeypatch):
    """A row that adds a run costs reading that run, not the whole list again: n runs
    added one row at a time examine about n entries (re-reading every run after each row
    was n²/2 reads: 64 s for 3,000 runs, on the replay's only thread)."""
    source = new_document()
    updates: list[bytes] = []
    source.observe(lambda event: updates.append(event.update))
    count = 600
    for n in range(count):
        if n % 100 == 99:  # now and then, several in one row
            with source.transaction():
                add_run(source, f"run-{n}")
                add_test_run(source, f"test-{n}", TWO_SUM)
        else:
            add_run(source, f"run-{n}")
    runs = source.get("runs", type=Array)
    with source.transaction():  # a run taken out and put back: not a new run
        del runs[0]
        add_run(source, "run-0")
    source.get("meta", type=Map)["language"] = "sql"  # a row that changes no list

    examined = 0
    read = markers._get

    def counting(container: Any, key: str) -> Any:
        nonlocal examined
        examined += key == "id"
        return read(container, key)

    timeline = Timeline(uuid.uuid4())
    monkeypatch.setattr(markers, "_get", counting)
    timeline.add_rows([Row(i + 1, float(i), u) for i, u in enumerate(updates)], [])
    monkeypatch.setattr(markers, "_get", read)
    assert examined <= 2 * (count + count // 100)

    timeline.label()
    found = [(m.kind, m.step) for m in timeline.markers]
    assert [k for k, _ in found].count("run") == count
    assert [k for k, _ in found].count("test_run") == count // 100
    assert ("run", 0) in found and ("run", count - 1) in found
    assert ("test_run", 99) in found and ("run", 99) in found


def test_times_never_go_back_when_servers_clocks_differ():
    updates, _views = random_history(9, 4)
    timeline = Timeline(uuid.uuid4())
    stamps = [10_000.0, 11_000.0, 10_500.0, 12_000.0]  # a team's second server is behind
    timeline.add_rows(
        [Row(i + 1, t, u) for i, (t, u) in enumerate(zip(stamps, updates, strict=True))], []
    )
    timeline.label()
    assert timeline.times == [0, 1000, 1000, 2000]
    assert timeline.duration_ms == 2000


# -- the cache follows a live session -----------------------------------------------------


async def store_rows(app: Any, sid: str, updates: list[bytes], at: datetime) -> None:
    async with app.database.session() as db:
        await db.execute(
            insert(RoomUpdate),
            [
                {
                    "session_id": uuid.UUID(sid),
                    "kind": "update",
                    "data": u,
                    "created_at": at + timedelta(seconds=i),
                }
                for i, u in enumerate(updates)
            ],
        )


async def test_the_cache_takes_new_rows_of_a_live_session_and_forgets_deleted_ones(
    api, devinterview_app
):
    s = await create_session(api)
    sid = s["id"]
    cache: TimelineCache = devinterview_app.replay_cache
    updates, views = random_history(5, 60)
    start = datetime.now(timezone.utc) - timedelta(hours=1)
    await store_rows(devinterview_app, sid, updates[:40], start)
    first = await replay(api, sid)
    assert first["steps"] == 40 and uuid.UUID(sid) in cache
    loads = cache.loads
    assert without_step(await state(api, sid, 39)) == views[39]

    await store_rows(devinterview_app, sid, updates[40:], start + timedelta(seconds=40))
    # A state past the known steps finds the new rows too.
    assert without_step(await state(api, sid, 59)) == views[59]
    second = await replay(api, sid)
    assert second["steps"] == 60 and second["times"][:40] == first["times"]
    assert second["times"][59] == 59_000
    assert cache.loads == loads  # brought up to date, not read again
    for i in (0, 17, 39, 40, 59):
        assert without_step(await state(api, sid, i)) == views[i]

    # History deleted (retention): the cached timeline goes with it.
    async with devinterview_app.database.session() as db:
        await db.execute(delete(RoomUpdate).where(RoomUpdate.session_id == uuid.UUID(sid)))
    assert (await replay(api, sid))["steps"] == 0
    gone = await api("GET", f"sessions/{sid}/replay/state?step=0")
    assert (gone.status, gone.json["reason"]) == (400, "step_out_of_range")
    await store_rows(devinterview_app, sid, updates[:5], start)
    assert (await replay(api, sid))["steps"] == 5
    assert without_step(await state(api, sid, 4)) == views[4]

    # A deleted session: 404, and out of the cache.
    assert (await api("DELETE", f"sessions/{sid}")).status == 204
    assert (await api("GET", f"sessions/{sid}/replay")).status == 404
    assert uuid.UUID(sid) not in cache


def test_the_cache_drops_the_least_recently_used_past_its_bytes():
    cache = TimelineCache(max_bytes=1000)
    a, b, c = (Timeline(uuid.uuid4()) for _ in range(3))
    cache.put(a, 400)
    cache.put(b, 400)
    assert cache.get(a.session_id) is a  # a is now the more recent
    cache.put(c, 400)
    assert a.session_id in cache and c.session_id in cache and b.session_id not in cache
    # Alone over the bound: not kept, and evicts nothing (it used to empty the cache).
    big = Timeline(uuid.uuid4())
    assert cache.put(big, 5000) is False
    assert big.session_id not in cache and cache.nbytes == 800
    assert a.session_id in cache and c.session_id in cache


# -- notes and integrity events at their times --------------------------------------------


async def test_notes_and_integrity_events_appear_at_their_times(api, devinterview_app):
    s = await create_session(api)
    sid = s["id"]
    updates, _views = random_history(6, 20)
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
    await store_rows(devinterview_app, sid, updates, start)  # one row a second

    notes: Doc[Any] = Doc()
    note_updates: list[bytes] = []
    notes.observe(lambda event: note_updates.append(event.update))
    text = notes.get(NOTES_ROOM.text_root, type=Text)
    for word in ("Clear ", "naming. ", "Asked about ", "edge cases."):
        text.insert(len(text), word)
    note_times = [start + timedelta(seconds=s) for s in (2, 2, 7.5, 30)]
    events = [
        ("paste", "invite:secret-invite-id", "candidate", 4.2, None, 1234),
        ("hidden", "invite:secret-invite-id", "candidate", 9.0, 51.0, None),
        ("unfocused", "user:alice", "interviewer", -30.0, None, None),
    ]
    async with devinterview_app.database.session() as db:
        await db.execute(
            insert(NoteUpdate),
            [
                {"session_id": uuid.UUID(sid), "kind": "update", "data": u, "created_at": t}
                for u, t in zip(note_updates, note_times, strict=True)
            ],
        )
        await db.execute(
            insert(SessionEvent),
            [
                {
                    "session_id": uuid.UUID(sid),
                    "kind": kind,
                    "participant": who,
                    "role": role,
                    "started_at": start + timedelta(seconds=begin),
                    "ended_at": None if end is None else start + timedelta(seconds=end),
                    "size": size,
                }
                for kind, who, role, begin, end, size in events
            ],
        )

    expected = {
        0: "",
        1: "",
        2: "Clear naming. ",
        7: "Clear naming. ",
        8: "Clear naming. Asked about ",
    }
    expected[19] = expected[8]
    for step, notes_text in expected.items():
        assert (await state(api, sid, step))["notes"] == notes_text, step
        until_then = await read_notes(
            devinterview_app.database, uuid.UUID(sid), until=start + timedelta(seconds=step)
        )
        assert until_then == notes_text

    timeline = await replay(api, sid)
    found = [m for m in timeline["markers"] if m["kind"] in ("paste", "hidden", "unfocused")]
    assert [(m["kind"], m["step"], m["at_ms"]) for m in found] == [
        ("unfocused", 0, 0),  # before the first row: at the start
        ("paste", 4, 4200),
        ("hidden", 9, 9000),
    ]
    paste, hidden, unfocused = found[1], found[2], found[0]
    assert (paste["label"], paste["detail"]) == ("Paste by the candidate", "1,234 characters")
    assert (hidden["label"], hidden["detail"]) == ("Candidate's page hidden", "for 42 s")
    assert unfocused["label"] == "An interviewer's window unfocused"
    assert unfocused["detail"] == "not ended"
    assert b"secret-invite-id" not in (await api("GET", f"sessions/{sid}/replay")).body
    assert b"alice" not in (await api("GET", f"sessions/{sid}/replay")).body


# -- who may see it, and bad requests ------------------------------------------------------


async def test_candidates_get_no_replay_by_any_credential(api, room_url, devinterview_app):
    s = await create_session(api)
    sid = s["id"]
    await store_rows(devinterview_app, sid, random_history(7, 5)[0], datetime.now(timezone.utc))
    invite = await create_invite(api, sid)
    token = invite["token"]
    joined = await api("POST", "join", {"token": token}, as_=None)
    assert joined.status == 200
    candidate = {"token": token, "cookie": joined.headers["Set-Cookie"].split(";")[0]}
    forms = {**credential_forms(candidate), "none": {}}
    query_token = {"none-with-query": f"?candidate_token={token}"}
    for form, creds in forms.items():
        for path in (f"sessions/{sid}/replay", f"sessions/{sid}/replay/state?step=0"):
            reply = await api("GET", path, as_=None, **creds)
            expected = (401,) if form == "none" else (401, 403)
            assert reply.status in expected, (form, path, reply.status)
            assert b"markers" not in reply.body and b"code" not in reply.body
    for _form, query in query_token.items():
        reply = await api("GET", f"sessions/{sid}/replay{query}", as_=None)
        assert reply.status == 401
    assert (await api("GET", f"sessions/{sid}/replay")).status == 200


async def test_bad_steps_and_unknown_sessions(api, devinterview_app):
    s = await create_session(api)
    sid = s["id"]
    await store_rows(devinterview_app, sid, random_history(8, 3)[0], datetime.now(timezone.utc))
    base = f"sessions/{sid}/replay/state"
    for query in ("", "?step=", "?step=-1", "?step=1.5", "?step=1e3", "?step=x", "?step=1&step=2"):
        reply = await api("GET", base + query)
        assert (reply.status, reply.json["reason"]) == (400, "invalid_request"), query
    for step in (3, 4, 10**11, 10**12 - 1):
        reply = await api("GET", f"{base}?step={step}")
        assert (reply.status, reply.json["reason"]) == (400, "step_out_of_range"), step
    assert (await api("GET", f"{base}?step={'9' * 13}")).status == 400
    assert (await api("GET", f"{base}?step=2")).status == 200

    unknown = str(uuid.uuid4())
    for path in (f"sessions/{unknown}/replay", f"sessions/{unknown}/replay/state?step=0"):
        reply = await api("GET", path)
        assert (reply.status, reply.json["reason"]) == (404, "not_found"), path
    for path in ("sessions/nope/replay", "sessions/nope/replay/state?step=0"):
        reply = await api("GET", path)
        assert (reply.status, reply.json["reason"]) == (400, "malformed_id"), path

    # A session nobody ever opened: no steps, no markers, times empty.
    empty = await create_session(api)
    body = await replay(api, empty["id"])
    assert (body["steps"], body["times"], body["markers"]) == (0, [], [])
    assert body["started_at"] == body["ended_at"] and body["duration_ms"] == 0


# -- bounds: checkpoints, the cache, the size of a replay, the threads ---------------------


def prepends(count: int) -> list[bytes]:
    """``count`` rows that each type one character at the start of the code: each row
    adds an item every later state carries, the worst case for checkpoints."""
    doc = new_document()
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    code = doc.get("source", type=Text)
    for _ in range(count):
        code.insert(0, "a")
    return updates


def test_checkpoints_of_a_prepend_heavy_log_weigh_a_few_times_the_log():
    """A checkpoint every 256 rows, whatever they weighed, held 20 times these 527 kB of
    rows (116 times for 120,000 rows: the sum grows with the square of the log)."""
    updates = prepends(20_000)
    log = DocLog()
    log.extend(Row(i + 1, float(i), u) for i, u in enumerate(updates))
    last = len(log.checkpoint_state[-1])
    assert log.row_bytes == sum(map(len, updates))
    assert log.checkpoint_bytes == sum(map(len, log.checkpoint_state))
    assert log.checkpoint_bytes <= log_module.CHECKPOINT_SHARE * log.row_bytes + last
    assert log.checkpoint_bytes <= 5 * log.row_bytes
    assert len(log.checkpoint_at) >= 10  # still checkpoints to start a scrub from
    assert log.nbytes >= log.row_bytes + log.checkpoint_bytes
    for i in [*range(0, len(updates), 2_999), len(updates) - 1]:
        assert str(log.doc_at(i).get("source", type=Text)) == "a" * (i + 1), i


async def test_a_replay_too_large_for_the_cache_is_refused_and_evicts_nothing(
    api, devinterview_app
):
    cache: TimelineCache = devinterview_app.replay_cache
    cache.max_bytes = 1_000_000
    start = datetime.now(timezone.utc) - timedelta(hours=1)
    small = (await create_session(api))["id"]
    updates, views = random_history(10, 30)
    await store_rows(devinterview_app, small, updates, start)
    assert (await replay(api, small))["steps"] == 30
    assert uuid.UUID(small) in cache and cache.nbytes <= cache.max_bytes

    big = (await create_session(api))["id"]
    await store_rows(devinterview_app, big, prepends(5_000), start)
    loads = cache.loads
    for path in (f"sessions/{big}/replay", f"sessions/{big}/replay/state?step=0"):
        reply = await api("GET", path)
        assert (reply.status, reply.json["reason"]) == (413, "replay_too_large"), path
        assert "replay_cache_bytes" in reply.json["message"]
    # Built once (and stopped there), then refused from memory; the small one stays.
    assert cache.loads == loads + 1
    assert uuid.UUID(big) not in cache and uuid.UUID(small) in cache
    assert without_step(await state(api, small, 29)) == views[29]

    # Rows added: still refused, without reading them.
    await store_rows(devinterview_app, big, prepends(3), start + timedelta(hours=1))
    assert (await api("GET", f"sessions/{big}/replay")).status == 413
    assert cache.loads == loads + 1
    # History replaced (retention, then new rows): replayed again.
    async with devinterview_app.database.session() as db:
        await db.execute(delete(RoomUpdate).where(RoomUpdate.session_id == uuid.UUID(big)))
    await store_rows(devinterview_app, big, updates[:5], start)
    assert (await replay(api, big))["steps"] == 5


async def test_a_log_over_the_byte_limit_is_refused_before_it_is_all_read(
    api, devinterview_app, monkeypatch
):
    cache: TimelineCache = devinterview_app.replay_cache
    monkeypatch.setattr(timeline_module, "BATCH_ROWS", 100)
    applied: list[int] = []
    add_stored = Timeline.add_stored

    def counting(self: Timeline, room: list[Any], notes: list[Any]) -> None:
        applied.append(len(room) + len(notes))
        add_stored(self, room, notes)

    monkeypatch.setattr(Timeline, "add_stored", counting)
    sid = (await create_session(api))["id"]
    updates = prepends(1_000)
    await store_rows(devinterview_app, sid, updates, datetime.now(timezone.utc))
    cache.max_log_bytes = sum(map(len, updates[:250]))
    reply = await api("GET", f"sessions/{sid}/replay")
    assert (reply.status, reply.json["reason"]) == (413, "replay_too_large")
    assert "replay_max_log_bytes" in reply.json["message"]
    assert sum(applied) <= 300  # the batches up to the limit, not the 1,000 rows
    assert uuid.UUID(sid) not in cache

    # The same log under a limit of exactly its size: replayed.
    cache.max_log_bytes = sum(map(len, updates))
    applied.clear()
    assert (await api("GET", f"sessions/{sid}/replay")).status == 413  # remembered
    assert not applied
    same = (await create_session(api))["id"]
    await store_rows(devinterview_app, same, updates, datetime.now(timezone.utc))
    assert (await replay(api, same))["steps"] == 1_000
    assert sum(applied) == 1_000 and max(applied) <= 100


async def test_concurrent_opens_of_one_session_build_it_once(api, devinterview_app, monkeypatch):
    cache: TimelineCache = devinterview_app.replay_cache
    monkeypatch.setattr(timeline_module, "BATCH_ROWS", 7)
    applied: list[tuple[int, str]] = []
    add_stored = Timeline.add_stored

    def counting(self: Timeline, room: list[Any], notes: list[Any]) -> None:
        applied.append((len(room) + len(notes), threading.current_thread().name))
        add_stored(self, room, notes)

    monkeypatch.setattr(Timeline, "add_stored", counting)
    sid = (await create_session(api))["id"]
    updates, views = random_history(11, 40)
    await store_rows(devinterview_app, sid, updates, datetime.now(timezone.utc))
    loads = cache.loads
    bodies = await asyncio.gather(
        replay(api, sid), replay(api, sid), state(api, sid, 39), state(api, sid, 6)
    )
    assert [b.get("steps") for b in bodies[:2]] == [40, 40]
    assert without_step(bodies[2]) == views[39] and without_step(bodies[3]) == views[6]
    assert cache.loads == loads + 1
    # Every row converted and applied once, in batches, in a replay thread.
    assert sum(n for n, _ in applied) == 40 and max(n for n, _ in applied) <= 7
    assert all(name.startswith("devinterview-replay") for _, name in applied)
    for i in (0, 6, 7, 13, 14, 39):  # across the batches' edges
        assert without_step(await state(api, sid, i)) == views[i]

    # The same for a session too large to keep: one build, every caller refused.
    cache.max_bytes = 1
    other = (await create_session(api))["id"]
    await store_rows(devinterview_app, other, updates, datetime.now(timezone.utc))
    loads = cache.loads
    replies = await asyncio.gather(*(api("GET", f"sessions/{other}/replay") for _ in range(3)))
    assert [r.status for r in replies] == [413] * 3
    assert cache.loads == loads + 1


async def test_replay_threads_serialise_a_session_but_not_the_others():
    """A long job of one session leaves a thread to the others; the same session's next
    job waits for it; a job without a session waits for every job."""
    first, second = uuid.uuid4(), uuid.uuid4()
    started, release = threading.Event(), threading.Event()
    running: set[str] = set()
    seen: dict[str, set[str]] = {}

    def job(name: str, block: bool = False) -> str:
        seen[name] = set(running)
        running.add(name)
        if block:
            started.set()
            release.wait(30)
        running.discard(name)
        return name

    long = asyncio.ensure_future(in_replay_thread(lambda: job("long", True), key=first))
    await asyncio.get_running_loop().run_in_executor(None, started.wait, 30)
    # Another session's job runs and ends while the long one still holds its thread.
    assert await in_replay_thread(lambda: job("other"), key=second) == "other"
    assert seen["other"] == {"long"}
    same = asyncio.ensure_future(in_replay_thread(lambda: job("same"), key=first))
    alone = asyncio.ensure_future(in_replay_thread(lambda: job("alone")))
    await asyncio.sleep(0.2)  # room for a wrong implementation to start them
    assert not same.done() and not alone.done()
    release.set()
    assert await asyncio.gather(long, same, alone) == ["long", "same", "alone"]
    assert "long" not in seen["same"] and seen["alone"] == set()


async def test_a_participants_writes_to_the_servers_maps_make_no_marker(
    api, room_url, interviewer, devinterview_app
):
    # Found by a security review: the status, language and timer are the server's (it
    # writes its values back), so a candidate setting them must not put "Interview
    # ended", "Language: …" or "Timer started" on the interviewers' timeline.
    s = await create_session(api, candidate_name="Grace")
    invite = await create_invite(api, s["id"])
    sid = s["id"]
    async with synced_doc(room_url(sid), {"Authorization": f"Bearer {invite['token']}"}) as doc:
        meta, timer = doc.get("meta", type=Map), doc.get("timer", type=Map)
        for _ in range(3):
            meta["status"] = "terminated"
            meta["language"] = "<img src=x onerror=alert(1)>"
            timer["running"] = True
            await until(
                lambda: (
                    meta.to_py().get("status") != "terminated"
                    and timer.to_py().get("running") is False
                ),
                what="the server's values back",
            )
        doc.get("source", type=Text).insert(0, "x")
    async with synced_doc(room_url(sid), interviewer):
        pass
    await devinterview_app.rooms.writer.flush()
    kinds = [m["kind"] for m in (await replay(api, sid))["markers"]]
    assert "terminate" not in kinds and "language" not in kinds and "start" not in kinds
    # The server's own writes still make their markers.
    assert (await api("POST", f"sessions/{sid}/start")).status == 200
    assert (await api("PATCH", f"sessions/{sid}", {"language": "javascript"})).status == 200
    assert (await api("POST", f"sessions/{sid}/terminate")).status == 200
    await devinterview_app.rooms.writer.flush()
    for _ in range(100):  # the server's rows are committed within ms
        kinds = [m["kind"] for m in (await replay(api, sid))["markers"]]
        if "terminate" in kinds:
            break
        await asyncio.sleep(0.05)
    assert kinds.count("start") == 1 and kinds.count("language") == 1
    assert kinds.count("terminate") == 1
