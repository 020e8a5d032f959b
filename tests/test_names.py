"""Who others see: the interviewer's display name (/profile), roles, and the colour the
server assigns each participant, in presence and in run authors, on SQLite and PostgreSQL.

A team's identities (alice, bob, carol: tests/team_identity.py) with sessions restricted
to their owners and co-interviewers, as on JupyterHub."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth.identity import User
from pycrdt import Array
from sqlalchemy import delete, select

from devinterview_jupyter.api.profile import is_anonymous
from devinterview_jupyter.colors import (
    CANDIDATE_COLOR,
    DARK_BACKGROUND,
    INTERVIEWER_COLORS,
    LIGHT_BACKGROUND,
    MIN_CONTRAST,
    contrast_ratio,
    interviewer_color,
)
from devinterview_jupyter.db.models import Profile
from devinterview_jupyter.handlers import identity_name
from devinterview_jupyter.testing.rooms import open_ws, synced_doc, until, upgrade_status
from tests.team_identity import team_server_config
from tests.test_hostile_room import bearer, joined, presence_until
from tests.test_rooms import awareness_frame
from tests.test_run_authors import _author, _run

ALICE = {"Authorization": "token alice-token"}
BOB = {"Authorization": "token bob-token"}
CAROL = {"Authorization": "token carol-token"}
ALICE_COLOR, BOB_COLOR = INTERVIEWER_COLORS[0], INTERVIEWER_COLORS[1]  # owner, then co


@pytest.fixture
def devinterview_config() -> dict[str, Any]:
    return {"session_access": "owner"}


@pytest.fixture
def jp_server_config(devinterview_database_url: str, devinterview_config: dict[str, Any]) -> Any:
    return team_server_config(devinterview_database_url, devinterview_config)


async def no_profiles(app: Any) -> None:
    # The PostgreSQL database outlives one test: start every test with no names chosen.
    async with app.database.session() as db:
        await db.execute(delete(Profile))


async def session_with_team(api: Any) -> tuple[str, dict[str, Any]]:
    """A session of alice's, bob co-interviewing, and an invite for Grace."""
    created = await api(
        "POST", "sessions", {"title": "Names", "candidate_name": "Grace"}, as_=None, headers=ALICE
    )
    assert created.status == 201, created.body
    sid = created.json["id"]
    added = await api("PUT", f"sessions/{sid}/co-interviewers/bob", as_=None, headers=ALICE)
    assert added.status == 201, added.body
    invite = await api("POST", f"sessions/{sid}/invites", as_=None, headers=ALICE)
    assert invite.status == 201, invite.body
    return sid, invite.json


async def set_name(api: Any, who: dict[str, str], name: Any) -> Any:
    return await api("PUT", "profile", {"display_name": name}, as_=None, headers=who)


# -- colours ------------------------------------------------------------------------------


@pytest.mark.parametrize("color", [CANDIDATE_COLOR, *INTERVIEWER_COLORS])
def test_every_colour_is_readable_on_light_and_dark_themes(color):
    assert contrast_ratio(color, LIGHT_BACKGROUND) >= MIN_CONTRAST
    assert contrast_ratio(color, DARK_BACKGROUND) >= MIN_CONTRAST


def test_contrast_ratio_is_the_wcag_one():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    # Colours the old palette had: too faint on the light theme.
    assert contrast_ratio("#17becf", LIGHT_BACKGROUND) < MIN_CONTRAST
    assert contrast_ratio("#ff7f0e", LIGHT_BACKGROUND) < MIN_CONTRAST


def test_colours_are_distinct_and_do_not_depend_on_arrival_or_process():
    assert len({CANDIDATE_COLOR, *INTERVIEWER_COLORS}) == 1 + len(INTERVIEWER_COLORS)
    # The owner, then the co-interviewers as added (colors.session_interviewers).
    team = ["carol", "alice", "bob"]
    colours = [interviewer_color(u, team, f"user:{u}") for u in ("carol", "alice", "bob")]
    assert colours == list(INTERVIEWER_COLORS[:3])
    # Adding a co-interviewer changes nobody's colour (a sorted order would: "amy" < "bob").
    assert [interviewer_color(u, [*team, "amy"], "") for u in team] == colours
    assert interviewer_color("amy", [*team, "amy"], "") == INTERVIEWER_COLORS[3]
    # Someone outside the session's interviewers: not one of their colours, and always
    # the same one (a digest, not Python's per-process hash()).
    outsider = interviewer_color("dave", team, "user:dave")
    assert outsider not in colours
    assert outsider == interviewer_color("dave", team, "user:dave")
    assert outsider == "#1098ad"  # fixed: every server of a team computes the same


