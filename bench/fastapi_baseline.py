"""The baseline for the REST benchmark: the same session queries behind a minimal FastAPI
app on uvicorn (the stack this product replaces), with no Jupyter, auth or validation."""

from __future__ import annotations

import logging
import os
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from devinterview_jupyter import sessions as ops
from devinterview_jupyter.api.serialize import session_json
from devinterview_jupyter.db.engine import Database
from devinterview_jupyter.db.url import normalize_database_url

database = Database(
    normalize_database_url(os.environ["DATABASE_URL"]), log=logging.getLogger("baseline")
)
app = FastAPI()


@app.get("/sessions")
async def list_sessions(limit: int = 50, offset: int = 0) -> Any:
    async with database.session() as db:
        items, total = await ops.list_sessions(db, status=None, limit=limit, offset=offset)
        return JSONResponse({"items": [session_json(s) for s in items], "total": total})


@app.post("/sessions", status_code=201)
async def create_session(request: Request) -> Any:
    data = await request.json()
    async with database.session() as db:
        session = await ops.create_session(db, "bench", data)
        return JSONResponse(session_json(session), status_code=201)
