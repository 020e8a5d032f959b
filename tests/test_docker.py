"""docs/deploy/Dockerfile and docker-compose.yml, built and run as published.

The compose stack comes up from the repository's sources (the wheel, its frontend and its
candidate site built inside the image) beside its PostgreSQL; an interviewer creates a
session with the server's token, a candidate joins it and both edit its room over real
websockets, through the port the compose file publishes.

Docker Hub is not reachable from the test machines, so the base images are made here from
Debian packages (tests/docker/*.Dockerfile: Python, this machine's Node 20, PostgreSQL
with the official image's environment variables) and passed to the build through the
Dockerfile's build arguments; compose builds on the host network with this machine's CA
bundle and package configuration copied into the stand-in images. The Debian base
(`debootstrap` → `docker import`) and the stand-ins stay cached between runs; the stack's
containers, volumes and images are removed. The engine is started as root if it is not
running, and stopped again afterwards. In CI a missing or broken engine fails the test.
"""

from __future__ import annotations

import configparser
import os
import re
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest
import yaml
from pycrdt import Text
from tornado.httpclient import AsyncHTTPClient

from devinterview_jupyter.testing.rest import ApiClient, create_invite, create_session
from devinterview_jupyter.testing.rooms import RoomClient, text, until
from devinterview_jupyter.testing.server import free_port

# A cold run here took 11.5 min on 2 cores (Debian base 79 s, stand-ins 108 s, image build
# 7.5 min), a warm one 9.5 min; the bound leaves room for a busier machine.
pytestmark = [pytest.mark.docker, pytest.mark.timeout(1500)]

REPO = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO / "docs" / "deploy" / "docker-compose.yml"
HERE = Path(__file__).resolve().parent / "docker"
STAND_INS = ("python", "node", "postgres")
# Every stand-in carries this label, and so does every image built on one: after the run,
# the dangling ones (the build stage, replaced layers) are pruned by it and nothing else.
STAND_IN_LABEL = "org.devinterview.test-image=stand-in"
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def unavailable(reason: str) -> NoReturn:
    """Skip on a developer's machine without Docker; never in CI, where it must run."""
    if os.environ.get("CI"):
        pytest.fail(f"the Docker test cannot run: {reason}")
    pytest.skip(reason)


def run(
    argv: list[str],
    *,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    stdin: bytes | None = None,
    timeout: float = 900,
) -> str:
    """Run a command; on failure, raise with the end of its output (or of its log)."""
    if log is not None:
        with log.open("ab") as out:
            result = subprocess.run(
                argv, env=env, stdout=out, stderr=subprocess.STDOUT, input=stdin, timeout=timeout
            )
        output = log.read_text(errors="replace")
    else:
        result = subprocess.run(argv, env=env, capture_output=True, input=stdin, timeout=timeout)
        output = (result.stdout + result.stderr).decode(errors="replace")
    if result.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-40:])
        raise AssertionError(f"{' '.join(argv[:4])} ... failed ({result.returncode}):\n{tail}")
    return output


def docker_cli() -> str:
    # docker.io's own client matches its engine (and builds without buildx); a newer client
    # elsewhere on PATH would need the buildx plugin for `docker build`.
    if Path("/usr/bin/docker").exists():
        return "/usr/bin/docker"
    found = shutil.which("docker")
    if found is None:
        unavailable("no docker client: apt-get install docker.io docker-compose debootstrap")
    return str(found)


def compose_cli(docker: str) -> list[str]:
    """Compose v2 (`docker compose`) if the client has it, else Debian's docker-compose."""
    probe = subprocess.run([docker, "compose", "version"], capture_output=True)
    if probe.returncode == 0:
        return [docker, "compose"]
    found = shutil.which("docker-compose")
    if found is None:
        unavailable("no compose: apt-get install docker-compose")
    return [str(found)]


