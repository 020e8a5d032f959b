"""Server settings the browser needs (tldraw licence key, run time limit, Pyodide URL):
set once on the server, handed to JupyterLab's page config and to the candidate page
(served, or built for a static host)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devinterview_jupyter.app import DevInterviewApp
from devinterview_jupyter.candidate.site import lite_config
from devinterview_jupyter.constants import (
    PYODIDE_URL_OPTION,
    RUN_TIME_LIMIT_OPTION,
    WHITEBOARD_LICENSE_OPTION,
)

PREFIX = "devinterview/candidate/"
KEY = "tldraw-test-key-0123"
PYODIDE = "https://pyodide.internal.example/v314/full/"


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>candidate</title>")
    (site / "jupyter-lite.json").write_text(json.dumps(lite_config(None)))
    return site


@pytest.fixture
def devinterview_config(site_dir: Path) -> dict[str, Any]:
    return {
        "candidate_site_dir": str(site_dir),
        "whiteboard_license_key": KEY,
        "run_time_limit_seconds": 2.5,
        "pyodide_url": PYODIDE,
    }


@pytest.fixture
def jp_server_config(devinterview_database_url: str, devinterview_config: dict[str, Any]) -> Any:
    # JupyterLab too: its page is where the interviewer's whiteboard reads the key.
    return {
        "ServerApp": {"jpserver_extensions": {"devinterview_jupyter": True, "jupyterlab": True}},
        "DevInterviewApp": {
            "database_url": devinterview_database_url,
            "freeze_startup_objects": False,
            **devinterview_config,
        },
    }


async def test_candidate_page_gets_the_key_with_the_rest_of_its_config(api, site_dir):
    reply = await api("GET", "jupyter-lite.json", as_=None, prefix=PREFIX)
    assert reply.status == 200
    assert reply.headers["Cache-Control"] == "no-cache"
    data = reply.json["jupyter-config-data"]
    assert data[WHITEBOARD_LICENSE_OPTION] == KEY
    assert data[RUN_TIME_LIMIT_OPTION] == "2500"
    assert data[PYODIDE_URL_OPTION] == PYODIDE
    assert data["devinterviewCandidate"] == "true"
    # The file on disk is left as built.
    on_disk = json.loads((site_dir / "jupyter-lite.json").read_text())
    assert WHITEBOARD_LICENSE_OPTION not in on_disk["jupyter-config-data"]


async def test_jupyterlab_page_config_carries_the_key(api):
    reply = await api("GET", "lab", prefix="")
    assert reply.status == 200
    start = reply.body.index(b'id="jupyter-config-data"')
    config_text = reply.body[reply.body.index(b">", start) + 1 :]
    config = json.loads(config_text[: config_text.index(b"</script>")])
    assert config[WHITEBOARD_LICENSE_OPTION] == KEY
    assert config[RUN_TIME_LIMIT_OPTION] == "2500"
    assert config[PYODIDE_URL_OPTION] == PYODIDE


def test_the_key_defaults_to_the_environment(monkeypatch):
    monkeypatch.setenv("TLDRAW_LICENSE_KEY", "  from-env  ")
    assert DevInterviewApp().whiteboard_license_key == "from-env"
    monkeypatch.delenv("TLDRAW_LICENSE_KEY")
    assert DevInterviewApp().whiteboard_license_key == ""


def test_a_static_site_build_writes_the_key():
    data = lite_config("https://jupyter.example.org/", KEY)["jupyter-config-data"]
    assert isinstance(data, dict)
    assert data[WHITEBOARD_LICENSE_OPTION] == KEY
    plain = lite_config(None)["jupyter-config-data"]
    assert isinstance(plain, dict)
    assert WHITEBOARD_LICENSE_OPTION not in plain


def test_defaults_send_only_the_time_limit(monkeypatch):
    monkeypatch.delenv("TLDRAW_LICENSE_KEY", raising=False)
    assert DevInterviewApp().page_options() == {RUN_TIME_LIMIT_OPTION: "10000"}


@pytest.mark.parametrize("seconds", [0, 0.5, 601, -3])
def test_time_limit_out_of_range_is_refused(seconds):
    with pytest.raises(ValueError, match="run_time_limit_seconds"):
        DevInterviewApp(run_time_limit_seconds=seconds)