def test_the_page_knows_the_same_colours():
    # src/profile/colors.ts shows our own colour before the server's stamp arrives.
    source = (Path(__file__).parents[1] / "src" / "profile" / "colors.ts").read_text()
    candidate = re.search(r"CANDIDATE_COLOR = '(#[0-9a-f]{6})'", source)
    assert candidate is not None and candidate[1] == CANDIDATE_COLOR
    block = re.search(r"INTERVIEWER_COLORS: readonly string\[\] = \[([^\]]*)\]", source)
    assert block is not None
    assert re.findall(r"#[0-9a-f]{6}", block[1]) == list(INTERVIEWER_COLORS)


def test_an_anonymous_jupyter_identity_is_recognised():
    anonymous = User("0f" * 16, "Anonymous Leda", "Anonymous Leda")
    assert is_anonymous(anonymous)
    assert not is_anonymous(User("alice"))
    assert not is_anonymous(User("0f" * 16, "Leda"))
    assert identity_name(User("alice", "Alice Liddell", "Alice")) == "Alice"
    assert identity_name(User("alice")) == "alice"


# -- /profile -------------------------------------------------------------------------------


async def test_the_profile_is_for_interviewers_only(api, devinterview_app):
    await no_profiles(devinterview_app)
    _, invite = await session_with_team(api)
    for method, body in (
        ("GET", None),
        ("PUT", {"display_name": "Interviewer Ada"}),
        ("DELETE", None),
    ):
        nobody = await api(method, "profile", body, as_=None)
        assert nobody.status == 401
        assert nobody.json["reason"] == "unauthenticated"
        candidate = await api(method, "profile", body, as_=None, bearer=invite["token"])
        assert candidate.status == 403, candidate.body
        assert candidate.json["reason"] == "forbidden"
    joined_reply = await api("POST", "join", {"token": invite["token"]}, as_=None)
    cookie = joined_reply.headers["Set-Cookie"].split(";")[0]
    by_cookie = await api("PUT", "profile", {"display_name": "Ada"}, as_=None, cookie=cookie)
    assert by_cookie.status == 403
    async with devinterview_app.database.session() as db:
        assert (await db.scalars(select(Profile.username))).all() == []


async def test_a_display_name_is_cleaned_stored_and_per_user(api, devinterview_app):
    await no_profiles(devinterview_app)
    fresh = await api("GET", "profile", as_=None, headers=ALICE)
    assert fresh.status == 200
    assert fresh.json == {"display_name": None, "name": "alice", "anonymous": False}
    reply = await set_name(api, ALICE, "  Ada \t Lovelace ")
    assert reply.status == 200, reply.body
    assert reply.json == {
        "display_name": "Ada Lovelace",
        "name": "Ada Lovelace",
        "anonymous": False,
    }
    again = await set_name(api, ALICE, "Ada L.")
    assert again.json["name"] == "Ada L."
    assert (await api("GET", "profile", as_=None, headers=ALICE)).json["name"] == "Ada L."
    assert (await api("GET", "profile", as_=None, headers=BOB)).json["display_name"] is None
    async with devinterview_app.database.session() as db:
        row = await db.get(Profile, "alice")
        assert row is not None and row.display_name == "Ada L."
    cleared = await api("DELETE", "profile", as_=None, headers=ALICE)
    assert cleared.status == 200
    assert cleared.json == {"display_name": None, "name": "alice", "anonymous": False}
    assert (await api("GET", "profile", as_=None, headers=ALICE)).json["name"] == "alice"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"display_name": ""}, "invalid_name"),
        ({"display_name": "   "}, "invalid_name"),
        ({"display_name": "x" * 81}, "invalid_name"),
        ({"display_name": "Ada\u202eecalevol"}, "invalid_name"),  # bidi override
        ({"display_name": "Ada\u200b"}, "invalid_name"),  # zero-width space
        ({"display_name": "x" * 401}, "validation_error"),
        ({"display_name": 7}, "validation_error"),
        ({"display_name": None}, "validation_error"),
        ({}, "validation_error"),
        ({"display_name": "Ada", "role": "candidate"}, "validation_error"),
    ],
)
async def test_bad_names_are_refused_with_a_reason(api, devinterview_app, body, reason):
    await no_profiles(devinterview_app)
    reply = await api("PUT", "profile", body, as_=None, headers=ALICE)
    assert reply.status == 400, reply.body
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.json["reason"] == reason
    assert (await api("GET", "profile", as_=None, headers=ALICE)).json["display_name"] is None


