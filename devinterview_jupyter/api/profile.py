"""/profile: the name an interviewer is shown under, to the candidate and to colleagues.

Kept in the database (``profiles.py``) per Jupyter user name, so every server of a team
shows the same name. Rooms read it when a connection opens (``rooms/handler.py``).
"""

from __future__ import annotations

import re
from typing import Any

from jupyter_server.auth.decorator import authorized
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from .. import profiles
from ..auth import RESOURCE_API
from ..db.models import Profile
from ..handlers import identity_name
from .base import DevInterviewHandler, interviewer_only

# What jupyter_server's token login makes up when it knows nobody: a random hex user name
# and "Anonymous <moon>" as the name (IdentityProvider.generate_anonymous_user).
_ANONYMOUS_USERNAME = re.compile(r"^[0-9a-f]{32}$")


def is_anonymous(user: Any) -> bool:
    """Whether the identity is one jupyter_server invented for a bare token."""
    username = getattr(user, "username", None) or ""
    name = getattr(user, "name", None) or ""
    return bool(_ANONYMOUS_USERNAME.match(username)) and name.startswith("Anonymous ")


class ProfileHandler(DevInterviewHandler):
    auth_resource = RESOURCE_API

    @interviewer_only
    @authorized
    async def get(self) -> None:
        async with self.database.session() as db:
            chosen = await self._chosen(db)
        self.write_json(self._body(chosen))

    @interviewer_only
    @authorized
    async def put(self) -> None:
        body = self.body_json("ProfileUpdate")
        me = self.interviewer()
        assert me is not None
        try:
            async with self.database.session() as db:
                name = await profiles.set_display_name(db, me.name, body["display_name"])
        except IntegrityError:
            # Another request of the same user created the row first: change it instead.
            async with self.database.session() as db:
                name = await profiles.set_display_name(db, me.name, body["display_name"])
        self.write_json(self._body(name))

    @interviewer_only
    @authorized
    async def delete(self) -> None:
        """Forget the chosen name: others see the identity's name again."""
        me = self.interviewer()
        assert me is not None
        async with self.database.session() as db:
            await db.execute(delete(Profile).where(Profile.username == me.name))
        self.write_json(self._body(None))

    async def _chosen(self, db: Any) -> str | None:
        me = self.interviewer()
        assert me is not None
        return (await profiles.display_names(db, [me.name])).get(me.name)

    def _body(self, chosen: str | None) -> dict[str, Any]:
        user = self.current_user
        return {
            "display_name": chosen,
            "name": chosen or identity_name(user),
            "anonymous": chosen is None and is_anonymous(user),
        }
