"""REST under concurrent load on PostgreSQL with 10,000 sessions: our Jupyter server
extension beside the same queries in a minimal FastAPI + uvicorn app, measured with wrk
from a separate process, interleaved in one run."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
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
from devinterview_jupyter.testing.server import LiveServer, free_port, live_server

from .common import Result, median, scratch_postgres

CONNECTIONS = 8
# (operation, concurrent connections, paced): one interviewer clicking; a busy team
# server at saturation (throughput, and latency that is only queueing there); the same
# eight clients paced to half the baseline's capacity (latency under load); and create.
RUNS = (
    ("list", 1, False),
    ("list", CONNECTIONS, False),
    ("list", CONNECTIONS, True),
    ("create", CONNECTIONS, False),
)
# Paced clients offer this share of the baseline's saturated throughput from the round.
PACED_SHARE = 0.5
CREATE_LUA = """
wrk.method = "POST"
wrk.body = '{"title": "bench session", "language": "go"}'
wrk.headers["Content-Type"] = "application/json"
"""
# Each client thinks for a random, exponentially distributed time after each response
# (so requests arrive as from independent people, not in lockstep), {think_ms} ms on average.
PACED_LUA = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end
function init(args)
  math.randomseed(os.time() * 100 + seed)
end
function delay()
  return math.floor(-math.log(1 - math.random()) * {think_ms})
end
"""
BASELINE_TOKEN = secrets.token_hex(16)


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
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(Path(__file__).parent.parent),
        "BASELINE_TOKEN": BASELINE_TOKEN,
        "BASELINE_SECRET": secrets.token_hex(32),
    }
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
                with urllib.request.urlopen(base + "/open/sessions?limit=1", timeout=2):
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


def browser_headers(server: LiveServer) -> dict[str, str]:
    """Authenticate as JupyterLab in a browser does: the token once, then the login
    cookie, plus the XSRF cookie and header that non-GET requests need."""
    base = server.url.rstrip("/")
    login = urllib.request.Request(server.api + "/me", headers=server.auth)
    with urllib.request.urlopen(login, timeout=10) as response:
        user_cookie = _cookie(response.headers.get_all("Set-Cookie") or [], "username-")
    with urllib.request.urlopen(base + "/login", timeout=10) as response:
        xsrf = _cookie(response.headers.get_all("Set-Cookie") or [], "_xsrf=").split("=", 1)[1]
    return {"Cookie": f"{user_cookie}; _xsrf={xsrf}", "X-XSRFToken": xsrf}


def baseline_headers(base: str) -> dict[str, str]:
    """The baseline's equivalent: log in with the token once, then the session cookie."""
    login = urllib.request.Request(
        base + "/login", method="POST", headers={"Authorization": f"token {BASELINE_TOKEN}"}
    )
    with urllib.request.urlopen(login, timeout=10) as response:
        session = _cookie(response.headers.get_all("Set-Cookie") or [], "session=")
    xsrf = secrets.token_hex(16)
    return {"Cookie": f"{session}; _xsrf={xsrf}", "X-XSRFToken": xsrf}


def _cookie(set_cookies: list[str], prefix: str) -> str:
    for header in set_cookies:
        if header.startswith(prefix):
            return header.split(";", 1)[0]
    raise RuntimeError(f"no {prefix} cookie in {set_cookies}")


def run(workdir: Path, quick: bool = False) -> list[Result]:
    seconds, rounds = (3, 1) if quick else (8, 3)
    create = workdir / "create.lua"
    create.write_text(CREATE_LUA)
    paced = workdir / "paced.lua"
    samples: dict[tuple[str, int, bool, str], list[dict[str, float]]] = {}
    with scratch_postgres() as url:
        asyncio.run(_seed(url, 10_000))
        with live_server(url, workdir / "jupyter") as ours, fastapi_server(url, workdir) as base:
            targets = {
                "ours": (ours.api + "/sessions", browser_headers(ours)),
                "fastapi": (base + "/sessions", baseline_headers(base)),
            }
            unauthenticated = (base + "/open/sessions", {})
            for _ in range(rounds):
                for op, conns, is_paced in RUNS:
                    lua = create if op == "create" else None
                    if is_paced:
                        capacity = samples[("list", conns, False, "fastapi")][-1]["rps"]
                        think_ms = max(1, round(1000 * conns / (PACED_SHARE * capacity)))
                        paced.write_text(PACED_LUA.replace("{think_ms}", str(think_ms)))
                        lua = paced
                    runs = list(targets.items())
                    if (op, conns, is_paced) == ("list", CONNECTIONS, False):
                        runs.append(("fastapi-open", unauthenticated))
                    for who, (endpoint, headers) in runs:
                        fig = wrk(endpoint, seconds, headers, lua, connections=conns)
                        samples.setdefault((op, conns, is_paced, who), []).append(fig)

    def pick(run: tuple[str, int, bool], who: str, key: str) -> float:
        return median([s[key] for s in samples[(*run, who)]])

    results = []
    for op, conns, is_paced in RUNS:
        label = "list 50 of 10,000 (+count)" if op == "list" else "create"
        clients = f"{conns} conn" if conns == 1 else f"{conns} conns"
        if is_paced:
            clients += f", paced to {PACED_SHARE:.0%} of baseline capacity"
        elif conns > 1:
            clients += ", saturated"
        for key, unit, better in (
            ("p50", "ms", False),
            ("p99", "ms", False),
            ("rps", "req/s", True),
        ):
            target = ""
            if op == "list" and key == "p99" and (conns == 1 or is_paced):
                target = "<= 10 ms"
            elif op == "list" and key == "rps" and conns > 1 and not is_paced:
                target = ">= baseline"
            results.append(
                Result(
                    "rest",
                    f"{label} {key} ({clients})",
                    unit,
                    pick((op, conns, is_paced), "ours", key),
                    pick((op, conns, is_paced), "fastapi", key),
                    "FastAPI+uvicorn",
                    target,
                    higher_is_better=better,
                )
            )
    saturated = ("list", CONNECTIONS, False)
    results.append(
        Result(
            "rest",
            f"list 50 of 10,000 (+count) rps ({CONNECTIONS} conns, saturated) vs no auth",
            "req/s",
            pick(saturated, "ours", "rps"),
            pick(saturated, "fastapi-open", "rps"),
            "FastAPI, no auth",
            higher_is_better=True,
        )
    )
    return results
