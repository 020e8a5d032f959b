"""Scorecards: each interviewer's evaluation of a session, independent of HTTP.

The rules (issue 20, docs/scorecards.md):

- one scorecard per interviewer per session;
- its criteria are the rubric of the session's current question, else the configured
  default set, and are fixed when the scorecard is created;
- a draft changes freely; submitting needs a rating (1-4) of every criterion and the
  recommendation; a submitted scorecard never changes again;
- an interviewer sees the others' scorecards only once their own is submitted, so that
  nobody's judgement is anchored by another's; nobody ever sees another's draft.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from . import team
from .db.models import InterviewSession, Scorecard, SessionQuestion, utcnow
from .errors import ApiError, bad_request, conflict
from .questions import chosen

RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")
LOWEST_RATING, HIGHEST_RATING = 1, 4
# As RubricCriterion in openapi.json and the question file schema.
MAX_NAME = 200

DEFAULT_CRITERIA = (
    "Problem solving: understands the problem, plans, handles edge cases",
    "Code: correct, clear, idiomatic",
    "Verification: tests and debugs own code",
    "Communication: explains choices, takes hints",
)

Criterion = dict[str, str]


# -- criteria -----------------------------------------------------------------------------


def parse_criteria(lines: Iterable[str]) -> list[Criterion]:
    """``"Name: description"`` strings (the setting's form) as criteria; ValueError when
    one has no name, a name is too long or repeated (ratings address criteria by name),
    or there are none (a scorecard without criteria could be submitted empty)."""
    criteria: list[Criterion] = []
    for line in lines:
        name, _, description = line.partition(":")
        name = name.strip()
        if not name:
            raise ValueError(f"{line!r} has no name (give criteria as 'Name: description')")
        if len(name) > MAX_NAME:
            raise ValueError(f"the criterion name {name[:40]!r}... is over {MAX_NAME} characters")
        if any(c["name"] == name for c in criteria):
            raise ValueError(f"the criterion {name!r} is given twice")
        criteria.append({"name": name, "description": description.strip()})
    if not criteria:
        raise ValueError("at least one criterion is needed")
    return criteria


def criteria_for(question: SessionQuestion | None, default: Sequence[Criterion]) -> list[Criterion]:
    """The criteria a new scorecard of a session gets, its current question being
    ``question``: the question's rubric, or ``default`` when there is none."""
    rubric: list[Criterion] = []
    if question is not None:
        for criterion in chosen.question_of(question)["rubric"]:
            # A question file may repeat a name; ratings are by name, so the first counts.
            if all(c["name"] != criterion["name"] for c in rubric):
                rubric.append({"name": criterion["name"], "description": criterion["description"]})
    return rubric or [dict(c) for c in default]


async def new_criteria(
    db: AsyncSession, session_id: uuid.UUID, default: Sequence[Criterion]
) -> list[Criterion]:
    return criteria_for(await chosen.current(db, session_id), default)


def criteria_of(card: Scorecard) -> list[dict[str, Any]]:
    value: list[dict[str, Any]] = json.loads(card.criteria)
    return value


def _store(criteria: list[dict[str, Any]]) -> str:
    return json.dumps(criteria, ensure_ascii=False, separators=(",", ":"))


# -- changing one's own scorecard ---------------------------------------------------------


def apply_changes(card: Scorecard, changes: Mapping[str, Any]) -> None:
    """Apply a draft's changes: ``ratings`` (by criterion name: ``rating`` and/or
    ``comment``), ``recommendation``, ``summary``; fields left out stay as they are."""
    if card.status == "submitted":
        raise conflict("the scorecard is submitted and can no longer change", "submitted")
    criteria = criteria_of(card)
    by_name = {c["name"]: c for c in criteria}
    seen: set[str] = set()
    for entry in changes.get("ratings", ()):
        name = entry["name"]
        criterion = by_name.get(name)
        if criterion is None:
            known = ", ".join(repr(n) for n in by_name)
            raise bad_request(
                f"{name!r} is not a criterion of this scorecard (its criteria: {known})",
                "unknown_criterion",
            )
        if name in seen:
            raise bad_request(f"the criterion {name!r} is rated twice", "duplicate_criterion")
        seen.add(name)
        if "rating" in entry:
            rating = entry["rating"]
            # Checked here too: this module, not the request schema, owns the rules.
            valid = rating is None or (
                type(rating) is int and LOWEST_RATING <= rating <= HIGHEST_RATING
            )
            if not valid:
                raise bad_request(
                    f"the rating of {name!r} must be {LOWEST_RATING} to {HIGHEST_RATING} or null",
                    "invalid_rating",
                )
            criterion["rating"] = rating
        if "comment" in entry:
            criterion["comment"] = entry["comment"]
    if "recommendation" in changes:
        recommendation = changes["recommendation"]
        if recommendation is not None and recommendation not in RECOMMENDATIONS:
            raise bad_request(
                f"the recommendation must be one of {', '.join(RECOMMENDATIONS)} or null",
                "invalid_recommendation",
            )
        card.recommendation = recommendation
    if "summary" in changes:
        card.summary = changes["summary"]
    card.criteria = _store(criteria)
    card.updated_at = utcnow()


def missing(card: Scorecard) -> list[str]:
    """What the scorecard still needs before it can be submitted, in words."""
    needs = [f"a rating of {c['name']!r}" for c in criteria_of(card) if c["rating"] is None]
    if card.recommendation is None:
        needs.append("the recommendation")
    return needs


def submit(card: Scorecard) -> None:
    if card.status == "submitted":
        raise conflict("the scorecard is submitted already", "submitted")
    needs = missing(card)
    if needs:
        raise ApiError(422, f"the scorecard needs {', '.join(needs)}", "incomplete")
    now = utcnow()
    card.status = "submitted"
    card.submitted_at = now
    card.updated_at = now


# -- who sees what ------------------------------------------------------------------------


def visible(cards: Iterable[Scorecard], me: str) -> tuple[list[Scorecard], int]:
    """The scorecards of one session ``me`` may see (their own first), and how many of the
    others' submitted ones they may not see yet."""
    mine: Scorecard | None = None
    others: list[Scorecard] = []
    for card in cards:
        if card.interviewer == me:
            mine = card
        elif card.status == "submitted":
            others.append(card)
    if mine is None:
        return [], len(others)
    if mine.status != "submitted":
        return [mine], len(others)
    others.sort(key=lambda c: (c.submitted_at, c.interviewer))
    return [mine, *others], 0


def summary_item(session_id: uuid.UUID, rows: Iterable[Sequence[Any]], me: str) -> dict[str, Any]:
    """One session at a glance; ``rows`` are its scorecards' (interviewer, status,
    recommendation), in order of submission."""
    mine: str | None = None
    recommendations: list[str] = []
    for interviewer, status, recommendation in rows:
        if interviewer == me:
            mine = status
        if status == "submitted":
            recommendations.append(recommendation)
    return {
        "session_id": session_id,
        "submitted": len(recommendations),
        "mine": mine,
        "recommendations": recommendations if mine == "submitted" else None,
    }


def scorecard_json(card: Scorecard) -> dict[str, Any]:
    return {
        "id": card.id,
        "session_id": card.session_id,
        "interviewer": card.interviewer,
        "status": card.status,
        "criteria": criteria_of(card),
        "recommendation": card.recommendation,
        "summary": card.summary,
        "created_at": card.created_at,
        "updated_at": card.updated_at,
        "submitted_at": card.submitted_at,
    }


# -- storage ------------------------------------------------------------------------------


async def of_session(db: AsyncSession, session_id: uuid.UUID) -> Sequence[Scorecard]:
    query = select(Scorecard).where(Scorecard.session_id == session_id)
    return (await db.scalars(query)).all()


async def _mine(db: AsyncSession, session_id: uuid.UUID, me: str) -> Scorecard | None:
    # Locked: a change and a submit of the same scorecard must not interleave, or a
    # change could land on a scorecard just submitted (PostgreSQL; SQLite has one writer).
    query = (
        select(Scorecard)
        .where(Scorecard.session_id == session_id, Scorecard.interviewer == me)
        .with_for_update()
    )
    return (await db.scalars(query)).first()


async def save_draft(
    db: AsyncSession,
    session_id: uuid.UUID,
    me: str,
    changes: Mapping[str, Any],
    default: Sequence[Criterion],
) -> tuple[Scorecard, bool]:
    """Create (True) or change (False) ``me``'s draft of the session."""
    card = await _mine(db, session_id, me)
    created = False
    if card is None:
        criteria = [
            {**c, "rating": None, "comment": ""}
            for c in await new_criteria(db, session_id, default)
        ]
        now = utcnow()
        # Two first saves at once (two tabs) must both succeed, on one scorecard: the
        # loser of the insert finds the winner's row below.
        insert = (postgresql.insert if _dialect(db) == "postgresql" else sqlite.insert)(Scorecard)
        result = await db.execute(
            insert.values(
                id=uuid.uuid4(),
                session_id=session_id,
                interviewer=me,
                status="draft",
                criteria=_store(criteria),
                recommendation=None,
                summary="",
                created_at=now,
                updated_at=now,
                submitted_at=None,
            ).on_conflict_do_nothing(index_elements=["session_id", "interviewer"])
        )
        created = getattr(result, "rowcount", 0) == 1
        card = await _mine(db, session_id, me)
        assert card is not None
    apply_changes(card, changes)
    await db.flush()
    return card, created


def _dialect(db: AsyncSession) -> str:
    return db.get_bind().dialect.name


async def submit_mine(db: AsyncSession, session_id: uuid.UUID, me: str) -> Scorecard:
    card = await _mine(db, session_id, me)
    if card is None:
        raise ApiError(404, "you have no scorecard for this session yet", "no_scorecard")
    submit(card)
    await db.flush()
    return card


async def summaries(
    db: AsyncSession, session_ids: Sequence[uuid.UUID], me: str, *, restricted: bool
) -> list[dict[str, Any]]:
    """The sessions among ``session_ids`` that exist (and, ``restricted``, that ``me`` owns
    or co-interviews) at a glance, in the order asked."""
    if not session_ids:
        return []
    query = select(InterviewSession.id).where(InterviewSession.id.in_(session_ids))
    if restricted:
        query = query.where(team.visible_to_criterion(me))
    known = set((await db.scalars(query)).all())
    rows: dict[uuid.UUID, list[Sequence[Any]]] = {sid: [] for sid in known}
    if known:
        cards = await db.execute(
            select(
                Scorecard.session_id,
                Scorecard.interviewer,
                Scorecard.status,
                Scorecard.recommendation,
            )
            .where(Scorecard.session_id.in_(known))
            .order_by(Scorecard.submitted_at, Scorecard.interviewer)
        )
        for session_id, *row in cards:
            rows[session_id].append(row)
    return [summary_item(sid, rows[sid], me) for sid in session_ids if sid in known]
