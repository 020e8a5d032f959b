"""The base of every DevInterview handler: JSON errors, 503 on outages, who is asking."""

from __future__ import annotations

import functools
import inspect
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http.client import responses
from typing import TYPE_CHECKING, Any, TypeVar, cast

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web

from .. import team
from ..auth import (
    CANDIDATE_COOKIE,
    RESOURCE_API,
    Candidate,
    InviteRejected,
    bearer_token,
    candidate_from,
    resolve_invite,
)
from ..db.engine import Database, DatabaseUnavailable
from ..errors import ApiError, bad_request, not_found
from ..scrub import ScrubbedRequestLog
from .ratelimit import Verdict, client_key
from .serialize import dumps
from .validation import parse_json, validate

if TYPE_CHECKING:
    from ..app import DevInterviewApp

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

# Every body of this API is a small JSON object; anything bigger is a mistake or abuse.
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class Interviewer:
    name: str


Caller = Interviewer | Candidate


if TYPE_CHECKING:
    from jupyter_server.base.handlers import JupyterHandler

    class _HandlerBase(ExtensionHandlerMixin, JupyterHandler):
        pass
else:
    _HandlerBase = object


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
        self.finish(dumps(body))

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

    # -- failed invite checks (api/ratelimit.py) -----------------------------------------

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

    # -- input --------------------------------------------------------------------------

    def body_json(self, schema_name: str, *, required: bool = True) -> dict[str, Any]:
        if len(self.request.body) > MAX_BODY_BYTES:
            raise ApiError(413, f"request body over {MAX_BODY_BYTES} bytes", "too_large")
        if not required and not self.request.body.strip():
            return {}
        return validate(schema_name, parse_json(self.request.body))

    def write_json(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.finish(dumps(data))

    def compute_etag(self) -> str | None:
        # JupyterLab asks for API responses with cache "no-store" and a cache-busting
        # query, so an ETag is never used; tornado would hash every body to make one.
        return None

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


class DevInterviewHandler(DevInterviewMixin, ExtensionHandlerMixin, APIHandler):
    # Endpoints a candidate page on another origin (listed in allowed_origins) may call,
    # with its invite token as a bearer header; never with cookies.
    candidate_cors = False

    def _cors_origin(self) -> str | None:
        origin = self.request.headers.get("Origin")
        if self.candidate_cors and origin and self.devinterview.origin_allowed(origin):
            return origin
        return None

    def check_origin(self, origin_to_satisfy_tornado: str = "") -> bool:
        if self._cors_origin() is not None:
            return True
        return super().check_origin(origin_to_satisfy_tornado)

    def set_cors_headers(self) -> None:
        origin = self._cors_origin()
        if origin is None:
            super().set_cors_headers()
            return
        self.set_header("Access-Control-Allow-Origin", origin)
        self.add_header("Vary", "Origin")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # send_error() cleared the headers; a cross-origin page must still read the reason.
        if self._cors_origin() is not None:
            self.set_cors_headers()
        super().write_error(status_code, **kwargs)

    @allow_unauthenticated
    def options(self, *args: Any, **kwargs: Any) -> None:
        origin = self._cors_origin()
        if origin is None:
            super().options(*args, **kwargs)
            return
        self.set_header("Access-Control-Allow-Origin", origin)
        self.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.set_header("Access-Control-Allow-Headers", "authorization, content-type")
        self.set_header("Access-Control-Max-Age", "600")
        self.add_header("Vary", "Origin")
        self.set_status(204)
        self.finish()

    def check_xsrf_cookie(self) -> None:
        # Without a Jupyter identity there is no ambient credential to ride on: candidates
        # authenticate with a bearer token or a SameSite=Strict cookie and only read.
        if getattr(self, "_jupyter_current_user", None) is None:
            return None
        return super().check_xsrf_cookie()


def interviewer_only(method: F) -> F:
    """Refuse anyone without a Jupyter identity: 401, or 403 for a candidate credential."""

    @functools.wraps(method)
    async def wrapper(self: DevInterviewHandler, *args: Any, **kwargs: Any) -> Any:
        if self.current_user is None:
            if self.candidate_token() is not None:
                raise ApiError(403, "candidates may not use this endpoint", "forbidden")
            raise ApiError(401, "authentication required", "unauthenticated")
        return await method(self, *args, **kwargs)

    # Tell Jupyter this endpoint authenticates (as @web.authenticated would), so servers
    # that refuse anonymous access keep refusing it here too, and do not warn.
    setattr(wrapper, "__allow_unauthenticated", False)
    return wrapper  # type: ignore[return-value]


def parse_uuid(value: str, what: str) -> uuid.UUID:
    try:
        parsed = uuid.UUID(value)
    except ValueError as e:
        raise bad_request(f"malformed {what}: {value!r} is not a UUID", "malformed_id") from e
    if str(parsed) != value.lower():
        # Only the canonical hyphenated form; uuid.UUID also accepts braces and URNs.
        raise bad_request(f"malformed {what}: {value!r} is not a UUID", "malformed_id")
    return parsed
