"""REST under concurrent load on PostgreSQL with 10,000 sessions: our Jupyter server
extension beside the same queries in a minimal FastAPI + uvicorn app, measured with wrk
from a separate process, interleaved in one run."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import insert

from devinterview_jupyter.db.engine import Database
from devinterview_jupyter.db.models import InterviewSession, utcnow
from devinterview_jupyter.db.url import normalize_database_url
from devinterview_jupyter.testing import free_port, live_server

from .common import Result, median, scratch_postgres

CONNECTIONS = 8
# (operation, concurrent connections): one interviewer clicking, and a busy team server.
RUNS = (("list", 1), ("list", CONNECTIONS), ("create", CONNECTIONS))
CREATE_LUA = """
wrk.method = "POST"
wrk.body = '{"title": "bench session", "language": "go"}'
wrk.headers["Content-Type"] = "application/json"
"""


async def _seed(url: str, count: int) -> None:
    import uuid

    db = Database(normalize_database_url(url), log=logging.getLogger("bench"))
    await db.ensure_ready()
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "title": f"Interview {i}",
            "language": "python",
            "status": ("scheduled", "active", "terminated")[i % 3],
            "owner": "bench",
            "candidate_name": f"Candidate {i}",
            "planned_minutes": 60,
            "created_at": now,
        }
        for i in range(count)
    ]
    async with db.session() as s:
        await s.execute(insert(InterviewSession), rows)
    await db.dispose()


@contextmanager
def fastapi_server(url: str, workdir: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(Path(__file__).parent.parent)}
    log = (workdir / "fastapi.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.fastapi_baseline:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(base + "/sessions?limit=1", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError((workdir / "fastapi.log").read_text())
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(
    url: str,
    seconds: int,
    headers: dict[str, str],
    script: Path | None = None,
    connections: int = CONNECTIONS,
) -> dict[str, float]:
    if shutil.which("wrk") is None:
        raise RuntimeError("the REST benchmark needs wrk: apt-get install wrk")
    threads = min(2, connections)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    if script is not None:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    figures: dict[str, float] = {}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        assert m, out
        figures[f"p{pct}"] = float(m.group(1)) * _UNITS[m.group(2)]
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert rps, out
    figures["rps"] = float(rps.group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{errors.group(1)} failed requests from {url}:\n{out}")
    return figures


def run(workdir: Path, quick: bool = False) -> list[Result]:
    seconds, rounds = (3, 1) if quick else (8, 3)
    script = workdir / "create.lua"
    script.write_text(CREATE_LUA)
    samples: dict[tuple[str, int, str], list[dict[str, float]]] = {}
    with scratch_postgres() as url:
        asyncio.run(_seed(url, 10_000))
        with live_server(url, workdir / "jupyter") as ours, fastapi_server(url, workdir) as base:
            targets = {
                "ours": (ours.api + "/sessions", ours.auth),
                "fastapi": (base + "/sessions", {}),
            }
            for _ in range(rounds):
                for op, conns in RUNS:
                    for who, (endpoint, headers) in targets.items():
                        lua = script if op == "create" else None
                        fig = wrk(endpoint, seconds, headers, lua, connections=conns)
                        samples.setdefault((op, conns, who), []).append(fig)

    def pick(op: str, conns: int, who: str, key: str) -> float:
        return median([s[key] for s in samples[(op, conns, who)]])

    results = []
    for op, conns in RUNS:
        label = "list 50 of 10,000 (+count)" if op == "list" else "create"
        plural = "conn" if conns == 1 else "conns"
        for key, unit, better, target in (
            ("p50", "ms", False, ""),
            ("p99", "ms", False, "<= 10 ms" if op == "list" else ""),
            ("rps", "req/s", True, ">= baseline" if op == "list" else ""),
        ):
            results.append(
                Result(
                    "rest",
                    f"{label} {key} ({conns} {plural})",
                    unit,
                    pick(op, conns, "ours", key),
                    pick(op, conns, "fastapi", key),
                    "FastAPI+uvicorn",
                    target,
                    higher_is_better=better,
                )
            )
    return results
