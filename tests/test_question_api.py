"""The question endpoints and a session's question, on both databases: listing and reading
the library, creating a session from a question, switching it mid-interview, revealing
parts, and what reaches the room."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Map, Text
from sqlalchemy import func, select

from devinterview_jupyter.db.models import SessionQuestion
from devinterview_jupyter.questions import chosen
from devinterview_jupyter.sessions import get_session
from devinterview_jupyter.testing.rest import create_session
from devinterview_jupyter.testing.rooms import synced_doc, text, until
from tests.test_question_files import GOOD

SQL_QUESTION = """---
title: Count rows
languages: [sql]
duration: 10
---

Count the rows of `t`.

## Starter

```sql
SELECT 0;
```

## Tests

```yaml
- name: two rows
  input: {sql: "CREATE TABLE t (x); INSERT INTO t VALUES (1), (2);"}
  expected: [[2]]
```
"""


@pytest.fixture
def team_folder(tmp_path: Path) -> Path:
    team = tmp_path / "team"
    (team / "strings").mkdir(parents=True)
    (team / "strings" / "reverse.md").write_text(GOOD, encoding="utf-8")
    (team / "count.md").write_text(SQL_QUESTION, encoding="utf-8")
    (team / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    return team


@pytest.fixture
def devinterview_config(team_folder: Path) -> dict[str, Any]:
    return {"question_folders": [str(team_folder)]}


REVERSE = "folder1~strings~reverse"


def question_map(doc: Any) -> dict[str, Any]:
    return doc.get("question", type=Map).to_py() or {}


async def test_the_list_holds_the_folder_the_shipped_set_and_the_broken_files(api):
    reply = await api("GET", "questions")
    assert reply.status == 200
    body = reply.json
    ids = {item["id"] for item in body["items"]}
    assert {REVERSE, "folder1~count", "shipped~python~two-sum"} <= ids
    reverse = next(item for item in body["items"] if item["id"] == REVERSE)
    assert reverse == {
        "id": REVERSE,
        "title": "Reverse a string",
        "difficulty": "easy",
        "duration_minutes": 15,
        "languages": ["python", "javascript"],
        "tags": ["strings"],
        "source": {"folder": "folder1", "path": "strings/reverse.md"},
        "parts": 2,
        "tests": 2,
        "hidden_tests": 1,
    }
    assert "palindrome" not in json.dumps(reverse)  # a summary carries counts, not tests
    assert [(p["path"], "not valid YAML" in p["message"]) for p in body["problems"]] == [
        ("broken.md", True)
    ]


async def test_reading_a_question_gives_it_whole_or_a_clear_error(api):
    reply = await api("GET", f"questions/{REVERSE}")
    assert reply.status == 200
    question = reply.json
    assert question["hidden_tests"][0]["name"] == "palindrome"
    assert question["rubric"][0]["name"] == "Correctness"
    missing = await api("GET", "questions/folder1~nothing")
    assert (missing.status, missing.json["reason"]) == (404, "no_question")
    outside = await api("GET", "questions/folder1~..~..~etc~passwd")
    assert outside.status == 404
    broken = await api("GET", "questions/folder1~broken")
    assert broken.status == 422
    assert broken.json["reason"] == "bad_question"
    assert "not valid YAML" in broken.json["message"]


async def test_a_session_created_with_a_question_gets_prompt_starter_and_visible_tests(
    api, room_url, interviewer
):
    reply = await api(
        "POST",
        "sessions",
        {"title": "With a question", "language": "javascript", "question_id": REVERSE},
    )
    assert reply.status == 201
    session = reply.json
    assert session["language"] == "javascript"  # the question has it: kept
    assert session["planned_minutes"] == 15  # the question's duration
    async with synced_doc(room_url(session["id"]), interviewer) as doc:
        await until(lambda: bool(question_map(doc)), what="the question in the room")
        shown = question_map(doc)
        assert shown["title"] == "Reverse a string" and shown["language"] == "javascript"
        assert shown["parts"] == []  # none revealed yet
        assert [t["name"] for t in shown["tests"]] == ["simple", "empty"]
        assert set(shown) == {
            "id",
            "title",
            "difficulty",
            "language",
            "prompt",
            "parts",
            "starter",
            "tests",
        }
        assert text(doc) == "function reverse(s) {}\n"
    chosen = (await api("GET", f"sessions/{session['id']}/question")).json
    assert chosen["language"] == "javascript" and chosen["revealed"] == 0
    assert chosen["question"]["hidden_tests"][0]["name"] == "palindrome"
    assert chosen["id"].replace("-", "") == shown["id"]


async def test_a_question_in_another_language_sets_the_session_language(api):
    reply = await api(
        "POST",
        "sessions",
        {
            "title": "SQL",
            "language": "python",
            "question_id": "folder1~count",
            "planned_minutes": 50,
        },
    )
    assert reply.status == 201
    assert (reply.json["language"], reply.json["planned_minutes"]) == ("sql", 50)


@pytest.mark.parametrize(
    ("question_id", "status"), [("folder1~nothing", 404), ("folder1~broken", 422)]
)
async def test_creating_with_a_bad_question_creates_nothing(api, question_id, status):
    before = (await api("GET", "sessions")).json["total"]
    reply = await api("POST", "sessions", {"title": "x", "question_id": question_id})
    assert reply.status == status
    assert (await api("GET", "sessions")).json["total"] == before


async def test_switching_the_question_mid_interview_replaces_what_the_room_shows(
    api, room_url, interviewer
):
    s = await create_session(api, language="python")
    none = await api("GET", f"sessions/{s['id']}/question")
    assert (none.status, none.json["reason"]) == (404, "no_question")
    first = await api("PUT", f"sessions/{s['id']}/question", {"question_id": REVERSE})
    assert first.status == 200 and first.json["language"] == "python"
    async with synced_doc(room_url(s["id"]), interviewer) as doc:
        await until(lambda: question_map(doc).get("title") == "Reverse a string")
        assert text(doc) == "def reverse(s):\n    pass\n"  # the code was empty
        doc.get("source", type=Text).insert(0, "# mine\n")  # the candidate's work
        await until(lambda: "# mine" in text(doc))
        await _flush(api)
        # if_empty (the default) keeps code that is there.
        second = await api("PUT", f"sessions/{s['id']}/question", {"question_id": "folder1~count"})
        assert second.status == 200 and second.json["language"] == "sql"
        await until(lambda: question_map(doc).get("title") == "Count rows")
        assert text(doc).startswith("# mine")
        assert (await api("GET", f"sessions/{s['id']}")).json["language"] == "sql"
        # replace puts the starter code in.
        third = await api(
            "PUT",
            f"sessions/{s['id']}/question",
            {"question_id": REVERSE, "language": "javascript", "starter": "replace"},
        )
        assert third.status == 200
        await until(lambda: text(doc) == "function reverse(s) {}\n", what="starter code")
        # keep leaves the code alone.
        fourth = await api(
            "PUT",
            f"sessions/{s['id']}/question",
            {"question_id": "shipped~python~two-sum", "language": "python", "starter": "keep"},
        )
        assert fourth.status == 200
        await until(lambda: question_map(doc).get("title") == "Two sum")
        assert text(doc) == "function reverse(s) {}\n"
    current = (await api("GET", f"sessions/{s['id']}/question")).json
    assert current["question"]["id"] == "shipped~python~two-sum"


async def _flush(api) -> None:
    # A request round trip lets the room's pending writes reach the server first.
    await api("GET", "time")


async def test_a_language_the_question_lacks_is_refused(api):
    s = await create_session(api)
    reply = await api(
        "PUT", f"sessions/{s['id']}/question", {"question_id": "folder1~count", "language": "go"}
    )
    assert (reply.status, reply.json["reason"]) == (422, "unsupported_language")


async def test_revealing_parts_shows_them_in_order_then_refuses(api, room_url, interviewer):
    s = await create_session(api)
    await api("PUT", f"sessions/{s['id']}/question", {"question_id": REVERSE})
    async with synced_doc(room_url(s["id"]), interviewer) as doc:
        await until(lambda: bool(question_map(doc)))
        one = await api("POST", f"sessions/{s['id']}/question/reveal")
        assert one.status == 200 and one.json["revealed"] == 1
        await until(lambda: len(question_map(doc)["parts"]) == 1)
        assert question_map(doc)["parts"][0]["title"] == "Part 2: Unicode"
        two = await api("POST", f"sessions/{s['id']}/question/reveal")
        assert two.json["revealed"] == 2
        await until(lambda: len(question_map(doc)["parts"]) == 2)
        three = await api("POST", f"sessions/{s['id']}/question/reveal")
        assert (three.status, three.json["reason"]) == (409, "nothing_to_reveal")


async def test_editing_the_file_later_does_not_change_the_interview(api, team_folder):
    s = await create_session(api)
    await api("PUT", f"sessions/{s['id']}/question", {"question_id": REVERSE})
    path = team_folder / "strings" / "reverse.md"
    path.write_text(GOOD.replace("Reverse a string", "Changed title"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert (await api("GET", f"questions/{REVERSE}")).json["title"] == "Changed title"
    kept = (await api("GET", f"sessions/{s['id']}/question")).json
    assert kept["question"]["title"] == "Reverse a string"


async def test_a_terminated_session_takes_no_question_and_reveals_nothing(api):
    s = await create_session(api)
    await api("PUT", f"sessions/{s['id']}/question", {"question_id": REVERSE})
    await api("POST", f"sessions/{s['id']}/terminate")
    put = await api("PUT", f"sessions/{s['id']}/question", {"question_id": REVERSE})
    assert (put.status, put.json["reason"]) == (409, "terminated")
    reveal = await api("POST", f"sessions/{s['id']}/question/reveal")
    assert (reveal.status, reveal.json["reason"]) == (409, "terminated")
    # Still readable afterwards (the report issue reads it).
    assert (await api("GET", f"sessions/{s['id']}/question")).status == 200


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("PUT", "sessions/{sid}/question", {}, 400),
        ("PUT", "sessions/{sid}/question", {"question_id": REVERSE, "starter": "maybe"}, 400),
        ("PUT", "sessions/{sid}/question", {"question_id": REVERSE, "extra": 1}, 400),
        ("PUT", "sessions/{sid}/question", {"question_id": "folder1~broken"}, 422),
        ("PUT", "sessions/not-a-uuid/question", {"question_id": REVERSE}, 400),
        (
            "PUT",
            "sessions/00000000-0000-0000-0000-000000000000/question",
            {"question_id": REVERSE},
            404,
        ),
        ("POST", "sessions/00000000-0000-0000-0000-000000000000/question/reveal", None, 404),
        ("POST", "sessions", {"title": "x", "question_id": ""}, 400),
    ],
)
async def test_bad_requests_get_clear_errors(api, method, path, body, status):
    s = await create_session(api)
    reply = await api(method, path.format(sid=s["id"]), body)
    assert reply.status == status, reply.body
    assert reply.json["message"]


async def test_deleting_a_session_deletes_its_questions(api, devinterview_app):
    s = await create_session(api)
    await api("PUT", f"sessions/{s['id']}/question", {"question_id": REVERSE})

    async def count() -> int:
        async with devinterview_app.database.session() as db:
            return int(await db.scalar(select(func.count()).select_from(SessionQuestion)) or 0)

    assert await count() == 1
    assert (await api("DELETE", f"sessions/{s['id']}")).status == 204
    assert await count() == 0


async def test_a_room_loaded_after_a_lost_write_shows_the_stored_question(
    api, room_url, interviewer, devinterview_app
):
    # As if the server died between storing the choice and writing it to the room.
    s = await create_session(api)
    question = devinterview_app.questions.get(REVERSE)
    async with devinterview_app.database.session() as db:
        session = await get_session(db, uuid.UUID(s["id"]))
        chosen.choose(db, session, question, "python")
    async with synced_doc(room_url(s["id"]), interviewer) as doc:
        await until(lambda: question_map(doc).get("title") == "Reverse a string")


async def test_reveals_and_switches_at_once_leave_the_room_as_stored(api, room_url, interviewer):
    s = await create_session(api)
    await api("PUT", f"sessions/{s['id']}/question", {"question_id": REVERSE})
    async with synced_doc(room_url(s["id"]), interviewer) as doc:
        for target in ("shipped~python~two-sum", REVERSE, "shipped~python~two-sum"):
            await asyncio.gather(
                api("POST", f"sessions/{s['id']}/question/reveal"),
                api("PUT", f"sessions/{s['id']}/question", {"question_id": target}),
                api("POST", f"sessions/{s['id']}/question/reveal"),
            )
        stored = (await api("GET", f"sessions/{s['id']}/question")).json

        def in_step() -> bool:
            shown = question_map(doc)
            parts = stored["question"]["parts"][: stored["revealed"]]
            return shown.get("id") == stored["id"].replace("-", "") and shown["parts"] == parts

        await until(in_step, what="the room to show the stored question")
