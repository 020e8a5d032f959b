"""/sessions/{id}/report and /sessions/{id}/report.ipynb: the report of an interview, as
JSON (for applicant-tracking systems) and as a Jupyter notebook.

Interviewers only: a report holds the hidden tests, the rubric, the private notes and the
scorecards. With `session_access = "owner"` only the session's owner and co-interviewers.
Which scorecards a report shows is the caller's business (``scorecards.visible``), as in
GET /sessions/{id}/scorecards. The work is in ``report/``.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from jupyter_server.auth.decorator import authorized

from .. import report
from ..auth import RESOURCE_SESSIONS
from ..handlers import Interviewer, parse_uuid
from .base import DevInterviewHandler, interviewer_only


class _ReportHandler(DevInterviewHandler):
    auth_resource = RESOURCE_SESSIONS

    async def gather(self, session_id: str) -> dict[str, Any]:
        sid: uuid.UUID = parse_uuid(session_id, "session id")
        await self.require_session_role(sid)
        interviewer = self.interviewer()
        # interviewer_only has let only Jupyter identities through.
        assert isinstance(interviewer, Interviewer)
        # A live room's last changes may wait in this server's writers (group commit):
        # the report is of what was said, written and done up to the request.
        app = self.devinterview
        await asyncio.gather(app.rooms.writer.flush(sid), app.note_rooms.writer.flush(sid))
        return await report.gather(self.database, sid, interviewer.name, cache=app.replay_cache)

    def set_default_headers(self) -> None:
        super().set_default_headers()
        # Private material: no shared cache keeps it.
        self.set_header("Cache-Control", "no-store")


class ReportHandler(_ReportHandler):
    @interviewer_only
    @authorized
    async def get(self, session_id: str) -> None:
        self.write_json(await self.gather(session_id))


class ReportNotebookHandler(_ReportHandler):
    @interviewer_only
    @authorized
    async def get(self, session_id: str) -> None:
        content = await self.gather(session_id)
        # Building the notebook is pure CPU, proportional to the interview: off the loop.
        text = await asyncio.to_thread(lambda: report.dumps(report.build(content)))
        name = report.filename(content)
        self.set_header("Content-Disposition", f'attachment; filename="{name}"')
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(
            text.encode("utf-8"), set_content_type="application/x-ipynb+json; charset=UTF-8"
        )
