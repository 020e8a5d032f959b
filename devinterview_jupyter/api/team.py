"""/sessions/{id}/co-interviewers: the hub users who may run a session with its owner."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from jupyter_server.auth.decorator import authorized

from .. import sessions as ops
from .. import team
from ..auth import RESOURCE_SESSIONS
from ..db.models import CoInterviewer
from .base import DevInterviewHandler, interviewer_only, parse_uuid
from .serialize import iso


def co_interviewer_json(entry: CoInterviewer) -> dict[str, Any]:
    return {"username": entry.username, "added_by": entry.added_by, "added_at": iso(entry.added_at)}


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
        sid = parse_uuid(session_id, "session id")
        name = team.check_username(unquote(username))
        await self.require_session_role(sid, owner=True)
        me = self.interviewer()
        assert me is not None
        async with self.database.session() as db:
            entry, created = await team.add_co_interviewer(db, sid, name, me.name)
            body = co_interviewer_json(entry)
        self.write_json(body, 201 if created else 200)

    @interviewer_only
    @authorized
    async def delete(self, session_id: str, username: str) -> None:
        sid = parse_uuid(session_id, "session id")
        name = team.check_username(unquote(username))
        await self.require_session_role(sid, owner=True)
        async with self.database.session() as db:
            await ops.get_session(db, sid)
            await team.remove_co_interviewer(db, sid, name)
        self.set_status(204)
        self.finish()
