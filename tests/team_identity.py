"""FAKE identity provider for the team tests: fixed tokens stand for fixed users, as hub
users would be on a JupyterHub single-user server (Jupyter's own token login gives a new
anonymous name to every request, so it cannot show who owns what)."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.identity import IdentityProvider, User

USERS = {"alice-token": "alice", "bob-token": "bob", "carol-token": "carol"}


class TeamIdentityProvider(IdentityProvider):
    def get_user(self, handler: Any) -> User | None:
        auth = handler.request.headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() == "token" and token in USERS:
            # As Jupyter's own token login does: token requests need no XSRF cookie.
            handler._token_authenticated = True
            return User(username=USERS[token])
        return None


def team_server_config(database_url: str, devinterview_config: dict[str, Any]) -> dict[str, Any]:
    """A Jupyter server whose users are the fixed ones above, with DevInterview's settings:
    what a test module returns from its ``jp_server_config`` fixture."""
    return {
        "ServerApp": {
            "jpserver_extensions": {"devinterview_jupyter": True},
            "identity_provider_class": "tests.team_identity.TeamIdentityProvider",
        },
        "DevInterviewApp": {
            "database_url": database_url,
            "freeze_startup_objects": False,
            **devinterview_config,
        },
    }
