"""ORM models: interview sessions, invites, the Yjs update log of each room, co-interviewers,
the questions chosen for sessions, the interviewers' scorecards and display names, the
interviewers' private notes (a Yjs log of their own) and the integrity events of sessions."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Tables share a database with other applications on a hub: prefix everything.
TABLE_PREFIX = "devinterview_"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    SQLite keeps no zone; values read back from it are naive and are UTC by construction.
    """

    impl = DateTime(timezone=True)
    cache_ok = True
    # asyncpg already returns timestamptz as UTC-aware datetimes, which
    # process_result_value would hand back unchanged: Database.fetch skips that call
    # (four columns of every row of a session list; tests/test_fetch_columns.py checks).
    ASYNCPG_VALUE_IS_FINAL = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class InterviewSession(Base):
    __tablename__ = TABLE_PREFIX + "sessions"
    __table_args__ = (Index("ix_devinterview_sessions_created", "created_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    owner: Mapped[str] = mapped_column(String(255))
    candidate_name: Mapped[str | None] = mapped_column(String(200))
    planned_minutes: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[float | None] = mapped_column(Float)


class Invite(Base):
    __tablename__ = TABLE_PREFIX + "invites"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(InterviewSession.id, ondelete="CASCADE"), index=True
    )
    # SHA-256 hex of the token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="candidate")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The name the candidate gave in the lobby (bounded, plain text); shown instead of the
    # session's candidate name, always with the candidate role.
    display_name: Mapped[str | None] = mapped_column(String(80))


class Profile(Base):
    """How an interviewer wants to be shown, kept per Jupyter username so every server of a
    team shows the same name."""

    __tablename__ = TABLE_PREFIX + "profiles"

    username: Mapped[str] = mapped_column(String(255), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoomUpdate(Base):
    """One entry of a room's Yjs log: an update, or a snapshot that compacts those before it."""

    __tablename__ = TABLE_PREFIX + "room_updates"
    __table_args__ = (Index("ix_devinterview_room_updates_session_seq", "session_id", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(InterviewSession.id, ondelete="CASCADE")
    )
    # "update" (from a participant), "server" (the server's own write: meta, timer) or
    # "snapshot" (the whole state, containing every update up to ``upto``).
    kind: Mapped[str] = mapped_column(String(16), default="update")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The server process that wrote the row: a server skips its own rows when it catches
    # up with the others' (rooms/follow.py).
    origin: Mapped[str | None] = mapped_column(String(32))
    # Snapshots only: every row of the session with an id up to this one is contained.
    upto: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))


class CoInterviewer(Base):
    """A hub user the owner added to a session: may see and run it, not delete it."""

    __tablename__ = TABLE_PREFIX + "co_interviewers"

    session_id: Mapped[uuid.UUID] = mapped_column(
        # Named by hand: the conventional name is over PostgreSQL's 63 characters.
        ForeignKey(
            InterviewSession.id, ondelete="CASCADE", name="fk_devinterview_co_interviewers_session"
        ),
        primary_key=True,
    )
    username: Mapped[str] = mapped_column(String(255), primary_key=True, index=True)
    added_by: Mapped[str] = mapped_column(String(255))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SessionQuestion(Base):
    """A question chosen for a session: a copy of the whole question file as it was then
    (hidden tests and rubric included: this table is read by interviewers' requests only),
    and how many follow-up parts the room has been shown. The newest is the current one."""

    __tablename__ = TABLE_PREFIX + "session_questions"
    __table_args__ = (
        Index("ix_devinterview_session_questions_session", "session_id", "chosen_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(
            InterviewSession.id,
            ondelete="CASCADE",
            name="fk_devinterview_session_questions_session",
        )
    )
    question_id: Mapped[str] = mapped_column(String(512))
    # JSON text: the same on both databases, and read back exactly as written.
    question: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(32))
    revealed: Mapped[int] = mapped_column(Integer, default=0)
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Scorecard(Base):
    """One interviewer's evaluation of a session (rules in ``scorecards.py``)."""

    __tablename__ = TABLE_PREFIX + "scorecards"
    __table_args__ = (
        # Also the index by session: every read is of one session's scorecards.
        UniqueConstraint(
            "session_id", "interviewer", name="uq_devinterview_scorecards_session_interviewer"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(
            InterviewSession.id, ondelete="CASCADE", name="fk_devinterview_scorecards_session"
        )
    )
    interviewer: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # JSON text: [{name, description, rating, comment}], the criteria fixed at creation.
    criteria: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str | None] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NoteUpdate(Base):
    """One entry of the Yjs log of a session's private notes: the interviewers' own room,
    never the candidate's. Same shape and rules as ``RoomUpdate`` (rooms/store.py)."""

    __tablename__ = TABLE_PREFIX + "note_updates"
    __table_args__ = (Index("ix_devinterview_note_updates_session_seq", "session_id", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(
            InterviewSession.id, ondelete="CASCADE", name="fk_devinterview_note_updates_session"
        )
    )
    kind: Mapped[str] = mapped_column(String(16), default="update")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    origin: Mapped[str | None] = mapped_column(String(32))
    upto: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))


class SessionEvent(Base):
    """An integrity signal of a session (a large paste, the candidate's page hidden or
    unfocused), timed by the server's clock; rules in ``integrity.py``."""

    __tablename__ = TABLE_PREFIX + "session_events"
    __table_args__ = (Index("ix_devinterview_session_events_session", "session_id", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(
            InterviewSession.id, ondelete="CASCADE", name="fk_devinterview_session_events_session"
        )
    )
    # "paste", "hidden" (the page was not visible) or "unfocused" (the window lost focus).
    kind: Mapped[str] = mapped_column(String(16))
    # The participant's key as the server knows it ("invite:<id>" or "user:<name>").
    participant: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # For hidden/unfocused: when it ended (None while it lasts).
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # For pastes: the number of characters pasted.
    size: Mapped[int | None] = mapped_column(Integer)
