"""In-browser Python: how soon it is ready to run, for the candidate (link → lobby → Join →
interview, cold and warm, and cold with the package's snapshot withheld) and the
interviewer (interview opened in JupyterLab, cold and warm); the candidate's first-visit
download; the latency of a trivial run. Headless Chromium. Baseline in the same run: plain
Pyodide loaded in a module worker of a bare page from the same files."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

from devinterview_jupyter.candidate.site import DEFAULT_SITE_DIR
from devinterview_jupyter.testing.server import live_server

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
    # The bench drives JupyterLab through `window.jupyterapp`, as the browser tests do
    # (live_server keeps any other file of its config folder).
    config = workdir / "jupyter-runner" / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "jupyter_lab_config.json").write_text(
        json.dumps({"LabApp": {"expose_app_in_browser": True}})
    )
    with scratch_sqlite(workdir) as url, live_server(url, workdir / "jupyter-runner") as server:
        links, sessions, fresh = [], [], []
        for i in range(rounds):
            session = _post(
                server.api + "/sessions", server.auth, {"title": f"bench {i}", "language": "python"}
            )
            invite = _post(server.api + f"/sessions/{session['id']}/invites", server.auth, {})
            links.append(str(invite["url"]))
            sessions.append(str(session["id"]))
            other = _post(
                server.api + "/sessions", server.auth, {"title": f"fresh {i}", "language": "python"}
            )
            fresh.append(
                str(_post(server.api + f"/sessions/{other['id']}/invites", server.auth, {})["url"])
            )
        args = {
            "urls": links,
            "freshUrls": fresh,
            "sessions": sessions,
            "rounds": rounds,
            "runs": runs,
            "pageUrl": server.url + "devinterview/candidate/jupyter-lite.json",
            "pyodideUrl": server.url + PYODIDE_PATH,
            # A local bench server: its token in the URL logs the bench browser in.
            "labUrl": server.url + f"lab/workspaces/bench-runner?reset&token={server.token}",
        }
        done = subprocess.run(
            ["node", str(SCRIPT), json.dumps(args)],
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{SCRIPT.name} failed:\n{done.stderr[-3000:]}")
        out = done.stdout
    return results(json.loads(out.strip().splitlines()[-1]))


def _median_of(samples: list[dict[str, object]], key: str) -> float:
    values = [float(str(s[key])) for s in samples if s.get(key) is not None]
    return median(values) if values else float("nan")


def results(figures: dict[str, Any]) -> list[Result]:
    """The table rows from what runner_startup.js measured."""
    clicks = [float(v) for v in figures["run"]["clickToOutput"]]
    in_worker = [float(v) for v in figures["run"]["inWorker"]]
    plain_cold = median([float(v) for v in figures["plainCold"]])
    plain_warm = median([float(v) for v in figures["plainWarm"]])
    cold, warm = figures["cold"], figures["warm"]
    lab_cold, lab_warm = figures["labCold"], figures["labWarm"]
    transfer = figures["transfer"]

    def row(
        name: str, samples: list[dict[str, object]], key: str, warm_cache: bool, target: str = ""
    ) -> Result:
        return Result(
            "runner",
            name,
            "ms",
            _median_of(samples, key),
            plain_warm if warm_cache else plain_cold,
            "plain Pyodide, warm" if warm_cache else "plain Pyodide load",
            target,
            detail={"samples": samples},
        )

    return [
        row("candidate: link → ready to run, cold cache", cold, "linkToReady", False),
        row("candidate: lobby shown → ready, cold cache", cold, "lobbyToReady", False),
        row(
            "candidate: interview shown (after Join) → ready, cold cache",
            cold,
            "panelToReady",
            False,
            "<= 2,000 ms",
        ),
        row(
            "candidate: interview shown → ready, cold, package snapshot withheld",
            figures["coldWithoutPackageSnapshot"],
            "panelToReady",
            False,
        ),
        row(
            "candidate: link → ready, cold, package snapshot withheld",
            figures["coldWithoutPackageSnapshot"],
            "linkToReady",
            False,
        ),
        row("candidate: link → ready to run, warm cache", warm, "linkToReady", True),
        row("candidate: interview shown → ready, warm cache", warm, "panelToReady", True),
        row(
            "interviewer: interview shown → ready, cold cache",
            lab_cold,
            "panelToReady",
            False,
            "<= 2,000 ms",
        ),
        row("interviewer: interview opened → ready, cold cache", lab_cold, "openedToReady", False),
        row("interviewer: interview shown → ready, warm cache", lab_warm, "panelToReady", True),
        row("interviewer: interview opened → ready, warm cache", lab_warm, "openedToReady", True),
        Result(
            "runner",
            "candidate first visit: bytes before Python (page)",
            "MB",
            median([t["page"] / 1e6 for t in transfer]),
            target="<= 6 MB",
            detail={"samples": transfer},
        ),
        Result(
            "runner",
            "candidate first visit: Python's own bytes (Pyodide + snapshot)",
            "MB",
            median([t["python"] / 1e6 for t in transfer]),
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
