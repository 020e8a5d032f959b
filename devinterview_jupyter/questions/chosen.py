"""The questions chosen for sessions: stored copies, the part the room may show, and the
whole copy interviewers read.

What goes into the room is built here and only here (``room_view``): the prompt, the
revealed parts, the starter code and the visible tests. Hidden tests, the rubric and the
parts not yet revealed stay in the database, read by interviewers' requests only.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.engine import Database
from ..db.models import InterviewSession, SessionQuestion, utcnow
from ..errors import ApiError, conflict

STARTER_MODES = ("replace", "keep", "if_empty")


def pick_language(question: dict[str, Any], wanted: str | None, current: str | None) -> str:
    """The language the interview answers the question in: the one asked for (it must be
    one of the question's), else the session's if the question has it, else its first."""
    languages: list[str] = question["languages"]
    if wanted is not None:
        if wanted not in languages:
            raise ApiError(
                422,
                f"the question is not in {wanted} (it is in {', '.join(languages)})",
                "unsupported_language",
            )
        return wanted
    return current if current in languages else languages[0]


def question_of(row: SessionQuestion) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(row.question)
    return value


def room_view(row: SessionQuestion) -> dict[str, Any]:
    """The values of the room's ``question`` map: what a candidate may see."""
    question = question_of(row)
    return {
        "id": row.id.hex,
        "title": question["title"],
        "difficulty": question["difficulty"],
        "language": row.language,
        "prompt": question["prompt"],
        "parts": question["parts"][: row.revealed],
        "starter": question["starter"],
        "tests": question["tests"],
    }


def rest_view(row: SessionQuestion) -> dict[str, Any]:
    """The whole copy, for interviewers (``SessionQuestion`` in openapi.json)."""
    return {
        "id": row.id,
        "question": question_of(row),
        "language": row.language,
        "revealed": row.revealed,
        "chosen_at": row.chosen_at,
    }


async def current(db: AsyncSession, session_id: uuid.UUID) -> SessionQuestion | None:
    """The session's question now: the one chosen last."""
    query = (
        select(SessionQuestion)
        .where(SessionQuestion.session_id == session_id)
        .order_by(SessionQuestion.chosen_at.desc(), SessionQuestion.id.desc())
        .limit(1)
    )
    return (await db.scalars(query)).first()


async def current_view(database: Database, session_id: uuid.UUID) -> dict[str, Any] | None:
    """What the session's room shows of its current question (None: no question)."""
    async with database.session() as db:
        row = await current(db, session_id)
        return None if row is None else room_view(row)


async def require_current(db: AsyncSession, session_id: uuid.UUID) -> SessionQuestion:
    row = await current(db, session_id)
    if row is None:
        raise ApiError(404, "no question has been chosen for this session", "no_question")
    return row


def choose(
    db: AsyncSession, session: InterviewSession, question: dict[str, Any], language: str
) -> SessionQuestion:
    """Copy ``question`` into the session as its current question; the session's language
    becomes the one it is answered in."""
    if session.status == "terminated":
        raise conflict("a terminated session cannot get a question", "terminated")
    row = SessionQuestion(
        id=uuid.uuid4(),
        session_id=session.id,
        question_id=question["id"],
        question=json.dumps(question, ensure_ascii=False, separators=(",", ":")),
        language=language,
        revealed=0,
        chosen_at=utcnow(),
    )
    db.add(row)
    session.language = language
    return row


async def reveal_next(db: AsyncSession, session: InterviewSession) -> SessionQuestion:
    """Reveal one more follow-up part of the current question."""
    if session.status == "terminated":
        raise conflict("the session is terminated", "terminated")
    row = await require_current(db, session.id)
    total = len(question_of(row)["parts"])
    # One statement, so that two interviewers clicking at once reveal one part each and
    # never past the last.
    result = await db.execute(
        update(SessionQuestion)
        .where(SessionQuestion.id == row.id, SessionQuestion.revealed < total)
        .values(revealed=SessionQuestion.revealed + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise conflict("every part of the question is revealed already", "nothing_to_reveal")
    await db.refresh(row)
    return row
