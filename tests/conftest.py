"""This project's short names for the fixtures of devinterview_jupyter.pytest_plugin."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from devinterview_jupyter.testing.rest import ApiClient
from devinterview_jupyter.testing.rooms import RoomClient

pytest_plugins = ["pytest_jupyter.jupyter_server", "devinterview_jupyter.pytest_plugin"]


@pytest.fixture
def api(devinterview_api: ApiClient) -> ApiClient:
    return devinterview_api


@pytest.fixture
def room_url(devinterview_rooms: RoomClient) -> Callable[..., str]:
    """The websocket URL of a session's room (with an optional query string)."""
    return devinterview_rooms.url


@pytest.fixture
def interviewer(api: ApiClient) -> dict[str, str]:
    """Headers of an interviewer (a bare token: a new anonymous user on every request)."""
    return api.interviewer_headers
