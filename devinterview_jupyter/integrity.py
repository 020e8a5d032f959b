"""Integrity signals: what a participant's page reports, stored as session events.

The rules (issue 20, docs/integrity.md):

- three kinds: ``paste`` (a large paste into the code editor: its size only, the text is
  in the room's history anyway), ``hidden`` (the page was not visible) and ``unfocused``
  (the window lost focus), the last two as intervals from ``start`` to ``end``;
- every time is the server's clock when the report arrived; a time in the report is
  refused (the request schema has no place for one);
- who reported comes from the credential, never from the report;
- a ``start`` while the participant's interval of that kind is open changes nothing
  (the open one is answered); an ``end`` closes it; an ``end`` with none open does
  nothing (a reloaded page says "visible" without knowing what the last one said);
- a paste below the configured size is refused: the candidate is told that only large
  pastes are recorded, and the server keeps that promise whatever a page sends;
- at most ``max_events`` events per session (closing an interval adds none);
- nothing once the session is terminated (its open intervals end with it), nothing at
  all when the signals are turned off.

The signals are reported by the participant's browser: an aid to the interviewers'
judgement, not proof of anything (docs/integrity.md says so to everyone).
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .db.models import InterviewSession, Invite, SessionEvent, utcnow
from .errors import ApiError, bad_request, conflict, not_found

PASTE = "paste"
INTERVAL_KINDS = ("hidden", "unfocused")
KINDS = (PASTE, *INTERVAL_KINDS)
STATES = ("start", "end")
ROLES = ("candidate", "interviewer")

# Larger than any clipboard an interview needs, small enough for every integer column.
MAX_PASTE_CHARS = 10_000_000
DEFAULT_PASTE_CHARS = 200
DEFAULT_MAX_EVENTS = 1000
# As the SessionEvent.participant column.
MAX_PARTICIPANT = 300


@dataclass(frozen=True)
class Participant:
    """Who reports, as the server authenticated them. ``key`` is what the event stores:
    ``invite:<id>`` for a candidate, ``user:<name>`` for an interviewer."""

    key: str
    role: str

    @classmethod
    def candidate(cls, invite_id: uuid.UUID) -> Participant:
        return cls(f"invite:{invite_id}", "candidate")

    @classmethod
    def interviewer(cls, name: str) -> Participant:
        # A Jupyter user name longer than the column (unheard of) still gets one stable key.
        return cls(f"user:{name}"[:MAX_PARTICIPANT], "interviewer")


@dataclass(frozen=True)
class Policy:
    """The settings that decide what is recorded (traitlets of DevInterviewApp)."""

    signals: bool = True
    paste_chars: int = DEFAULT_PASTE_CHARS
    max_events: int = DEFAULT_MAX_EVENTS

    def as_json(self) -> dict[str, Any]:
        """What the pages are told: whether anything is recorded, and the paste size."""
        return {"signals": self.signals, "paste_chars": self.paste_chars}


@dataclass(frozen=True)
class Report:
    """One report of a page, its meaning checked."""

    kind: str
    size: int | None = None  # paste
    state: str | None = None  # hidden, unfocused


def parse_report(body: Mapping[str, Any]) -> Report:
    """The report in a request body; 400 for anything it does not mean. Checked here as
    well as by the request schema: this module, not the schema, owns the rules."""
    kind = body.get("kind")
    if kind == PASTE:
        if set(body) != {"kind", "size"}:
            raise bad_request('a paste is {"kind": "paste", "size": <characters>}', "invalid_event")
        size = body["size"]
        # JSON has one number type: 340.0 is the integer 340 (as for the request schema).
        if type(size) is float and size.is_integer():
            size = int(size)
        # bool is an int in Python; true is not a size.
        if type(size) is not int or not 1 <= size <= MAX_PASTE_CHARS:
            raise bad_request(
                f"size must be a whole number of characters from 1 to {MAX_PASTE_CHARS}",
                "invalid_event",
            )
        return Report(PASTE, size=size)
    if kind in INTERVAL_KINDS:
        if set(body) != {"kind", "state"} or body["state"] not in STATES:
            raise bad_request(
                f'{kind} is {{"kind": "{kind}", "state": "start" | "end"}}', "invalid_event"
            )
        return Report(kind, state=body["state"])
    raise bad_request(f"kind must be one of {', '.join(KINDS)}", "invalid_event")


# -- recording ----------------------------------------------------------------------------

# One report of a session at a time in this process: the count under the cap and "is an
# interval open" must not be read by two reports before either writes. SQLite has no row
# locks; on PostgreSQL the session row's lock (below) also covers other servers.
_locks: weakref.WeakValueDictionary[uuid.UUID, asyncio.Lock] = weakref.WeakValueDictionary()


@asynccontextmanager
async def session_lock(session_id: uuid.UUID) -> AsyncIterator[None]:
    """Hold around the whole transaction of ``record`` (its commit included)."""
    lock = _locks.get(session_id)
    if lock is None:
        lock = asyncio.Lock()
        _locks[session_id] = lock
    async with lock:
        yield


async def _locked_session(db: AsyncSession, session_id: uuid.UUID) -> InterviewSession:
    # FOR NO KEY UPDATE: serialises reports of a session with each other and with
    # terminate (FOR UPDATE), but not with the room's inserts, whose foreign key only
    # needs a key-share lock of the same row.
    query = (
        select(InterviewSession)
        .where(InterviewSession.id == session_id)
        .with_for_update(key_share=True)
    )
    session = (await db.scalars(query)).first()
    if session is None:
        raise not_found(f"no interview session {session_id}")
    return session


async def count(db: AsyncSession, session_id: uuid.UUID) -> int:
    query = (
        select(func.count()).select_from(SessionEvent).where(SessionEvent.session_id == session_id)
    )
    return int(await db.scalar(query) or 0)


async def _open(
    db: AsyncSession, session_id: uuid.UUID, participant: Participant, kind: str
) -> list[SessionEvent]:
    query = (
        select(SessionEvent)
        .where(
            SessionEvent.session_id == session_id,
            SessionEvent.participant == participant.key,
            SessionEvent.kind == kind,
            SessionEvent.ended_at.is_(None),
        )
        .order_by(SessionEvent.id)
    )
    return list((await db.scalars(query)).all())


async def record(
    db: AsyncSession,
    session_id: uuid.UUID,
    participant: Participant,
    report: Report,
    policy: Policy,
) -> tuple[SessionEvent | None, bool]:
    """Store ``report``; returns the event it made or touched (None: an ``end`` with no
    interval open) and whether it is new. Call it inside ``session_lock(session_id)``."""
    if not policy.signals:
        raise conflict("integrity signals are turned off on this server", "disabled")
    session = await _locked_session(db, session_id)
    if session.status == "terminated":
        raise conflict("the interview has ended; nothing more is recorded", "terminated")
    if report.kind == PASTE and (report.size or 0) < policy.paste_chars:
        raise ApiError(
            422,
            f"only pastes of at least {policy.paste_chars} characters are recorded",
            "below_threshold",
        )
    now = utcnow()
    if report.state == "end":
        open_ones = await _open(db, session_id, participant, report.kind)
        # Normally one; all are closed, so that none stays open for ever.
        for event in open_ones:
            event.ended_at = now
        await db.flush()
        return (open_ones[-1] if open_ones else None), False
    if report.state == "start":
        open_ones = await _open(db, session_id, participant, report.kind)
        if open_ones:
            return open_ones[0], False
    if await count(db, session_id) >= policy.max_events:
        raise conflict(
            f"this interview has its {policy.max_events} events; no more are recorded",
            "event_limit",
        )
    event = SessionEvent(
        session_id=session_id,
        kind=report.kind,
        participant=participant.key,
        role=participant.role,
        started_at=now,
        ended_at=None,
        size=report.size,
    )
    db.add(event)
    await db.flush()
    return event, True


async def close_open(db: AsyncSession, session_id: uuid.UUID, at: datetime) -> None:
    """End every open interval of the session at ``at`` (when it is terminated: no page
    will say "visible again" to an interview that is over)."""
    await db.execute(
        update(SessionEvent)
        .where(
            SessionEvent.session_id == session_id,
            SessionEvent.kind.in_(INTERVAL_KINDS),
            SessionEvent.ended_at.is_(None),
        )
        .values(ended_at=at)
    )


# -- reading ------------------------------------------------------------------------------


async def of_session(db: AsyncSession, session_id: uuid.UUID) -> Sequence[SessionEvent]:
    """The session's events in the order they started (the replay's and report's too)."""
    query = (
        select(SessionEvent)
        .where(SessionEvent.session_id == session_id)
        .order_by(SessionEvent.started_at, SessionEvent.id)
    )
    return (await db.scalars(query)).all()


