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


# Characters that draw nothing but are letters or marks to Unicode (Hangul and halfwidth
# fillers, the blank Braille pattern), variation selectors and the other default-ignorable
# code points that are not already format characters: a name made of them looks empty.
_BLANK = frozenset((0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0)).union(
    range(0x180B, 0x1810), range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0)
)
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# A letter with more marks stacked on it than any script needs draws over the lines around.
MAX_MARKS_IN_A_ROW = 2


def clean_display_name(value: str) -> str:
    """A name fit to show to others: one line of visible text, at most 80 characters.

    Control, format (bidi overrides, zero-width), blank and unassigned characters are
    refused, not stripped, so what a person typed is either shown as typed (in NFC) or
    refused with a reason; a name needs a letter or a digit, and at most two combining
    marks in a row.
    """
    name = unicodedata.normalize("NFC", " ".join(value.split()))
    if not name:
        raise ApiError(400, "the name is empty", "invalid_name")
    if len(name) > MAX_DISPLAY_NAME:
        too_long = f"the name is longer than {MAX_DISPLAY_NAME} characters"
        raise ApiError(400, too_long, "invalid_name")
    marks = 0
    visible = False
    for char in name:
        category = unicodedata.category(char)
        if category in _REFUSED_CATEGORIES or ord(char) in _BLANK:
            raise ApiError(400, "the name holds a control or invisible character", "invalid_name")
        marks = marks + 1 if category.startswith("M") else 0
        if marks > MAX_MARKS_IN_A_ROW:
            raise ApiError(400, "the name stacks too many accents on one letter", "invalid_name")
        visible = visible or category[0] in "LN"
    if not visible:
        raise ApiError(400, "the name needs a letter or a digit", "invalid_name")
    return name


async def display_names(db: AsyncSession, usernames: Iterable[str]) -> dict[str, str]:
    """The display name each of ``usernames`` chose; a username without one is absent."""
    wanted = sorted(set(usernames))
    if not wanted:
        return {}
    rows = await db.execute(
        select(Profile.username, Profile.display_name).where(Profile.username.in_(wanted))
    )
    return {username: name for username, name in rows}


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
