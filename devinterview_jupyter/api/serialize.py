"""JSON shapes of sessions and invites, as described in openapi.json, and their encoding.

Shapes hold datetimes and UUIDs as they come from the database; `dumps` writes them as
RFC 3339 UTC strings ("...Z") and canonical UUID strings, in C (orjson). Formatting each
value in Python was the largest share of a list request's CPU time (docs/performance.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from ..db.models import CoInterviewer, Invite
from ..sessions import SESSION_FIELDS, SessionRow

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC


def _default(value: Any) -> Any:
    # asyncpg returns its own UUID type, which orjson does not recognise.
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, default=_default, option=_OPTIONS)


def session_json(session: SessionRow) -> dict[str, Any]:
    return {field: getattr(session, field) for field in SESSION_FIELDS}


def session_rows_json(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows whose first columns are SESSION_FIELDS, in that order (see list_sessions)."""
    return [dict(zip(SESSION_FIELDS, row, strict=False)) for row in rows]


def candidate_session_json(session: SessionRow) -> dict[str, Any]:
    """What a candidate may see: no owner, no invites."""
    data = session_json(session)
    del data["owner"]
    return data


def invite_json(invite: Invite) -> dict[str, Any]:
    return {
        "id": invite.id,
        "role": invite.role,
        "created_at": invite.created_at,
        "expires_at": invite.expires_at,
        "revoked": invite.revoked_at is not None,
        "last_used_at": invite.last_used_at,
    }


def co_interviewer_json(entry: CoInterviewer) -> dict[str, Any]:
    return {"username": entry.username, "added_by": entry.added_by, "added_at": entry.added_at}
