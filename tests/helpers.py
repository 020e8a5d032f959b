"""Small helpers shared by the API tests."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from devinterview_jupyter.db.models import InterviewSession, Invite


async def create_session(api: Any, **fields: Any) -> dict[str, Any]:
    body = {"title": "Backend engineer", **fields}
    reply = await api("POST", "sessions", body)
    assert reply.status == 201, reply.body
    return reply.json  # type: ignore[no-any-return]


async def create_invite(api: Any, session_id: str, **fields: Any) -> dict[str, Any]:
    reply = await api("POST", f"sessions/{session_id}/invites", fields or None)
    assert reply.status == 201, reply.body
    return reply.json  # type: ignore[no-any-return]


async def backdate_start(app: Any, session_id: str, minutes: float) -> datetime:
    """Pretend the session started ``minutes`` ago (instead of sleeping in a test)."""
    async with app.database.session() as db:
        session = await db.get(InterviewSession, uuid.UUID(session_id))
        assert session is not None and session.started_at is not None
        session.started_at = session.started_at - timedelta(minutes=minutes)
        return session.started_at


async def expire_invite(app: Any, invite_id: str) -> None:
    async with app.database.session() as db:
        await db.execute(
            update(Invite)
            .where(Invite.id == uuid.UUID(invite_id))
            .values(expires_at=datetime.now().astimezone() - timedelta(seconds=1))
        )