async def given_names(db: AsyncSession, session_id: uuid.UUID) -> dict[str, str]:
    """The names candidates gave in the lobby, by participant key (``invite:<id>``)."""
    rows = await db.execute(
        select(Invite.id, Invite.display_name).where(
            Invite.session_id == session_id, Invite.display_name.is_not(None)
        )
    )
    return {f"invite:{invite_id}": name for invite_id, name in rows if name}


def participant_name(
    event: SessionEvent, candidate_name: str | None, given: Mapping[str, str] | None = None
) -> str | None:
    """Who, as interviewers may see it: for the candidate, the name they gave in the lobby
    (``given``, from given_names), else the session's candidate name (never the invite);
    the user name for an interviewer."""
    if event.role == "candidate":
        return (given or {}).get(event.participant) or candidate_name
    prefix = "user:"
    return event.participant[len(prefix) :] if event.participant.startswith(prefix) else None


def event_json(
    event: SessionEvent, candidate_name: str | None, given: Mapping[str, str] | None = None
) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind,
        "role": event.role,
        "participant_name": participant_name(event, candidate_name, given),
        "started_at": event.started_at,
        "ended_at": event.ended_at,
        "size": event.size,
    }


async def events_json(
    db: AsyncSession, session: InterviewSession, policy: Policy
) -> dict[str, Any]:
    """The answer of ``GET /sessions/{id}/events``."""
    events = await of_session(db, session.id)
    given = await given_names(db, session.id)
    return {
        "events": [event_json(e, session.candidate_name, given) for e in events],
        **policy.as_json(),
        "limit_reached": len(events) >= policy.max_events,
    }
