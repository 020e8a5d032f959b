"""The URL table of the REST API."""

from __future__ import annotations

from typing import Any

from ..candidate.handlers import CandidateRedirectHandler, CandidateSiteHandler
from ..rooms.handler import NotesRoomHandler, RoomHandler
from .candidate import JoinHandler, MeHandler
from .clock import TimeHandler, TimerHandler
from .events import EventsHandler
from .invites import InviteHandler, InvitesHandler, LiveInviteHandler, RotateInviteHandler
from .meta import NotFoundHandler, OpenAPIHandler
from .profile import ProfileHandler
from .questions import QuestionHandler, QuestionsHandler, RevealHandler, SessionQuestionHandler
from .replay import ReplayHandler, ReplayStateHandler
from .report import ReportHandler, ReportNotebookHandler
from .scorecards import (
    MyScorecardHandler,
    ScorecardsHandler,
    ScorecardSummaryHandler,
    SubmitScorecardHandler,
)
from .sessions import SessionHandler, SessionsHandler, StartHandler, TerminateHandler
from .team import CoInterviewerHandler, CoInterviewersHandler

API_PREFIX = "devinterview/api"
CANDIDATE_PREFIX = "devinterview/candidate"
# Path segments are matched loosely so that a malformed id gets a clear 400, not a 404.
_ID = r"([^/]+)"


def api_handlers() -> list[tuple[str, Any]]:
    p = API_PREFIX
    return [
        (rf"/{p}/sessions/?", SessionsHandler),
        (rf"/{p}/sessions/{_ID}/?", SessionHandler),
        (rf"/{p}/sessions/{_ID}/start/?", StartHandler),
        (rf"/{p}/sessions/{_ID}/terminate/?", TerminateHandler),
        (rf"/{p}/sessions/{_ID}/invites/?", InvitesHandler),
        (rf"/{p}/sessions/{_ID}/invites/live/?", LiveInviteHandler),
        (rf"/{p}/sessions/{_ID}/invites/rotate/?", RotateInviteHandler),
        (rf"/{p}/sessions/{_ID}/invites/{_ID}/?", InviteHandler),
        (rf"/{p}/sessions/{_ID}/co-interviewers/?", CoInterviewersHandler),
        (rf"/{p}/sessions/{_ID}/co-interviewers/{_ID}/?", CoInterviewerHandler),
        (rf"/{p}/sessions/{_ID}/question/?", SessionQuestionHandler),
        (rf"/{p}/sessions/{_ID}/question/reveal/?", RevealHandler),
        (rf"/{p}/sessions/{_ID}/scorecards/?", ScorecardsHandler),
        (rf"/{p}/sessions/{_ID}/scorecards/mine/?", MyScorecardHandler),
        (rf"/{p}/sessions/{_ID}/scorecards/mine/submit/?", SubmitScorecardHandler),
        (rf"/{p}/scorecards/summary/?", ScorecardSummaryHandler),
        (rf"/{p}/sessions/{_ID}/events/?", EventsHandler),
        (rf"/{p}/sessions/{_ID}/replay/?", ReplayHandler),
        (rf"/{p}/sessions/{_ID}/replay/state/?", ReplayStateHandler),
        (rf"/{p}/sessions/{_ID}/report\.ipynb", ReportNotebookHandler),
        (rf"/{p}/sessions/{_ID}/report/?", ReportHandler),
        (rf"/{p}/questions/?", QuestionsHandler),
        (rf"/{p}/questions/{_ID}/?", QuestionHandler),
        (rf"/{p}/join/?", JoinHandler),
        (rf"/{p}/me/?", MeHandler),
        (rf"/{p}/profile/?", ProfileHandler),
        (rf"/{p}/openapi.json", OpenAPIHandler),
        (rf"/{p}/time/?", TimeHandler),
        (rf"/{p}/sessions/{_ID}/timer/?", TimerHandler),
        (rf"/{p}/rooms/{_ID}/?", RoomHandler),
        (rf"/{p}/rooms/{_ID}/notes/?", NotesRoomHandler),
        (rf"/{p}(?:/.*)?", NotFoundHandler),
    ]


def candidate_site_handlers(
    site_dir: str,
    page_options: dict[str, str] | None = None,
) -> list[tuple[str, Any, dict[str, Any]] | tuple[str, Any]]:
    """The candidate page (static, public) at `{base_url}devinterview/candidate/`."""
    c = CANDIDATE_PREFIX
    return [
        (rf"/{c}", CandidateRedirectHandler),
        (
            rf"/{c}/(.*)",
            CandidateSiteHandler,
            {
                "path": site_dir,
                "default_filename": "index.html",
                "page_options": page_options or {},
            },
        ),
    ]
