"""A real `jupyter server` process with the extension, for tests and benchmarks whose
clients must not share the server's event loop or process."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class LiveServer:
    url: str
    token: str
    process: subprocess.Popen[bytes] | None = None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Stop the process with ``sig`` (SIGTERM: graceful; SIGKILL: a crash)."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    @property
    def api(self) -> str:
        return self.url + "devinterview/api"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def request(self, method: str, path: str, body: object = None) -> object:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.api}/{path}", data=data, method=method, headers=self.auth
        )
        with urllib.request.urlopen(request, timeout=20) as response:
            return json.loads(response.read() or b"null")

    def room_url(self, session_id: str) -> str:
        return self.url.replace("http://", "ws://") + f"devinterview/api/rooms/{session_id}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(
    database_url: str,
    workdir: Path,
    timeout: float = 60,
    port: int | None = None,
    settings: dict[str, object] | None = None,
) -> Iterator[LiveServer]:
    token = secrets.token_hex(16)
    config_dir = workdir / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    (workdir / "root").mkdir(exist_ok=True)
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps(
            {
                "ServerApp": {
                    "jpserver_extensions": {"devinterview_jupyter": True},
                    "port": port,
                    "ip": "127.0.0.1",
                    "open_browser": False,
                    "allow_root": True,
                    "root_dir": str(workdir / "root"),
                },
                "IdentityProvider": {"token": token},
                "DevInterviewApp": {"database_url": database_url, **(settings or {})},
            }
        )
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTER_DATA_DIR": str(workdir / "data"),
        "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
    }
    log = (workdir / "server.log").open("a")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    server = LiveServer(f"http://127.0.0.1:{port}/", token, proc)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {(workdir / 'server.log').read_text()}")
            try:
                request = urllib.request.Request(server.api + "/me", headers=server.auth)
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("jupyter server did not come up")
            time.sleep(0.2)
        yield server
    finally:
        server.stop()
        log.close()
