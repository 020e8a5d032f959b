"""What kinds of content a Yjs update carries and where, read from its bytes.

The interview document holds plain text, maps, arrays and JSON-like values: Yjs content
such as text formatting, embeds, binary blobs, sub-documents or XML types has no place
in it, and a root the document does not have is never created. Both are visible in an
update's struct headers without applying it, which costs a few microseconds for a
keystroke, where asking pycrdt after the fact (a text observer's delta, the list of
roots) cost ten times more (docs/performance.md).

Only the v1 update encoding is read (y-websocket's). Anything that does not parse is
malformed; the guard then refuses it like pycrdt would.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

# Content kinds (the low five bits of a struct's info byte).
_GC, _DELETED, _JSON, _BINARY, _STRING, _EMBED, _FORMAT, _TYPE, _ANY, _DOC, _SKIP = range(11)
_ALLOWED_CONTENT = frozenset((_DELETED, _STRING, _TYPE, _ANY))
# Shared types a participant may create inside the document: Y.Array and Y.Map (runs).
_ALLOWED_TYPES = frozenset((0, 1))
_HAS_ORIGIN, _HAS_RIGHT_ORIGIN, _HAS_PARENT_SUB = 0x80, 0x40, 0x20
_MAX_ANY_DEPTH = 64


class UpdateProblem(ValueError):
    """An update carrying what the document may not hold (or not an update at all)."""


class MalformedUpdate(UpdateProblem):
    """Bytes that are not a Yjs update."""


class _Bytes:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def uint(self) -> int:
        data, pos = self.data, self.pos
        if pos < len(data) and data[pos] < 0x80:  # most numbers in an update fit a byte
            self.pos = pos + 1
            return data[pos]
        value, shift = 0, 0
        while True:
            if pos >= len(data):
                raise MalformedUpdate("truncated update")
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                self.pos = pos
                return value
            shift += 7
            if shift > 70:
                raise MalformedUpdate("varint too long")

    def skip(self, count: int) -> None:
        self.pos += count
        if self.pos > len(self.data):
            raise MalformedUpdate("truncated update")

    def string(self) -> str:
        length = self.uint()
        start = self.pos
        self.skip(length)
        try:
            return self.data[start : self.pos].decode("utf-8")
        except UnicodeDecodeError as e:
            raise MalformedUpdate("string is not UTF-8") from e

    def skip_bytes(self) -> None:
        self.skip(self.uint())

    def skip_int(self) -> None:
        while True:
            if self.pos >= len(self.data):
                raise MalformedUpdate("truncated update")
            byte = self.data[self.pos]
            self.pos += 1
            if byte < 0x80:
                return

    def skip_any(self, depth: int = 0) -> None:
        if depth > _MAX_ANY_DEPTH:
            raise MalformedUpdate("value nested too deep")
        if self.pos >= len(self.data):
            raise MalformedUpdate("truncated update")
        kind = self.data[self.pos]
        self.pos += 1
        if kind in (127, 126, 121, 120):  # undefined, null, false, true
            return
        if kind == 125:
            self.skip_int()
        elif kind == 124:
            self.skip(4)
        elif kind == 123:
            self.skip(8)
        elif kind == 119:
            self.skip_bytes()
        elif kind in (122, 116):
            # A BigInt or a byte array breaks JSON.stringify in every browser that reads it.
            raise UpdateProblem("values are JSON: no big integers or bytes")
        elif kind == 118:  # object
            for _ in range(self.uint()):
                self.skip_bytes()
                self.skip_any(depth + 1)
        elif kind == 117:  # array
            for _ in range(self.uint()):
                self.skip_any(depth + 1)
        else:
            raise MalformedUpdate(f"unknown value type {kind}")


@dataclass(frozen=True)
class Scan:
    """What the guard needs to know of an update that passed the scan."""

    # Values or shared types anywhere: only such an update can put something other than
    # characters into a text (an item's parent is known only once it is applied).
    places_values: bool
    # The end of every client's deleted range (client id -> first clock after it).
    deletes_up_to: dict[int, int]


def check_update(update: bytes, roots: Collection[str], map_roots: Collection[str]) -> Scan:
    """Raise UpdateProblem if ``update`` carries content the document may not hold, names
    a root not in ``roots``, or writes keys into a list root / items into a map root."""
    reader = _Bytes(update)
    values = False
    for _ in range(reader.uint()):  # clients
        structs = reader.uint()
        reader.uint()  # client id
        reader.uint()  # first clock
        for _ in range(structs):
            values = _check_struct(reader, roots, map_roots) or values
    deletes: dict[int, int] = {}
    for _ in range(reader.uint()):
        client = reader.uint()
        for _ in range(reader.uint()):
            end = reader.uint() + reader.uint()
            if end > deletes.get(client, 0):
                deletes[client] = end
    if reader.pos != len(update):
        raise MalformedUpdate("stray bytes after the update")
    return Scan(values, deletes)


def _check_struct(reader: _Bytes, roots: Collection[str], map_roots: Collection[str]) -> bool:
    info = reader.data[reader.pos] if reader.pos < len(reader.data) else None
    if info is None:
        raise MalformedUpdate("truncated update")
    reader.pos += 1
    kind = info & 0x1F
    if kind in (_GC, _SKIP):
        reader.uint()
        return False
    if kind not in _ALLOWED_CONTENT:
        raise UpdateProblem("the document holds plain text, maps, lists and values only")
    if info & _HAS_ORIGIN:
        reader.uint()
        reader.uint()
    if info & _HAS_RIGHT_ORIGIN:
        reader.uint()
        reader.uint()
    if not info & (_HAS_ORIGIN | _HAS_RIGHT_ORIGIN):
        if reader.uint() == 1:  # the parent is a root, by name
            root = reader.string()
            if root not in roots:
                raise UpdateProblem("the interview document has no such part")
            keyed = bool(info & _HAS_PARENT_SUB)
            if keyed != (root in map_roots):
                raise UpdateProblem(f"{root!r} does not hold that kind of entry")
        else:  # the parent is an item (a shared type inside the document)
            reader.uint()
            reader.uint()
        if info & _HAS_PARENT_SUB:
            reader.skip_bytes()
    if kind == _DELETED:
        reader.uint()
        return False
    if kind == _STRING:
        reader.skip_bytes()
        return False
    if kind == _TYPE:
        if reader.uint() not in _ALLOWED_TYPES:
            raise UpdateProblem("the document holds plain text, maps, lists and values only")
    else:  # _ANY
        for _ in range(reader.uint()):
            reader.skip_any()
    return True


def read_state_vector(encoded: bytes) -> dict[int, int]:
    """A Yjs state vector: client id -> the first clock not yet seen from it."""
    reader = _Bytes(encoded)
    vector = {}
    for _ in range(reader.uint()):
        client = reader.uint()
        vector[client] = reader.uint()
    return vector