async def test_a_body_that_is_not_json_is_a_400(api):
    reply = await api("PUT", "profile", as_=None, raw=b"{nope", headers=ALICE)
    assert reply.status == 400
    assert "message" in reply.json


# -- in the room ------------------------------------------------------------------------------


async def test_presence_shows_the_chosen_name_role_and_the_servers_colours(
    api, devinterview_app, room_url
):
    await no_profiles(devinterview_app)
    sid, invite = await session_with_team(api)
    assert (await set_name(api, ALICE, "Ada Lovelace")).status == 200
    alice = await open_ws(room_url(sid), ALICE)
    bob = await open_ws(room_url(sid), BOB)
    grace = await open_ws(room_url(sid), bearer(invite))
    watcher = await open_ws(room_url(sid), BOB)
    await joined(alice, bob, grace, watcher)

    def state(name: str, color: str) -> str:
        return json.dumps(
            {
                "user": {"name": name, "role": "interviewer", "color": color},
                "whiteboard": {"userName": name, "color": color},
                "lobby": True,
            }
        )

    # Grace claims Alice's colour and role; Bob claims a colour that is no colour.
    await grace.write_message(awareness_frame(101, 1, state("Ada Lovelace", ALICE_COLOR)), True)
    await bob.write_message(awareness_frame(102, 1, state("Bob", "red; x: y")), True)
    await alice.write_message(awareness_frame(103, 1, state("Anonymous Leda", "#ffffff")), True)
    seen = await presence_until(watcher, lambda st: {101, 102, 103} <= st.keys())
    users = {cid: seen[cid]["user"] for cid in (101, 102, 103)}
    assert users[101] == {"name": "Grace", "role": "candidate", "color": CANDIDATE_COLOR}
    assert users[102] == {"name": "bob", "role": "interviewer", "color": BOB_COLOR}
    assert users[103] == {"name": "Ada Lovelace", "role": "interviewer", "color": ALICE_COLOR}
    for cid, user in users.items():
        # The same colour on the whiteboard as in the participants list.
        assert seen[cid]["whiteboard"] == {"userName": user["name"], "color": user["color"]}
        # "In the lobby" is the server's too: Grace's invite never entered; interviewers
        # are never in it, whatever they claim.
        assert seen[cid]["lobby"] is (cid == 101)

    # Reconnected, Alice has the same colour; a new name shows from the next connection.
    alice.close()
    assert (await set_name(api, ALICE, "Ada King")).status == 200
    back = await open_ws(room_url(sid), ALICE)
    await joined(back)
    await back.write_message(awareness_frame(104, 1, state("x", CANDIDATE_COLOR)), True)
    seen = await presence_until(watcher, lambda st: 104 in st)
    assert seen[104]["user"] == {"name": "Ada King", "role": "interviewer", "color": ALICE_COLOR}
    for conn in (back, bob, grace, watcher):
        conn.close()


async def test_run_authors_carry_the_chosen_name_and_the_servers_colour(
    api, devinterview_app, room_url
):
    await no_profiles(devinterview_app)
    sid, invite = await session_with_team(api)
    assert (await set_name(api, ALICE, "Ada Lovelace")).status == 200
    forged = {"name": "Ada Lovelace", "color": ALICE_COLOR, "role": "interviewer"}
    async with (
        synced_doc(room_url(sid), ALICE) as alice,
        synced_doc(room_url(sid), bearer(invite)) as grace,
    ):
        grace.get("runs", type=Array).append(_run("by-grace", forged))
        alice.get("runs", type=Array).append(_run("by-alice", {**forged, "color": "#000000"}))
        expected = {
            "by-grace": {"name": "Grace", "color": CANDIDATE_COLOR, "role": "candidate"},
            "by-alice": {"name": "Ada Lovelace", "color": ALICE_COLOR, "role": "interviewer"},
        }
        for doc in (alice, grace):
            for run_id, author in expected.items():
                await until(
                    lambda d=doc, r=run_id, a=author: _author(d, "runs", r) == a,
                    what=f"the server's signature on {run_id}",
                )


async def test_an_unknown_session_gives_no_colour_away(api, devinterview_app, room_url):
    await no_profiles(devinterview_app)
    # The colour lookup runs after the access check: a stranger learns nothing.
    sid, _ = await session_with_team(api)
    assert await upgrade_status(room_url(sid), CAROL) == 404
    assert await upgrade_status(room_url(str(uuid.uuid4())), ALICE) == 404
