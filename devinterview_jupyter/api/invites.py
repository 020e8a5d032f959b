"""/sessions/{id}/invites: candidate links. A token is shown once and stored only hashed."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join

from .. import sessions as ops
from ..auth import RESOURCE_INVITES
from .base import DevInterviewHandler, interviewer_only, parse_uuid
from .serialize import invite_json


class InvitesHandler(DevInterviewHandler):
    auth_resource = RESOURCE_INVITES

    @interviewer_only
    @authorized
    async def get(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        await self.require_session_role(sid)
        async with self.database.session() as db:
            invites = await ops.list_invites(db, sid)
            body = {"items": [invite_json(i) for i in invites]}
        # Answer once the transaction is over, never from inside it.
        self.write_json(body)

    @interviewer_only
    @authorized
    async def post(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        data = self.body_json("InviteCreate", required=False)
        await self.require_session_role(sid)
        minutes = data.get("expires_in_minutes", self.devinterview.invite_expiry_minutes)
        async with self.database.session() as db:
            invite, token = await ops.create_invite(db, sid, expires_in_minutes=minutes)
            body = {
                "id": invite.id,
                "token": token,
                "url": self.candidate_url(token),
                "expires_at": invite.expires_at,
            }
        # The token must not linger in caches between here and the interviewer.
        self.set_header("Cache-Control", "no-store")
        self.write_json(body, 201)

    def candidate_url(self, token: str) -> str:
        origin = self.devinterview.public_url.rstrip("/")
        if not origin:
            origin = f"{self.request.protocol}://{self.request.host}"
        path = url_path_join(self.base_url, self.devinterview.candidate_path)
        if not path.endswith("/"):
            path += "/"
        # In the fragment, the token never reaches a server log or a Referer header.
        return f"{origin}{path}#token={token}"


class InviteHandler(DevInterviewHandler):
    auth_resource = RESOURCE_INVITES

    @interviewer_only
    @authorized
    async def delete(self, session_id: str, invite_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        iid = parse_uuid(invite_id, "invite id")
        await self.require_session_role(sid)
        async with self.database.session() as db:
            await ops.revoke_invite(db, sid, iid)
        self.devinterview.rooms.invite_revoked(sid, iid)
        self.set_status(204)
        self.finish()
