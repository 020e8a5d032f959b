"""/sessions/{id}/scorecards and /scorecards/summary: the interviewers' evaluations.

Interviewers only; with `session_access = "owner"` only the session's owner and
co-interviewers. Who sees which scorecard is decided in ``scorecards.py``.
"""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized

from .. import scorecards
from .. import sessions as ops
from ..auth import RESOURCE_SESSIONS
from ..errors import bad_request
from ..handlers import Interviewer, parse_uuid
from .base import DevInterviewHandler, interviewer_only

# As many as a dashboard page holds (GET /sessions' largest page).
MAX_SUMMARY_SESSIONS = 200


class _ScorecardHandler(DevInterviewHandler):
    auth_resource = RESOURCE_SESSIONS

    def me(self) -> str:
        interviewer = self.interviewer()
        # interviewer_only has let only Jupyter identities through.
        assert isinstance(interviewer, Interviewer)
        return interviewer.name

    def default_criteria(self) -> list[scorecards.Criterion]:
        return scorecards.parse_criteria(self.devinterview.scorecard_criteria)


class ScorecardsHandler(_ScorecardHandler):
    @interviewer_only
    @authorized
    async def get(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        await self.require_session_role(sid)
        async with self.database.session() as db:
            await ops.get_session(db, sid)
            cards = await scorecards.of_session(db, sid)
            shown, hidden = scorecards.visible(cards, self.me())
            criteria = await scorecards.new_criteria(db, sid, self.default_criteria())
            body = {
                "items": [scorecards.scorecard_json(c) for c in shown],
                "hidden": hidden,
                "criteria": criteria,
            }
        self.write_json(body)


class MyScorecardHandler(_ScorecardHandler):
    @interviewer_only
    @authorized
    async def put(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        changes = self.body_json("ScorecardUpdate")
        await self.require_session_role(sid)
        async with self.database.session() as db:
            await ops.get_session(db, sid)
            card, created = await scorecards.save_draft(
                db, sid, self.me(), changes, self.default_criteria()
            )
            body = scorecards.scorecard_json(card)
        self.write_json(body, 201 if created else 200)


class SubmitScorecardHandler(_ScorecardHandler):
    @interviewer_only
    @authorized
    async def post(self, session_id: str) -> None:
        sid = parse_uuid(session_id, "session id")
        await self.require_session_role(sid)
        async with self.database.session() as db:
            await ops.get_session(db, sid)
            card = await scorecards.submit_mine(db, sid, self.me())
            body = scorecards.scorecard_json(card)
        self.write_json(body)


class ScorecardSummaryHandler(_ScorecardHandler):
    @interviewer_only
    @authorized
    async def get(self) -> None:
        raw = self.get_query_arguments("session_id")
        if len(raw) > MAX_SUMMARY_SESSIONS:
            raise bad_request(f"at most {MAX_SUMMARY_SESSIONS} session_id values per request")
        # Each session once, in the order asked.
        ids = list(dict.fromkeys(parse_uuid(value, "session id") for value in raw))
        async with self.database.session() as db:
            items = await scorecards.summaries(db, ids, self.me(), restricted=self.owners_only())
        self.write_json({"items": items})
