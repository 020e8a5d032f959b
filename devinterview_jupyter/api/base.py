"""The base of every REST resource: CORS for the candidate page, JSON in and out, and
``interviewer_only``. What it shares with the rooms is in ``handlers.py``."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin

from ..errors import ApiError
from ..handlers import DevInterviewMixin
from .serialize import dumps
from .validation import parse_json, validate

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

# Every body of this API is a small JSON object; anything bigger is a mistake or abuse.
MAX_BODY_BYTES = 64 * 1024


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

    # -- input and output ---------------------------------------------------------------

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
