"""Invite tokens and who is asking: an interviewer (Jupyter identity) or a candidate."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .db.models import InterviewSession, Invite, utcnow

# 32 bytes = 256 bits from the OS CSPRNG; the brief asks for at least 128.
TOKEN_BYTES = 32
CANDIDATE_COOKIE = "devinterview-candidate"
# What a candidate is called when neither they nor the interviewer gave a name.
CANDIDATE_FALLBACK_NAME = "Candidate"
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


# Binds the HMAC to this one use, so the secret can never yield a token for anything else.
_DERIVATION_CONTEXT = b"devinterview invite token v1\x00"
# A configured secret shorter than this is refused: it could be guessed offline from one
# leaked link and the invite ids in a database dump.
MIN_SECRET_CHARS = 32


def derive_token(secret: bytes, invite_id: uuid.UUID) -> str:
    """The token of a re-derivable invite: the server can show its link again later without
    ever storing it. Same shape as new_token() (43 URL-safe characters, 256 bits)."""
    digest = hmac.new(secret, _DERIVATION_CONTEXT + invite_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def rederive_token(secret: bytes, invite: Invite) -> str | None:
    """The invite's token if this secret made it, else None (a random token, or a server
    whose secret has changed since)."""
    token = derive_token(secret, invite.id)
    return token if hmac.compare_digest(hash_token(token), invite.token_hash) else None


def invite_secret_from(value: str, path: str) -> bytes:
    """The invite secret: ``value`` when configured, else the file at ``path``, created
    with a fresh random secret (owner-only) when missing."""
    if value.strip():
        secret = value.strip()
        if len(secret) < MIN_SECRET_CHARS:
            raise ValueError(f"the invite secret must have at least {MIN_SECRET_CHARS} characters")
        return secret.encode("utf-8")
    file = Path(path).expanduser()
    file.parent.mkdir(parents=True, exist_ok=True)
    if not file.exists():
        # Written whole under another name, then linked in place: two servers starting at
        # once never read a half-written file nor overwrite each other's secret.
        draft = file.with_name(f".{file.name}.{secrets.token_hex(8)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(secrets.token_urlsafe(32) + "\n")
            os.link(draft, file)
        except FileExistsError:
            pass
        except OSError:
            # No hard links on this file system (some network and FUSE mounts): create the
            # file itself exclusively; a server that loses the race reads the winner's.
            _create_exclusive(file)
        finally:
            draft.unlink(missing_ok=True)
    secret = file.read_text(encoding="utf-8").strip()
    if len(secret) < MIN_SECRET_CHARS:
        raise ValueError(
            f"the invite secret in {file} must have at least {MIN_SECRET_CHARS} characters"
        )
    return secret.encode("utf-8")


def _create_exclusive(file: Path) -> None:
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_urlsafe(32) + "\n")


def secret_file_is_shared(path: str) -> bool:
    """Whether users other than the owner may read the secret file (as ssh refuses keys)."""
    try:
        return bool(Path(path).expanduser().stat().st_mode & 0o077)
    except OSError:
        return False


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
    # Shown to everyone in the room, always beside the candidate role (never "interviewer").
    name: str
    expires_at: datetime
    # Whether this invite has entered the interview (a plain or named /join); until then the
    # candidate is in the lobby, whatever their page says.
    entered: bool = True


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
    invite, session = row
    if invite.revoked_at is not None:
        raise InviteRejected("revoked", "this invite link has been revoked")
    if invite.expires_at <= utcnow():
        raise InviteRejected("expired", "this invite link has expired")
    return invite, session


def candidate_name(invite: Invite, session: InterviewSession) -> str:
    """The name the candidate holding ``invite`` is shown by: the one they gave in the
    lobby, else the one the interviewer wrote on the session, else "Candidate"."""
    return invite.display_name or session.candidate_name or CANDIDATE_FALLBACK_NAME


def candidate_from(invite: Invite, session: InterviewSession) -> Candidate:
    return Candidate(
        invite_id=invite.id,
        session_id=session.id,
        name=candidate_name(invite, session),
        expires_at=invite.expires_at,
        entered=invite.last_used_at is not None,
    )