@contextmanager
def engine(docker: str, workdir: Path) -> Iterator[None]:
    """A running Docker engine: the one already up, else a dockerd started (and later
    stopped) here."""
    if subprocess.run([docker, "info"], capture_output=True).returncode == 0:
        yield
        return
    dockerd = shutil.which("dockerd") or "/usr/sbin/dockerd"
    if not Path(dockerd).exists():
        unavailable("Docker Engine is not installed: apt-get install docker.io")
    if os.geteuid() != 0:
        unavailable("dockerd is not running and only root can start it")
    # A dockerd killed earlier leaves its pid file, and a new one refuses to start on it.
    pidfile = Path("/var/run/docker.pid")
    if pidfile.is_file() and not Path(f"/proc/{pidfile.read_text().strip()}").exists():
        pidfile.unlink()
    log_path = workdir / "dockerd.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [dockerd], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while subprocess.run([docker, "info"], capture_output=True).returncode != 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"dockerd did not start (exit {proc.poll()}):\n{tail}")
            time.sleep(0.5)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def image_exists(docker: str, tag: str) -> bool:
    return subprocess.run([docker, "image", "inspect", tag], capture_output=True).returncode == 0


def debian_codename() -> str:
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip().strip('"')
    unavailable("not a Debian machine (no VERSION_CODENAME in /etc/os-release)")


def debian_mirror(codename: str) -> str:
    """The Debian archive this machine's apt uses for ``codename`` main, read from its
    sources (one-line and deb822 formats) so that no host name lives in the repository."""
    sources = Path("/etc/apt")
    for path in [sources / "sources.list", *sorted((sources / "sources.list.d").glob("*"))]:
        if not path.is_file():
            continue
        content = path.read_text(errors="replace")
        if path.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", content):
                fields: dict[str, str] = {}
                for line in stanza.splitlines():
                    if ":" in line and not line.startswith(("#", " ")):
                        key, value = line.split(":", 1)
                        fields[key.strip().lower()] = value.strip()
                if (
                    "deb" in fields.get("types", "").split()
                    and codename in fields.get("suites", "").split()
                    and "main" in fields.get("components", "").split()
                    and fields.get("enabled", "yes").lower() != "no"
                ):
                    return fields["uris"].split()[0]
        else:
            for line in content.splitlines():
                words = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
                if (
                    len(words) >= 4
                    and words[0] == "deb"
                    and words[2] == codename
                    and "main" in words[3:]
                ):
                    return words[1]
    unavailable(f"no Debian {codename} main archive in this machine's apt sources")


