"""What a participant may write into an interview document.

The frontend reads the same rules (``src/model/document.ts``) and skips what breaks them;
the server refuses an update that would break them (``guard.py``). docs/protocol.md lists
them. Each check returns the problem as a short sentence, or None.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pycrdt import Array, Map

RUN_STATUSES = frozenset(("running", "ok", "error", "timeout", "stopped", "failed"))
OUTPUT_STREAMS = frozenset(("stdout", "stderr", "system"))
SESSION_STATUSES = frozenset(("scheduled", "active", "terminated"))
# tldraw's record type names ("shape", "page", "user", "comment-thread", ...): which of
# them a board keeps in the document is tldraw's business, and grows with its versions.
_TYPE_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")
MAX_ID = 64
MAX_NAME = 256
MAX_LANGUAGE = 32

_RUN_TEXT_KEYS = {"id": MAX_ID, "language": MAX_LANGUAGE, "code": None, "stdin": None}
RUN_KEYS = frozenset((*_RUN_TEXT_KEYS, "by", "status", "startedAt", "durationMs", "output"))


def _is_number(value: Any) -> bool:
    # bool is an int to Python, never a number to the frontend.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_text(value: Any, limit: int | None = None) -> bool:
    return isinstance(value, str) and (limit is None or len(value) <= limit)


# -- runs -------------------------------------------------------------------------------


def run_value_problem(key: str, value: Any) -> str | None:
    """The problem with ``value`` as field ``key`` of a run."""
    if key == "id" and not value:
        return "a run needs an id"
    if key in _RUN_TEXT_KEYS:
        return None if _is_text(value, _RUN_TEXT_KEYS[key]) else f"run {key} must be text"
    if key == "by":
        fields = ("name", "color", "role")
        if not isinstance(value, dict) or not all(_is_text(value.get(f), MAX_NAME) for f in fields):
            return "run author must be {name, color, role}, all text"
        return None
    if key == "status":
        return None if value in RUN_STATUSES else "run status is not a known status"
    if key == "startedAt":
        return None if _is_number(value) else "run startedAt must be a number"
    if key == "durationMs":
        return None if value is None or _is_number(value) else "run durationMs must be a number"
    if key == "output":
        if not isinstance(value, Array):
            return "run output must be a Y.Array"
        for chunk in value:
            problem = chunk_problem(chunk)
            if problem:
                return problem
        return None
    return f"runs have no field {key!r}"


def run_problem(run: Any) -> str | None:
    """The problem with a whole run, as it is inserted into ``runs``."""
    if not isinstance(run, Map):
        return "a run must be a Y.Map"
    keys = set(run.keys())
    if keys != RUN_KEYS:
        missing, extra = sorted(RUN_KEYS - keys), sorted(keys - RUN_KEYS)
        return f"run fields wrong (missing {missing}, unknown {extra})"
    for key in keys:
        problem = run_value_problem(key, run[key])
        if problem:
            return problem
    return None


def chunk_problem(chunk: Any) -> str | None:
    """The problem with one output chunk of a run."""
    if not isinstance(chunk, dict):
        return "an output chunk must be an object"
    kind = chunk.get("kind")
    if kind == "text":
        if set(chunk) != {"kind", "stream", "text"}:
            return "a text chunk is {kind, stream, text}"
        if chunk["stream"] not in OUTPUT_STREAMS or not _is_text(chunk["text"]):
            return "a text chunk needs a known stream and text"
        return None
    if kind == "table":
        if set(chunk) != {"kind", "columns", "rows", "truncated"}:
            return "a table chunk is {kind, columns, rows, truncated}"
        columns, rows = chunk["columns"], chunk["rows"]
        if not isinstance(columns, list) or not all(_is_text(c) for c in columns):
            return "table columns must be a list of text"
        if not isinstance(rows, list) or not isinstance(chunk["truncated"], bool):
            return "table rows must be a list"
        for row in rows:
            if not isinstance(row, list) or not all(
                cell is None or _is_text(cell) or _is_number(cell) for cell in row
            ):
                return "table cells must be text, numbers or null"
        return None
    return "an output chunk's kind must be text or table"


# -- whiteboard -------------------------------------------------------------------------


def whiteboard_entry_problem(entry: Any) -> str | None:
    """The problem with one ``{key, val}`` entry of the board."""
    if not isinstance(entry, dict) or set(entry) != {"key", "val"}:
        return "a whiteboard entry is {key, val}"
    key, record = entry["key"], entry["val"]
    if not _is_text(key, MAX_ID) or not isinstance(record, dict):
        return "a whiteboard entry needs a text key and a record"
    if record.get("id") != key:
        return "a whiteboard record's id must be its key"
    type_name = record.get("typeName")
    if not isinstance(type_name, str) or not _TYPE_NAME.fullmatch(type_name):
        return "a whiteboard record's typeName is not a record type name"
    if not key.startswith(f"{type_name}:"):
        return "a whiteboard record's id must start with its typeName"
    if not _finite_everywhere(record):
        return "a whiteboard record holds a number that is not finite"
    if "meta" in record and not isinstance(record["meta"], dict):
        return "a whiteboard record's meta must be an object"
    if type_name == "shape":
        return _shape_problem(record)
    if type_name == "binding":
        fields = ("type", "fromId", "toId")
        if not all(_is_text(record.get(f), MAX_ID) for f in fields):
            return "a binding needs text type, fromId and toId"
        if not isinstance(record.get("props"), dict):
            return "a binding's props must be an object"
    if type_name == "page" and not (
        _is_text(record.get("name"), MAX_NAME) and _is_text(record.get("index"))
    ):
        return "a page needs a text name and index"
    if type_name == "asset" and not (
        _is_text(record.get("type"), MAX_ID) and isinstance(record.get("props"), dict)
    ):
        return "an asset needs a text type and props"
    return None


def _shape_problem(record: dict[str, Any]) -> str | None:
    for field in ("x", "y", "rotation", "opacity"):
        if not _is_number(record.get(field)):
            return f"a shape's {field} must be a number"
    for field in ("type", "parentId", "index"):
        if not _is_text(record.get(field), MAX_ID):
            return f"a shape's {field} must be text"
    if not 0 <= record["opacity"] <= 1:
        return "a shape's opacity is between 0 and 1"
    if not record["parentId"].startswith(("page:", "shape:")):
        return "a shape's parent is a page or a shape"
    if not isinstance(record.get("isLocked"), bool):
        return "a shape's isLocked must be true or false"
    if not isinstance(record.get("props"), dict) or not isinstance(record.get("meta"), dict):
        return "a shape's props and meta must be objects"
    return None


def _finite_everywhere(value: Any, depth: int = 0) -> bool:
    if depth > 32:
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite_everywhere(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return all(_finite_everywhere(v, depth + 1) for v in value)
    return True


# -- meta, timer, state -----------------------------------------------------------------


def meta_problem(key: str, value: Any) -> str | None:
    if key == "language":
        return None if _is_text(value, MAX_LANGUAGE) else "meta language must be text"
    if key == "status":
        return None if value in SESSION_STATUSES else "meta status is not a session status"
    return f"meta has no field {key!r}"


def timer_problem(key: str, value: Any) -> str | None:
    if key == "running":
        return None if isinstance(value, bool) else "timer running must be true or false"
    if key in ("started_at_ms", "planned_minutes"):
        return None if value is None or _is_number(value) else f"timer {key} must be a number"
    if key == "accumulated_ms":
        return None if _is_number(value) else "timer accumulated_ms must be a number"
    return f"timer has no field {key!r}"


def state_problem(key: str, value: Any) -> str | None:
    # jupyter_ydoc's document state: @jupyter/ydoc marks the document dirty on every
    # local change; the rest is file bookkeeping an interview does not use.
    if key == "dirty":
        return None if isinstance(value, bool) else "state dirty must be true or false"
    if key in ("path", "hash", "document_id"):
        return None if _is_text(value, 1024) else f"state {key} must be text"
    return f"the document state has no field {key!r}"


# -- test runs --------------------------------------------------------------------------

TEST_RUN_STATUSES = frozenset(("running", "done", "stopped", "failed"))
CASE_STATUSES = frozenset(("pass", "fail", "error", "timeout"))
MAX_CASES = 200
MAX_CASE_TEXT = 4096
_CASE_TEXT = ("name", "input", "expected")
_CASE_OPTIONAL_TEXT = ("actual", "error")
CASE_KEYS = frozenset((*_CASE_TEXT, *_CASE_OPTIONAL_TEXT, "status", "durationMs"))
_TEST_RUN_TEXT = {"id": MAX_ID, "language": MAX_LANGUAGE, "question": MAX_ID}
TEST_RUN_KEYS = frozenset((*_TEST_RUN_TEXT, "by", "status", "startedAt", "total", "results"))


def case_problem(case: Any) -> str | None:
    """The problem with one case result of a test run."""
    if not isinstance(case, dict) or set(case) != CASE_KEYS:
        return f"a test case result is {{{', '.join(sorted(CASE_KEYS))}}}"
    if case["status"] not in CASE_STATUSES:
        return "a test case status is pass, fail, error or timeout"
    if not all(_is_text(case[k], MAX_CASE_TEXT) for k in _CASE_TEXT):
        return f"a test case's name, input and expected are text of at most {MAX_CASE_TEXT}"
    if not all(case[k] is None or _is_text(case[k], MAX_CASE_TEXT) for k in _CASE_OPTIONAL_TEXT):
        return f"a test case's actual and error are null or text of at most {MAX_CASE_TEXT}"
    if not _is_number(case["durationMs"]) or case["durationMs"] < 0:
        return "a test case's durationMs must be a number"
    return None


def test_run_value_problem(key: str, value: Any) -> str | None:
    """The problem with ``value`` as field ``key`` of a test run."""
    if key == "id" and not value:
        return "a test run needs an id"
    if key in _TEST_RUN_TEXT:
        limit = _TEST_RUN_TEXT[key]
        return None if _is_text(value, limit) else f"test run {key} must be text (<= {limit})"
    if key == "by":
        return run_value_problem("by", value)
    if key == "status":
        return None if value in TEST_RUN_STATUSES else "test run status is not a known status"
    if key == "startedAt":
        return None if _is_number(value) else "test run startedAt must be a number"
    if key == "total":
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_CASES
        ok = ok or (_is_number(value) and float(value).is_integer() and 0 <= value <= MAX_CASES)
        return None if ok else f"test run total is a whole number up to {MAX_CASES}"
    if key == "results":
        # A Y.Array appended to once per case: rewriting a list per case would cost the
        # room's quota the square of the cases.
        if not isinstance(value, Array) or len(value) > MAX_CASES:
            return f"test run results are a Y.Array of at most {MAX_CASES} cases"
        for case in value:
            problem = case_problem(case)
            if problem:
                return problem
        return None
    return f"test runs have no field {key!r}"


def test_run_problem(run: Any) -> str | None:
    """The problem with a whole test run, as it is inserted into ``testRuns``."""
    if not isinstance(run, Map):
        return "a test run must be a Y.Map"
    keys = set(run.keys())
    if keys != TEST_RUN_KEYS:
        missing, extra = sorted(TEST_RUN_KEYS - keys), sorted(keys - TEST_RUN_KEYS)
        return f"test run fields wrong (missing {missing}, unknown {extra})"
    for key in keys:
        problem = test_run_value_problem(key, run[key])
        if problem:
            return problem
    return results_beyond_total(run)


def results_beyond_total(run: Map[Any]) -> str | None:
    """The problem when a test run holds more case results than its total."""
    results, total = run.get("results"), run.get("total")
    if isinstance(results, Array) and isinstance(total, (int, float)) and len(results) > total:
        return "a test run has more results than its total"
    return None
