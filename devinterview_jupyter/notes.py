"""The interviewers' private notes of a session, read from their log.

The notes are edited live in a room of their own (rooms/kind.py: ``NOTES_ROOM``), never the
candidate's: this module only reads what that room stored, for the replay and the report.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pycrdt import Doc, Text
from sqlalchemy import select

from .db.engine import Database
from .db.models import NoteUpdate
from .rooms.store import SNAPSHOT
from .rooms.ydoc import SOURCE


async def read_notes(
    database: Database, session_id: uuid.UUID, *, until: datetime | None = None
) -> str:
    """The notes as stored now, or as they were at ``until`` (every update is kept, so any
    moment can be rebuilt; snapshots only shorten the way to the present)."""
    upto = 0
    updates: list[bytes] = []
    async with database.session() as db:
        if until is None:
            snapshot = (
                await db.execute(
                    select(NoteUpdate.upto, NoteUpdate.data)
                    .where(NoteUpdate.session_id == session_id, NoteUpdate.kind == SNAPSHOT)
                    .order_by(NoteUpdate.upto.desc().nulls_last())
                    .limit(1)
                )
            ).first()
            if snapshot is not None:
                upto = int(snapshot.upto or 0)
                updates.append(snapshot.data)
        query = (
            select(NoteUpdate.data)
            .where(
                NoteUpdate.session_id == session_id,
                NoteUpdate.id > upto,
                NoteUpdate.kind != SNAPSHOT,
            )
            .order_by(NoteUpdate.id)
        )
        if until is not None:
            query = query.where(NoteUpdate.created_at <= until)
        updates.extend((await db.scalars(query)).all())
    doc: Doc[Any] = Doc()
    for update in updates:
        doc.apply_update(update)
    return str(doc.get(SOURCE, type=Text))
