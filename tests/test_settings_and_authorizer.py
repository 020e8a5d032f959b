"""Settings come from traitlets (and DATABASE_URL); Jupyter's authorizer sees our resources."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from jupyter_server.auth.authorizer import Authorizer
from traitlets.config import Config

from devinterview_jupyter.app import DevInterviewApp


def test_every_setting_is_a_documented_traitlet():
    traits = DevInterviewApp.class_own_traits(config=True)
    assert "database_url" in traits
    for name, trait in traits.items():
        assert trait.help and len(trait.help.split()) >= 5, f"{name} has no real help text"


def test_database_url_default_env_and_config(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    default = DevInterviewApp().resolved_database_url()
    assert (
        default == f"sqlite+aiosqlite:///{tmp_path / 'data' / 'devinterview' / 'devinterview.db'}"
    )

    monkeypatch.setenv(
        "DATABASE_URL", "postgres://team@db.internal:5432/interviews?sslmode=require"
    )
    from_env = DevInterviewApp().resolved_database_url()
    assert from_env == "postgresql+asyncpg://team@db.internal:5432/interviews?ssl=require"

    config = Config()
    config.DevInterviewApp.database_url = "sqlite:///explicit.db"
    assert (
        DevInterviewApp(config=config).resolved_database_url() == "sqlite+aiosqlite:///explicit.db"
    )


def test_bad_database_url_is_refused_with_a_clear_message():
    config = Config()
    config.DevInterviewApp.database_url = "mysql://root@localhost/x"
    with pytest.raises(Exception, match="unsupported database 'mysql'"):
        DevInterviewApp(config=config).resolved_database_url()


class RecordingAuthorizer(Authorizer):
    """A real Authorizer subclass (as a hub would install) that refuses session writes."""

    seen: list[tuple[str, str]] = []

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        RecordingAuthorizer.seen.append((action, resource))
        return not (resource == "devinterview:sessions" and action == "write")


@pytest.fixture
def jp_server_config(devinterview_database_url: str) -> Any:
    return {
        "ServerApp": {
            "jpserver_extensions": {"devinterview_jupyter": True},
            "authorizer_class": RecordingAuthorizer,
        },
        "DevInterviewApp": {"database_url": devinterview_database_url},
    }


async def test_authorizer_can_restrict_interviewers(api):
    RecordingAuthorizer.seen.clear()
    assert (await api("GET", "sessions")).status == 200
    refused = await api("POST", "sessions", {"title": "not allowed"})
    assert refused.status == 403
    assert refused.json["message"]
    assert (await api("GET", "sessions")).json["total"] == 0
    ours = {r for _, r in RecordingAuthorizer.seen if r.startswith("devinterview")}
    assert ours == {"devinterview:sessions"}
    assert all(r.startswith("devinterview:") for r in ours)


async def test_invites_resource_is_separate(api, devinterview_app, devinterview_database_url):
    # Sessions cannot be created here, so create one straight in the database.
    from devinterview_jupyter import sessions as ops

    async with devinterview_app.database.session() as db:
        s = await ops.create_session(db, "alice", {"title": "direct"})
        sid = str(s.id)
    RecordingAuthorizer.seen.clear()
    assert (await api("POST", f"sessions/{sid}/invites")).status == 201
    assert ("write", "devinterview:invites") in RecordingAuthorizer.seen
    assert (await api("GET", f"sessions/{sid}")).status == 200
    assert ("read", "devinterview:sessions") in RecordingAuthorizer.seen


def test_gc_tuning_sets_only_the_young_threshold():
    from devinterview_jupyter.app import tune_gc

    saved = gc.get_threshold()
    try:
        gc.set_threshold(700, 11, 12)
        tune_gc(freeze=False, young_threshold=0)
        assert gc.get_threshold() == (700, 11, 12)
        tune_gc(freeze=False, young_threshold=12_345)
        assert gc.get_threshold() == (12_345, 11, 12)
    finally:
        gc.set_threshold(*saved)


async def test_the_start_hook_applies_the_configured_young_threshold(devinterview_app):
    # pytest-jupyter never calls the extension's start hook; call it as jupyter_server does.
    saved = gc.get_threshold()
    devinterview_app.freeze_startup_objects = False  # would freeze the test process
    try:
        gc.set_threshold(700, 10, 10)
        assert devinterview_app.gc_young_threshold == 50_000
        await devinterview_app._start_jupyter_server_extension(devinterview_app.serverapp)
        assert gc.get_threshold() == (50_000, 10, 10)
    finally:
        gc.set_threshold(*saved)
