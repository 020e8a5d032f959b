"""The OpenAPI document describes exactly the handlers that exist."""

from __future__ import annotations

import re
import uuid

from openapi_spec_validator import validate as validate_spec  # type: ignore[import-untyped]

from devinterview_jupyter.api.meta import NotFoundHandler
from devinterview_jupyter.api.validation import openapi_document
from devinterview_jupyter.rooms.handler import NotesRoomHandler, RoomHandler
from devinterview_jupyter.routes import API_PREFIX, api_handlers

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def handler_for(path: str):
    for route in api_handlers():
        pattern, handler = route[0], route[1]
        if handler is not NotFoundHandler and re.fullmatch(pattern, path):
            return handler
    return None


def concrete(template: str) -> str:
    return "/" + API_PREFIX + re.sub(r"\{[^}]+\}", str(uuid.uuid4()), template)


def implemented(handler) -> set[str]:
    return {m for m in HTTP_METHODS if getattr(handler, m) is not getattr(NotFoundHandler, m)}


def test_document_is_valid_openapi_31():
    doc = openapi_document()
    assert doc["openapi"].startswith("3.1")
    validate_spec(doc)


def test_every_documented_operation_has_a_handler_and_vice_versa():
    doc = openapi_document()
    covered = set()
    for template, item in doc["paths"].items():
        handler = handler_for(concrete(template))
        assert handler is not None, f"{template} is documented but not routed"
        documented = {m for m in item if m in HTTP_METHODS}
        assert documented == implemented(handler), template
        covered.add(handler)
    # The room websockets are described in docs/protocol.md, not in OpenAPI.
    routed = {route[1] for route in api_handlers()} - {
        NotFoundHandler,
        RoomHandler,
        NotesRoomHandler,
    }
    assert routed == covered, f"undocumented handlers: {routed - covered}"


async def test_served_document_is_the_shipped_one(api):
    reply = await api("GET", "openapi.json")
    assert reply.status == 200
    assert reply.json == openapi_document()
