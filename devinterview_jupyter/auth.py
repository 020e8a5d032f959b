"""Invite tokens and who is asking: an interviewer (Jupyter identity) or a candidate."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .db.models import InterviewSession, Invite, utcnow

# 32 bytes = 256 bits from the OS CSPRNG; the brief asks for at least 128.
TOKEN_BYTES = 32
CANDIDATE_COOKIE = "devinterview-candidate"
_BEARER = re.compile(r"^\s*bearer\s+(\S+)\s*$", re.IGNORECASE)
# Tokens are URL-safe base64; anything else is not ours and is never hashed or looked up.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,128}$")

# Resources passed to Jupyter's authorizer, so hub or server policies can restrict them.
RESOURCE_SESSIONS = "devinterview:sessions"
RESOURCE_INVITES = "devinterview:invites"
RESOURCE_API = "devinterview:api"
RESOURCE_ROOMS = "devinterview:rooms"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(value: str) -> bool:
    return bool(_TOKEN_SHAPE.match(value))


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    match = _BEARER.match(authorization)
    return match.group(1) if match else None


class InviteRejected(Exception):
    """A candidate token that does not (or no longer) grant access."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Candidate:
    """A candidate authenticated by an invite token; bound to exactly one session."""

    invite_id: uuid.UUID
    session_id: uuid.UUID
    name: str | None
    expires_at: datetime


async def resolve_invite(db: AsyncSession, token: str) -> tuple[Invite, InterviewSession]:
    """Find the invite behind ``token`` or say why it is refused."""
    if not looks_like_token(token):
        raise InviteRejected("invalid_token", "this invite link is not valid")
    row = (
        await db.execute(
            select(Invite, InterviewSession)
            .join(InterviewSession, Invite.session_id == InterviewSession.id)
            .where(Invite.token_hash == hash_token(token))
        )
    ).first()
    if row is None:
        raise InviteRejected("invalid_token", "this invite link is not valid")
    invite, session = row.tuple()
    if invite.revoked_at is not None:
        raise InviteRejected("revoked", "this invite link has been revoked")
    if invite.expires_at <= utcnow():
        raise InviteRejected("expired", "this invite link has expired")
    return invite, session


def candidate_from(invite: Invite, session: InterviewSession) -> Candidate:
    return Candidate(
        invite_id=invite.id,
        session_id=session.id,
        name=session.candidate_name,
        expires_at=invite.expires_at,
    )
