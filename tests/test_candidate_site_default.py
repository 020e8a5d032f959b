"""The site built into the package (by `make setup` or the wheel build) is what the
server serves by default."""

from __future__ import annotations

import json

import pytest

from devinterview_jupyter.candidate.site import DEFAULT_SITE_DIR


async def test_the_packaged_site_is_served(api):
    if not (DEFAULT_SITE_DIR / "index.html").is_file():
        pytest.fail("the candidate site is not built: run `make setup`")
    index = await api("GET", "", as_=None, prefix="devinterview/candidate/")
    assert index.status == 200
    assert b"./repl/" in index.body
    app = await api("GET", "repl/", as_=None, prefix="devinterview/candidate/")
    assert app.status == 200
    config = await api("GET", "jupyter-lite.json", as_=None, prefix="devinterview/candidate/")
    data = json.loads(config.body)["jupyter-config-data"]
    assert data["devinterviewCandidate"] == "true"
    assert "devinterviewServer" not in data  # the page finds its server from its URL
    assert [e["name"] for e in data["federated_extensions"]] == ["devinterview-jupyter"]
