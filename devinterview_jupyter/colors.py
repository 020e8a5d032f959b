"""The colour each participant of an interview is shown in, decided by the server.

A client's own colour claim is never used: two people could pick the same colour, or one
nobody can read. The rules give every participant of an interview a distinct colour that
stays the same across reconnects and across the servers of a team (nothing here depends
on the process: no ``hash()``, no order of arrival):

- every candidate has ``CANDIDATE_COLOR``;
- the session's interviewers — the owner, then the co-interviewers in the order they were
  added — take the colours of ``INTERVIEWER_COLORS`` in order (adding a co-interviewer
  never changes the colour of someone already in the room);
- anyone else (an interviewer of a server whose sessions are not restricted to their
  owners) gets a colour picked by a digest of their credential, among those the session's
  interviewers leave free when there are any.

Every colour keeps at least 3:1 contrast (WCAG 2 non-text contrast) against JupyterLab's
light (#ffffff) and dark (#111111) backgrounds; tests/test_names.py computes it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .db.models import CoInterviewer, InterviewSession

CANDIDATE_COLOR = "#d9480f"  # orange: no interviewer colour is near it
INTERVIEWER_COLORS = (
    "#1c7ed6",  # blue
    "#2b8a3e",  # green
    "#ae3ec9",  # purple
    "#1098ad",  # teal
    "#d6336c",  # pink
    "#b7791f",  # ochre
    "#7048e8",  # violet
)
LIGHT_BACKGROUND = "#ffffff"
DARK_BACKGROUND = "#111111"
MIN_CONTRAST = 3.0


def interviewer_color(username: str, interviewers: Iterable[str], key: str) -> str:
    """The colour of interviewer ``username`` in a session whose owner and co-interviewers
    are ``interviewers``; ``key`` (their credential) picks one for anyone else."""
    ordered = list(dict.fromkeys(interviewers))
    if username in ordered:
        return INTERVIEWER_COLORS[ordered.index(username) % len(INTERVIEWER_COLORS)]
    taken = set(INTERVIEWER_COLORS[: len(ordered)])
    free = [c for c in INTERVIEWER_COLORS if c not in taken] or list(INTERVIEWER_COLORS)
    return free[_digest(key) % len(free)]


def fallback_color(key: str) -> str:
    """A stable colour for a participant the server knows nothing more about."""
    return INTERVIEWER_COLORS[_digest(key) % len(INTERVIEWER_COLORS)]


async def session_interviewers(db: AsyncSession, session_id: uuid.UUID) -> list[str]:
    """The session's owner, then its co-interviewers as added (empty if there is no such
    session)."""
    owner = await db.scalar(select(InterviewSession.owner).where(InterviewSession.id == session_id))
    if owner is None:
        return []
    co = await db.scalars(
        select(CoInterviewer.username)
        .where(CoInterviewer.session_id == session_id)
        .order_by(CoInterviewer.added_at, CoInterviewer.username)
    )
    return [owner, *co]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _luminance(color: str) -> float:
    def channel(i: int) -> float:
        c = int(color[i : i + 2], 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)


def _digest(key: str) -> int:
    # Not hash(): it differs between processes, and every server must agree.
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big")
