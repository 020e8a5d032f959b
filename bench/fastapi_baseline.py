"""The baseline for the REST benchmark: the same session queries and JSON behind a
minimal FastAPI app on uvicorn (the stack this product replaces).

It does the per-request work any replacement must do and ours does: a signed cookie
identifies the interviewer (checked with itsdangerous, as Starlette's SessionMiddleware
does, but not signed and set again on every response as that middleware would: Jupyter
does not either), a POST must carry the XSRF cookie's value in a header, and a new
session's body is validated (a pydantic model, FastAPI's way). `/open/sessions` lists
without any of it, to show what authentication costs.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import os
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from itsdangerous import BadSignature, TimestampSigner
from pydantic import BaseModel, ConfigDict, Field

from devinterview_jupyter import sessions as ops
from devinterview_jupyter.api.serialize import dumps, session_json, session_rows_json
from devinterview_jupyter.db.engine import Database
from devinterview_jupyter.db.url import normalize_database_url

database = Database(
    normalize_database_url(os.environ["DATABASE_URL"]), log=logging.getLogger("baseline")
)
LOGIN_TOKEN = os.environ["BASELINE_TOKEN"]
app = FastAPI()
signer = TimestampSigner(os.environ["BASELINE_SECRET"])
COOKIE = "session"
COOKIE_MAX_AGE = 30 * 24 * 3600


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200, pattern=r"^[^\x00]*\S[^\x00]*$")
    language: Literal["python", "javascript", "typescript", "java", "cpp", "go", "sql"] = "python"
    candidate_name: str | None = Field(None, max_length=200, pattern=r"^[^\x00]*$")
    planned_minutes: int | None = Field(None, ge=1, le=600)


def interviewer(request: Request) -> str:
    try:
        signed = request.cookies[COOKIE]
        user = json.loads(base64.b64decode(signer.unsign(signed, max_age=COOKIE_MAX_AGE)))
    except (KeyError, BadSignature, ValueError) as e:
        raise HTTPException(401, "authentication required") from e
    if not isinstance(user, dict) or not isinstance(user.get("name"), str):
        raise HTTPException(401, "authentication required")
    return user["name"]


def xsrf_checked(request: Request, user: Annotated[str, Depends(interviewer)]) -> str:
    header = request.headers.get("x-xsrftoken", "")
    cookie = request.cookies.get("_xsrf", "")
    if not header or not hmac.compare_digest(header, cookie):
        raise HTTPException(403, "XSRF check failed")
    return user


@app.post("/login")
async def login(request: Request) -> Response:
    if not hmac.compare_digest(request.headers.get("authorization", ""), f"token {LOGIN_TOKEN}"):
        raise HTTPException(401, "bad token")
    response = _json({"name": "bench"})
    value = signer.sign(base64.b64encode(json.dumps({"name": "bench"}).encode()))
    response.set_cookie(COOKIE, value.decode(), max_age=COOKIE_MAX_AGE, httponly=True)
    return response


@app.get("/sessions")
async def list_sessions(
    user: Annotated[str, Depends(interviewer)], limit: int = 50, offset: int = 0
) -> Response:
    return await _list(limit, offset)


@app.get("/open/sessions")
async def list_sessions_unauthenticated(limit: int = 50, offset: int = 0) -> Response:
    return await _list(limit, offset)


@app.post("/sessions", status_code=201)
async def create_session(
    body: SessionCreate, user: Annotated[str, Depends(xsrf_checked)]
) -> Response:
    async with database.session() as db:
        session = await ops.create_session(db, user, body.model_dump(exclude_unset=True))
        data = session_json(session)
    return _json(data, 201)


async def _list(limit: int, offset: int) -> Response:
    rows, total = await ops.list_sessions(database, status=None, limit=limit, offset=offset)
    return _json({"items": session_rows_json(rows), "total": total})


def _json(data: Any, status: int = 200) -> Response:
    return Response(dumps(data), status_code=status, media_type="application/json")
