"""The extension's URL table: the REST API, the rooms (websockets) and the candidate site."""

from __future__ import annotations

from typing import Any

from .api.candidate import JoinHandler, MeHandler
from .api.clock import TimeHandler, TimerHandler
from .api.events import EventsHandler
from .api.invites import InviteHandler, InvitesHandler, LiveInviteHandler, RotateInviteHandler
from .api.meta import NotFoundHandler, OpenAPIHandler
from .api.profile import ProfileHandler
from .api.questions import QuestionHandler, QuestionsHandler, RevealHandler, SessionQuestionHandler
from .api.replay import ReplayHandler, ReplayStateHandler
from .api.report import ReportHandler, ReportNotebookHandler
from .api.scorecards import (
    MyScorecardHandler,
    ScorecardsHandler,
    ScorecardSummaryHandler,
    SubmitScorecardHandler,
)
from .api.sessions import SessionHandler, SessionsHandler, StartHandler, TerminateHandler
from .api.team import CoInterviewerHandler, CoInterviewersHandler
from .candidate.handlers import CandidateRedirectHandler, CandidateSiteHandler, RunnerStaticHandler
from .constants import CANDIDATE_SITE_PATH, RUNNER_STATIC_PATH
from .rooms.handler import NotesRoomHandler, RoomHandler

API_PREFIX = "devinterview/api"
CANDIDATE_PREFIX = CANDIDATE_SITE_PATH.rstrip("/")
# Path segments are matched loosely so that a malformed id gets a clear 400, not a 404.
_ID = r"([^/]+)"


def api_handlers() -> list[tuple[str, Any]]:
    """Everything under `{base_url}devinterview/api/`: the REST resources, the rooms, and a
    JSON 404 for any other path there (last: tornado takes the first match)."""
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


def runner_static_handlers(static_dir: str) -> list[tuple[str, Any, dict[str, Any]]]:
    """The code runners' files (our labextension's static folder), public with CORS for
    their sandbox, apart from the candidate site so that Run never depends on one."""
    return [(rf"/{RUNNER_STATIC_PATH}(.*)", RunnerStaticHandler, {"path": static_dir})]
