"""The kinds of room a session has: the interview (candidate and interviewers) and the
interviewers' private notes.

Both are served by the same machinery (``manager.py``, ``sync.py``, ``store.py``,
``bus.py``), each with its own log table, its own notice channels and its own document
rules. Keeping the notes in a room of their own, with a log of their own, is what keeps
them from the candidate: no frame, row or notice of the notes room ever belongs to the
interview room a candidate may join.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table

from ..db.models import NoteUpdate, RoomUpdate
from .ydoc import MAP_ROOTS, META, ROOTS, SOURCE, STATE, TIMER

NOTES = "notes"


@dataclass(frozen=True)
class RoomKind:
    name: str
    # The Yjs log of every room of this kind (rows keyed by session).
    table: Table
    # Notice channels (PostgreSQL identifiers: at most 63 bytes with a session id's hex).
    channel_prefix: str
    rows_channel: str
    # The advisory lock that orders this log's ids across servers (store.py).
    lock_key: int
    # What participants may write: the roots, those that are maps, the text that must be
    # plain text.
    roots: frozenset[str]
    map_roots: frozenset[str]
    text_root: str
    # Whether a candidate may join, whether the room freezes when the session ends, and
    # whether the server shows the session's question in it.
    candidates: bool
    freezes_when_ended: bool
    shows_question: bool


INTERVIEW_ROOM = RoomKind(
    name="interview",
    table=cast(Table, RoomUpdate.__table__),
    channel_prefix="devinterview_",
    rows_channel="devinterview_rows",
    lock_key=0x44494C47,  # "DILG"
    roots=ROOTS,
    map_roots=MAP_ROOTS,
    text_root=SOURCE,
    candidates=True,
    freezes_when_ended=True,
    shows_question=True,
)

# Notes stay editable after the interview: that is when most of them are written.
NOTES_ROOM = RoomKind(
    name=NOTES,
    table=cast(Table, NoteUpdate.__table__),
    channel_prefix="devinterview_notes_",
    rows_channel="devinterview_notes_rows",
    lock_key=0x44494E4F,  # "DINO"
    # The notes are the document's ``source`` text, as the code is in the interview's:
    # JupyterLab's editor binds to a text document's ``source`` (a YFile) unchanged.
    # meta and timer are the server's, as in every room.
    roots=frozenset((SOURCE, META, TIMER, STATE)),
    map_roots=frozenset((META, TIMER, STATE)),
    text_root=SOURCE,
    candidates=False,
    freezes_when_ended=False,
    shows_question=False,
)
