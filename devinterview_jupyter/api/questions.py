"""/questions and /sessions/{id}/question: the question library and a session's question.

Interviewers only, every one of them: a question holds its hidden tests and rubric.
Candidates see the question through the room, as ``questions/chosen.py`` builds it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.auth.decorator import authorized

from .. import sessions as ops
from ..auth import RESOURCE_SESSIONS
from ..errors import ApiError
from ..handlers import parse_uuid
from ..questions import chosen
from ..questions.library import UnknownQuestion
from ..questions.parse import QuestionFileError
from .base import DevInterviewHandler, interviewer_only


async def load_question(handler: DevInterviewHandler, question_id: str) -> dict[str, Any]:
    """A question of the library, or the 404/422 that says why not."""
    library = handler.devinterview.questions
    try:
        # Reading and parsing files: off the event loop, which serves every room.
        return await asyncio.to_thread(library.get, question_id)
    except UnknownQuestion as e:
        raise ApiError(404, f"no question {question_id!r}", "no_question") from e
    except QuestionFileError as e:
        raise ApiError(422, f"question {question_id!r} cannot be used: {e}", "bad_question") from e


class QuestionsHandler(DevInterviewHandler):
    auth_resource = RESOURCE_SESSIONS

    @interviewer_only
    @authorized
    async def get(self) -> None:
        items, problems = await asyncio.to_thread(self.devinterview.questions.scan)
        self.write_json({"items": items, "problems": problems})


class QuestionHandler(DevInterviewHandler):
    auth_resource = RESOURCE_SESSIONS

    @interviewer_only
    @authorized
    async def get(self, question_id: str) -> None:
        self.write_json(await load_question(self, question_id))


class SessionQuestionHandler(DevInterviewHandler):
    auth_resource = RESOURCE_SESSIONS

    @interviewer_only
    @authorized
    async def get(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        await self.require_session_role(sid)
        async with self.database.session() as db:
            await ops.get_session(db, sid)
            row = await chosen.require_current(db, sid)
            body = chosen.rest_view(row)
        self.write_json(body)

    @interviewer_only
    @authorized
    async def put(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        data = self.body_json("SessionQuestionSet")
        await self.require_session_role(sid)
        question = await load_question(self, data["question_id"])
        async with self.database.session() as db:
            session = await ops.get_session(db, sid, for_update=True)
            language = chosen.pick_language(question, data.get("language"), session.language)
            row = chosen.choose(db, session, question, language)
            await db.flush()
            body = chosen.rest_view(row)
        await show_question(self, session, question, language, data.get("starter", "if_empty"))
        self.write_json(body)


class RevealHandler(DevInterviewHandler):
    auth_resource = RESOURCE_SESSIONS

    @interviewer_only
    @authorized
    async def post(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        await self.require_session_role(sid)
        async with self.database.session() as db:
            session = await ops.get_session(db, sid, for_update=True)
            row = await chosen.reveal_next(db, session)
            body = chosen.rest_view(row)
        await self.devinterview.rooms.write_question(sid)
        self.write_json(body)


async def show_question(
    handler: DevInterviewHandler,
    session: Any,
    question: dict[str, Any],
    language: str,
    starter_mode: str,
) -> None:
    """Bring the room in step with a newly chosen question: its language, the question
    as the candidate sees it, and (unless kept) the starter code."""
    rooms = handler.devinterview.rooms
    await rooms.session_changed(session)
    starter = question["starter"].get(language, "") if starter_mode != "keep" else None
    await rooms.write_question(session.id, starter, only_if_empty=starter_mode == "if_empty")
