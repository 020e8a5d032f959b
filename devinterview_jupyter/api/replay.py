"""/sessions/{id}/replay and /sessions/{id}/replay/state: the replay of an interview.

Interviewers only (the replay holds everything the room ever held, and the private notes);
with `session_access = "owner"` only the session's owner and co-interviewers. The work is
in ``replay/``; the cache of timelines is the app's (``replay_cache_bytes``).
"""

from __future__ import annotations

import re
import uuid

from jupyter_server.auth.decorator import authorized

from ..auth import RESOURCE_SESSIONS
from ..errors import ApiError, bad_request
from ..handlers import parse_uuid
from ..replay import Timeline, in_replay_thread, load_timeline, state_json
from .base import DevInterviewHandler, interviewer_only

# Steps are row counts: far below this; longer digit strings are refused before int().
_STEP = re.compile(r"[0-9]{1,12}")


class _ReplayHandler(DevInterviewHandler):
    auth_resource = RESOURCE_SESSIONS

    async def timeline(self, session_id: str, *, events: bool) -> Timeline:
        sid: uuid.UUID = parse_uuid(session_id, "session id")
        await self.require_session_role(sid)
        cache = self.devinterview.replay_cache
        return await load_timeline(self.database, sid, cache=cache, events=events)


class ReplayHandler(_ReplayHandler):
    @interviewer_only
    @authorized
    async def get(self, session_id: str) -> None:
        timeline = await self.timeline(session_id, events=True)
        body = await in_replay_thread(timeline.summary_json, key=timeline.session_id)
        self.write_json(body)


class ReplayStateHandler(_ReplayHandler):
    @interviewer_only
    @authorized
    async def get(self, session_id: str) -> None:
        raw = self.get_query_arguments("step")
        if len(raw) != 1:
            raise bad_request("give one step: ?step=N")
        if not _STEP.fullmatch(raw[0]):
            raise bad_request(f"step must be a whole number, not {raw[0][:40]!r}")
        step = int(raw[0])
        timeline = await self.timeline(session_id, events=False)
        steps = timeline.steps
        if step >= steps:
            message = (
                f"step {step} is past the last step ({steps - 1})"
                if steps
                else "this interview has no stored history to replay"
            )
            raise ApiError(400, message, "step_out_of_range")
        body = await in_replay_thread(lambda: state_json(timeline, step), key=timeline.session_id)
        self.write_json(body)
