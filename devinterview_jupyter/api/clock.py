"""/time (the server clock clients correct against) and /sessions/{id}/timer."""

from __future__ import annotations

from jupyter_server.auth.decorator import allow_unauthenticated, authorized

from .. import sessions as ops
from ..auth import RESOURCE_API, RESOURCE_ROOMS
from ..errors import conflict
from ..handlers import parse_uuid
from ..rooms.document import server_now_ms
from .base import DevInterviewHandler, interviewer_only


class TimeHandler(DevInterviewHandler):
    """Interviewers and candidates read the server clock to correct their offset."""

    candidate_cors = True

    # Candidates have no Jupyter identity, even on servers that refuse anonymous access.
    @allow_unauthenticated
    async def get(self) -> None:
        await self.caller(RESOURCE_API)
        self.set_header("Cache-Control", "no-store")
        self.write_json({"now_ms": server_now_ms()})


class TimerHandler(DevInterviewHandler):
    """POST {"action": "start" | "pause" | "reset"}: the interviewer drives the shared timer."""

    auth_resource = RESOURCE_ROOMS

    @interviewer_only
    @authorized
    async def post(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        action = self.body_json("TimerAction")["action"]
        await self.require_session_role(sid)
        async with self.database.session() as db:
            session = await ops.get_session(db, sid)
            if session.status == "terminated":
                raise conflict("the interview has ended; its timer is stopped", "terminated")
        timer = await self.devinterview.rooms.apply_timer(sid, action)
        self.write_json({**timer.as_map(), "server_now_ms": server_now_ms()})
