"""What can happen to an interview session and its invites, independent of HTTP."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Integer, Select, String, bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from . import profiles, team
from .auth import derive_token, hash_token, new_token, rederive_token, resolve_invite
from .db.engine import Database
from .db.models import (
    InterviewSession,
    Invite,
    NoteUpdate,
    RoomUpdate,
    Scorecard,
    SessionEvent,
    SessionQuestion,
    utcnow,
)
from .errors import conflict, not_found
from .integrity import close_open


class SessionRow(Protocol):
    """What serialisation needs of a session: an ORM object or a plain row."""

    id: uuid.UUID
    title: str
    language: str
    status: str
    owner: str
    candidate_name: str | None
    planned_minutes: int | None
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    duration_minutes: float | None


LANGUAGES = ("python", "javascript", "typescript", "java", "cpp", "go", "sql")
STATUSES = ("scheduled", "active", "terminated")
UPDATABLE_FIELDS = ("title", "language", "candidate_name", "planned_minutes")


def duration_minutes(started_at: datetime | None, ended_at: datetime) -> float:
    if started_at is None:
        return 0.0
    seconds = max(0.0, (ended_at - started_at).total_seconds())
    return round(seconds / 60.0, 1)


SESSION_FIELDS = (
    "id",
    "title",
    "language",
    "status",
    "owner",
    "candidate_name",
    "planned_minutes",
    "created_at",
    "started_at",
    "ended_at",
    "duration_minutes",
)


def _visible(by_status: bool, restricted: bool) -> list[ColumnElement[bool]]:
    criteria = []
    if restricted:
        criteria.append(team.visible_to_criterion(bindparam("username", type_=String)))
    if by_status:
        criteria.append(InterviewSession.status == bindparam("status", type_=String))
    return criteria


@functools.cache
def _count_query(by_status: bool, restricted: bool) -> Select[Any]:
    return (
        select(func.count()).select_from(InterviewSession).where(*_visible(by_status, restricted))
    )


@functools.cache
def _page_query(by_status: bool, restricted: bool) -> Select[Any]:
    """A page and the total in one statement: SESSION_FIELDS, then the count.

    Built once per shape, with bound parameters, so SQLAlchemy reuses its compiled form;
    plain rows, not ORM objects; one round trip instead of two (docs/performance.md).
    """
    total = _count_query(by_status, restricted).scalar_subquery().label("total")
    return (
        select(*(getattr(InterviewSession, f) for f in SESSION_FIELDS), total)
        .where(*_visible(by_status, restricted))
        .order_by(InterviewSession.created_at.desc(), InterviewSession.id.desc())
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )


async def list_sessions(
    database: Database,
    *,
    status: str | None,
    limit: int,
    offset: int,
    visible_to: str | None = None,
) -> tuple[Sequence[Sequence[Any]], int]:
    """Newest first; ``visible_to`` keeps only that user's own and co-interviewed sessions.

    Rows hold SESSION_FIELDS in order, then the total. Page and total come from one
    statement, so they agree without a transaction.
    """
    shape = (status is not None, visible_to is not None)
    params: dict[str, Any] = {"status": status, "username": visible_to}
    rows = await database.fetch(_page_query(*shape), {**params, "limit": limit, "offset": offset})
    if rows:
        return rows, int(rows[0][-1])
    if offset == 0:
        return rows, 0
    # Past the last page no row carries the total.
    return rows, int((await database.fetch(_count_query(*shape), params))[0][0])


async def create_session(db: AsyncSession, owner: str, data: Mapping[str, Any]) -> InterviewSession:
    session = InterviewSession(
        id=uuid.uuid4(),
        title=data["title"].strip(),
        language=data.get("language", "python"),
        status="scheduled",
        owner=owner,
        candidate_name=_clean_optional(data.get("candidate_name")),
        planned_minutes=data.get("planned_minutes"),
        created_at=utcnow(),
    )
    db.add(session)
    await db.flush()
    return session


async def get_session(
    db: AsyncSession, session_id: uuid.UUID, *, for_update: bool = False
) -> InterviewSession:
    query = select(InterviewSession).where(InterviewSession.id == session_id)
    if for_update:
        # Start and terminate race with each other; PostgreSQL serialises them here.
        query = query.with_for_update()
    session = (await db.scalars(query)).first()
    if session is None:
        raise not_found(f"no interview session {session_id}")
    return session


async def update_session(
    db: AsyncSession, session_id: uuid.UUID, changes: Mapping[str, Any]
) -> InterviewSession:
    session = await get_session(db, session_id, for_update=True)
    if session.status == "terminated":
        raise conflict("a terminated session cannot be changed", "terminated")
    for field in UPDATABLE_FIELDS:
        if field in changes:
            value = changes[field]
            if field == "title":
                value = value.strip()
            elif field == "candidate_name":
                value = _clean_optional(value)
            setattr(session, field, value)
    return session


async def start_session(db: AsyncSession, session_id: uuid.UUID) -> InterviewSession:
    session = await get_session(db, session_id, for_update=True)
    if session.status == "terminated":
        raise conflict("a terminated session cannot be started again", "terminated")
    _start(session)
    return session


def _start(session: InterviewSession) -> None:
    if session.status == "scheduled":
        session.status = "active"
        session.started_at = utcnow()


async def terminate_session(db: AsyncSession, session_id: uuid.UUID) -> InterviewSession:
    session = await get_session(db, session_id, for_update=True)
    if session.status != "terminated":
        ended = utcnow()
        session.status = "terminated"
        session.ended_at = ended
        session.duration_minutes = duration_minutes(session.started_at, ended)
        # A page hidden when the interview ends will never say "visible again".
        await close_open(db, session_id, ended)
    return session


async def delete_session(db: AsyncSession, session_id: uuid.UUID) -> None:
    await get_session(db, session_id, for_update=True)
    # Explicit deletes: SQLite only cascades with its foreign-key pragma on.
    await db.execute(delete(RoomUpdate).where(RoomUpdate.session_id == session_id))
    await db.execute(delete(NoteUpdate).where(NoteUpdate.session_id == session_id))
    await db.execute(delete(Invite).where(Invite.session_id == session_id))
    await db.execute(delete(SessionQuestion).where(SessionQuestion.session_id == session_id))
    await db.execute(delete(Scorecard).where(Scorecard.session_id == session_id))
    await db.execute(delete(SessionEvent).where(SessionEvent.session_id == session_id))
    await db.execute(delete(InterviewSession).where(InterviewSession.id == session_id))


async def create_invite(
    db: AsyncSession, session_id: uuid.UUID, *, expires_in_minutes: int
) -> tuple[Invite, str]:
    session = await get_session(db, session_id)
    if session.status == "terminated":
        raise conflict("the interview has ended; no new invites", "terminated")
    token = new_token()
    return await _add_invite(db, session_id, uuid.uuid4(), token, expires_in_minutes), token


async def _add_invite(
    db: AsyncSession, session_id: uuid.UUID, invite_id: uuid.UUID, token: str, minutes: int
) -> Invite:
    now = utcnow()
    invite = Invite(
        id=invite_id,
        session_id=session_id,
        token_hash=hash_token(token),
        role="candidate",
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    db.add(invite)
    await db.flush()
    return invite


# A live link is copied again only while it stays valid this long (at most half of the
# configured lifetime): a link pasted into an email must not die minutes later.
LIVE_LINK_MIN_REMAINING_MINUTES = 60


async def live_invite(
    db: AsyncSession, session_id: uuid.UUID, *, key: bytes, expires_in_minutes: int
) -> tuple[Invite, str, bool]:
    """The session's current candidate link: the newest valid invite whose token ``key``
    re-derives, or a new one. Returns the invite, its token and whether it is new."""
    session = await get_session(db, session_id, for_update=True)
    if session.status == "terminated":
        raise conflict("the interview has ended; no candidate link", "terminated")
    margin = min(LIVE_LINK_MIN_REMAINING_MINUTES, expires_in_minutes / 2)
    query = (
        select(Invite)
        .where(
            Invite.session_id == session_id,
            Invite.role == "candidate",
            Invite.revoked_at.is_(None),
            Invite.expires_at > utcnow() + timedelta(minutes=margin),
        )
        .order_by(Invite.created_at.desc(), Invite.id)
    )
    for invite in (await db.scalars(query)).all():
        token = rederive_token(key, invite)
        if token is not None:
            return invite, token, False
    invite, token = await _derived_invite(db, session_id, key, expires_in_minutes)
    return invite, token, True


async def rotate_invite(
    db: AsyncSession, session_id: uuid.UUID, *, key: bytes, expires_in_minutes: int
) -> tuple[Invite, str, list[uuid.UUID]]:
    """A new current candidate link; every earlier candidate invite of the session is
    revoked (its ids are returned, to disconnect whoever came in with them)."""
    session = await get_session(db, session_id, for_update=True)
    if session.status == "terminated":
        raise conflict("the interview has ended; no candidate link", "terminated")
    now = utcnow()
    earlier = (
        await db.scalars(
            select(Invite).where(
                Invite.session_id == session_id,
                Invite.role == "candidate",
                Invite.revoked_at.is_(None),
            )
        )
    ).all()
    for old in earlier:
        old.revoked_at = now
    invite, token = await _derived_invite(db, session_id, key, expires_in_minutes)
    return invite, token, [old.id for old in earlier]


async def _derived_invite(
    db: AsyncSession, session_id: uuid.UUID, key: bytes, expires_in_minutes: int
) -> tuple[Invite, str]:
    invite_id = uuid.uuid4()
    token = derive_token(key, invite_id)
    return await _add_invite(db, session_id, invite_id, token, expires_in_minutes), token


async def list_invites(db: AsyncSession, session_id: uuid.UUID) -> Sequence[Invite]:
    await get_session(db, session_id)
    query = (
        select(Invite)
        .where(Invite.session_id == session_id)
        .order_by(Invite.created_at.desc(), Invite.id)
    )
    return (await db.scalars(query)).all()


async def revoke_invite(db: AsyncSession, session_id: uuid.UUID, invite_id: uuid.UUID) -> None:
    await get_session(db, session_id)
    invite = (
        await db.scalars(
            select(Invite).where(Invite.id == invite_id, Invite.session_id == session_id)
        )
    ).first()
    if invite is None:
        raise not_found(f"no invite {invite_id} for session {session_id}")
    if invite.revoked_at is None:
        invite.revoked_at = utcnow()


async def join(
    db: AsyncSession, token: str, *, name: str | None = None
) -> tuple[Invite, InterviewSession]:
    """Admit a candidate: the first join starts the clock of a scheduled session.

    ``name`` becomes the name this invite's holder is shown by, once cleaned
    (profiles.clean_display_name: a bad one raises 400 before anything is written); it
    can only ever be written on the invite the token itself resolves to, so one candidate
    never renames another.
    """
    invite, session = await resolve_invite(db, token)
    # After the token (a guessed token is counted as such), before any write.
    clean = None if name is None else profiles.clean_display_name(name)
    session = await get_session(db, session.id, for_update=True)
    if session.status != "terminated":
        _start(session)
        if clean is not None:
            invite.display_name = clean
    invite.last_used_at = utcnow()
    return invite, session


UNNAMED_INTERVIEWER = "Interviewer"


async def interviewer_names(db: AsyncSession, session: InterviewSession) -> list[str]:
    """The names a candidate is shown for the session's interviewers: the owner first, then
    the co-interviewers as they were added; each one's display name, else "Interviewer" — a
    username is an account (often an e-mail address on a hub), not something to hand a
    stranger holding a link."""
    usernames = [session.owner]
    for entry in await team.list_co_interviewers(db, session.id):
        if entry.username not in usernames:
            usernames.append(entry.username)
    chosen = await profiles.display_names(db, usernames)
    return [chosen.get(username) or UNNAMED_INTERVIEWER for username in usernames]


def _clean_optional(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None
