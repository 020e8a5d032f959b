"""/sessions/{id}/invites: candidate links, stored only as the hash of their token.

A random invite's token is shown once. The current link (`/invites/live`) has a token the
server re-derives from its invite secret (auth.derive_token), so Copy link gives the same
link again without the token ever being stored."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join

from .. import sessions as ops
from ..auth import RESOURCE_INVITES
from ..handlers import parse_uuid
from .base import DevInterviewHandler, interviewer_only
from .serialize import invite_json

_T = TypeVar("_T")


class _LinkHandler(DevInterviewHandler):
    auth_resource = RESOURCE_INVITES

    def write_link(
        self, invite_id: uuid.UUID, token: str, expires_at: datetime, status: int
    ) -> None:
        body: dict[str, Any] = {
            "id": invite_id,
            "token": token,
            "url": self.candidate_url(token),
            "expires_at": expires_at,
        }
        # The token must not linger in caches between here and the interviewer.
        self.set_header("Cache-Control", "no-store")
        self.write_json(body, status)

    def candidate_url(self, token: str) -> str:
        origin = self.devinterview.public_url.rstrip("/")
        if not origin:
            origin = f"{self.request.protocol}://{self.request.host}"
        path = url_path_join(self.base_url, self.devinterview.candidate_path)
        if not path.endswith("/"):
            path += "/"
        # In the fragment, the token never reaches a server log or a Referer header.
        return f"{origin}{path}#token={token}"

    async def _link(self, session_id: uuid.UUID, op: Callable[..., Awaitable[_T]]) -> _T:
        """Run a re-derivable link operation (sessions.live_invite, rotate_invite) for an
        interviewer of the session, with the server's invite key and link lifetime."""
        await self.require_session_role(session_id)
        async with self.database.session() as db:
            result: _T = await op(
                db,
                session_id,
                key=self.devinterview.invite_key,
                expires_in_minutes=self.devinterview.invite_expiry_minutes,
            )
        return result


class InvitesHandler(_LinkHandler):
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
            link = (invite.id, token, invite.expires_at)
        self.write_link(*link, 201)


class LiveInviteHandler(_LinkHandler):
    """Copy link: the session's current candidate link, made when there is none."""

    @interviewer_only
    @authorized
    async def post(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        invite, token, created = await self._link(sid, ops.live_invite)
        self.write_link(invite.id, token, invite.expires_at, 201 if created else 200)


class RotateInviteHandler(_LinkHandler):
    """New link: a new current candidate link; every earlier one stops working."""

    @interviewer_only
    @authorized
    async def post(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        invite, token, revoked = await self._link(sid, ops.rotate_invite)
        # Once the revocation is committed, so a candidate reconnecting at once is refused.
        for invite_id in revoked:
            self.devinterview.rooms.invite_revoked(sid, invite_id)
        self.write_link(invite.id, token, invite.expires_at, 201)


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
