"""What every benchmark shares: results, statistics, the table, scratch databases."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import secrets
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

RESULTS = Path(__file__).parent / "results"
DEFAULT_POSTGRES_URL = "postgresql://127.0.0.1:5432/test"


@dataclass
class Result:
    """One line of the table: a figure of ours beside its baseline from the same run."""

    group: str
    name: str
    unit: str
    ours: float
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    higher_is_better: bool = False
    detail: dict[str, object] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """How many times better ours is than the baseline (>1 is better)."""
        if self.baseline in (None, 0) or self.ours == 0:
            return None
        assert self.baseline is not None
        return self.ours / self.baseline if self.higher_is_better else self.baseline / self.ours


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values)


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def print_table(results: list[Result]) -> None:
    header = ("group", "measure", "ours", "baseline", "ratio", "target")
    rows = [header]
    for r in results:
        base = f"{_num(r.baseline)} ({r.baseline_name})" if r.baseline is not None else "-"
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
        rows.append((r.group, r.name, f"{_num(r.ours)} {r.unit}", base, ratio, r.target or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def save(results: list[Result]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    payload = {
        "when": stamp,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "results": [{**asdict(r), "ratio": r.ratio} for r in results],
    }
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(payload, indent=2))
    (RESULTS / "latest.json").write_text(json.dumps(merge_latest(payload), indent=2))
    return path


def merge_latest(payload: dict[str, object]) -> dict[str, object]:
    """latest.json after a run of some suites: their lines replaced, the others kept."""
    latest = RESULTS / "latest.json"
    if not latest.is_file():
        return payload
    try:
        previous = json.loads(latest.read_text())
    except ValueError:
        return payload
    fresh = payload["results"]
    assert isinstance(fresh, list)
    groups = {r["group"] for r in fresh}
    kept = [r for r in previous.get("results", []) if r.get("group") not in groups]
    when = dict(previous.get("when_by_group", {}))
    when.update({g: payload["when"] for g in groups})
    return {**payload, "results": kept + fresh, "when_by_group": when}


def admin_postgres_url() -> str:
    return os.environ.get("DEVINTERVIEW_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """A fresh PostgreSQL database for one benchmark, dropped afterwards."""
    import asyncpg

    admin = admin_postgres_url()
    name = f"devinterview_bench_{secrets.token_hex(4)}"
    dsn = make_url(admin).set(drivername="postgresql", query={}).render_as_string(False)

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(dsn, timeout=10)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def scratch_sqlite(workdir: Path) -> Iterator[str]:
    path = workdir / f"bench-{secrets.token_hex(4)}.db"
    try:
        yield f"sqlite:///{path}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
