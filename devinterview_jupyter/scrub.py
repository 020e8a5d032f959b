"""No credential in a log line: request URIs are scrubbed as Jupyter's request log does.

Jupyter's access log (``jupyter_server.log.log_request``) replaces the value of every
query parameter whose name contains ``token``, ``auth``, ``key``, ``code``, ``state`` or
``xsrf`` (plus ``ServerApp.extra_log_scrub_param_keys``) with ``[secret]``. Tornado's own
lines do not: a refused request (any ``HTTPError`` with a message) is logged as
``401 GET /devinterview/api/rooms/…?candidate_token=… (ip): …`` by
``RequestHandler.log_exception``, and an uncaught exception adds ``repr(request)``, which
holds the URI too. Every DevInterview handler (API, room websocket, candidate page) mixes
in :class:`ScrubbedRequestLog`, so those lines carry the scrubbed URI.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from tornado import web
from tornado.log import app_log

# jupyter_server.log._DEFAULT_SCRUB_PARAM_KEYS (private there): any parameter whose
# name contains one of these is a secret.
SECRET_PARAM_PARTS = frozenset({"token", "auth", "key", "code", "state", "xsrf"})
MASK = "[secret]"  # what Jupyter writes instead of the value


def scrub_uri(uri: str, extra_param_parts: Any = None) -> str:
    """``uri`` with the value of every secret-looking query parameter replaced.

    Like Jupyter's ``_scrub_uri``, and also for names written with percent escapes or in
    another case (``candidate%5Ftoken``, ``TOKEN``), which tornado decodes the same way.
    """
    parts = urlsplit(uri)
    if not parts.query:
        return uri
    secret_parts = SECRET_PARAM_PARTS.union(p.lower() for p in (extra_param_parts or ()))
    params = parts.query.split("&")
    changed = False
    for i, param in enumerate(params):
        key, sep, _value = param.partition("=")
        name = unquote_plus(key).lower()
        if any(part in name for part in secret_parts):
            params[i] = f"{key}{sep}{MASK}" if sep else MASK
            changed = True
    if not changed:
        return uri
    return urlunsplit(parts._replace(query="&".join(params)))


if TYPE_CHECKING:
    from jupyter_server.base.handlers import JupyterHandler

    _Base = JupyterHandler
else:
    _Base = object


class ScrubbedRequestLog(_Base):
    """Tornado's log lines about this request show its URI without credentials."""

    def scrubbed_uri(self) -> str:
        return scrub_uri(self.request.uri or "", self.settings.get("extra_log_scrub_param_keys"))

    def _log(self) -> None:
        # The access-log line (Jupyter's log_request, once the answer is sent) reads
        # request.uri and scrubs it itself, but only lower-case, unescaped names.
        uri = self.request.uri
        self.request.uri = self.scrubbed_uri()
        try:
            super()._log()
        finally:
            self.request.uri = uri

    def _request_summary(self) -> str:
        # Tornado's summary ("GET /path?query (ip)") in its HTTPError and error lines.
        return f"{self.request.method} {self.scrubbed_uri()} ({self.request.remote_ip})"

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if value is None or isinstance(value, web.HTTPError):
            # Tornado's warning line uses _request_summary, scrubbed above.
            super().log_exception(typ, value, tb)
            return
        # Tornado would append repr(self.request), which holds the raw URI.
        request = self.request
        app_log.error(
            "Uncaught exception %s\nHTTPServerRequest(protocol=%r, host=%r, method=%r, "
            "uri=%r, version=%r, remote_ip=%r)",
            self._request_summary(),
            request.protocol,
            request.host,
            request.method,
            self.scrubbed_uri(),
            request.version,
            request.remote_ip,
            exc_info=(typ, value, tb),  # type: ignore[arg-type]
        )
