"""In-browser Python: interview link → "ready to run" (cold and with a warm browser cache)
and the latency of a trivial run, on the candidate page in headless Chromium. Baseline in
the same run: plain Pyodide loaded in a module worker of a bare page from the same files."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

from devinterview_jupyter.candidate.site import DEFAULT_SITE_DIR
from devinterview_jupyter.testing import live_server

from .common import Result, median, percentile, scratch_sqlite

SCRIPT = Path(__file__).parent / "browser" / "runner_startup.js"


def _post(url: str, headers: dict[str, str], body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={**headers, "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, object] = json.loads(response.read())
        return result


PYODIDE_PATH = "devinterview/candidate/extensions/devinterview-jupyter/static/pyodide/"


def _check_site() -> None:
    wasm = DEFAULT_SITE_DIR / "extensions" / "devinterview-jupyter" / "static" / "pyodide"
    if not (wasm / "pyodide.asm.wasm").is_file():
        raise RuntimeError(f"no Pyodide in {wasm}: run `make setup`")


def run(workdir: Path, quick: bool = False) -> list[Result]:
    rounds, runs = (1, 5) if quick else (3, 20)
    _check_site()
    with scratch_sqlite(workdir) as url, live_server(url, workdir / "jupyter-runner") as server:
        links = []
        for i in range(rounds):
            session = _post(
                server.api + "/sessions", server.auth, {"title": f"bench {i}", "language": "python"}
            )
            invite = _post(server.api + f"/sessions/{session['id']}/invites", server.auth, {})
            links.append(str(invite["url"]))
        args = {
            "urls": links,
            "rounds": rounds,
            "runs": runs,
            "pageUrl": server.url + "devinterview/candidate/jupyter-lite.json",
            "pyodideUrl": server.url + PYODIDE_PATH,
        }
        out = subprocess.run(
            ["node", str(SCRIPT), json.dumps(args)],
            capture_output=True,
            text=True,
            check=True,
            timeout=1800,
        ).stdout
    figures = json.loads(out.strip().splitlines()[-1])

    def pick(kind: str, key: str) -> float:
        return median([float(s[key]) for s in figures[kind]])

    clicks = [float(v) for v in figures["run"]["clickToOutput"]]
    in_worker = [float(v) for v in figures["run"]["inWorker"]]
    plain_cold = median([float(v) for v in figures["plainCold"]])
    plain_warm = median([float(v) for v in figures["plainWarm"]])
    return [
        Result(
            "runner",
            "link → ready to run, cold cache",
            "ms",
            pick("cold", "linkToReady"),
            plain_cold,
            "plain Pyodide load",
            "<= 2,000 ms",
            detail={"samples": figures["cold"]},
        ),
        Result(
            "runner",
            "interview shown → ready, cold cache",
            "ms",
            pick("cold", "panelToReady"),
            plain_cold,
            "plain Pyodide load",
        ),
        Result(
            "runner",
            "link → ready to run, warm cache",
            "ms",
            pick("warm", "linkToReady"),
            plain_warm,
            "plain Pyodide, warm",
            "<= 2,000 ms",
            detail={"samples": figures["warm"]},
        ),
        Result(
            "runner",
            "interview shown → ready, warm cache",
            "ms",
            pick("warm", "panelToReady"),
            plain_warm,
            "plain Pyodide, warm",
        ),
        Result(
            "runner",
            "print(1): click → output shown p50",
            "ms",
            percentile(clicks, 50),
            target="<= 50 ms",
            detail={"samples": clicks},
        ),
        Result(
            "runner",
            "print(1): in the worker p50",
            "ms",
            percentile(in_worker, 50) if in_worker else float("nan"),
            detail={"samples": in_worker},
        ),
    ]
