"""/sessions/{id}/co-interviewers: the hub users who may run a session with its owner."""

from __future__ import annotations

import uuid
from urllib.parse import unquote

from jupyter_server.auth.decorator import authorized

from .. import sessions as ops
from .. import team
from ..auth import RESOURCE_SESSIONS
from ..handlers import parse_uuid
from .base import DevInterviewHandler, interviewer_only
from .serialize import co_interviewer_json


class CoInterviewersHandler(DevInterviewHandler):
    auth_resource = RESOURCE_SESSIONS

    @interviewer_only
    @authorized
    async def get(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        await self.require_session_role(sid)
        async with self.database.session() as db:
            await ops.get_session(db, sid)
            entries = await team.list_co_interviewers(db, sid)
            body = {"items": [co_interviewer_json(e) for e in entries]}
        self.write_json(body)


class CoInterviewerHandler(DevInterviewHandler):
    auth_resource = RESOURCE_SESSIONS

    @interviewer_only
    @authorized
    async def put(self, session_id: str, username: str) -> None:
        sid, name = await self._owned_target(session_id, username)
        me = self.interviewer()
        assert me is not None
        async with self.database.session() as db:
            entry, created = await team.add_co_interviewer(db, sid, name, me.name)
            body = co_interviewer_json(entry)
        self.write_json(body, 201 if created else 200)

    @interviewer_only
    @authorized
    async def delete(self, session_id: str, username: str) -> None:
        sid, name = await self._owned_target(session_id, username)
        async with self.database.session() as db:
            await ops.get_session(db, sid)
            await team.remove_co_interviewer(db, sid, name)
        if self.devinterview.session_access == "owner":
            # Removed means out, also of the room open on any server at this moment.
            self.devinterview.rooms.interviewer_removed(sid, name)
            self.devinterview.note_rooms.interviewer_removed(sid, name)
        self.set_status(204)
        self.finish()

    async def _owned_target(self, session_id: str, username: str) -> tuple[uuid.UUID, str]:
        """The session and user named in the path (the name is checked where it is used);
        only the session's owner may change who co-interviews."""
        sid = parse_uuid(session_id, "session id")
        await self.require_session_role(sid, owner=True)
        return sid, unquote(username)