def ensure_debian_base(docker: str, codename: str, workdir: Path) -> str:
    """A minimal Debian image of this machine's release, made once and kept."""
    tag = f"local/devinterview-test-debian:{codename}"
    if image_exists(docker, tag):
        return tag
    if shutil.which("debootstrap") is None:
        unavailable("debootstrap is not installed: apt-get install debootstrap")
    rootfs = workdir / "rootfs"
    run(
        ["debootstrap", "--variant=minbase", codename, str(rootfs), debian_mirror(codename)],
        log=workdir / "debootstrap.log",
    )
    for deb in (rootfs / "var" / "cache" / "apt" / "archives").glob("*.deb"):
        deb.unlink()
    tar = subprocess.Popen(
        ["tar", "--numeric-owner", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE
    )
    imported = subprocess.run(
        [docker, "import", "-", tag], stdin=tar.stdout, capture_output=True, timeout=300
    )
    assert tar.stdout is not None
    tar.stdout.close()
    assert tar.wait() == 0 and imported.returncode == 0, imported.stderr.decode()
    shutil.rmtree(rootfs)
    return tag


def _copy_into(context: Path, source: Path, home: Path) -> None:
    """``source`` at the same path inside the stand-in image (under /root if it is in this
    user's home: the image builds as root)."""
    try:
        inside = Path("/root") / source.relative_to(home)
    except ValueError:
        inside = source
    target = context / "machine" / inside.relative_to("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def machine_configuration(context: Path) -> None:
    """This machine's CA bundle and pip / npm / yarn configuration, copied (never
    bind-mounted: Debian's ca-certificates rewrites its bundle when a step installs it)."""
    home = Path.home()
    (context / "machine").mkdir()
    ca = Path(os.environ.get("SSL_CERT_FILE", CA_BUNDLE))
    if ca.is_file():
        target = context / "machine" / CA_BUNDLE.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ca, target)
    pip_configs = [
        Path("/etc/pip.conf"),
        Path("/etc/xdg/pip/pip.conf"),
        home / ".config" / "pip" / "pip.conf",
        home / ".pip" / "pip.conf",
    ]
    if os.environ.get("PIP_CONFIG_FILE"):
        pip_configs.append(Path(os.environ["PIP_CONFIG_FILE"]))
    for config in pip_configs:
        if not config.is_file():
            continue
        _copy_into(context, config, home)
        # Files a configuration names (a constraints file, say) come along; folders (local
        # indexes, wheel caches) do not: pip warns about them and goes on.
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(config)
        for section in parser.sections():
            for value in parser[section].values():
                for word in value.split():
                    named = Path(word)
                    if named.is_absolute() and named.is_file() and named != ca:
                        _copy_into(context, named, home)
    for config in (home / ".npmrc", Path("/etc/npmrc"), home / ".yarnrc", home / ".yarnrc.yml"):
        if config.is_file():
            _copy_into(context, config, home)


def machine_node(context: Path) -> None:
    """This machine's Node (20 or newer), laid out as in the official node image."""
    node = shutil.which("node")
    if node is None:
        unavailable("no node on this machine for the Node stand-in image")
    version = subprocess.run([str(node), "--version"], capture_output=True, text=True).stdout
    major = int(version.strip().lstrip("v").split(".")[0])
    if major < 20:
        unavailable(f"the frontend build needs Node 20; this machine has {version.strip()}")
    binary = Path(str(node)).resolve()
    (context / "node" / "bin").mkdir(parents=True)
    shutil.copy2(binary, context / "node" / "bin" / "node")
    modules = binary.parent.parent / "lib" / "node_modules"
    for tool, entry in (("npm", "bin/npm-cli.js"), ("corepack", "dist/corepack.js")):
        if (modules / tool).is_dir():
            shutil.copytree(modules / tool, context / "node" / "lib" / "node_modules" / tool)
            (context / "node" / "bin" / tool).symlink_to(f"../lib/node_modules/{tool}/{entry}")


def build_stand_ins(docker: str, base: str, codename: str, workdir: Path) -> dict[str, str]:
    context = workdir / "stand-ins"
    shutil.copytree(HERE, context)
    machine_configuration(context)
    machine_node(context)
    tags = {}
    for name in STAND_INS:
        tag = f"local/devinterview-test-{name}:{codename}"
        run(
            [
                docker,
                "build",
                "--network",
                "host",
                "--build-arg",
                f"BASE={base}",
                "--file",
                str(context / f"{name}.Dockerfile"),
                "--tag",
                tag,
                str(context),
            ],
            env={**os.environ, "DOCKER_BUILDKIT": "0"},
            log=workdir / f"stand-in-{name}.log",
        )
        tags[name] = tag
    shutil.rmtree(context)
    return tags


@dataclass
class Stack:
    base_url: str
    token: str
    compose: list[str]
    env: dict[str, str]

    def exec(self, service: str, *argv: str) -> str:
        return run([*self.compose, "exec", "-T", service, *argv], env=self.env).strip()


def wait_until_serving(stack: Stack, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        stack.base_url + "devinterview/api/me", headers={"Authorization": f"token {stack.token}"}
    )
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        if time.monotonic() > deadline:
            logs = subprocess.run(
                [*stack.compose, "logs", "--no-color", "--tail", "60"],
                env=stack.env,
                capture_output=True,
                text=True,
            )
            raise AssertionError(f"the stack did not serve in {timeout:.0f} s:\n{logs.stdout}")
        time.sleep(1)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("docker")
    docker = docker_cli()
    compose = compose_cli(docker)
    with engine(docker, workdir):
        timings: dict[str, float] = {}
        started = time.monotonic()
        codename = debian_codename()
        base = ensure_debian_base(docker, codename, workdir)
        timings["debian base"] = time.monotonic() - started
        started = time.monotonic()
        images = build_stand_ins(docker, base, codename, workdir)
        timings["stand-ins"] = time.monotonic() - started

        project = f"devinterview-test-{secrets.token_hex(4)}"
        port = free_port()
        token = secrets.token_hex(24)
        env = {
            **os.environ,
            "DOCKER_BUILDKIT": "0",
            "JUPYTER_TOKEN": token,
            "DEVINTERVIEW_DB_PASSWORD": secrets.token_hex(16),
            "DEVINTERVIEW_PORT": f"127.0.0.1:{port}",
            "DEVINTERVIEW_TEST_PYTHON_IMAGE": images["python"],
            "DEVINTERVIEW_TEST_NODE_IMAGE": images["node"],
            "DEVINTERVIEW_TEST_POSTGRES_IMAGE": images["postgres"],
        }
        cmd = [
            *compose,
            "--project-name",
            project,
            "--file",
            str(COMPOSE_FILE),
            "--file",
            str(HERE / "compose.test.yml"),
        ]
        stack = Stack(f"http://127.0.0.1:{port}/", token, cmd, env)
        try:
            started = time.monotonic()
            run([*cmd, "build"], env=env, log=workdir / "build.log", timeout=1200)
            timings["image build"] = time.monotonic() - started
            started = time.monotonic()
            run([*cmd, "up", "--detach", "--no-build"], env=env, log=workdir / "up.log")
            wait_until_serving(stack)
            timings["stack up"] = time.monotonic() - started
            print("docker test timings (s):", {k: round(v) for k, v in timings.items()})
            yield stack
        finally:
            subprocess.run(
                [*cmd, "down", "--volumes", "--rmi", "local", "--remove-orphans"],
                env=env,
                capture_output=True,
                timeout=300,
            )
            subprocess.run(
                [docker, "image", "prune", "--force", "--filter", f"label={STAND_IN_LABEL}"],
                capture_output=True,
                timeout=300,
            )


async def test_interviewer_and_candidate_meet_in_the_room(stack: Stack) -> None:
    api = ApiClient(AsyncHTTPClient(), stack.base_url, stack.token)
    title = f"Docker {secrets.token_hex(4)}"
    session = await create_session(api, title=title)
    invite = await create_invite(api, session["id"])
    joined = await api("POST", "join", {"token": invite["token"]}, as_=None)
    assert joined.status == 200, joined.body
    assert joined.json["session"]["id"] == session["id"]

    rooms = RoomClient(stack.base_url.replace("http://", "ws://"), api.interviewer_headers)
    candidate = {"Authorization": f"Bearer {invite['token']}"}
    async with (
        rooms.connect(session["id"]) as interviewer_doc,
        rooms.connect(session["id"], candidate) as candidate_doc,
    ):
        interviewer_doc.get("source", type=Text).insert(0, "print('in a container')")
        await until(lambda: text(candidate_doc) == "print('in a container')", what="candidate")
        candidate_doc.get("source", type=Text).insert(0, "# hello\n")
        await until(lambda: text(interviewer_doc).startswith("# hello\n"), what="interviewer")

    # The session lives in the compose file's PostgreSQL, not in an SQLite file.
    rows = stack.exec(
        "db",
        "psql",
        "--username=devinterview",
        "--dbname=devinterview",
        "--tuples-only",
        "--no-align",
        "--command=SELECT title FROM devinterview_sessions",
    )
    assert rows.splitlines() == [title]


async def test_the_image_serves_the_built_frontend_only_with_the_token(stack: Stack) -> None:
    client = AsyncHTTPClient()
    api = ApiClient(client, stack.base_url, stack.token)
    # JUPYTER_TOKEN from the compose file is in force: no token, or another, is refused.
    assert (await api("GET", "sessions", as_=None)).status == 401
    assert (
        await api("GET", "sessions", headers={"Authorization": "token nope"}, as_=None)
    ).status == 401
    lab = await api("GET", "", prefix="lab", as_=None)
    assert lab.status == 302 and "/login" in lab.headers["Location"]

    # The wheel built in the image holds the JupyterLab extension and the candidate site.
    lab = await api("GET", "", prefix="lab")
    assert lab.status == 200
    assert b"devinterview-jupyter" in lab.body
    page = await api("GET", "", prefix="devinterview/candidate/", as_=None)
    assert page.status == 200
    assert b"<html" in page.body.lower() or b"<!doctype" in page.body.lower()

    # Never root in the container: the server runs its users' kernels and terminals.
    assert stack.exec("jupyter", "id", "-u") != "0"


def test_compose_refuses_to_start_without_a_token() -> None:
    """An empty JUPYTER_TOKEN would open the server to anyone who reaches its port."""
    compose = [*compose_cli(docker_cli()), "--file", str(COMPOSE_FILE)]
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_TOKEN", "DEVINTERVIEW_PORT")}
    refused = subprocess.run([*compose, "config"], env=env, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "JUPYTER_TOKEN" in refused.stderr
    config = yaml.safe_load(
        run([*compose, "config"], env={**env, "JUPYTER_TOKEN": secrets.token_hex(24)})
    )
    # Only the server is published; the database stays on the compose network.
    assert "ports" not in config["services"]["db"]
    (published,) = config["services"]["jupyter"]["ports"]
    # Plain HTTP carries tokens: by default only this host reaches it.
    assert "127.0.0.1" in str(published), published
