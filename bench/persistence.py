"""Room persistence: reloading a long interview, and durable update throughput.

Baselines in the same run: replaying the whole log without snapshots, and committing each
update in its own transaction (what a store without group commit does).
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

from pycrdt import Doc, Text
from sqlalchemy import insert

from devinterview_jupyter import sessions as ops
from devinterview_jupyter.db.engine import Database
from devinterview_jupyter.db.models import RoomUpdate, utcnow
from devinterview_jupyter.db.url import normalize_database_url
from devinterview_jupyter.rooms.document import new_document
from devinterview_jupyter.rooms.store import RoomHistory, UpdateWriter

from .common import Result, median, percentile, scratch_postgres, scratch_sqlite

LOG = logging.getLogger("bench")


def typing_history(count: int) -> list[bytes]:
    """``count`` single-keystroke updates: typing at the end, with a backspace now and then."""
    doc: Doc[Any] = Doc()
    doc["source"] = text = Text()
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    for i in range(count):
        if i % 25 == 24 and len(text):
            del text[len(text) - 1]
        else:
            text += "abcdefghij\n"[i % 11]
    return updates


async def _store(db: Database, writer: UpdateWriter, updates: list[bytes], every: int) -> str:
    async with db.session() as s:
        session = await ops.create_session(s, "bench", {"title": "reload"})
        sid = str(session.id)
    server_doc = new_document()
    store = RoomHistory(sid, writer=writer, doc=server_doc, snapshot_every=every)
    for update in updates:
        server_doc.apply_update(update)
        store.record(update)
        await asyncio.sleep(0)  # a due snapshot is taken right after, as in a room
    await writer.flush()
    return sid


async def _reload_ms(writer: UpdateWriter, sid: str) -> tuple[float, str]:
    doc = new_document()
    start = time.perf_counter()
    await RoomHistory(sid, writer=writer).load_into(doc)
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, str(doc.get("source", type=Text))


async def _bench(url: str, label: str, updates: list[bytes], rounds: int) -> list[Result]:
    db = Database(normalize_database_url(url), log=LOG)
    await db.ensure_ready()
    writer = UpdateWriter(db, log=LOG)
    try:
        ours_sid = await _store(db, writer, updates, every=500)
        base_sid = await _store(db, writer, updates, every=10**9)
        ours, base = [], []
        for _ in range(rounds):  # interleaved so drift hits both alike
            t, ours_text = await _reload_ms(writer, ours_sid)
            ours.append(t)
            t, base_text = await _reload_ms(writer, base_sid)
            base.append(t)
        assert ours_text == base_text, "snapshots changed the document"

        throughput = await _durable_rates(db, writer)
    finally:
        await writer.close()
        await db.dispose()
    n = len(updates)
    return [
        Result(
            "persistence",
            f"reload {n:,}-update room ({label}), p50",
            "ms",
            median(ours),
            median(base),
            "full log replay",
            "<= 100 ms",
            detail={"ours_p95": percentile(ours, 95), "baseline_p95": percentile(base, 95)},
        ),
        Result(
            "persistence",
            f"durable updates/s ({label})",
            "upd/s",
            throughput[0],
            throughput[1],
            "commit per update",
            higher_is_better=True,
        ),
    ]


async def _durable_rates(db: Database, writer: UpdateWriter) -> tuple[float, float]:
    async with db.session() as s:
        session = await ops.create_session(s, "bench", {"title": "throughput"})
        sid = session.id
    payload = b"\x01" * 24  # a keystroke-sized update

    rooms, per_room = 20, 250
    start = time.perf_counter()

    async def producer() -> None:
        for _ in range(per_room):
            writer.enqueue(sid, "update", payload)
            await asyncio.sleep(0)

    await asyncio.gather(*(producer() for _ in range(rooms)))
    await writer.flush()
    ours = rooms * per_room / (time.perf_counter() - start)

    count = 500
    start = time.perf_counter()
    for _ in range(count):
        async with db.session() as s:
            await s.execute(
                insert(RoomUpdate),
                [{"session_id": sid, "kind": "update", "data": payload, "created_at": utcnow()}],
            )
    baseline = count / (time.perf_counter() - start)
    return ours, baseline


def run(workdir: Path, quick: bool = False) -> list[Result]:
    updates = typing_history(5_000 if quick else 20_000)
    rounds = 3 if quick else 7
    results: list[Result] = []
    with scratch_sqlite(workdir) as url:
        results += asyncio.run(_bench(url, "SQLite", updates, rounds))
    with scratch_postgres() as url:
        results += asyncio.run(_bench(url, "PostgreSQL", updates, rounds))
    return results
