"""What every DevInterview handler shares, REST or websocket: who is asking, JSON errors,
503 during a database outage, and the limit on failed invite checks.

The REST resources (``api/``) build on it through ``api/base.py``; the rooms
(``rooms/handler.py``) use it beside tornado's websocket handler.
"""

from __future__ import annotations

import inspect
import uuid
from dataclasses import dataclass
from http.client import responses
from typing import TYPE_CHECKING, Any, cast

import orjson
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web

from . import team
from .auth import (
    CANDIDATE_COOKIE,
    RESOURCE_API,
    Candidate,
    InviteRejected,
    bearer_token,
    candidate_from,
    resolve_invite,
)
from .db.engine import Database, DatabaseUnavailable
from .errors import ApiError, bad_request, not_found
from .ratelimit import Verdict, client_key
from .scrub import ScrubbedRequestLog

if TYPE_CHECKING:
    from jupyter_server.base.handlers import JupyterHandler

    from .app import DevInterviewApp

    class _HandlerBase(ExtensionHandlerMixin, JupyterHandler):
        pass
else:
    _HandlerBase = object


@dataclass(frozen=True)
class Interviewer:
    name: str


Caller = Interviewer | Candidate


def identity_name(user: Any) -> str:
    """The name the Jupyter (or JupyterHub) identity gives: display name, else user name."""
    for field in ("display_name", "name", "username"):
        value = getattr(user, field, None)
        if isinstance(value, str) and value.strip():
            return value
    return "Interviewer"


def parse_uuid(value: str, what: str) -> uuid.UUID:
    try:
        parsed = uuid.UUID(value)
    except ValueError as e:
        raise bad_request(f"malformed {what}: {value!r} is not a UUID", "malformed_id") from e
    if str(parsed) != value.lower():
        # Only the canonical hyphenated form; uuid.UUID also accepts braces and URNs.
        raise bad_request(f"malformed {what}: {value!r} is not a UUID", "malformed_id")
    return parsed


class DevInterviewMixin(ScrubbedRequestLog, _HandlerBase):
    """What every DevInterview handler shares, HTTP or websocket."""

    auth_resource = RESOURCE_API

    @property
    def devinterview(self) -> DevInterviewApp:
        return cast("DevInterviewApp", self.extensionapp)

    @property
    def database(self) -> Database:
        return self.devinterview.database

    # -- errors -------------------------------------------------------------------------

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        body: dict[str, Any]
        if isinstance(exc, DatabaseUnavailable):
            self.set_status(503)
            self.set_header("Retry-After", "5")
            body = {"message": "database unavailable: try again shortly", "reason": "database"}
        elif isinstance(exc, ApiError):
            body = {"message": exc.message}
            if exc.error_reason:
                body["reason"] = exc.error_reason
            if exc.retry_after:
                self.set_header("Retry-After", str(exc.retry_after))
        elif isinstance(exc, web.HTTPError):
            body = {"message": exc.log_message or responses.get(status_code, "error")}
        else:
            # Details stay in the server log; the client gets no traceback.
            body = {"message": "internal server error"}
        self.set_header("Content-Type", "application/json")
        self.finish(orjson.dumps(body))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, DatabaseUnavailable):
            # Engine already logged the outage once; no traceback per request.
            return
        if self._quiet and isinstance(value, ApiError):
            return  # a failed invite check past the first of its window: counted instead
        super().log_exception(typ, value, tb)

    def _log(self) -> None:
        # The request's access-log line (Jupyter's log_request).
        if not self._quiet:
            super()._log()

    # -- failed invite checks (ratelimit.py) ---------------------------------------------

    _quiet = False  # this request is a failure that is counted, not logged

    def check_failure_limit(self) -> None:
        """Answer 429, before any token lookup, to an address past its failed checks."""
        if self.current_user is not None:
            return  # an interviewer: authenticated by Jupyter, never guessing
        limiter = self.devinterview.invite_failures
        key = client_key(self.request.remote_ip)
        wait = limiter.retry_after(key)
        if wait is not None:
            self._note(limiter.refused(key))
            raise ApiError(
                429,
                f"too many failed attempts from this address; try again in {wait} s",
                "rate_limited",
                retry_after=wait,
            )

    def invite_failure(self, error: ApiError) -> ApiError:
        """Count ``error`` (no valid invite presented) against the client's address."""
        if self.current_user is None:
            key = client_key(self.request.remote_ip)
            self._note(self.devinterview.invite_failures.failed(key))
        return error

    def _note(self, verdict: Verdict) -> None:
        self._quiet = not verdict.log_request
        for line in verdict.notes:
            self.log.warning("%s", line)

    # -- identity -----------------------------------------------------------------------

    def candidate_token(self) -> str | None:
        token = bearer_token(self.request.headers.get("Authorization"))
        if token is not None:
            return token
        return self.get_cookie(CANDIDATE_COOKIE)

    def interviewer(self) -> Interviewer | None:
        user = self.current_user
        if user is None:
            return None
        return Interviewer(name=getattr(user, "name", None) or user.username)

    def owners_only(self) -> bool:
        """Whether sessions are restricted to their owner and co-interviewers."""
        return self.devinterview.session_access == "owner"

    async def require_session_role(
        self, session_id: uuid.UUID, *, owner: bool = False
    ) -> team.Role | None:
        """With `session_access = "owner"`: the interviewer must own the session (``owner``)
        or at least co-interview it; others get 404, as if it did not exist. Returns the
        role (None when sessions are not restricted)."""
        interviewer = self.interviewer()
        if interviewer is None or not self.owners_only():
            return None
        async with self.database.session() as db:
            role = await team.role_of(db, session_id, interviewer.name)
        if role is None:
            raise not_found(f"no interview session {session_id}")
        if owner and role != "owner":
            raise ApiError(403, "only the session's owner may do this", "owner_only")
        return role

    async def caller(
        self, resource: str, action: str = "read", fallback_token: str | None = None
    ) -> Caller:
        """The interviewer (authorised for ``action`` on ``resource``) or the candidate
        making this request; ``fallback_token`` is a candidate token from elsewhere (a
        query parameter) used when no header or cookie carries one."""
        interviewer = self.interviewer()
        if interviewer is not None:
            allowed = self.authorizer.is_authorized(self, self.current_user, action, resource)
            if inspect.isawaitable(allowed):
                allowed = await allowed
            if not allowed:
                raise ApiError(403, "not authorised for this resource", "forbidden")
            return interviewer
        self.check_failure_limit()
        token = self.candidate_token() or fallback_token
        if not token:
            raise self.invite_failure(ApiError(401, "authentication required", "unauthenticated"))
        async with self.database.session() as db:
            try:
                invite, session = await resolve_invite(db, token)
            except InviteRejected as e:
                raise self.invite_failure(ApiError(401, e.message, e.reason)) from e
            return candidate_from(invite, session)
