"""Failed invite checks per client address: refused with 429 past a limit, logged sparingly.

Invite tokens are 256 random bits, so guessing one is hopeless; what a guesser costs is
load (a database lookup per guess) and log lines (two WARNING lines per refusal). Each
client address gets ``limit`` failures per window; after that it is answered 429 with
``Retry-After`` before any lookup, until its window ends. Of its failures, the first in a
window is logged as usual; the rest are counted, and the count is written in one line:
when the limit is reached, and with the address's next logged failure.

Memory is bounded: at most ``max_addresses`` addresses are tracked, the least recently
failing one is forgotten first. IPv6 clients are counted per /64 network (one host
usually holds a whole /64); an IPv4-mapped address counts as its IPv4 address.

``RequestLimiter`` counts the requests of one authenticated participant instead (the
integrity events a page reports, docs/integrity.md).
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field


def client_key(remote_ip: str | None) -> str:
    """The address a client's failures are counted under."""
    if not remote_ip:
        return ""
    try:
        address = ipaddress.ip_address(remote_ip.split("%", 1)[0])
    except ValueError:
        return remote_ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


@dataclass(slots=True)
class _Window:
    start: float
    failures: int = 0  # failed checks in this window (requests answered 429 excluded)
    unlogged: int = 0  # failed or refused requests not logged in this window


@dataclass
class Verdict:
    """What to log about one failed or refused request."""

    log_request: bool  # write the request's usual lines (tornado's and the access log)
    notes: list[str] = field(default_factory=list)  # summary lines to write instead


class FailureLimiter:
    """Counts failed invite checks per client address in fixed windows."""

    def __init__(
        self,
        limit: int,
        *,
        window_seconds: float = 60.0,
        max_addresses: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit  # 0: no limit (log lines are still thinned out)
        self.window_seconds = window_seconds
        self.max_addresses = max(1, max_addresses)
        self.clock = clock
        self._windows: OrderedDict[str, _Window] = OrderedDict()

    def __len__(self) -> int:
        return len(self._windows)

    def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may try again, or None if it may now."""
        if self.limit <= 0:
            return None
        window = self._windows.get(key)
        if window is None or window.failures < self.limit:
            return None
        left = window.start + self.window_seconds - self.clock()
        if left <= 0:
            return None
        return max(1, math.ceil(left))

    def refused(self, key: str) -> Verdict:
        """A request from ``key`` was answered 429: it is not logged, only counted."""
        window = self._windows.get(key)
        if window is not None:
            window.unlogged += 1
        return Verdict(log_request=False)

    def failed(self, key: str) -> Verdict:
        """A request from ``key`` failed its invite check."""
        now = self.clock()
        notes: list[str] = []
        window = self._windows.get(key)
        if window is None or now - window.start >= self.window_seconds:
            if window is not None and window.unlogged:
                notes.append(
                    f"DevInterview: {window.unlogged} more failed or refused invite checks "
                    f"from {key or 'an unknown address'} were not logged "
                    f"(one is logged per {self.window_seconds:g} s)"
                )
            window = _Window(start=now)
            self._windows[key] = window
            while len(self._windows) > self.max_addresses:
                self._windows.popitem(last=False)
        self._windows.move_to_end(key)
        window.failures += 1
        log_request = window.failures == 1
        if not log_request:
            window.unlogged += 1
        if self.limit > 0 and window.failures == self.limit:
            notes.append(
                f"DevInterview: {self.limit} failed invite checks from "
                f"{key or 'an unknown address'} within {self.window_seconds:g} s; "
                "answering 429 until its window ends"
            )
        return Verdict(log_request=log_request, notes=notes)


@dataclass(slots=True)
class _Count:
    start: float
    requests: int = 0


class RequestLimiter:
    """Requests per key (an authenticated participant, not an address) in fixed windows:
    past ``limit`` in a window, the key waits for the window's end. Memory is bounded as
    for ``FailureLimiter``: the least recently seen key is forgotten first."""

    def __init__(
        self,
        limit: int,
        *,
        window_seconds: float = 60.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit  # 0: no limit
        self.window_seconds = window_seconds
        self.max_keys = max(1, max_keys)
        self.clock = clock
        self._counts: OrderedDict[str, _Count] = OrderedDict()

    def __len__(self) -> int:
        return len(self._counts)

    def hit(self, key: str) -> int | None:
        """Count a request of ``key``: None if it may be served, else the seconds until
        it may try again (a refused request is not counted)."""
        if self.limit <= 0:
            return None
        now = self.clock()
        count = self._counts.get(key)
        if count is None or now - count.start >= self.window_seconds:
            count = _Count(start=now)
            self._counts[key] = count
            while len(self._counts) > self.max_keys:
                self._counts.popitem(last=False)
        self._counts.move_to_end(key)
        if count.requests >= self.limit:
            return max(1, math.ceil(count.start + self.window_seconds - now))
        count.requests += 1
        return None
