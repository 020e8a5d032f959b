"""The API's JSON encoding: RFC 3339 UTC timestamps and canonical UUIDs, whatever the
driver returns, and a clear error for anything else."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import orjson
import pytest

from devinterview_jupyter.api.serialize import dumps


class DriverUUID(uuid.UUID):
    """Stands in for asyncpg's own UUID type, which orjson does not take as a UUID."""


def test_timestamps_are_utc_with_z_and_keep_microseconds():
    aware = datetime(2026, 11, 29, 19, 4, 5, 123456, tzinfo=timezone.utc)
    whole = datetime(2026, 11, 29, 19, 4, 5, tzinfo=timezone.utc)
    # SQLite hands back naive values, which are UTC by construction.
    naive = datetime(2026, 11, 29, 19, 4, 5, 7)
    data = orjson.loads(dumps({"a": aware, "b": whole, "c": naive, "d": None}))
    assert data == {
        "a": "2026-11-29T19:04:05.123456Z",
        "b": "2026-11-29T19:04:05Z",
        "c": "2026-11-29T19:04:05.000007Z",
        "d": None,
    }
    # The same strings Python's isoformat gives, so clients see no change in format.
    assert data["a"] == aware.isoformat().replace("+00:00", "Z")
    assert data["b"] == whole.isoformat().replace("+00:00", "Z")


def test_other_offsets_keep_their_offset():
    plus_two = datetime(2026, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert orjson.loads(dumps(plus_two)) == "2026-01-01T12:00:00+02:00"


def test_uuids_of_any_uuid_type_are_canonical_strings():
    value = uuid.uuid4()
    assert orjson.loads(dumps([value, DriverUUID(str(value))])) == [str(value), str(value)]


def test_anything_else_is_refused_not_stringified():
    with pytest.raises(TypeError):
        dumps({"x": object()})
    with pytest.raises(TypeError):
        dumps({"x": b"bytes"})
