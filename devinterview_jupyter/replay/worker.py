"""The replay's threads.

Opening the replay of an hour-long interview applies tens of thousands of rows (a few
hundred milliseconds of CPU); done on the server's event loop, it would stall every live
room of the server for that long. Every use of a replay's documents runs here instead.

Two threads, so that one long build (a big log read for the first time, a batch at a time)
leaves the other to everyone else's scrubs. A timeline's documents must never be used by
two threads at once (a pycrdt document is not made to be shared): jobs with the same key,
the session's id, run one after another. A job without a key may touch any timeline, so
it runs alone: it waits for the jobs running to end, and no other starts until it has.
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from ..rooms.manager import KeyedLocks

T = TypeVar("T")

THREADS = 2

_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(
            max_workers=THREADS, thread_name_prefix="devinterview-replay"
        )
    return _executor


class _Gate:
    """Who may start a job, on one event loop (asyncio's locks belong to one)."""

    def __init__(self) -> None:
        self.keys = KeyedLocks()
        # Every job passes it to start; a job without a key holds it while it runs.
        self.turnstile = asyncio.Lock()
        self.running = 0  # jobs with a key, started and not ended
        self.idle = asyncio.Event()
        self.idle.set()


_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Gate] = weakref.WeakKeyDictionary()


def _gate() -> _Gate:
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = _Gate()
    return gate


async def in_replay_thread(work: Callable[[], T], key: uuid.UUID | None = None) -> T:
    """Run ``work`` in a replay thread: after the other jobs of ``key``, or, without a
    key, alone."""
    gate = _gate()
    if key is None:
        async with gate.turnstile:
            await gate.idle.wait()
            return await _run(work)
    async with gate.keys.hold(key):
        async with gate.turnstile:
            gate.running += 1
            gate.idle.clear()
        try:
            return await _run(work)
        finally:
            gate.running -= 1
            if not gate.running:
                gate.idle.set()


async def _run(work: Callable[[], T]) -> T:
    future = asyncio.get_running_loop().run_in_executor(_pool(), work)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        # A thread cannot be stopped: the next job on these documents waits until it ends.
        await asyncio.wait([future])
        raise
