"""Baseline server for the rooms benchmark: bare pycrdt-websocket (no auth, no policy, no
storage) as an ASGI app under uvicorn. Any path is a room."""

from __future__ import annotations

import asyncio
from typing import Any

from pycrdt.websocket import ASGIServer, WebsocketServer

websocket_server = WebsocketServer(auto_clean_rooms=False)
_inner = ASGIServer(websocket_server)
_task: asyncio.Task[Any] | None = None


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _task
    if scope["type"] != "lifespan":
        await _inner(scope, receive, send)
        return
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            _task = asyncio.ensure_future(websocket_server.start())
            await websocket_server.started.wait()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await websocket_server.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return
