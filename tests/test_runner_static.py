"""The code runners' files (our labextension's static folder: the Python worker, Pyodide
and its snapshot) at `{base_url}devinterview/static/`: public, readable from the runners'
opaque-origin sandbox, and served whether or not there is a candidate site, so Run works
for interviewers on a server without one (docs/runner.md)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from devinterview_jupyter.candidate.handlers import labextension_static_dir
from devinterview_jupyter.candidate.site import DEFAULT_LABEXTENSION
from devinterview_jupyter.constants import RUNNER_STATIC_PATH

PREFIX = RUNNER_STATIC_PATH
STATIC = labextension_static_dir()


@pytest.fixture
def devinterview_config(tmp_path: Path) -> dict[str, Any]:
    # No candidate site at all: the folder it would be in does not exist.
    return {"candidate_site_dir": str(tmp_path / "no-candidate-site")}


@pytest.fixture
def jp_server_config(devinterview_database_url: str, devinterview_config: dict[str, Any]) -> Any:
    # A server that wants a login everywhere else, as deployed.
    return {
        "ServerApp": {
            "jpserver_extensions": {"devinterview_jupyter": True},
            "allow_unauthenticated_access": False,
        },
        "DevInterviewApp": {
            "database_url": devinterview_database_url,
            "freeze_startup_objects": False,
            **devinterview_config,
        },
    }


@pytest.fixture(autouse=True)
def _built() -> None:
    if not (STATIC / "pyodide" / "pyodide.mjs").is_file():
        pytest.fail(f"the labextension is not built at {STATIC}: run `make setup`")


def test_the_folder_is_the_labextension_jupyterlab_loads() -> None:
    # A develop link or an installed wheel: either way the same build as the package's.
    assert (STATIC.parent / "package.json").is_file()
    assert STATIC.samefile(DEFAULT_LABEXTENSION / "static")


async def test_runner_files_are_served_without_a_candidate_site(api: Any) -> None:
    site = await api("GET", "", as_=None, prefix="devinterview/candidate/")
    assert site.status == 404  # the candidate site is really missing
    worker = next(STATIC.glob("python-worker.*.js"))
    for path in (
        worker.name,
        "pyodide/pyodide.mjs",
        "pyodide/pyodide.asm.mjs",
        "pyodide/pyodide-lock.json",
        "pyodide/python_stdlib.zip",
        "pyodide/snapshot.bin.gz",
    ):
        # No login, and from the sandbox's opaque origin (`Origin: null`).
        reply = await api("GET", path, as_=None, prefix=PREFIX, headers={"Origin": "null"})
        assert reply.status == 200, path
        assert reply.headers["Access-Control-Allow-Origin"] == "*", path
        assert reply.body == (STATIC / path).read_bytes(), path
    module = await api("GET", "pyodide/pyodide.mjs", as_=None, prefix=PREFIX)
    assert "javascript" in module.headers["Content-Type"]
    hashed = await api("GET", worker.name, as_=None, prefix=PREFIX)
    assert "immutable" in hashed.headers["Cache-Control"]
    lock = await api("GET", "pyodide/pyodide-lock.json", as_=None, prefix=PREFIX)
    assert lock.headers["Cache-Control"] == "no-cache"  # revalidated: an upgrade shows
    # The rest of the server still wants a login.
    lab = await api("GET", "api/contents", as_=None, prefix="")
    assert lab.status in (401, 403)


async def test_the_webassembly_goes_gzipped(http_server_client: Any, jp_base_url: str) -> None:
    wasm = STATIC / "pyodide" / "pyodide.asm.wasm"
    assert (STATIC / "pyodide" / "pyodide.asm.wasm.gz").is_file(), "jlpm build writes it"
    url = f"{jp_base_url}{PREFIX}pyodide/pyodide.asm.wasm"
    sent = await http_server_client.fetch(
        url, headers={"Accept-Encoding": "gzip"}, decompress_response=False
    )
    assert sent.headers["Content-Encoding"] == "gzip"
    assert sent.headers["Content-Type"] == "application/wasm"  # streaming compile
    assert sent.headers["Access-Control-Allow-Origin"] == "*"
    assert len(sent.body) < wasm.stat().st_size / 2
    assert gzip.decompress(sent.body) == wasm.read_bytes()
    plain = await http_server_client.fetch(url, decompress_response=False)
    assert "Content-Encoding" not in plain.headers
    assert plain.body == wasm.read_bytes()


@pytest.mark.parametrize(
    "path",
    ["../package.json", "%2e%2e/package.json", "..%2fpackage.json", "missing.js"],
)
async def test_only_the_static_folder_is_served(api: Any, path: str) -> None:
    # package.json and install.json sit beside `static/`: not part of what is served.
    reply = await api("GET", path, as_=None, prefix=PREFIX)
    assert reply.status in (403, 404)
    assert b'"name"' not in reply.body
    assert b"Traceback" not in reply.body
