"""docs/deploy/nginx.conf in front of a real server, with the real Debian nginx on
loopback: candidate page, caching of hashed files, the CORS header the code sandbox
needs, the REST API and room websocket sync all work through it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pycrdt import Text

from devinterview_jupyter.candidate.site import DEFAULT_SITE_DIR
from devinterview_jupyter.testing.rooms import synced_doc, until
from devinterview_jupyter.testing.server import LiveServer, free_port, live_server

pytestmark = pytest.mark.nginx

CONF = Path(__file__).parent.parent / "docs" / "deploy" / "nginx.conf"


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed (.ci/run installs it)")
        pytest.skip("nginx is not installed")
    return found


def render(upstream_port: int, listen_port: int, workdir: Path) -> Path:
    """The deployment file as it is, on loopback ports, without TLS, inside a minimal
    top-level configuration that keeps every nginx file in ``workdir``."""
    server = CONF.read_text()
    server = server.replace("server 127.0.0.1:8888;", f"server 127.0.0.1:{upstream_port};")
    server = server.replace("listen 443 ssl;", f"listen 127.0.0.1:{listen_port};")
    server = re.sub(r"^\s*ssl_certificate\S*\s+[^;]+;\n", "", server, flags=re.M)
    assert f"127.0.0.1:{listen_port}" in server and "ssl_certificate" not in server
    temp = workdir / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    access_log {workdir / "access.log"};
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{server}
}}
"""
    )
    return conf


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    binary = nginx_binary()
    workdir = tmp_path_factory.mktemp("nginx")
    url = f"sqlite:///{workdir / 'devinterview.db'}"
    with live_server(url, workdir / "jupyter") as server:
        upstream = int(server.url.rsplit(":", 1)[1].strip("/"))
        port = free_port()
        conf = render(upstream, port, workdir / "nginx")
        check = subprocess.run([binary, "-t", "-c", str(conf)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        proc = subprocess.Popen(
            [binary, "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            base = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + 20
            while True:
                try:
                    urllib.request.urlopen(base + "devinterview/api/time", timeout=2).close()
                    break
                except urllib.error.HTTPError:
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"nginx did not start: {proc.stderr}") from None
                    time.sleep(0.2)
            yield server, base
        finally:
            proc.terminate()
            proc.wait(10)
            if proc.stderr is not None:
                proc.stderr.close()


def fetch(
    url: str, *, method: str = "GET", body: object = None, headers: dict[str, str] | None = None
):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_candidate_site_and_its_caching(stack):
    _, base = stack
    status, headers, body = fetch(base + "devinterview/candidate/")
    assert status == 200
    assert b"<html" in body.lower() or b"<!doctype" in body.lower()
    assert headers["Cache-Control"] == "no-cache"
    static = DEFAULT_SITE_DIR / "extensions" / "devinterview-jupyter" / "static"
    hashed = next(p for p in static.glob("*.js") if re.search(r"\.[0-9a-f]{7,}\.js$", p.name))
    status, headers, _ = fetch(
        base + f"devinterview/candidate/extensions/devinterview-jupyter/static/{hashed.name}"
    )
    assert status == 200
    assert (
        "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]
    )
    # The code sandbox reads our files with CORS; nginx passes the header through.
    status, headers, _ = fetch(base + "devinterview/static/pyodide/pyodide.mjs")
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"


async def test_api_and_room_sync_through_nginx(stack):
    server, base = stack
    auth = {"Authorization": f"token {server.token}"}
    status, _, body = fetch(
        base + "devinterview/api/sessions", method="POST", body={"title": "via nginx"}, headers=auth
    )
    assert status == 201
    sid = json.loads(body)["id"]
    status, _, body = fetch(
        base + f"devinterview/api/sessions/{sid}/invites", method="POST", body={}, headers=auth
    )
    assert status == 201
    token = json.loads(body)["token"]
    status, _, body = fetch(base + "devinterview/api/join", method="POST", body={"token": token})
    assert status == 200
    assert json.loads(body)["session"]["id"] == sid

    room = base.replace("http://", "ws://") + f"devinterview/api/rooms/{sid}"
    candidate = {"Authorization": f"Bearer {token}"}
    async with synced_doc(room, auth) as a, synced_doc(room, candidate) as b:
        a.get("source", type=Text).insert(0, "print('through nginx')")
        await until(lambda: str(b.get("source", type=Text)) == "print('through nginx')")
        b.get("source", type=Text).insert(0, "# ok\n")
        await until(lambda: str(a.get("source", type=Text)).startswith("# ok\n"))
