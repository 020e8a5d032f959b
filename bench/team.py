"""Rooms across servers: one interview room hosted by two Jupyter servers on one PostgreSQL.

For each of N interviews the typist joins the room on server A and both peers join it on
server B, so every keystroke reaches them through the shared log: A's group commit (the
``room_flush_interval_ms`` window, then one transaction that takes the log's advisory lock,
inserts the rows and NOTIFYs each session's channel), B's LISTEN connection, and B's
catch-up query for that room. Baseline in the same run, from the same load generator
(bench/room_load.py): the same interviews with all three clients on one server. Levels
run one server, then two, on a fresh database each.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from devinterview_jupyter.testing.server import live_server

from .common import Result, scratch_postgres
from .rooms import Target, load

LEVELS = [50, 200]
QUICK_LEVELS = [5, 20]
P99_TARGET_MS = 100.0
TARGET_LEVEL = 200
ONE = "one server"
TWO = "two servers"

Setup = Callable[[Path, "dict[str, object] | None"], AbstractContextManager[tuple[Target, str]]]


@contextmanager
def one_server(
    workdir: Path, settings: dict[str, object] | None = None
) -> Iterator[tuple[Target, str]]:
    with (
        scratch_postgres() as url,
        live_server(url, workdir / f"one-{secrets.token_hex(3)}", settings=settings) as server,
    ):

        def rooms(n: int) -> list[str]:
            made = [server.request("POST", "sessions", {"title": f"load {i}"}) for i in range(n)]
            return [server.room_url(s["id"]) for s in made]  # type: ignore[index]

        yield Target(ONE, server.process.pid, server.auth, rooms), url  # type: ignore[union-attr]


@contextmanager
def two_servers(
    workdir: Path, settings: dict[str, object] | None = None
) -> Iterator[tuple[Target, str]]:
    tag = secrets.token_hex(3)
    with (
        scratch_postgres() as url,
        live_server(url, workdir / f"a-{tag}", settings=settings) as a,
        live_server(url, workdir / f"b-{tag}", settings=settings) as b,
    ):

        def rooms(n: int) -> list[str]:
            made = [a.request("POST", "sessions", {"title": f"load {i}"}) for i in range(n)]
            return [a.room_url(s["id"]) for s in made]  # type: ignore[index]

        # session_access = "server" (the default): B's interviewer may open A's sessions.
        a_ws, b_ws = a.room_url(""), b.room_url("")
        yield (
            Target(
                TWO,
                a.process.pid,  # type: ignore[union-attr]
                a.auth,
                rooms,
                peer_url=lambda u: b_ws + u.removeprefix(a_ws),
                peer_headers=b.auth,
                peer_pid=b.process.pid,  # type: ignore[union-attr]
            ),
            url,
        )


def database_counters(url: str) -> Callable[[], dict[str, float]]:
    """Transactions and rows fetched so far in ``url``'s database (pg_stat_database)."""
    import asyncpg

    parsed = make_url(url)
    dsn = parsed.set(drivername="postgresql", query={}).render_as_string(False)

    async def read() -> dict[str, float]:
        conn = await asyncpg.connect(dsn, timeout=10)
        try:
            row = await conn.fetchrow(
                "SELECT xact_commit, tup_fetched FROM pg_stat_database WHERE datname = $1",
                parsed.database,
            )
        finally:
            await conn.close()
        return {
            "transactions": float(row["xact_commit"]),
            "rows_fetched": float(row["tup_fetched"]),
        }

    return lambda: asyncio.run(read())


def measure(
    setup: Setup,
    n: int,
    duration: float,
    workdir: Path,
    settings: dict[str, object] | None = None,
) -> dict[str, float]:
    with setup(workdir, settings) as (target, url):
        print(f"  {target.name}: {n} interviews", flush=True)
        return load(target, n, duration, workdir, counters=database_counters(url))


def run(workdir: Path, quick: bool = False) -> list[Result]:
    levels = QUICK_LEVELS if quick else LEVELS
    duration = 4.0 if quick else 15.0
    figures: dict[int, dict[str, dict[str, float]]] = {}
    for n in levels:
        figures[n] = {
            ONE: measure(one_server, n, duration, workdir),
            TWO: measure(two_servers, n, duration, workdir),
        }
    results: list[Result] = []
    for n in levels:
        one, two = figures[n][ONE], figures[n][TWO]
        for p in ("p50", "p99"):
            target = f"<= {P99_TARGET_MS:.0f} ms" if p == "p99" and n == TARGET_LEVEL else ""
            results.append(
                Result(
                    "team",
                    f"edit->peer {p}, {n} interviews x 3, typist on server A, peers on B",
                    "ms",
                    two[p],
                    one[p],
                    ONE,
                    target,
                    detail={TWO: two, ONE: one} if p == "p99" else {},
                )
            )
    return results
