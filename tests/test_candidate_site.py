"""The candidate page: static files without login, and the CLI that builds the site."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from devinterview_jupyter.candidate.site import DEFAULT_LABEXTENSION, gzip_siblings

PREFIX = "devinterview/candidate/"


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "build").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>candidate</title>")
    (site / "jupyter-lite.json").write_text("{}")
    (site / "build" / "12.abcdef1.js").write_text("console.log(1)")
    static = site / "extensions" / "devinterview-jupyter" / "static"
    (static / "pyodide").mkdir(parents=True)
    (static / "pyodide" / "pyodide.mjs").write_text("export const version = '0';")
    (static / "pyodide" / "pyodide.asm.wasm").write_bytes(b"\0asm" + bytes(4096))
    (site / ".hidden").write_text("nope")
    (tmp_path / "secret.txt").write_text("outside the site")
    return site


@pytest.fixture
def devinterview_config(site_dir: Path) -> dict[str, Any]:
    return {"candidate_site_dir": str(site_dir)}


@pytest.fixture
def jp_server_config(devinterview_database_url: str, devinterview_config: dict[str, Any]) -> Any:
    # Like conftest's, on a server that refuses anonymous access everywhere else.
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


async def test_site_is_served_without_login(api):
    reply = await api("GET", "", as_=None, prefix=PREFIX)
    assert reply.status == 200
    assert b"candidate" in reply.body
    assert reply.headers["Cache-Control"] == "no-cache"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    hashed = await api("GET", "build/12.abcdef1.js", as_=None, prefix=PREFIX)
    assert hashed.status == 200
    assert "immutable" in hashed.headers["Cache-Control"]
    config = await api("GET", "jupyter-lite.json", as_=None, prefix=PREFIX)
    assert config.status == 200
    # The rest of the server still wants a login.
    lab = await api("GET", "api/contents", as_=None, prefix="")
    assert lab.status in (401, 403)


async def test_extension_files_are_readable_from_the_code_sandbox(api):
    # Code runs in an opaque-origin frame, which reads our files (Pyodide, the Python
    # worker) only with CORS; the pages and the configuration get no such header.
    code = await api(
        "GET",
        "extensions/devinterview-jupyter/static/pyodide/pyodide.mjs",
        as_=None,
        prefix=PREFIX,
        headers={"Origin": "null"},
    )
    assert code.status == 200
    assert code.headers["Access-Control-Allow-Origin"] == "*"
    assert "javascript" in code.headers["Content-Type"]
    for page in ("", "jupyter-lite.json"):
        reply = await api("GET", page, as_=None, prefix=PREFIX)
        assert reply.status == 200
        assert "Access-Control-Allow-Origin" not in reply.headers


async def test_bare_path_redirects_to_the_folder(api):
    reply = await api("GET", "", as_=None, prefix="devinterview/candidate")
    assert reply.status == 302
    assert reply.headers["Location"].endswith("/devinterview/candidate/")


async def test_compressible_files_go_gzipped_to_browsers_that_accept_it(
    site_dir: Path, http_server_client: Any, jp_base_url: str
):
    wasm = site_dir / "extensions/devinterview-jupyter/static/pyodide/pyodide.asm.wasm"
    script = site_dir / "build" / "big.js"
    script.write_text("console.log('a first visit is mostly JavaScript');\n" * 200)
    assert gzip_siblings(site_dir) == 2  # small files and .gz files are left alone
    assert not (site_dir / "index.html.gz").exists()

    async def get(path: str, accept: str | None) -> Any:
        headers = {"Accept-Encoding": accept} if accept is not None else {}
        url = f"{jp_base_url}{PREFIX}{path}"
        # No transparent decompression: the test reads what went over the wire.
        return await http_server_client.fetch(url, headers=headers, decompress_response=False)

    for path, original, kind in (
        ("build/big.js", script, "javascript"),
        (str(wasm.relative_to(site_dir)), wasm, "application/wasm"),  # streaming compile
    ):
        sent = await get(path, "gzip, deflate, br")
        assert sent.headers["Content-Encoding"] == "gzip"
        # The type of what the browser gets once decoded, as when sent plain.
        assert kind in sent.headers["Content-Type"]
        assert sent.headers["Vary"] == "Accept-Encoding"
        assert gzip.decompress(sent.body) == original.read_bytes()
        assert len(sent.body) < original.stat().st_size
        for refused in (None, "identity", "gzip;q=0", "br"):
            plain = await get(path, refused)
            assert "Content-Encoding" not in plain.headers
            assert plain.body == original.read_bytes()
            assert plain.headers["Content-Type"] == sent.headers["Content-Type"]
    # Headers that depend on the path asked for still follow it: CORS for the sandbox.
    sent = await get(str(wasm.relative_to(site_dir)), "gzip")
    assert sent.headers["Access-Control-Allow-Origin"] == "*"
    # A file without a sibling is sent as it is.
    small = await get("index.html", "gzip")
    assert "Content-Encoding" not in small.headers


@pytest.mark.parametrize(
    "path", ["../secret.txt", "%2e%2e/secret.txt", "..%2fsecret.txt", ".hidden", "missing.js"]
)
async def test_paths_outside_the_site_are_refused(api, site_dir, path):
    # A gzipped copy beside the secret is refused as well.
    (site_dir.parent / "secret.txt.gz").write_bytes(gzip.compress(b"outside the site"))
    reply = await api("GET", path, as_=None, prefix=PREFIX, headers={"Accept-Encoding": "gzip"})
    assert reply.status in (403, 404)
    assert b"outside the site" not in reply.body
    assert b"Traceback" not in reply.body


def test_cli_builds_a_lean_site_with_our_extension_and_no_kernel(tmp_path):
    if not (DEFAULT_LABEXTENSION / "package.json").is_file():
        pytest.fail("the labextension is not built: run `make setup`")
    out = tmp_path / "out"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "devinterview_jupyter.cli",
            "candidate-site",
            "build",
            "--output",
            str(out),
            "--api-url",
            "https://jupyter.example.org/user/alice",
            "--whiteboard-license-key",
            "tldraw-key-for-static",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    config = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]
    assert config["devinterviewServer"] == "https://jupyter.example.org/user/alice/"
    assert config["devinterviewCandidate"] == "true"
    assert config["devinterviewWhiteboardLicenseKey"] == "tldraw-key-for-static"
    assert [e["name"] for e in config["federated_extensions"]] == ["devinterview-jupyter"]
    assert "devinterview-jupyter:dashboard" in config["disabledExtensions"]
    assert (out / "index.html").is_file()
    assert (out / "repl" / "index.html").is_file()
    assert not (out / "lab").exists()
    extensions = sorted(p.name for p in (out / "extensions").iterdir())
    assert extensions == ["devinterview-jupyter"]
    names = [str(p.relative_to(out)) for p in out.rglob("*")]
    # No JupyterLite kernel (nothing that could fetch one from a CDN): Python runs on
    # the Pyodide copy of our labextension, in a worker of our own, both loaded from the
    # server's `devinterview/static/` route: the site carries no second copy of them.
    assert not [n for n in names if "kernelspecs" in n or "pyodide-kernel" in n]
    assert "pyodide" not in (out / "jupyter-lite.json").read_text().lower()
    static = out / "extensions" / "devinterview-jupyter" / "static"
    assert (static / "remoteEntry.js").is_file() or list(static.glob("remoteEntry.*.js"))
    assert not (static / "pyodide").exists()
    assert not list(static.glob("python-worker.*"))
    assert not [n for n in names if n.endswith((".wasm", ".wasm.gz", "python_stdlib.zip"))]
    assert not (out / "service-worker.js").exists()


def test_cli_refuses_to_replace_a_folder_that_is_not_a_site(tmp_path):
    from devinterview_jupyter.candidate.site import SiteBuildError, build_site

    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(SiteBuildError, match="not an earlier candidate site"):
        build_site(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"
