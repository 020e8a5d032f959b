"""Scorecards on both databases: drafts, criteria (question rubric or the setting), the lock
after submitting, who sees whose (not before one's own is submitted; never a draft), the
dashboard summary, team mode, candidates, and deletion with the session.

Interviewers are the stable users of tests/team_identity.py: a bare server token would be
a new anonymous interviewer on every request, and scorecards are per interviewer.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from traitlets.config import Config

from devinterview_jupyter import scorecards
from devinterview_jupyter import sessions as ops
from devinterview_jupyter.app import DevInterviewApp
from devinterview_jupyter.db.models import Scorecard
from devinterview_jupyter.errors import ApiError
from tests.test_candidate_isolation import credential_forms

# The stable users alice, bob and carol of tests/team_identity.py.
from tests.test_team import ALICE, BOB, CAROL, jp_server_config  # noqa: F401

DEFAULT_NAMES = ["Problem solving", "Code", "Verification", "Communication"]
TWO_SUM = "shipped~python~two-sum"
TWO_SUM_RUBRIC = ["Correctness", "Complexity", "Follow-up", "Communication"]


TEAM = pytest.mark.parametrize("devinterview_config", [{"session_access": "owner"}])


async def as_(api: Any, who: dict[str, str], method: str, path: str, body: Any = None) -> Any:
    return await api(method, path, body, as_=None, headers=who)


async def new_session(api: Any, who: dict[str, str] = ALICE, **fields: Any) -> str:
    reply = await as_(api, who, "POST", "sessions", {"title": "Backend engineer", **fields})
    assert reply.status == 201, reply.body
    return str(reply.json["id"])


def complete(names: list[str], recommendation: str = "yes", note: str = "") -> dict[str, Any]:
    return {
        "ratings": [{"name": n, "rating": 3, "comment": f"{note} {n}".strip()} for n in names],
        "recommendation": recommendation,
        "summary": f"summary {note}".strip(),
    }


async def submit_complete(
    api: Any, who: dict[str, str], sid: str, recommendation: str = "yes", note: str = ""
) -> dict[str, Any]:
    mine = await as_(api, who, "PUT", f"sessions/{sid}/scorecards/mine", {})
    assert mine.status in (200, 201), mine.body
    names = [c["name"] for c in mine.json["criteria"]]
    saved = await as_(
        api, who, "PUT", f"sessions/{sid}/scorecards/mine", complete(names, recommendation, note)
    )
    assert saved.status == 200, saved.body
    submitted = await as_(api, who, "POST", f"sessions/{sid}/scorecards/mine/submit")
    assert submitted.status == 200, submitted.body
    return submitted.json  # type: ignore[no-any-return]


async def listing(api: Any, who: dict[str, str], sid: str) -> dict[str, Any]:
    reply = await as_(api, who, "GET", f"sessions/{sid}/scorecards")
    assert reply.status == 200, reply.body
    return reply.json  # type: ignore[no-any-return]


def authors(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["interviewer"], c["status"]) for c in body["items"]]


# -- drafts and criteria --------------------------------------------------------------------


async def test_a_draft_is_created_then_changed_field_by_field(api):
    sid = await new_session(api)
    created = await as_(api, ALICE, "PUT", f"sessions/{sid}/scorecards/mine", {})
    assert created.status == 201
    card = created.json
    assert card["interviewer"] == "alice" and card["session_id"] == sid
    assert card["status"] == "draft"
    assert card["recommendation"] is None and card["summary"] == ""
    assert card["submitted_at"] is None and card["created_at"].endswith("Z")
    assert [c["name"] for c in card["criteria"]] == DEFAULT_NAMES
    assert card["criteria"][1] == {
        "name": "Code",
        "description": "correct, clear, idiomatic",
        "rating": None,
        "comment": "",
    }

    changed = await as_(
        api,
        ALICE,
        "PUT",
        f"sessions/{sid}/scorecards/mine",
        {
            "ratings": [{"name": "Code", "rating": 3, "comment": "clean, named well"}],
            "recommendation": "yes",
            "summary": "solid",
        },
    )
    assert changed.status == 200
    assert changed.json["id"] == card["id"]
    code = changed.json["criteria"][1]
    assert (code["rating"], code["comment"]) == (3, "clean, named well")
    assert changed.json["criteria"][0]["rating"] is None
    assert (changed.json["recommendation"], changed.json["summary"]) == ("yes", "solid")

    # What a request leaves out stays; null takes a rating or the recommendation back.
    again = await as_(
        api,
        ALICE,
        "PUT",
        f"sessions/{sid}/scorecards/mine",
        {"ratings": [{"name": "Code", "rating": None}], "recommendation": None},
    )
    assert again.status == 200
    code = again.json["criteria"][1]
    assert (code["rating"], code["comment"]) == (None, "clean, named well")
    assert (again.json["recommendation"], again.json["summary"]) == (None, "solid")

    # One scorecard per interviewer: bob's is another, alice still has one.
    bob = await as_(api, BOB, "PUT", f"sessions/{sid}/scorecards/mine", {})
    assert bob.status == 201 and bob.json["id"] != card["id"]
    assert authors(await listing(api, ALICE, sid)) == [("alice", "draft")]


async def test_criteria_come_from_the_questions_rubric_and_are_fixed_at_creation(api):
    sid = await new_session(api)
    before = await listing(api, ALICE, sid)
    assert [c["name"] for c in before["criteria"]] == DEFAULT_NAMES
    assert before["criteria"][0] == {
        "name": "Problem solving",
        "description": "understands the problem, plans, handles edge cases",
    }
    bob = await as_(api, BOB, "PUT", f"sessions/{sid}/scorecards/mine", {})
    assert [c["name"] for c in bob.json["criteria"]] == DEFAULT_NAMES

    chosen = await as_(api, ALICE, "PUT", f"sessions/{sid}/question", {"question_id": TWO_SUM})
    assert chosen.status == 200, chosen.body
    after = await listing(api, ALICE, sid)
    assert [c["name"] for c in after["criteria"]] == TWO_SUM_RUBRIC
    assert "hash map" in after["criteria"][1]["description"]
    alice = await as_(api, ALICE, "PUT", f"sessions/{sid}/scorecards/mine", {})
    assert alice.status == 201
    assert [c["name"] for c in alice.json["criteria"]] == TWO_SUM_RUBRIC
    assert alice.json["criteria"][0]["description"].startswith("returns valid indices")

    # bob's scorecard keeps the criteria it was created with.
    rated = await as_(
        api,
        BOB,
        "PUT",
        f"sessions/{sid}/scorecards/mine",
        {"ratings": [{"name": "Correctness", "rating": 4}]},
    )
    assert (rated.status, rated.json["reason"]) == (400, "unknown_criterion")
    unchanged = await as_(api, BOB, "PUT", f"sessions/{sid}/scorecards/mine", {})
    assert unchanged.status == 200
    assert [c["name"] for c in unchanged.json["criteria"]] == DEFAULT_NAMES


CONFIGURED = ["Design: splits the problem well", "Testing", "SQL: knows joins: inner, outer"]


@pytest.mark.parametrize("devinterview_config", [{"scorecard_criteria": CONFIGURED}])
async def test_the_default_criteria_are_a_setting(api):
    sid = await new_session(api)
    expected = [
        {"name": "Design", "description": "splits the problem well"},
        {"name": "Testing", "description": ""},
        {"name": "SQL", "description": "knows joins: inner, outer"},
    ]
    assert (await listing(api, ALICE, sid))["criteria"] == expected
    card = (await as_(api, ALICE, "PUT", f"sessions/{sid}/scorecards/mine", {})).json
    assert [{k: c[k] for k in ("name", "description")} for c in card["criteria"]] == expected


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ([], "at least one criterion"),
        (["Code: a", "Code: b"], "given twice"),
        ([": nameless"], "has no name"),
        (["x" * 201], "over 200 characters"),
    ],
)
def test_bad_criteria_settings_are_refused(value, problem):
    config = Config()
    config.DevInterviewApp.scorecard_criteria = value
    with pytest.raises(Exception, match=problem):
        DevInterviewApp(config=config).scorecard_criteria  # noqa: B018


def test_a_rubric_naming_a_criterion_twice_gives_it_once():
    row = type("Row", (), {})()
    row.question = (
        '{"rubric": [{"name": "A", "description": "first"}, {"name": "A", "description": "x"}]}'
    )
    assert scorecards.criteria_for(row, [{"name": "D", "description": ""}]) == [
        {"name": "A", "description": "first"}
    ]
    row.question = '{"rubric": []}'
    assert scorecards.criteria_for(row, [{"name": "D", "description": ""}]) == [
        {"name": "D", "description": ""}
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"ratings": [{"name": "Style", "rating": 3}]}, "unknown_criterion"),
        (
            {"ratings": [{"name": "Code", "rating": 3}, {"name": "Code", "rating": 2}]},
            "duplicate_criterion",
        ),
        ({"ratings": [{"name": "Code", "rating": 5}]}, "validation_error"),
        ({"ratings": [{"name": "Code", "rating": 0}]}, "validation_error"),
        ({"ratings": [{"name": "Code", "rating": 2.5}]}, "validation_error"),
        ({"recommendation": "maybe"}, "validation_error"),
        ({"summary": "x" * 10_001}, "validation_error"),
        ({"ratings": [{"name": "Code", "comment": "x" * 5001}]}, "validation_error"),
    ],
)
async def test_bad_changes_are_refused_and_change_nothing(api, body, reason):
    sid = await new_session(api)
    first = await as_(api, ALICE, "PUT", f"sessions/{sid}/scorecards/mine", body)
    assert (first.status, first.json["reason"]) == (400, reason)
    # Refused as the first save: no draft was left behind.
    assert (await listing(api, ALICE, sid))["items"] == []
    await as_(api, ALICE, "PUT", f"sessions/{sid}/scorecards/mine", {"summary": "kept"})
    second = await as_(api, ALICE, "PUT", f"sessions/{sid}/scorecards/mine", body)
    assert (second.status, second.json["reason"]) == (400, reason)
    card = (await listing(api, ALICE, sid))["items"][0]
    assert card["summary"] == "kept"
    assert all(c["rating"] is None for c in card["criteria"])


def _draft(criteria: list[str]) -> Scorecard:
    card = Scorecard(status="draft", recommendation=None, summary="")
    card.criteria = scorecards._store(
        [{"name": n, "description": "", "rating": None, "comment": ""} for n in criteria]
    )
    return card


@pytest.mark.parametrize(
    "changes",
    [
        {"ratings": [{"name": "Code", "rating": 5}]},
        {"ratings": [{"name": "Code", "rating": 0}]},
        {"ratings": [{"name": "Code", "rating": True}]},
        {"recommendation": "maybe"},
    ],
)
def test_the_rules_hold_without_the_request_schema(changes):
    """scorecards.py checks ratings and recommendations itself, not only openapi.json."""
    card = _draft(["Code"])
    with pytest.raises(ApiError) as refused:
        scorecards.apply_changes(card, changes)
    assert refused.value.status_code == 400


# -- submitting and the lock ----------------------------------------------------------------


async def test_submitting_needs_everything_then_locks_the_scorecard(api):
    sid = await new_session(api)
    nothing = await as_(api, ALICE, "POST", f"sessions/{sid}/scorecards/mine/submit")
    assert (nothing.status, nothing.json["reason"]) == (404, "no_scorecard")

    await as_(
        api,
        ALICE,
        "PUT",
        f"sessions/{sid}/scorecards/mine",
        {"ratings": [{"name": "Code", "rating": 4}, {"name": "Communication", "rating": 2}]},
    )
    early = await as_(api, ALICE, "POST", f"sessions/{sid}/scorecards/mine/submit")
    assert (early.status, early.json["reason"]) == (422, "incomplete")
    message = early.json["message"]
    assert "'Problem solving'" in message and "'Verification'" in message
    assert "recommendation" in message
    assert "'Code'" not in message and "'Communication'" not in message

    await as_(
        api,
        ALICE,
        "PUT",
        f"sessions/{sid}/scorecards/mine",
        {"ratings": [{"name": n, "rating": 3} for n in DEFAULT_NAMES]},
    )
    almost = await as_(api, ALICE, "POST", f"sessions/{sid}/scorecards/mine/submit")
    assert (almost.status, almost.json["reason"]) == (422, "incomplete")
    assert almost.json["message"] == "the scorecard needs the recommendation"

    await as_(
        api, ALICE, "PUT", f"sessions/{sid}/scorecards/mine", {"recommendation": "strong_yes"}
    )
    done = await as_(api, ALICE, "POST", f"sessions/{sid}/scorecards/mine/submit")
    assert done.status == 200
    assert done.json["status"] == "submitted" and done.json["submitted_at"] is not None
    assert done.json["recommendation"] == "strong_yes"

    for body in ({}, {"summary": "second thoughts"}, {"recommendation": "no"}):
        locked = await as_(api, ALICE, "PUT", f"sessions/{sid}/scorecards/mine", body)
        assert (locked.status, locked.json["reason"]) == (409, "submitted")
    twice = await as_(api, ALICE, "POST", f"sessions/{sid}/scorecards/mine/submit")
    assert (twice.status, twice.json["reason"]) == (409, "submitted")
    assert (await listing(api, ALICE, sid))["items"] == [done.json]


async def test_two_first_saves_at_once_make_one_scorecard(api, devinterview_app):
    sid = await new_session(api)
    replies = await asyncio.gather(
        *(
            as_(api, ALICE, "PUT", f"sessions/{sid}/scorecards/mine", {"summary": str(i)})
            for i in range(4)
        )
    )
    assert sorted(r.status for r in replies) == [200, 200, 200, 201]
    async with devinterview_app.database.session() as db:
        count = await db.scalar(select(func.count()).select_from(Scorecard))
    assert count == 1


# -- who sees what ----------------------------------------------------------------------------


async def test_others_scorecards_are_hidden_until_one_submits_ones_own(api):
    sid = await new_session(api)
    await submit_complete(api, BOB, sid, "no", note="bob-secret-words")
    await as_(
        api, CAROL, "PUT", f"sessions/{sid}/scorecards/mine", {"summary": "carol-draft-words"}
    )

    # No scorecard of her own: nothing to see, one submitted scorecard hidden.
    first = await as_(api, ALICE, "GET", f"sessions/{sid}/scorecards")
    assert (first.json["items"], first.json["hidden"]) == ([], 1)
    assert b"bob-secret-words" not in first.body and b"carol-draft-words" not in first.body

    # A draft of her own: still hidden.
    await as_(api, ALICE, "PUT", f"sessions/{sid}/scorecards/mine", {"summary": "alice-words"})
    drafting = await as_(api, ALICE, "GET", f"sessions/{sid}/scorecards")
    assert authors(drafting.json) == [("alice", "draft")]
    assert drafting.json["hidden"] == 1
    assert b"bob-secret-words" not in drafting.body and b"carol-draft-words" not in drafting.body

    await submit_complete(api, ALICE, sid, "yes")
    seen = await as_(api, ALICE, "GET", f"sessions/{sid}/scorecards")
    assert authors(seen.json) == [("alice", "submitted"), ("bob", "submitted")]
    assert seen.json["hidden"] == 0
    assert b"bob-secret-words" in seen.body
    # A draft is never shown, nor counted as hidden.
    assert b"carol-draft-words" not in seen.body

    bob = await listing(api, BOB, sid)
    assert authors(bob) == [("bob", "submitted"), ("alice", "submitted")]
    carol = await listing(api, CAROL, sid)
    assert authors(carol) == [("carol", "draft")] and carol["hidden"] == 2


async def test_the_summary_shows_recommendations_only_after_ones_own(api):
    one, two, three = await new_session(api), await new_session(api), await new_session(api)
    await submit_complete(api, BOB, one, "strong_yes")
    await as_(api, ALICE, "PUT", f"sessions/{one}/scorecards/mine", {})
    await submit_complete(api, BOB, two, "strong_no")
    await submit_complete(api, ALICE, two, "yes")
    await as_(api, CAROL, "PUT", f"sessions/{two}/scorecards/mine", {"recommendation": "no"})
    unknown = str(uuid.uuid4())

    query = "&".join(f"session_id={s}" for s in (two, one, unknown, three, two))
    reply = await as_(api, ALICE, "GET", f"scorecards/summary?{query}")
    assert reply.status == 200
    assert reply.json["items"] == [
        {
            "session_id": two,
            "submitted": 2,
            "mine": "submitted",
            "recommendations": ["strong_no", "yes"],
        },
        {"session_id": one, "submitted": 1, "mine": "draft", "recommendations": None},
        {"session_id": three, "submitted": 0, "mine": None, "recommendations": None},
    ]
    for_carol = await as_(api, CAROL, "GET", f"scorecards/summary?session_id={two}")
    assert for_carol.json["items"] == [
        {"session_id": two, "submitted": 2, "mine": "draft", "recommendations": None}
    ]

    none = await as_(api, ALICE, "GET", "scorecards/summary")
    assert (none.status, none.json) == (200, {"items": []})
    bad = await as_(api, ALICE, "GET", "scorecards/summary?session_id=nope")
    assert (bad.status, bad.json["reason"]) == (400, "malformed_id")
    many = "&".join(f"session_id={uuid.uuid4()}" for _ in range(201))
    too_many = await as_(api, ALICE, "GET", f"scorecards/summary?{many}")
    assert too_many.status == 400
    most = "&".join(f"session_id={uuid.uuid4()}" for _ in range(200))
    assert (await as_(api, ALICE, "GET", f"scorecards/summary?{most}")).status == 200


# -- team mode --------------------------------------------------------------------------------


@TEAM
async def test_team_mode_only_the_owner_and_co_interviewers(api):
    sid = await new_session(api, ALICE)
    await submit_complete(api, ALICE, sid, "yes", note="alice-secret-words")
    attempts = [
        ("GET", f"sessions/{sid}/scorecards", None),
        ("PUT", f"sessions/{sid}/scorecards/mine", {"summary": "intruder"}),
        ("POST", f"sessions/{sid}/scorecards/mine/submit", None),
    ]
    for method, path, body in attempts:
        reply = await as_(api, BOB, method, path, body)
        assert reply.status == 404, (method, path, reply.status)
        assert b"alice-secret-words" not in reply.body
    hidden = await as_(api, BOB, "GET", f"scorecards/summary?session_id={sid}")
    assert hidden.json == {"items": []}
    # Nothing was created by the refused requests.
    assert authors(await listing(api, ALICE, sid)) == [("alice", "submitted")]

    added = await as_(api, ALICE, "PUT", f"sessions/{sid}/co-interviewers/bob")
    assert added.status == 201
    assert (await listing(api, BOB, sid))["hidden"] == 1
    await submit_complete(api, BOB, sid, "strong_yes")
    assert authors(await listing(api, BOB, sid)) == [("bob", "submitted"), ("alice", "submitted")]
    summary = await as_(api, BOB, "GET", f"scorecards/summary?session_id={sid}")
    assert summary.json["items"][0]["recommendations"] == ["yes", "strong_yes"]
    # carol is still nobody here.
    assert (await as_(api, CAROL, "GET", f"sessions/{sid}/scorecards")).status == 404
    assert (await as_(api, CAROL, "GET", f"scorecards/summary?session_id={sid}")).json == {
        "items": []
    }

    # A co-interviewer who is removed keeps a draft but can no longer touch it.
    await as_(api, ALICE, "PUT", f"sessions/{sid}/co-interviewers/carol")
    draft = await as_(api, CAROL, "PUT", f"sessions/{sid}/scorecards/mine", {})
    names = [c["name"] for c in draft.json["criteria"]]
    await as_(api, CAROL, "PUT", f"sessions/{sid}/scorecards/mine", complete(names, "no"))
    removed = await as_(api, ALICE, "DELETE", f"sessions/{sid}/co-interviewers/carol")
    assert removed.status == 204
    for method, path, body in attempts:
        reply = await as_(api, CAROL, method, path, body)
        assert (reply.status, reply.json["reason"]) == (404, "not_found"), (method, path)
    await as_(api, ALICE, "PUT", f"sessions/{sid}/co-interviewers/carol")
    assert authors(await listing(api, CAROL, sid))[0] == ("carol", "draft")


# -- candidates -------------------------------------------------------------------------------


async def test_candidates_get_no_scorecard_by_any_credential(api):
    sid = await new_session(api)
    await submit_complete(api, ALICE, sid, "yes", note="alice-secret-words")
    invite = await as_(api, ALICE, "POST", f"sessions/{sid}/invites", {})
    token = invite.json["token"]
    joined = await api("POST", "join", {"token": token}, as_=None)
    assert joined.status == 200
    candidate = {"token": token, "cookie": joined.headers["Set-Cookie"].split(";")[0]}
    forms = {**credential_forms(candidate), "none": {}}
    attempts = [
        ("GET", f"sessions/{sid}/scorecards", None),
        ("PUT", f"sessions/{sid}/scorecards/mine", {"summary": "candidate-words"}),
        ("POST", f"sessions/{sid}/scorecards/mine/submit", None),
        ("GET", f"scorecards/summary?session_id={sid}", None),
    ]
    for form, creds in forms.items():
        for method, path, body in attempts:
            reply = await api(method, path, body, as_=None, **creds)
            expected = (401,) if form == "none" else (401, 403)
            assert reply.status in expected, (form, method, path, reply.status)
            assert b"alice-secret-words" not in reply.body
            assert b"yes" not in reply.body and b"criteria" not in reply.body
    assert authors(await listing(api, ALICE, sid)) == [("alice", "submitted")]


# -- deletion ---------------------------------------------------------------------------------


async def _count(database_or_db: Any, sid: str) -> int:
    query = (
        select(func.count()).select_from(Scorecard).where(Scorecard.session_id == uuid.UUID(sid))
    )
    if isinstance(database_or_db, AsyncSession):
        return int(await database_or_db.scalar(query) or 0)
    async with database_or_db.session() as db:
        return int(await db.scalar(query) or 0)


async def test_deleting_a_session_deletes_its_scorecards(
    api, devinterview_app, devinterview_db_backend, devinterview_database_url
):
    sid, other = await new_session(api), await new_session(api)
    for session in (sid, other):
        await submit_complete(api, ALICE, session)
        await as_(api, BOB, "PUT", f"sessions/{session}/scorecards/mine", {})
    database = devinterview_app.database
    assert await _count(database, sid) == 2
    assert (await as_(api, ALICE, "DELETE", f"sessions/{sid}")).status == 204
    assert await _count(database, sid) == 0
    assert await _count(database, other) == 2

    if devinterview_db_backend == "sqlite":
        # Without the foreign-key pragma SQLite does not cascade: the delete itself must.
        url = devinterview_database_url.replace("sqlite://", "sqlite+aiosqlite://", 1)
        bare = create_async_engine(url)
        try:
            async with AsyncSession(bare) as db, db.begin():
                await ops.delete_session(db, uuid.UUID(other))
            async with AsyncSession(bare) as db:
                assert await _count(db, other) == 0
        finally:
            await bare.dispose()
