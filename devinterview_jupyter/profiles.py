"""Interviewers' display names, kept per Jupyter username so that every server of a team
shows the same name; and the names shown for a session's interviewers."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .db.models import Profile, utcnow
from .errors import ApiError

MAX_DISPLAY_NAME = 80


def clean_display_name(value: str) -> str:
    """A name fit to show to others: one line of printable text, at most 80 characters.

    Control, format (bidi overrides, zero-width) and unassigned characters are refused,
    not stripped, so what a person typed is either shown as typed or refused with a reason.
    """
    name = " ".join(value.split())
    if not name:
        raise ApiError(400, "the name is empty", "invalid_name")
    if len(name) > MAX_DISPLAY_NAME:
        too_long = f"the name is longer than {MAX_DISPLAY_NAME} characters"
        raise ApiError(400, too_long, "invalid_name")
    for char in name:
        if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}:
            raise ApiError(400, "the name holds a control or invisible character", "invalid_name")
    return name


async def display_names(db: AsyncSession, usernames: Iterable[str]) -> dict[str, str]:
    """The display name each of ``usernames`` chose; a username without one is absent."""
    wanted = sorted(set(usernames))
    if not wanted:
        return {}
    rows = await db.execute(
        select(Profile.username, Profile.display_name).where(Profile.username.in_(wanted))
    )
    return {username: name for username, name in rows.tuples()}


async def set_display_name(db: AsyncSession, username: str, name: str) -> str:
    """Store ``username``'s display name (cleaned) and return it."""
    clean = clean_display_name(name)
    profile = await db.get(Profile, username)
    if profile is None:
        db.add(Profile(username=username, display_name=clean, updated_at=utcnow()))
    else:
        profile.display_name = clean
        profile.updated_at = utcnow()
    return clean
