"""Team mode needs PostgreSQL: on SQLite the server says so when it starts."""

from __future__ import annotations

import pytest

from devinterview_jupyter.pytest_plugin import selected_backends
from devinterview_jupyter.testing.server import live_server

WARNING = "rooms are shared only between servers on one PostgreSQL database"


@pytest.mark.parametrize("access", ["owner", "server"])
def test_team_mode_on_sqlite_is_warned_about_at_start(tmp_path, access):
    url = f"sqlite:///{tmp_path / 'devinterview.db'}"
    with live_server(url, tmp_path / "server", settings={"session_access": access}):
        pass
    log = (tmp_path / "server" / "server.log").read_text()
    assert (WARNING in log) == (access == "owner")


@pytest.mark.skipif("postgresql" not in selected_backends(), reason="PostgreSQL deselected")
def test_team_mode_on_postgresql_is_not_warned_about(tmp_path, devinterview_postgres_url):
    settings = {"session_access": "owner"}
    with live_server(devinterview_postgres_url, tmp_path / "server", settings=settings):
        pass
    assert WARNING not in (tmp_path / "server" / "server.log").read_text()
