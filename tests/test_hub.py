"""A real JupyterHub (local process spawner, configurable-http-proxy from npm, two hub
users) whose single-user servers run DevInterview on one shared PostgreSQL in team mode:
alice runs an interview through the hub URL; a candidate with no hub account joins
through the proxy and syncs with her; bob, who may reach alice's server, gets nothing of
her session until she adds him as co-interviewer; the candidate gets nothing else of
alice's server."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from pycrdt import Text
from sqlalchemy.engine import make_url

from devinterview_jupyter.testing import free_port
from tests.yclient import synced_doc, until, upgrade_status

HERE = Path(__file__).parent / "hub"
CONFIG = HERE / "jupyterhub_config.py"
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"


def _marked(marker: str) -> list[int]:
    """Processes started for this hub (their environment carries the marker)."""
    pids = []
    needle = f"HUBTEST_MARKER={marker}\0".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def _wait(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.25)
    raise TimeoutError(what)


def _with_role(url: str) -> str:
    parsed = make_url(url)
    if parsed.username:
        return url
    return parsed.set(username=getpass.getuser()).render_as_string(hide_password=False)


async def http(method: str, url: str, **kwargs: Any) -> requests.Response:
    """A blocking HTTP call, off the event loop the websocket clients need."""
    return await asyncio.to_thread(requests.request, method, url, timeout=30, **kwargs)


class Hub:
    def __init__(self, base: str, admin_token: str) -> None:
        self.base = base
        self.admin = {"Authorization": f"token {admin_token}"}

    def token(self, user: str) -> dict[str, str]:
        reply = requests.post(
            f"{self.base}/hub/api/users/{user}/tokens",
            headers=self.admin,
            json={"note": "test", "expires_in": 3600},
            timeout=30,
        )
        assert reply.status_code == 201, reply.text
        return {"Authorization": f"token {reply.json()['token']}"}

    def start(self, user: str) -> None:
        reply = requests.post(
            f"{self.base}/hub/api/users/{user}/server", headers=self.admin, json={}, timeout=60
        )
        assert reply.status_code in (201, 202), reply.text

        def ready() -> bool:
            info = requests.get(f"{self.base}/hub/api/users/{user}", headers=self.admin, timeout=10)
            server = info.json()["servers"].get("")
            return bool(server and server["ready"])

        _wait(ready, 150, f"{user}'s server")


@pytest.fixture(scope="module")
def hub(devinterview_postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    if not PROXY.exists():
        pytest.fail("configurable-http-proxy is missing: run `make test` (it installs tests/hub)")
    work = tmp_path_factory.mktemp("hub")
    port = free_port()
    marker = uuid.uuid4().hex
    admin_token = uuid.uuid4().hex
    env = {
        **os.environ,
        "HUBTEST_WORKDIR": str(work),
        "HUBTEST_PUBLIC_PORT": str(port),
        "HUBTEST_HUB_PORT": str(free_port()),
        "HUBTEST_PROXY_API_PORT": str(free_port()),
        "HUBTEST_ADMIN_TOKEN": admin_token,
        # Single-user servers run with USER=<hub user>: name the database role explicitly.
        "HUBTEST_DATABASE_URL": _with_role(devinterview_postgres_url),
        "HUBTEST_MARKER": marker,
    }
    env.pop("DATABASE_URL", None)
    log = (work / "hub.log").open("w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(CONFIG)],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: requests.get(f"{base}/hub/api/", timeout=2).status_code == 200, 90, "the hub")
        yield Hub(base, admin_token)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        # The proxy and the user servers run in their own sessions.
        for pid in _marked(marker):
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
        if proc.returncode not in (0, -signal.SIGTERM):
            print((work / "hub.log").read_text()[-4000:])


async def test_team_interview_through_the_hub(hub: Hub) -> None:
    hub.start("alice")
    alice = hub.token("alice")
    bob = hub.token("bob")
    api = f"{hub.base}/user/alice/devinterview/api"

    created = await http("POST", f"{api}/sessions", json={"title": "hub"}, headers=alice)
    assert created.status_code == 201, created.text
    session = created.json()
    assert session["owner"] == "alice"
    sid = session["id"]
    invite = await http("POST", f"{api}/sessions/{sid}/invites", json={}, headers=alice)
    assert invite.status_code == 201
    link, token = invite.json()["url"], invite.json()["token"]
    assert link == f"{hub.base}/user/alice/devinterview/candidate/#token={token}"

    # The candidate: no hub account, no cookie. The page, /join and the room work...
    page = await http("GET", f"{hub.base}/user/alice/devinterview/candidate/")
    assert page.status_code == 200
    joined = await http("POST", f"{api}/join", json={"token": token})
    assert joined.status_code == 200
    candidate = {"Authorization": f"Bearer {token}"}
    room = f"{hub.base.replace('http', 'ws')}/user/alice/devinterview/api/rooms/{sid}"
    async with synced_doc(room, alice) as a, synced_doc(room, candidate) as c:
        a.get("source", type=Text).insert(0, "def solve(): ...")
        await until(lambda: str(c.get("source", type=Text)) == "def solve(): ...")
        c.get("source", type=Text).insert(0, "# candidate\n")
        await until(lambda: str(a.get("source", type=Text)).startswith("# candidate\n"))

    # ...and nothing else of alice's server, with the invite or without it.
    for path in ("lab", "api/contents", "api/kernels", "api/terminals", "api/sessions"):
        for headers in ({}, candidate):
            reply = await http(
                "GET", f"{hub.base}/user/alice/{path}", headers=headers, allow_redirects=False
            )
            assert reply.status_code in (302, 401, 403), (path, headers, reply.status_code)
            if reply.status_code == 302:
                assert "/hub/" in reply.headers["Location"]
    assert (await http("GET", f"{api}/sessions", headers=candidate)).status_code == 403

    # Bob may reach alice's server (a hub role), but not her session...
    assert (await http("GET", f"{api}/sessions", headers=bob)).json()["items"] == []
    for method, path in (("GET", f"sessions/{sid}"), ("POST", f"sessions/{sid}/invites")):
        reply = await http(method, f"{api}/{path}", json={}, headers=bob)
        assert reply.status_code == 404, (method, path, reply.status_code)
    assert await upgrade_status(room, bob) == 404

    # ...until alice adds him as co-interviewer.
    added = await http("PUT", f"{api}/sessions/{sid}/co-interviewers/bob", headers=alice)
    assert added.status_code == 201
    listed = (await http("GET", f"{api}/sessions", headers=bob)).json()["items"]
    assert [s["id"] for s in listed] == [sid]
    async with synced_doc(room, bob) as b:
        await until(lambda: str(b.get("source", type=Text)).startswith("# candidate\n"))
    assert (await http("DELETE", f"{api}/sessions/{sid}", headers=bob)).status_code == 403
