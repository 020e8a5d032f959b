"""Retention on both databases: the history of interviews older than the period is
deleted — exactly that — by the command line and at start-up (docs/retention.md)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from pycrdt import Text
from sqlalchemy import func, select, update

from devinterview_jupyter.db.models import (
    InterviewSession,
    NoteUpdate,
    RoomUpdate,
    SessionEvent,
    SessionQuestion,
    utcnow,
)
from devinterview_jupyter.retention import apply_retention
from devinterview_jupyter.testing.rest import create_session
from devinterview_jupyter.testing.rooms import synced_doc
from tests.test_migrations_and_cli import run_cli


async def _with_history(api: Any, room_url: Any, interviewer: Any, **fields: Any) -> str:
    s = await create_session(api, **fields)
    async with synced_doc(room_url(s["id"]), interviewer) as doc:
        doc.get("source", type=Text).insert(0, f"code of {s['title']}")
        await _stored(api.app, s["id"])
    return str(s["id"])


async def _rows(app: Any, session_id: str) -> int:
    async with app.database.session() as db:
        query = select(func.count()).select_from(RoomUpdate)
        return int(
            await db.scalar(query.where(RoomUpdate.session_id == uuid.UUID(session_id))) or 0
        )


async def _stored(app: Any, session_id: str) -> None:
    for _ in range(400):  # a bound against hanging, not a speed assertion
        if await _rows(app, session_id) > 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the room's history was never stored")


async def _age(app: Any, session_id: str, days: float, *, ended: bool) -> None:
    """Move a session into the past (instead of waiting days in a test)."""
    past = utcnow() - timedelta(days=days)
    values: dict[str, Any] = {"created_at": past - timedelta(hours=2)}
    if ended:
        values.update(status="terminated", started_at=past - timedelta(hours=1), ended_at=past)
    async with app.database.session() as db:
        await db.execute(
            update(InterviewSession)
            .where(InterviewSession.id == uuid.UUID(session_id))
            .values(**values)
        )


@pytest.fixture
def app_api(api, devinterview_app):
    api.app = devinterview_app
    return api


async def test_retention_deletes_exactly_the_history_of_old_sessions(
    app_api, room_url, interviewer, devinterview_app
):
    api = app_api
    old_ended = await _with_history(api, room_url, interviewer, title="old ended")
    old_never_ended = await _with_history(api, room_url, interviewer, title="old open")
    recent_ended = await _with_history(api, room_url, interviewer, title="recent ended")
    young = await _with_history(api, room_url, interviewer, title="young")
    await api("PUT", f"sessions/{old_ended}/question", {"question_id": "shipped~python~two-sum"})
    await devinterview_app.rooms.stop()  # no room open: as after the idle unload
    await _age(devinterview_app, old_ended, 40, ended=True)
    await _age(devinterview_app, old_never_ended, 40, ended=False)
    # Created long ago but ended recently: its period starts at the end.
    await _age(devinterview_app, recent_ended, 40, ended=True)
    async with devinterview_app.database.session() as db:
        await db.execute(
            update(InterviewSession)
            .where(InterviewSession.id == uuid.UUID(recent_ended))
            .values(ended_at=utcnow() - timedelta(days=5))
        )
    rows_before = {sid: await _rows(devinterview_app, sid) for sid in (recent_ended, young)}

    async with devinterview_app.database.session() as db:
        dry = await apply_retention(db, 30, dry_run=True)
    assert sorted(map(str, dry.sessions)) == sorted([old_ended, old_never_ended])
    assert dry.history_rows == (
        await _rows(devinterview_app, old_ended) + await _rows(devinterview_app, old_never_ended)
    )
    assert await _rows(devinterview_app, old_ended) > 0  # a dry run deletes nothing

    async with devinterview_app.database.session() as db:
        done = await apply_retention(db, 30)
    assert sorted(map(str, done.sessions)) == sorted([old_ended, old_never_ended])
    assert done.history_rows == dry.history_rows
    assert await _rows(devinterview_app, old_ended) == 0
    assert await _rows(devinterview_app, old_never_ended) == 0
    # Nothing else: the others' history, every session row, the question.
    for sid, rows in rows_before.items():
        assert await _rows(devinterview_app, sid) == rows
    async with devinterview_app.database.session() as db:
        sessions = await db.scalar(select(func.count()).select_from(InterviewSession))
        questions = await db.scalar(select(func.count()).select_from(SessionQuestion))
    assert (sessions, questions) == (4, 1)
    # Applied again, there is nothing left to do.
    async with devinterview_app.database.session() as db:
        again = await apply_retention(db, 30)
    assert again.sessions == [] and again.history_rows == 0


async def test_the_period_is_at_least_a_day(devinterview_app):
    async with devinterview_app.database.session() as db:
        with pytest.raises(ValueError, match="at least one day"):
            await apply_retention(db, 0)


async def test_the_command_line_applies_the_period(
    app_api, room_url, interviewer, devinterview_app, devinterview_database_url, tmp_path
):
    api = app_api
    old = await _with_history(api, room_url, interviewer, title="old")
    kept = await _with_history(api, room_url, interviewer, title="kept")
    await devinterview_app.rooms.stop()
    await _age(devinterview_app, old, 10, ended=True)
    args = ["retention", "apply", "--database-url", devinterview_database_url]
    dry = run_cli([*args, "--days", "7", "--dry-run"], tmp_path)
    assert "would delete the history of 1 session(s)" in dry and old in dry
    assert await _rows(devinterview_app, old) > 0
    out = run_cli([*args, "--days", "7"], tmp_path)
    assert "deleted the history of 1 session(s) older than 7 days" in out
    assert await _rows(devinterview_app, old) == 0 and await _rows(devinterview_app, kept) > 0


async def _add_notes_and_events(app: Any, session_id: str) -> None:
    """Rows in the notes' log and the events, as the notes room and the candidate's page
    would leave them (their own tests cover how they get there)."""
    sid = uuid.UUID(session_id)
    async with app.database.session() as db:
        db.add(NoteUpdate(session_id=sid, kind="update", data=b"\x00\x00", origin="test"))
        db.add(
            SessionEvent(
                session_id=sid, kind="paste", participant="invite:x", role="candidate", size=500
            )
        )
        db.add(
            SessionEvent(session_id=sid, kind="hidden", participant="invite:x", role="candidate")
        )


async def _count(app: Any, table: Any, session_id: str) -> int:
    async with app.database.session() as db:
        query = select(func.count()).select_from(table)
        return int(await db.scalar(query.where(table.session_id == uuid.UUID(session_id))) or 0)


async def test_retention_deletes_the_notes_and_events_of_old_sessions_only(
    app_api, room_url, interviewer, devinterview_app
):
    api = app_api
    old = await _with_history(api, room_url, interviewer, title="old")
    # Old, with notes and events but no room history left (an earlier run kept the rest).
    old_notes_only = str((await create_session(api, title="old notes only"))["id"])
    young = await _with_history(api, room_url, interviewer, title="young")
    for sid in (old, old_notes_only, young):
        await _add_notes_and_events(devinterview_app, sid)
    await devinterview_app.rooms.stop()
    await _age(devinterview_app, old, 40, ended=True)
    await _age(devinterview_app, old_notes_only, 40, ended=True)

    async with devinterview_app.database.session() as db:
        dry = await apply_retention(db, 30, dry_run=True)
    assert sorted(map(str, dry.sessions)) == sorted([old, old_notes_only])
    assert (dry.note_rows, dry.events) == (2, 4)
    assert await _count(devinterview_app, NoteUpdate, old) == 1  # a dry run deletes nothing

    async with devinterview_app.database.session() as db:
        done = await apply_retention(db, 30)
    assert (done.note_rows, done.events) == (2, 4)
    for sid in (old, old_notes_only):
        for table in (RoomUpdate, NoteUpdate, SessionEvent):
            assert await _count(devinterview_app, table, sid) == 0, (sid, table)
    assert await _count(devinterview_app, NoteUpdate, young) == 1
    assert await _count(devinterview_app, SessionEvent, young) == 2
    assert await _count(devinterview_app, RoomUpdate, young) > 0
