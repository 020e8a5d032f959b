"""Shares of the server every room connection must live within.

A candidate's invite may be used by a hostile stranger: alone, one invite must not be able
to hold more than a few connections, nor make the server queue unbounded bytes for
connections that never read, nor flood everyone with presence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import ApiError

CLOSE_OVERLOAD = 1013  # RFC 6455 "try again later"


@dataclass(frozen=True)
class RoomLimits:
    """The per-room and per-connection limits (DevInterviewApp's room_* settings)."""

    max_document_bytes: int = 16 * 1024 * 1024
    max_pending_bytes: int = 1024 * 1024
    max_awareness_state_bytes: int = 16 * 1024
    awareness_per_second: float = 40.0
    awareness_burst: int = 80


class Backlogged(Protocol):
    """A connection with bytes queued for it."""

    def queued_bytes(self) -> int:
        """Bytes accepted for sending and not yet handed to the network."""

    def shed(self, code: int, reason: str) -> None:
        """Drop this connection to free what is queued for it."""


class SendBudget:
    """All room connections' unsent bytes together stay under ``limit``.

    Only connections with at least ``threshold`` bytes queued are tracked (a reading
    client's queue is near zero), so the usual send costs one comparison. When the
    tracked total passes the limit, the connections furthest behind are dropped first.
    """

    def __init__(self, limit: int, threshold: int = 64 * 1024) -> None:
        self.limit = limit
        self.threshold = threshold
        self.backlogged: dict[Backlogged, int] = {}
        self.shed_count = 0

    def note(self, peer: Backlogged, queued: int) -> None:
        """``peer`` now has ``queued`` bytes waiting (call when at least ``threshold``)."""
        self.backlogged[peer] = queued
        if sum(self.backlogged.values()) > self.limit:
            self._shed()

    def forget(self, peer: object) -> None:
        self.backlogged.pop(peer, None)  # type: ignore[call-overload]

    def total(self) -> int:
        return sum(peer.queued_bytes() for peer in self.backlogged)

    def _shed(self) -> None:
        # Entries are only refreshed on sends: read the true sizes before deciding.
        for peer in list(self.backlogged):
            queued = peer.queued_bytes()
            if queued < self.threshold:
                del self.backlogged[peer]
            else:
                self.backlogged[peer] = queued
        while self.backlogged and sum(self.backlogged.values()) > self.limit:
            slowest = max(self.backlogged, key=self.backlogged.__getitem__)
            del self.backlogged[slowest]
            self.shed_count += 1
            slowest.shed(CLOSE_OVERLOAD, "server busy: this connection fell too far behind")


class ConnectionCounter:
    """Open room connections per credential (an invite, or an interviewer's username), and
    credentials that must wait before they connect again."""

    def __init__(self, cooldown_seconds: float = 10.0) -> None:
        self.open: dict[str, int] = {}
        self.cooldown_seconds = cooldown_seconds
        self.waiting: dict[str, float] = {}  # credential -> when it may connect again

    def cool_down(self, key: str) -> None:
        """``key`` sent what the room refused: each refusal costs the server a rebuild of
        the room's trial document, so it may not come straight back and repeat it."""
        self.waiting[key] = time.monotonic() + self.cooldown_seconds

    def acquire(self, key: str, limit: int) -> None:
        now = time.monotonic()
        for waiting in [k for k, until in self.waiting.items() if until <= now]:
            del self.waiting[waiting]
        until = self.waiting.get(key)
        if until is not None:
            raise ApiError(
                429,
                "this connection sent what the interview refuses; try again later",
                "cooling_down",
                retry_after=max(1, round(until - now)),
            )
        count = self.open.get(key, 0)
        if count >= limit:
            raise ApiError(
                429, f"at most {limit} room connections per participant", "too_many_connections"
            )
        self.open[key] = count + 1

    def release(self, key: str) -> None:
        count = self.open.get(key, 0) - 1
        if count > 0:
            self.open[key] = count
        else:
            self.open.pop(key, None)


@dataclass
class TokenBucket:
    """At most ``rate`` events a second on average, ``burst`` at once."""

    rate: float
    burst: int
    tokens: float = field(default=0.0)
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def take(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True
