"""Retention: what is kept of old interviews, for privacy.

A session is old when it ended (or, never ended, was created) more than the retention
period ago. Of an old session the material about the candidate goes: the room's whole
history (every update and snapshot: code, whiteboard, runs, test results), the
interviewers' private notes (their own log) and the integrity events. What an interviewer
decided stays: the session row (title, dates, duration), its question and its scorecards.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from .db.models import InterviewSession, NoteUpdate, RoomUpdate, SessionEvent, utcnow

# What retention deletes of an old session: each table holds rows keyed by session.
_DELETED = (RoomUpdate, NoteUpdate, SessionEvent)


@dataclass(frozen=True)
class RetentionResult:
    sessions: list[uuid.UUID]
    history_rows: int  # of the room's log
    note_rows: int = 0  # of the notes' log
    events: int = 0


def cutoff_of(days: int, now: datetime | None = None) -> datetime:
    if days < 1:
        raise ValueError("the retention period is at least one day")
    return (now or utcnow()) - timedelta(days=days)


async def old_sessions(db: AsyncSession, cutoff: datetime) -> list[uuid.UUID]:
    """Sessions that ended (or, never ended, were created) before ``cutoff`` and still
    hold history, notes or events."""
    ended = func.coalesce(InterviewSession.ended_at, InterviewSession.created_at)
    holding = [
        select(table.session_id).where(table.session_id == InterviewSession.id).exists()
        for table in _DELETED
    ]
    query = (
        select(InterviewSession.id)
        .where(ended < cutoff, or_(*holding))
        .order_by(InterviewSession.created_at, InterviewSession.id)
    )
    return list((await db.scalars(query)).all())


async def apply_retention(
    db: AsyncSession, days: int, *, now: datetime | None = None, dry_run: bool = False
) -> RetentionResult:
    """Delete the history, notes and events of every old session (or, with ``dry_run``,
    only count them)."""
    ids = await old_sessions(db, cutoff_of(days, now))
    if not ids:
        return RetentionResult([], 0)
    counts: list[int] = []
    for table in _DELETED:
        rows_of = table.session_id.in_(ids)
        counts.append(
            int(await db.scalar(select(func.count()).select_from(table).where(rows_of)) or 0)
        )
        if not dry_run:
            await db.execute(delete(table).where(rows_of))
    history, notes, events = counts
    return RetentionResult(ids, history, notes, events)
