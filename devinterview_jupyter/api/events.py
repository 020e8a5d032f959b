"""/sessions/{id}/events: integrity signals (large pastes, page hidden or unfocused).

The candidate's page reports them with its invite credential (interviewers may too);
only interviewers read them, with `session_access = "owner"` only the session's owner
and co-interviewers. What they mean is decided in ``integrity.py``.
"""

from __future__ import annotations

from jupyter_server.auth.decorator import allow_unauthenticated, authorized

from .. import integrity
from .. import sessions as ops
from ..auth import CANDIDATE_COOKIE, RESOURCE_SESSIONS, Candidate, bearer_token
from ..db.models import InterviewSession
from ..errors import ApiError
from ..handlers import parse_uuid
from .base import DevInterviewHandler, interviewer_only


class EventsHandler(DevInterviewHandler):
    # The candidate page may live on another origin (allowed_origins) and report from there.
    candidate_cors = True
    auth_resource = RESOURCE_SESSIONS

    @interviewer_only
    @authorized
    async def get(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        await self.require_session_role(sid)
        async with self.database.session() as db:
            session = await ops.get_session(db, sid)
            body = await integrity.events_json(db, session, self.devinterview.integrity_policy())
        self.set_header("Cache-Control", "no-store")
        self.write_json(body)

    # Candidates have no Jupyter identity, even on servers that refuse anonymous access.
    @allow_unauthenticated
    async def post(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        if (
            self.current_user is None
            and bearer_token(self.request.headers.get("Authorization")) is None
            and self.get_cookie(CANDIDATE_COOKIE)
        ):
            # The cookie is ambient: any page of the same site (on a hub, another user's
            # server) could post with it. It only reads; writes need the bearer token,
            # which the candidate page always sends and no other page holds.
            raise ApiError(
                403,
                "report with the invite as a bearer token (Authorization: Bearer ...)",
                "bearer_required",
            )
        caller = await self.caller(RESOURCE_SESSIONS, "write")
        if isinstance(caller, Candidate):
            if caller.session_id != sid:
                raise ApiError(
                    403, "a candidate may only report on their own interview", "forbidden"
                )
            participant = integrity.Participant.candidate(caller.invite_id)
        else:
            await self.require_session_role(sid)
            participant = integrity.Participant.interviewer(caller.name)
        # Counted before the body is read: malformed reports cost as much as good ones.
        wait = self.devinterview.integrity_limiter.hit(participant.key)
        if wait is not None:
            raise ApiError(
                429,
                f"too many reports; try again in {wait} s",
                "rate_limited",
                retry_after=wait,
            )
        report = integrity.parse_report(self.body_json("EventReport"))
        async with integrity.session_lock(sid), self.database.session() as db:
            event, created = await integrity.record(
                db, sid, participant, report, self.devinterview.integrity_policy()
            )
            if event is None:
                body = None
            else:
                # Already loaded (and locked) by record: no second query.
                session = await db.get(InterviewSession, sid)
                assert session is not None
                given = await integrity.given_names(db, sid)
                body = integrity.event_json(event, session.candidate_name, given)
        if body is None:
            # An end with no interval open: nothing to show.
            self.set_status(204)
            self.finish()
            return
        self.write_json(body, 201 if created else 200)
