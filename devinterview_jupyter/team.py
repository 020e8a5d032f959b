"""Who may act on a session: its owner and the co-interviewers the owner added.

Used when ``DevInterviewApp.session_access`` is ``"owner"`` (a team sharing one database,
e.g. JupyterHub): then an interviewer sees and controls only sessions they own or
co-interview. With ``"server"`` (one person's server) every interviewer of the server
may act on every session, as before.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Literal

from sqlalchemy import BindParameter, ColumnElement, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from .db.models import CoInterviewer, InterviewSession, utcnow
from .errors import bad_request, not_found

Role = Literal["owner", "co-interviewer"]

# Hub user names: what JupyterHub accepts by default, without path or query syntax.
_USERNAME = re.compile(r"^[A-Za-z0-9._@+-]{1,255}$")


def check_username(username: str) -> str:
    if not _USERNAME.match(username):
        raise bad_request(
            f"{username!r} is not a user name (letters, digits and . _ @ + - only)",
            "invalid_username",
        )
    return username


async def role_of(db: AsyncSession, session_id: uuid.UUID, username: str) -> Role | None:
    """The user's role in the session, or None; 404 when there is no such session."""
    if await _owner_of(db, session_id) == username:
        return "owner"
    co = await db.scalar(
        select(CoInterviewer.username).where(
            CoInterviewer.session_id == session_id, CoInterviewer.username == username
        )
    )
    return "co-interviewer" if co is not None else None


async def _owner_of(db: AsyncSession, session_id: uuid.UUID) -> str:
    owner = await db.scalar(select(InterviewSession.owner).where(InterviewSession.id == session_id))
    if owner is None:
        raise not_found(f"no interview session {session_id}")
    return owner


def visible_to_criterion(username: str | BindParameter[str]) -> ColumnElement[bool]:
    """Sessions the user owns or co-interviews (a WHERE criterion over sessions)."""
    co = select(CoInterviewer.session_id).where(CoInterviewer.username == username)
    return or_(InterviewSession.owner == username, InterviewSession.id.in_(co))


async def list_co_interviewers(db: AsyncSession, session_id: uuid.UUID) -> Sequence[CoInterviewer]:
    query = (
        select(CoInterviewer)
        .where(CoInterviewer.session_id == session_id)
        .order_by(CoInterviewer.added_at, CoInterviewer.username)
    )
    return (await db.scalars(query)).all()


async def add_co_interviewer(
    db: AsyncSession, session_id: uuid.UUID, username: str, added_by: str
) -> tuple[CoInterviewer, bool]:
    """Add (idempotent); the bool says whether it was new."""
    check_username(username)
    existing = await db.get(CoInterviewer, (session_id, username))
    if existing is not None:
        return existing, False
    if await _owner_of(db, session_id) == username:
        raise bad_request("the owner is not a co-interviewer of their own session", "is_owner")
    entry = CoInterviewer(
        session_id=session_id, username=username, added_by=added_by, added_at=utcnow()
    )
    db.add(entry)
    await db.flush()
    return entry, True


async def remove_co_interviewer(db: AsyncSession, session_id: uuid.UUID, username: str) -> None:
    check_username(username)
    result = await db.execute(
        delete(CoInterviewer).where(
            CoInterviewer.session_id == session_id, CoInterviewer.username == username
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise not_found(f"{username} is not a co-interviewer of session {session_id}")
