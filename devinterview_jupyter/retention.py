"""Retention: what is kept of old interviews, for privacy.

A session is old when it ended (or, never ended, was created) more than the retention
period ago. Of an old session the candidate's material goes: the room's whole history
(every update and snapshot: code, whiteboard, runs, test results). What an interviewer
decided stays: the session row (title, dates, duration), its question and its scorecards.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .db.models import InterviewSession, RoomUpdate, utcnow


@dataclass(frozen=True)
class RetentionResult:
    sessions: list[uuid.UUID]
    history_rows: int


def cutoff_of(days: int, now: datetime | None = None) -> datetime:
    if days < 1:
        raise ValueError("the retention period is at least one day")
    return (now or utcnow()) - timedelta(days=days)


async def old_sessions(db: AsyncSession, cutoff: datetime) -> list[uuid.UUID]:
    """Sessions that ended (or, never ended, were created) before ``cutoff`` and still
    hold history."""
    ended = func.coalesce(InterviewSession.ended_at, InterviewSession.created_at)
    with_history = select(RoomUpdate.session_id).where(RoomUpdate.session_id == InterviewSession.id)
    query = (
        select(InterviewSession.id)
        .where(ended < cutoff, with_history.exists())
        .order_by(InterviewSession.created_at, InterviewSession.id)
    )
    return list((await db.scalars(query)).all())


async def apply_retention(
    db: AsyncSession, days: int, *, now: datetime | None = None, dry_run: bool = False
) -> RetentionResult:
    """Delete the history of every old session (or, with ``dry_run``, only count it)."""
    ids = await old_sessions(db, cutoff_of(days, now))
    if not ids:
        return RetentionResult([], 0)
    rows_of = RoomUpdate.session_id.in_(ids)
    count = int(await db.scalar(select(func.count()).select_from(RoomUpdate).where(rows_of)) or 0)
    if not dry_run:
        await db.execute(delete(RoomUpdate).where(rows_of))
    return RetentionResult(ids, count)
