"""The parts of an interview document the server owns, and the shared timer.

The document's roots are in ``ydoc.py`` (``InterviewDocument``), what a client may write
into them in ``schema.py``.

"Owned by the server" means any other writer is overwritten: the server keeps the true
values and writes them back whenever the map differs from them. With several servers
hosting one room, each repairs only what its own participants wrote, and takes on as its
own the values another server wrote (``adopt``), or two servers would undo each other.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass
from typing import Any

from pycrdt import Doc, Map

from .ydoc import META, TIMER, InterviewDocument


def new_document() -> Doc[Any]:
    """An empty interview document, every root in place with its type."""
    return InterviewDocument().ydoc


def server_now_ms() -> float:
    """Server wall clock in milliseconds since the epoch; clients correct against it."""
    return time.time() * 1000.0


@dataclass(frozen=True)
class TimerState:
    """A shared stopwatch. Shown time = accumulated_ms + (now - started_at_ms if running)."""

    running: bool = False
    started_at_ms: float | None = None
    accumulated_ms: float = 0.0
    planned_minutes: int | None = None

    def elapsed_ms(self, now_ms: float) -> float:
        if self.running and self.started_at_ms is not None:
            return self.accumulated_ms + max(0.0, now_ms - self.started_at_ms)
        return self.accumulated_ms

    def start(self, now_ms: float) -> TimerState:
        if self.running:
            return self
        return TimerState(True, now_ms, self.accumulated_ms, self.planned_minutes)

    def pause(self, now_ms: float) -> TimerState:
        if not self.running:
            return self
        return TimerState(False, None, self.elapsed_ms(now_ms), self.planned_minutes)

    def reset(self) -> TimerState:
        return TimerState(False, None, 0.0, self.planned_minutes)

    def with_plan(self, planned_minutes: int | None) -> TimerState:
        return TimerState(self.running, self.started_at_ms, self.accumulated_ms, planned_minutes)

    def as_map(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_map(cls, values: dict[str, Any]) -> TimerState:
        try:
            return cls(
                running=bool(values.get("running", False)),
                started_at_ms=_float_or_none(values.get("started_at_ms")),
                accumulated_ms=float(values.get("accumulated_ms") or 0.0),
                planned_minutes=_int_or_none(values.get("planned_minutes")),
            )
        except (TypeError, ValueError):
            return cls()


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


class OwnedMaps:
    """Keeps ``meta`` and ``timer`` equal to the server's values, whoever writes to them."""

    def __init__(self, doc: Doc[Any], meta: dict[str, Any], timer: TimerState) -> None:
        self.doc = doc
        self.meta = dict(meta)
        self.timer = timer
        self._repair_scheduled = False
        self._subscriptions: list[Any] = []
        # Set while another server's rows are applied: their changes are not repaired.
        self.following = False

    def attach(self) -> None:
        self.write()
        for name in (META, TIMER):
            ymap: Map[Any] = self.doc.get(name, type=Map)
            self._subscriptions.append((ymap, ymap.observe(self._changed)))

    def detach(self) -> None:
        for ymap, sub in self._subscriptions:
            ymap.unobserve(sub)
        self._subscriptions.clear()

    def set_meta(self, **values: Any) -> None:
        self.meta.update(values)
        self.write()

    def set_timer(self, timer: TimerState) -> None:
        self.timer = timer
        self.write()

    def write(self) -> None:
        wanted = {META: self.meta, TIMER: self.timer.as_map()}
        with self.doc.transaction(origin="devinterview-server"):
            for name, values in wanted.items():
                ymap: Map[Any] = self.doc.get(name, type=Map)
                for key in list(ymap.keys()):
                    if key not in values:
                        del ymap[key]
                for key, value in values.items():
                    if key not in ymap or ymap[key] != value:
                        ymap[key] = value

    def repair_now(self) -> None:
        """Run a repair that waits for the end of the current step, now."""
        if self._repair_scheduled:
            self._repair()

    def adopt(self) -> None:
        """Take the maps' values as the true ones: another server wrote them."""
        self.meta = dict(self.doc.get(META, type=Map).to_py() or {})
        self.timer = TimerState.from_map(self.doc.get(TIMER, type=Map).to_py() or {})

    def _differs(self) -> bool:
        wanted = {META: self.meta, TIMER: self.timer.as_map()}
        for name, values in wanted.items():
            if dict(self.doc.get(name, type=Map).to_py() or {}) != values:
                return True
        return False

    def _changed(self, _event: Any) -> None:
        # Writing inside an observer is not allowed: repair right after this transaction.
        if self._repair_scheduled or self.following:
            return
        self._repair_scheduled = True
        asyncio.get_running_loop().call_soon(self._repair)

    def _repair(self) -> None:
        if not self._repair_scheduled:
            return  # already done by repair_now
        self._repair_scheduled = False
        if self._differs():
            self.write()
