"""/join and /me: how a candidate gets in, and who is asking."""

from __future__ import annotations

from datetime import timezone

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.utils import url_path_join

from .. import sessions as ops
from ..auth import CANDIDATE_COOKIE, RESOURCE_API, Candidate, InviteRejected
from ..errors import ApiError
from .base import DevInterviewHandler
from .serialize import candidate_session_json


class JoinHandler(DevInterviewHandler):
    """Anyone may call it; the invite token in the body is the credential."""

    candidate_cors = True

    # Candidates have no Jupyter identity, even on servers that refuse anonymous access.
    @allow_unauthenticated
    async def post(self) -> None:
        self.check_failure_limit()
        try:
            data = self.body_json("JoinRequest")
        except ApiError as e:  # a malformed body: no valid invite either
            self.invite_failure(e)
            raise
        async with self.database.session() as db:
            try:
                invite, session = await ops.join(db, data["token"])
            except InviteRejected as e:
                raise self.invite_failure(ApiError(401, e.message, e.reason)) from e
            if session.status == "terminated":
                raise ApiError(410, "this interview has ended", "ended")
            body = {
                "session": candidate_session_json(session),
                "role": invite.role,
                # What the page records, shown to the candidate before the interview.
                "integrity": self.devinterview.integrity_policy().as_json(),
            }
            expires = invite.expires_at
        await self.devinterview.rooms.session_changed(session)
        self.set_cookie(
            CANDIDATE_COOKIE,
            data["token"],
            path=url_path_join(self.base_url, "devinterview/"),
            expires=expires.astimezone(timezone.utc).replace(tzinfo=None),
            httponly=True,
            secure=self.request.protocol == "https",
            samesite="Strict",
        )
        self.set_header("Cache-Control", "no-store")
        self.write_json(body)


class MeHandler(DevInterviewHandler):
    candidate_cors = True

    # Candidates have no Jupyter identity, even on servers that refuse anonymous access.
    @allow_unauthenticated
    async def get(self) -> None:
        caller = await self.caller(RESOURCE_API)
        if isinstance(caller, Candidate):
            self.write_json(
                {
                    "kind": "candidate",
                    "name": caller.name or "Candidate",
                    "session_id": str(caller.session_id),
                }
            )
        else:
            self.write_json({"kind": "interviewer", "name": caller.name})
