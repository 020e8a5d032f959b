"""Helpers of this project's own tests (the clients are in devinterview_jupyter.testing)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from devinterview_jupyter.db.models import InterviewSession, Invite


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


# A tldraw shape record as the whiteboard stores it (every field the room requires).
SHAPE = {
    "id": "shape:a",
    "typeName": "shape",
    "type": "geo",
    "x": 1,
    "y": 2,
    "rotation": 0,
    "opacity": 1,
    "isLocked": False,
    "index": "a1",
    "parentId": "page:page",
    "props": {"w": 10, "h": 10, "geo": "rectangle"},
    "meta": {},
}


async def stable_identity(jp_fetch: Any, jp_auth_header: Any) -> tuple[dict[str, str], str]:
    """Interviewer headers that keep one identity: a bare token makes Jupyter invent a new
    anonymous user for every request; its login cookie keeps the first one."""
    reply = await jp_fetch("api", "me")
    cookie = "; ".join(c.split(";", 1)[0] for c in reply.headers.get_list("Set-Cookie") if "=" in c)
    identity = json.loads(reply.body)["identity"]
    headers = {**jp_auth_header, "Cookie": cookie}
    return headers, identity.get("display_name") or identity["name"]
