"""A real JupyterHub (local process spawner, configurable-http-proxy from npm, two hub
users) whose single-user servers run DevInterview on one shared PostgreSQL in team mode,
with no hub role letting one user reach another's server: alice runs an interview on
/user/alice/; a candidate with no hub account joins through the proxy and gets nothing
else of alice's server; bob gets nothing of alice's server and, on his own /user/bob/,
nothing of her session until she adds him as co-interviewer; then bob on /user/bob/ and
alice and the candidate on /user/alice/ type together and see each other's presence."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from pycrdt import Doc, Provider, Text
from sqlalchemy.engine import make_url

from devinterview_jupyter.rooms.protocol import MessageType, parse_frame
from devinterview_jupyter.testing.rooms import (
    WebSocketChannel,
    open_ws,
    synced_doc,
    text,
    until,
    upgrade_status,
)
from devinterview_jupyter.testing.server import free_port
from tests.test_rooms import awareness_frame

pytestmark = pytest.mark.hub

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


class PresenceChannel(WebSocketChannel):
    """A room connection that, like a browser, also notes the presence relayed to it."""

    def __init__(self, conn: Any, path: str) -> None:
        super().__init__(conn, path)
        self.presence: dict[int, Any] = {}  # client id -> state, as the server relays it

    async def __anext__(self) -> bytes:
        message = await super().__anext__()
        if message[0] == MessageType.AWARENESS:
            for entry in parse_frame(message).presence:
                self.presence[entry.client_id] = entry.state
        return message


@asynccontextmanager
async def participant(
    url: str, headers: dict[str, str], claimed_name: str
) -> AsyncIterator[tuple[Doc[Any], dict[int, Any]]]:
    """One browser in the room: a synced Yjs document on one websocket, announcing its
    presence under its document's client id (with a name of its own choosing, which the
    server replaces with the one it knows)."""
    # A browser's client id is 32-bit (Yjs), pycrdt's default 53-bit: presence under the
    # latter is a malformed frame.
    doc: Doc[Any] = Doc(client_id=random.randrange(1, 2**32))
    doc["source"] = Text()
    conn = await open_ws(url, headers)
    channel = PresenceChannel(conn, url)
    try:
        async with Provider(doc, channel) as provider:
            await asyncio.wait_for(provider.synced.wait(), 20)
            state = {"user": {"name": claimed_name, "role": "interviewer"}, "typing": True}
            await channel.send(awareness_frame(doc.client_id, 1, json.dumps(state)))
            yield doc, channel.presence  # kept up to date as frames arrive
    finally:
        conn.close()


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
        log.close()
        if proc.returncode not in (0, -signal.SIGTERM):
            print((work / "hub.log").read_text()[-4000:])


async def test_team_interview_through_the_hub(hub: Hub) -> None:
    # Each interviewer has a server of their own; no hub role reaches a colleague's.
    await asyncio.gather(asyncio.to_thread(hub.start, "alice"), asyncio.to_thread(hub.start, "bob"))
    alice = hub.token("alice")
    bob = hub.token("bob")
    api = f"{hub.base}/user/alice/devinterview/api"
    bob_api = f"{hub.base}/user/bob/devinterview/api"

    created = await http(
        "POST", f"{api}/sessions", json={"title": "hub", "candidate_name": "Grace"}, headers=alice
    )
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
    ws = hub.base.replace("http", "ws", 1)
    room = f"{ws}/user/alice/devinterview/api/rooms/{sid}"
    bob_room = f"{ws}/user/bob/devinterview/api/rooms/{sid}"
    async with synced_doc(room, alice) as a, synced_doc(room, candidate) as c:
        a.get("source", type=Text).insert(0, "def solve(): ...")
        await until(lambda: text(c) == "def solve(): ...")
        c.get("source", type=Text).insert(0, "# candidate\n")
        await until(lambda: text(a).startswith("# candidate\n"))

    async def refused(path: str, headers: dict[str, str]) -> None:
        reply = await http(
            "GET", f"{hub.base}/user/alice/{path}", headers=headers, allow_redirects=False
        )
        assert reply.status_code in (302, 401, 403), (path, headers, reply.status_code)
        if reply.status_code == 302:
            assert "/hub/" in reply.headers["Location"]

    # ...and nothing else of alice's server, with the invite or without it.
    server_paths = ("lab", "api/contents", "api/kernels", "api/terminals", "api/sessions")
    for path in server_paths:
        for headers in ({}, candidate):
            await refused(path, headers)
    assert (await http("GET", f"{api}/sessions", headers=candidate)).status_code == 403

    # No hub role lets bob reach alice's server: with his own hub token he gets nothing
    # there, neither her files, kernels and terminals nor her DevInterview API and room.
    for path in (*server_paths, "devinterview/api/sessions", f"devinterview/api/sessions/{sid}"):
        await refused(path, bob)
    assert await upgrade_status(room, bob) in (302, 401, 403)

    # On his own server, bob gets nothing of alice's session...
    assert (await http("GET", f"{bob_api}/sessions", headers=bob)).json()["items"] == []
    for method, path in (("GET", f"sessions/{sid}"), ("POST", f"sessions/{sid}/invites")):
        reply = await http(method, f"{bob_api}/{path}", json={}, headers=bob)
        assert reply.status_code == 404, (method, path, reply.status_code)
    assert await upgrade_status(bob_room, bob) == 404

    # ...until alice adds him as co-interviewer: then it is listed there, with its owner.
    added = await http("PUT", f"{api}/sessions/{sid}/co-interviewers/bob", headers=alice)
    assert added.status_code == 201
    listed = (await http("GET", f"{bob_api}/sessions", headers=bob)).json()["items"]
    assert [(s["id"], s["owner"]) for s in listed] == [(sid, "alice")]

    # bob on /user/bob/, alice and the candidate on /user/alice/: one room, typed live by
    # all three, each seeing the others' presence under the names the servers know.
    async with (
        participant(room, alice, "alice?") as (a, a_seen),
        participant(room, candidate, "Mallory") as (c, c_seen),
        participant(bob_room, bob, "not bob") as (b, b_seen),
    ):
        await until(lambda: text(b).startswith("# candidate\n"), what="bob's catch-up")
        for doc, line in ((a, "# alice\n"), (c, "# grace\n"), (b, "# bob\n")):
            doc.get("source", type=Text).insert(len(text(doc)), line)
        await until(
            lambda: (
                all(line in text(a) for line in ("# alice", "# grace", "# bob"))
                and text(a) == text(b) == text(c)
            ),
            what="all three typing converge",
        )
        final = text(a)
        assert final.startswith("# candidate\ndef solve(): ...")

        expected = {
            a.client_id: ("alice", "interviewer"),
            c.client_id: ("Grace", "candidate"),
            b.client_id: ("bob", "interviewer"),
        }
        for doc, seen in ((a, a_seen), (c, c_seen), (b, b_seen)):
            others = {cid: who for cid, who in expected.items() if cid != doc.client_id}
            await until(lambda s=seen, o=others: o.keys() <= s.keys(), what="presence")
            for cid, (name, role) in others.items():
                user = seen[cid]["user"]
                assert (user["name"], user["role"]) == (name, role), (cid, seen[cid])
                assert seen[cid]["typing"] is True

    # A co-interviewer, not an owner: bob still may not delete alice's session.
    deleted = await http("DELETE", f"{bob_api}/sessions/{sid}", headers=bob)
    assert deleted.status_code == 403
    assert deleted.json()["reason"] == "owner_only"

    # The candidate's link may point at any interviewer's server: bob's works as well.
    invite = await http("POST", f"{bob_api}/sessions/{sid}/invites", json={}, headers=bob)
    assert invite.status_code == 201
    token = invite.json()["token"]
    assert invite.json()["url"] == f"{hub.base}/user/bob/devinterview/candidate/#token={token}"
    assert (await http("POST", f"{bob_api}/join", json={"token": token})).status_code == 200
    async with synced_doc(bob_room, {"Authorization": f"Bearer {token}"}) as late:
        await until(lambda: text(late) == final, what="the candidate on bob's server")

    # alice removes bob: his open room on his own server closes (4403), and he is out.
    conn = await open_ws(bob_room, bob)
    await conn.read_message()  # synced step 1: he is in
    removed = await http("DELETE", f"{api}/sessions/{sid}/co-interviewers/bob", headers=alice)
    assert removed.status_code == 204

    async def closed() -> int | None:
        while await conn.read_message() is not None:
            pass
        return conn.close_code

    assert await asyncio.wait_for(closed(), 20) == 4403
    assert await upgrade_status(bob_room, bob) == 404
