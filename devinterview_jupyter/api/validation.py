"""Request validation against the OpenAPI document, the one source of request shapes."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ..errors import bad_request

OPENAPI_PATH = Path(__file__).with_name("openapi.json")
_DOC_URI = "urn:devinterview:openapi"


@cache
def openapi_document() -> dict[str, Any]:
    with OPENAPI_PATH.open(encoding="utf-8") as f:
        doc: dict[str, Any] = json.load(f)
    return doc


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    doc = openapi_document()
    if schema_name not in doc["components"]["schemas"]:
        raise KeyError(schema_name)
    registry: Registry[Any] = Registry().with_resource(
        _DOC_URI, Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    return Draft202012Validator(
        {"$ref": f"{_DOC_URI}#/components/schemas/{schema_name}"}, registry=registry
    )


def validate(schema_name: str, data: Any) -> dict[str, Any]:
    """Return ``data`` if it matches the named schema, else raise a 400 naming the problem."""
    error = best_match(_validator(schema_name).iter_errors(data))
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path)
        prefix = f"{where}: " if where else ""
        raise bad_request(f"invalid request body: {prefix}{error.message}", "validation_error")
    assert isinstance(data, dict)
    return data


# Deepest nesting of arrays and objects a request body may have. Our bodies are two
# levels deep; Python's parser (and _check_strings) recurse once per level, and about
# 1000 levels, 2 KB of brackets, would raise RecursionError (a 500) instead of a 400.
MAX_JSON_DEPTH = 64
# A JSON string (escapes included), or one bracket: what nesting depth is made of. The
# closing quote is optional so that a match never fails and backtracks: one pass, linear.
_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]+|\\.)*"?|[\[\]{}]', re.DOTALL)


def parse_json(raw: bytes) -> Any:
    if not raw.strip():
        raise bad_request("the request body must be a JSON object", "malformed_json")
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise bad_request(
            f"malformed JSON in request body: nested deeper than {MAX_JSON_DEPTH} levels",
            "malformed_json",
        )
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as e:
        raise bad_request(f"malformed JSON in request body: {e}", "malformed_json") from e
    except RecursionError as e:  # not reached below the depth limit; never a 500
        raise bad_request(
            "malformed JSON in request body: nested too deep", "malformed_json"
        ) from e
    _check_strings(data)
    return data


def json_depth(raw: bytes) -> int:
    """How deep arrays and objects nest in ``raw`` (brackets inside strings do not count),
    found without parsing it, up to ``MAX_JSON_DEPTH + 1`` (counting stops there);
    malformed text gives some number, and the parser then refuses it."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_JSON_DEPTH:
        return 0  # cannot be deeper than the limit: skip the scan (every normal body)
    depth = deepest = 0
    for match in _STRING_OR_BRACKET.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    break
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def _check_strings(value: Any) -> None:
    """Refuse text no database can store: NUL characters and unpaired surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise bad_request("strings may not contain NUL characters", "invalid_text")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise bad_request("strings must be valid Unicode text", "invalid_text") from e
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
