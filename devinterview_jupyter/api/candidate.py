"""/join and /me: how a candidate gets in, and who is asking."""

from __future__ import annotations

from datetime import timezone

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.utils import url_path_join

from .. import sessions as ops
from ..auth import CANDIDATE_COOKIE, RESOURCE_API, Candidate, InviteRejected, resolve_invite
from ..errors import ApiError
from ..profiles import clean_display_name
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
        # The document refuses `lobby` together with `name`.
        lobby = bool(data.get("lobby"))
        async with self.database.session() as db:
            try:
                if lobby:
                    # Only reads: a candidate may come back to the lobby as often as they
                    # like without starting the interview or touching the invite.
                    invite, session = await resolve_invite(db, data["token"])
                else:
                    invite, session = await ops.join(db, data["token"], name=data.get("name"))
            except InviteRejected as e:
                raise self.invite_failure(ApiError(401, e.message, e.reason)) from e
            if session.status == "terminated":
                raise ApiError(410, "this interview has ended", "ended")
            body = {
                "session": candidate_session_json(session),
                "role": invite.role,
                # What the page records, shown to the candidate before the interview.
                "integrity": self.devinterview.integrity_policy().as_json(),
                # Who they will meet, by the names the interviewers chose (never more).
                "interviewers": await ops.interviewer_names(db, session),
                # What the lobby's name field starts with.
                "name": _prefill(invite.display_name or session.candidate_name),
            }
            expires = invite.expires_at
        if not lobby:
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


def _prefill(name: str | None) -> str | None:
    """A name the lobby can send back as it is: the session's candidate name was typed by
    an interviewer under looser rules (up to 200 characters), so it may not qualify."""
    if name is None:
        return None
    try:
        return clean_display_name(name)
    except ApiError:
        return None


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
                    "name": caller.name,
                    "session_id": str(caller.session_id),
                }
            )
        else:
            self.write_json({"kind": "interviewer", "name": caller.name})
