"""JSON shapes of sessions and invites, as described in openapi.json."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..db.models import CoInterviewer, Invite
from ..sessions import SessionRow


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def session_json(session: SessionRow) -> dict[str, Any]:
    return {
        "id": str(session.id),
        "title": session.title,
        "language": session.language,
        "status": session.status,
        "owner": session.owner,
        "candidate_name": session.candidate_name,
        "planned_minutes": session.planned_minutes,
        "created_at": iso(session.created_at),
        "started_at": iso(session.started_at),
        "ended_at": iso(session.ended_at),
        "duration_minutes": session.duration_minutes,
    }


def candidate_session_json(session: SessionRow) -> dict[str, Any]:
    """What a candidate may see: no owner, no invites."""
    data = session_json(session)
    del data["owner"]
    return data


def invite_json(invite: Invite) -> dict[str, Any]:
    return {
        "id": str(invite.id),
        "role": invite.role,
        "created_at": iso(invite.created_at),
        "expires_at": iso(invite.expires_at),
        "revoked": invite.revoked_at is not None,
        "last_used_at": iso(invite.last_used_at),
    }


def co_interviewer_json(entry: CoInterviewer) -> dict[str, Any]:
    return {"username": entry.username, "added_by": entry.added_by, "added_at": iso(entry.added_at)}
