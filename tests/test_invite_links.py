"""Copy link and New link: the session's current candidate link is reused, its token
re-derived from the server's invite secret and never stored (docs/security.md, "Invite
links"), on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from devinterview_jupyter.auth import derive_token, invite_secret_from, secret_file_is_shared
from devinterview_jupyter.db.models import Invite
from devinterview_jupyter.testing.rest import create_invite, create_session
from tests.logcapture import AllRecords, all_records
from tests.team_identity import team_server_config

SECRET = "s" * 40


@pytest.fixture
def devinterview_config() -> dict[str, Any]:
    return {"invite_secret": SECRET}


async def live(api: Any, session_id: str, **kwargs: Any) -> Any:
    return await api("POST", f"sessions/{session_id}/invites/live", **kwargs)


async def rotate(api: Any, session_id: str, **kwargs: Any) -> Any:
    return await api("POST", f"sessions/{session_id}/invites/rotate", **kwargs)


async def join_status(api: Any, token: str) -> int:
    return int((await api("POST", "join", {"token": token}, as_=None)).status)


async def invite_rows(app: Any) -> list[Invite]:
    async with app.database.session() as db:
        return list((await db.scalars(select(Invite).order_by(Invite.created_at))).all())


async def test_copy_link_gives_the_same_link_and_stores_only_its_hash(api, devinterview_app):
    s = await create_session(api)
    first = await live(api, s["id"])
    assert first.status == 201, first.body
    assert first.headers["Cache-Control"] == "no-store"
    assert set(first.json) == {"id", "token", "url", "expires_at"}
    again = await live(api, s["id"])
    assert again.status == 200
    assert again.headers["Cache-Control"] == "no-store"
    assert again.json == first.json
    token = first.json["token"]
    assert first.json["url"].endswith(f"/devinterview/candidate/#token={token}")
    # The same shape as a random token: 256 bits, URL-safe.
    assert len(token) == 43

    rows = await invite_rows(devinterview_app)
    assert len(rows) == 1
    assert rows[0].token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(vars(rows[0]))
    # It is the HMAC of the invite id under the configured secret, nothing stored.
    assert derive_token(SECRET.encode(), rows[0].id) == token

    assert await join_status(api, token) == 200
    # Joining does not change the link.
    assert (await live(api, s["id"])).json["token"] == token


async def test_new_link_revokes_the_old_ones(api, devinterview_app):
    s = await create_session(api)
    old = (await live(api, s["id"])).json
    random_one = await create_invite(api, s["id"])
    assert await join_status(api, old["token"]) == 200

    new = await rotate(api, s["id"])
    assert new.status == 201, new.body
    assert new.headers["Cache-Control"] == "no-store"
    assert new.json["token"] not in (old["token"], random_one["token"])
    # Every earlier candidate link stops working, the live one and a random one alike.
    assert await join_status(api, old["token"]) in (401, 410)
    assert await join_status(api, random_one["token"]) in (401, 410)
    assert await join_status(api, new.json["token"]) == 200
    # Copy link now gives the new one.
    assert (await live(api, s["id"])).json["token"] == new.json["token"]
    listed = (await api("GET", f"sessions/{s['id']}/invites")).json["items"]
    assert {i["id"]: i["revoked"] for i in listed} == {
        old["id"]: True,
        random_one["id"]: True,
        new.json["id"]: False,
    }


async def test_another_secret_cannot_rederive_and_makes_a_new_link(api, devinterview_app):
    s = await create_session(api)
    before = (await live(api, s["id"])).json
    devinterview_app.invite_key = b"another secret of at least 32 characters"
    after = await live(api, s["id"])
    assert after.status == 201
    assert after.json["token"] != before["token"]
    # The new one is the live one from now on; the old link was not revoked.
    assert (await live(api, s["id"])).json["token"] == after.json["token"]
    assert await join_status(api, before["token"]) == 200
    assert await join_status(api, after.json["token"]) == 200


async def test_random_invites_keep_working_but_are_not_copied_again(api):
    s = await create_session(api)
    random_one = await create_invite(api, s["id"])
    link = await live(api, s["id"])
    assert link.status == 201
    assert link.json["id"] != random_one["id"]
    assert await join_status(api, random_one["token"]) == 200


async def test_a_revoked_or_nearly_expired_link_is_not_reused(api, devinterview_app):
    s = await create_session(api)
    first = (await live(api, s["id"])).json
    assert (await api("DELETE", f"sessions/{s['id']}/invites/{first['id']}")).status == 204
    second = (await live(api, s["id"])).json
    assert second["id"] != first["id"]

    # Under an hour left: pasted into an email now, it would soon die.
    async with devinterview_app.database.session() as db:
        await db.execute(
            update(Invite)
            .where(Invite.id == uuid.UUID(second["id"]))
            .values(expires_at=datetime.now(timezone.utc) + timedelta(minutes=30))
        )
    third = await live(api, s["id"])
    assert third.status == 201
    assert third.json["id"] != second["id"]
    expires = datetime.fromisoformat(third.json["expires_at"].replace("Z", "+00:00"))
    assert expires - datetime.now(timezone.utc) > timedelta(hours=23)


async def test_candidates_may_not_copy_or_rotate(api, devinterview_app):
    s = await create_session(api)
    token = (await live(api, s["id"])).json["token"]
    assert await join_status(api, token) == 200
    count = len(await invite_rows(devinterview_app))
    for call in (live, rotate):
        reply = await call(api, s["id"], as_=None, bearer=token)
        assert reply.status == 403, reply.body
        assert token not in reply.body.decode()
        assert (await call(api, s["id"], as_=None)).status == 401
    assert len(await invite_rows(devinterview_app)) == count
    # The candidate's link still works: nothing was rotated.
    assert await join_status(api, token) == 200


async def test_terminated_or_unknown_session_has_no_link(api, devinterview_app):
    s = await create_session(api)
    old = (await live(api, s["id"])).json
    await api("POST", f"sessions/{s['id']}/terminate")
    for call in (live, rotate):
        reply = await call(api, s["id"])
        assert reply.status == 409, reply.body
        assert reply.json["reason"] == "terminated"
        assert old["token"] not in reply.body.decode()
        assert (await call(api, str(uuid.uuid4()))).status == 404
        assert (await call(api, "not-a-uuid")).status in (400, 404)
    rows = await invite_rows(devinterview_app)
    assert [(str(r.id), r.revoked_at) for r in rows] == [(old["id"], None)]


@pytest.fixture
def records() -> Iterator[AllRecords]:
    with all_records() as captured:
        yield captured


async def test_no_link_token_in_any_log_line(api, records):
    s = await create_session(api)
    tokens = [(await live(api, s["id"])).json["token"]]
    tokens.append((await live(api, s["id"])).json["token"])
    tokens.append((await rotate(api, s["id"])).json["token"])
    await join_status(api, tokens[0])  # revoked: refused and logged
    await join_status(api, tokens[-1])
    await live(api, s["id"], as_=None, bearer=tokens[-1])  # 403
    await api("POST", f"sessions/{s['id']}/terminate")
    await live(api, s["id"])  # 409
    assert records.lines(), "nothing was logged: the check below would prove nothing"
    assert records.leaking(*tokens, SECRET) == []


def test_secret_file_is_created_owner_only_and_kept(tmp_path: Path):
    path = tmp_path / "sub" / "invite-secret"
    first = invite_secret_from("", str(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(first) >= 32
    assert invite_secret_from("", str(path)) == first
    assert [p.name for p in path.parent.iterdir()] == ["invite-secret"]
    # A configured secret wins over the file.
    assert invite_secret_from(SECRET, str(path)) == SECRET.encode()


def test_short_secrets_are_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="at least 32"):
        invite_secret_from("short", str(tmp_path / "unused"))
    path = tmp_path / "invite-secret"
    path.write_text("short\n")
    with pytest.raises(ValueError, match="at least 32"):
        invite_secret_from("", str(path))


def test_without_hard_links_the_secret_file_is_still_made_once(tmp_path: Path, monkeypatch):
    # Some network and FUSE file systems refuse os.link.
    def no_links(*args: Any) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "invite-secret"
    first = invite_secret_from("", str(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert invite_secret_from("", str(path)) == first
    assert [p.name for p in tmp_path.iterdir()] == ["invite-secret"]


def test_a_secret_file_others_can_read_is_reported(tmp_path: Path):
    path = tmp_path / "invite-secret"
    invite_secret_from("", str(path))
    assert not secret_file_is_shared(str(path))
    path.chmod(0o644)
    assert secret_file_is_shared(str(path))


class TestSecretFromTheEnvironment:
    @pytest.fixture
    def devinterview_config(self, monkeypatch) -> dict[str, Any]:
        monkeypatch.setenv("DEVINTERVIEW_INVITE_SECRET", SECRET)
        return {}

    async def test_kernels_do_not_inherit_it(self, api, devinterview_app):
        assert devinterview_app.invite_key == SECRET.encode()
        assert "DEVINTERVIEW_INVITE_SECRET" not in os.environ


class TestABadSecret:
    @pytest.fixture
    def devinterview_config(self) -> dict[str, Any]:
        return {"invite_secret": "short"}

    async def test_the_server_still_serves_links(self, api, devinterview_app):
        # Refused, said in the log, and replaced by a key of this process only.
        assert len(devinterview_app.invite_key) == 32
        assert devinterview_app.invite_key != b"short"
        s = await create_session(api)
        assert (await live(api, s["id"])).status == 201


class TestWithoutConfiguredSecret:
    @pytest.fixture
    def devinterview_config(self) -> dict[str, Any]:
        return {}

    async def test_a_secret_file_is_made_in_the_data_dir(self, api, devinterview_app, jp_data_dir):
        path = Path(jp_data_dir) / "devinterview" / "invite-secret"
        assert Path(devinterview_app.invite_secret_file) == path
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert devinterview_app.invite_key == path.read_text().strip().encode()
        s = await create_session(api)
        first = (await live(api, s["id"])).json
        assert first["token"] == derive_token(devinterview_app.invite_key, uuid.UUID(first["id"]))
        assert (await live(api, s["id"])).json["token"] == first["token"]


class TestTeamMode:
    """session_access = "owner": the owner and co-interviewers share one current link;
    anyone else sees no session (404)."""

    ALICE = {"Authorization": "token alice-token"}
    BOB = {"Authorization": "token bob-token"}
    CAROL = {"Authorization": "token carol-token"}

    @pytest.fixture
    def devinterview_config(self) -> dict[str, Any]:
        return {"session_access": "owner", "invite_secret": SECRET}

    @pytest.fixture
    def jp_server_config(
        self, devinterview_database_url: str, devinterview_config: dict[str, Any]
    ) -> Any:
        return team_server_config(devinterview_database_url, devinterview_config)

    async def test_owner_and_co_interviewer_share_the_link(self, api):
        made = await api("POST", "sessions", {"title": "pairing"}, as_=None, headers=self.ALICE)
        sid = made.json["id"]
        put = await api("PUT", f"sessions/{sid}/co-interviewers/bob", as_=None, headers=self.ALICE)
        assert put.status == 201
        alice = await live(api, sid, as_=None, headers=self.ALICE)
        bob = await live(api, sid, as_=None, headers=self.BOB)
        assert alice.status == 201
        assert bob.status == 200
        assert bob.json["token"] == alice.json["token"]
        for call in (live, rotate):
            carol = await call(api, sid, as_=None, headers=self.CAROL)
            assert carol.status == 404
            assert alice.json["token"] not in carol.body.decode()
        # The co-interviewer may rotate it, as they may revoke invites.
        rotated = await rotate(api, sid, as_=None, headers=self.BOB)
        assert rotated.status == 201
        assert (await live(api, sid, as_=None, headers=self.ALICE)).json == rotated.json
