"""Serve the candidate site: static files, no Jupyter login needed."""

from __future__ import annotations

import json
import mimetypes
import re
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_path
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from ..scrub import ScrubbedRequestLog
from .site import DEFAULT_LABEXTENSION

# Our labextension's name, as JupyterLab finds it under `labextensions/` (package.json).
_LABEXTENSION = "devinterview-jupyter"

# Where the site keeps the labextensions (our code).
_EXTENSIONS = "extensions/"
# The site's configuration, where the served site gets the server's settings.
_LITE_CONFIG = "jupyter-lite.json"

# Files the site build also wrote gzipped beside themselves (site.GZIPPED_SUFFIXES): sent
# compressed to browsers that accept it, which is most of a first visit's bytes.
_GZIP_SIBLING = ".gz"
_ACCEPTS_GZIP = re.compile(r"(?:^|,)\s*gzip\s*(?:$|,|;(?!\s*q=0(?:\.0*)?\s*(?:$|,)))")

# Build outputs whose names carry a content hash (`1234.ab12cd3.js`) never change.
_HASHED = re.compile(r"\.[0-9a-f]{7,}\.(?:js|css|wasm|woff2?|ttf|svg|png|json)$")


class PublicStaticHandler(ScrubbedRequestLog, JupyterHandler, web.StaticFileHandler):
    """Public static files, no Jupyter login: the gzipped sibling a build wrote beside a
    file goes to browsers that accept gzip; hashed names are cached for good, the rest
    revalidates; hidden files are not served; errors are one short line."""

    @allow_unauthenticated
    async def head(self, path: str) -> None:
        await web.StaticFileHandler.get(self, self._encoded(path), include_body=False)

    @allow_unauthenticated
    async def get(self, path: str, include_body: bool = True) -> None:
        await web.StaticFileHandler.get(self, self._encoded(path), include_body=include_body)

    def initialize(  # type: ignore[override]
        self, path: str, default_filename: str | None = None
    ) -> None:
        super().initialize(path=path, default_filename=default_filename)
        self._gzipped_from: str | None = None  # the path asked for, when its .gz is sent

    def _encoded(self, path: str) -> str:
        """The file to send for ``path``: its gzipped sibling when the build made one and
        the browser accepts gzip (the answer then says so, and varies by that header)."""
        if path.endswith(_GZIP_SIBLING) or not self.root:
            return path
        root = Path(self.root).resolve()
        sibling = (root / (path + _GZIP_SIBLING)).resolve()
        # Never look at the file system outside the folder (tornado then refuses the path
        # itself, and its error page drops every header set here).
        if not sibling.is_relative_to(root) or not sibling.is_file():
            return path
        self.set_header("Vary", "Accept-Encoding")
        if not _ACCEPTS_GZIP.search(self.request.headers.get("Accept-Encoding", "").lower()):
            return path
        self._gzipped_from = path
        return path + _GZIP_SIBLING

    def get_content_type(self) -> str:
        if self._gzipped_from is not None:
            # The type of what the browser gets once it has undone the encoding.
            guessed, _ = mimetypes.guess_type(self._gzipped_from)
            return guessed or "application/octet-stream"
        result: str = super().get_content_type()
        return result

    def set_extra_headers(self, path: str) -> None:
        if self._gzipped_from is not None:
            path = self._gzipped_from
            self.set_header("Content-Encoding", "gzip")
        # No page or file served here may leak its address (the candidate's token lives in
        # the fragment, which is never sent, but the path is).
        self.set_header("Referrer-Policy", "no-referrer")
        if self.cross_origin(path):
            # Public code. Code runners load it from an opaque-origin sandbox frame
            # (in JupyterLab too), which may only read it with CORS.
            self.set_header("Access-Control-Allow-Origin", "*")
        if _HASHED.search(path):
            self.set_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            # Revalidate (cheap 304s with the ETag) so an upgrade shows at once.
            self.set_header("Cache-Control", "no-cache")

    def cross_origin(self, path: str) -> bool:
        """Whether ``path`` may be read by pages of any origin."""
        return False

    def get_cache_time(self, path: str, modified: Any, mime_type: str) -> int:
        return 0

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        # Tornado refuses paths outside the root (403); hidden files are not served.
        result: str | None = super().validate_absolute_path(root, absolute_path)
        name = absolute_path[len(root) :]
        if any(part.startswith(".") for part in re.split(r"[\\/]", name) if part):
            raise web.HTTPError(404)
        return result

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # A short page, never a trace: this is what a candidate may see.
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(f"{status_code}: not found on the interview page\n")


class CandidateSiteHandler(PublicStaticHandler):
    """The JupyterLite candidate page. Public: it holds no data and no credential; the
    invite token in the link is what gets a candidate into an interview."""

    auth_resource = "devinterview:candidate-site"

    def initialize(  # type: ignore[override]
        self,
        path: str,
        default_filename: str | None = None,
        page_options: dict[str, str] | None = None,
    ) -> None:
        super().initialize(path=path, default_filename=default_filename)
        self._page_options = dict(page_options or {})
        self._generated = False

    @allow_unauthenticated
    async def get(self, path: str, include_body: bool = True) -> None:
        if path == _LITE_CONFIG and self._page_options:
            self._write_lite_config()
            return
        await super().get(path, include_body=include_body)

    def _write_lite_config(self) -> None:
        """The site's root configuration plus the server's settings for the browser."""
        try:
            data = json.loads((Path(self.root) / _LITE_CONFIG).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise web.HTTPError(404) from e
        data.setdefault("jupyter-config-data", {}).update(self._page_options)
        self._generated = True
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("Referrer-Policy", "no-referrer")
        self.finish(json.dumps(data))

    def compute_etag(self) -> str | None:
        if self._generated:
            # Not a file on disk: the ETag of what was written (304s still work).
            return web.RequestHandler.compute_etag(self)
        result: str | None = super().compute_etag()
        return result

    def cross_origin(self, path: str) -> bool:
        # Public code. The runners of a site built by an earlier version of the package
        # load their files (Pyodide was in the site then) from here, in their sandbox.
        return path.startswith(_EXTENSIONS)


class RunnerStaticHandler(PublicStaticHandler):
    """Our labextension's static files (the code runners' worker, Pyodide and its
    snapshot) at `{base_url}devinterview/static/`, for JupyterLab and the candidate page
    alike: Run works whether or not a candidate site is there. Public code, readable from
    any origin (the runners' sandbox frame has an opaque one)."""

    auth_resource = "devinterview:static"

    def cross_origin(self, path: str) -> bool:
        return True


class CandidateRedirectHandler(ScrubbedRequestLog, JupyterHandler):
    """`{base_url}devinterview/candidate` → `…/candidate/` (the fragment is kept by the
    browser)."""

    auth_resource = "devinterview:candidate-site"

    @allow_unauthenticated
    def get(self) -> None:
        self.redirect(self.request.path + "/", permanent=False)


def labextension_static_dir() -> Path:
    """The `static/` folder of the labextension JupyterLab loads: the first one on
    Jupyter's data path (JupyterLab takes the first it finds too), else the package's own
    build. The runners' worker has a hashed name taken from the code JupyterLab loaded, so
    both must be the same build."""
    for folder in jupyter_path("labextensions"):
        static = Path(folder) / _LABEXTENSION / "static"
        if (static.parent / "package.json").is_file() and static.is_dir():
            return static.resolve()
    return DEFAULT_LABEXTENSION / "static"
