"""/sessions: create, list, read, change, start, terminate and delete interview sessions."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from jupyter_server.auth.decorator import allow_unauthenticated, authorized
from sqlalchemy.ext.asyncio import AsyncSession

from .. import integrity
from .. import sessions as ops
from ..auth import RESOURCE_SESSIONS, Candidate
from ..db.models import InterviewSession
from ..errors import ApiError, bad_request
from ..handlers import parse_uuid
from ..questions import chosen
from .base import DevInterviewHandler, interviewer_only
from .questions import load_question, show_question
from .serialize import candidate_session_json, session_json, session_rows_json

MAX_PAGE = 200
DEFAULT_PAGE = 50
# PostgreSQL's OFFSET parameter is a 32-bit integer.
MAX_OFFSET = 2**31 - 1


class SessionsHandler(DevInterviewHandler):
    auth_resource = RESOURCE_SESSIONS

    @interviewer_only
    @authorized
    async def get(self) -> None:
        status = self._query("status")
        if status is not None and status not in ops.STATUSES:
            raise bad_request(f"status must be one of {', '.join(ops.STATUSES)}")
        limit = self._int_query("limit", DEFAULT_PAGE, 1, MAX_PAGE)
        offset = self._int_query("offset", 0, 0, MAX_OFFSET)
        me = self.interviewer()
        visible_to = me.name if me is not None and self.owners_only() else None
        rows, total = await ops.list_sessions(
            self.database, status=status, limit=limit, offset=offset, visible_to=visible_to
        )
        self.write_json({"items": session_rows_json(rows), "total": total})

    @interviewer_only
    @authorized
    async def post(self) -> None:
        data = self.body_json("SessionCreate")
        owner = self.interviewer()
        assert owner is not None
        question_id = data.pop("question_id", None)
        question = None if question_id is None else await load_question(self, question_id)
        if question is not None:
            language = chosen.pick_language(question, None, data.get("language"))
            data = {**data, "language": language}
            if data.get("planned_minutes") is None:
                data["planned_minutes"] = question["duration_minutes"]
        async with self.database.session() as db:
            session = await ops.create_session(db, owner.name, data)
            if question is not None:
                chosen.choose(db, session, question, language)
            await db.flush()
            body = session_json(session)
        if question is not None:
            await show_question(self, session, question, language, "replace")
        self.set_header("Location", f"{self.request.path.rstrip('/')}/{session.id}")
        self.write_json(body, 201)

    def _query(self, name: str) -> str | None:
        values = self.get_query_arguments(name)
        return values[-1] if values else None

    def _int_query(self, name: str, default: int, low: int, high: int) -> int:
        raw = self._query(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError as e:
            raise bad_request(f"{name} must be an integer, not {raw!r}") from e
        if not low <= value <= high:
            raise bad_request(f"{name} must be between {low} and {high}")
        return value


class SessionHandler(DevInterviewHandler):
    candidate_cors = True
    auth_resource = RESOURCE_SESSIONS

    # Candidates have no Jupyter identity, even on servers that refuse anonymous access.
    @allow_unauthenticated
    async def get(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        caller = await self.caller(RESOURCE_SESSIONS)
        if isinstance(caller, Candidate) and caller.session_id != sid:
            raise ApiError(403, "a candidate may only see their own interview", "forbidden")
        await self.require_session_role(sid)
        async with self.database.session() as db:
            session = await ops.get_session(db, sid)
            view = candidate_session_json if isinstance(caller, Candidate) else session_json
            body = view(session)
        self.write_json(body)

    @interviewer_only
    @authorized
    async def patch(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        changes = self.body_json("SessionUpdate")
        await self.require_session_role(sid)
        async with self.database.session() as db:
            session = await ops.update_session(db, sid, changes)
            body = session_json(session)
        await self.devinterview.rooms.session_changed(session)
        self.write_json(body)

    @interviewer_only
    @authorized
    async def delete(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        await self.require_session_role(sid, owner=True)
        async with self.database.session() as db:
            await ops.get_session(db, sid)
        # Close the room first so that none of its updates are written after the delete.
        await self.devinterview.rooms.session_deleted(sid)
        await self.devinterview.note_rooms.session_deleted(sid)
        async with self.database.session() as db:
            await ops.delete_session(db, sid)
        self.set_status(204)
        self.finish()


class _TransitionHandler(DevInterviewHandler):
    """POST /sessions/{id}/<transition>: idempotent state changes."""

    auth_resource = RESOURCE_SESSIONS
    transition: Callable[[AsyncSession, uuid.UUID], Awaitable[InterviewSession]]

    @interviewer_only
    @authorized
    async def post(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        await self.require_session_role(sid)
        # Serialised with integrity reports (SQLite has no row lock): a report checked
        # "not terminated" must not open an interval after terminate closed them all.
        async with integrity.session_lock(sid), self.database.session() as db:
            session = await type(self).transition(db, sid)
            body = session_json(session)
        await self.devinterview.rooms.session_changed(session)
        self.write_json(body)


class StartHandler(_TransitionHandler):
    transition = staticmethod(ops.start_session)


class TerminateHandler(_TransitionHandler):
    """Terminate also records the duration."""

    transition = staticmethod(ops.terminate_session)
