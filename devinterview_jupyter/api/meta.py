"""The OpenAPI document and a JSON 404 for unknown API paths."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized

from ..errors import not_found
from .base import DevInterviewHandler, interviewer_only
from .validation import openapi_document


class OpenAPIHandler(DevInterviewHandler):
    @interviewer_only
    @authorized
    async def get(self) -> None:
        self.write_json(openapi_document())


class NotFoundHandler(DevInterviewHandler):
    """Unknown paths under the API answer JSON, not Jupyter's HTML 404 page."""

    def prepare(self) -> None:  # type: ignore[override]
        raise not_found(f"no such API endpoint: {self.request.path}")
