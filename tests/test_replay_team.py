"""The replay in team mode (`session_access = "owner"`), on both databases: only the
session's owner and co-interviewers see it; anyone else gets 404, as on every session
endpoint, also once removed."""

from __future__ import annotations

from typing import Any

# The stable users alice, bob and carol of tests/team_identity.py, and their server config.
from tests.test_team import ALICE, BOB, devinterview_config, jp_server_config  # noqa: F401


async def as_(api: Any, who: dict[str, str], method: str, path: str, body: Any = None) -> Any:
    return await api(method, path, body, as_=None, headers=who)


async def test_only_the_owner_and_co_interviewers_see_the_replay(api):
    created = await as_(api, ALICE, "POST", "sessions", {"title": "alice's interview"})
    sid = created.json["id"]
    # The room was never opened: no steps, but the timeline is the owner's to read.
    paths = [f"sessions/{sid}/replay", f"sessions/{sid}/replay/state?step=0"]
    assert (await as_(api, ALICE, "GET", paths[0])).json["steps"] == 0
    for path in paths:
        reply = await as_(api, BOB, "GET", path)
        assert (reply.status, reply.json.get("reason")) == (404, "not_found"), (path, reply.json)

    assert (await as_(api, ALICE, "PUT", f"sessions/{sid}/co-interviewers/bob")).status in (
        200,
        201,
    )
    assert (await as_(api, BOB, "GET", paths[0])).status == 200
    # The state of a step that does not exist: refused for what it is, not hidden.
    assert (await as_(api, BOB, "GET", paths[1])).json["reason"] == "step_out_of_range"

    assert (await as_(api, ALICE, "DELETE", f"sessions/{sid}/co-interviewers/bob")).status == 204
    for path in paths:
        assert (await as_(api, BOB, "GET", path)).status == 404, path
