"""The y-websocket wire format, read strictly so that malformed frames can be refused."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from pycrdt import write_message, write_var_uint


class MessageType(IntEnum):
    SYNC = 0
    AWARENESS = 1
    AUTH = 2
    QUERY_AWARENESS = 3


class SyncType(IntEnum):
    STEP1 = 0
    STEP2 = 1
    UPDATE = 2


MAX_CLIENT_ID = 2**32 - 1
MAX_CLOCK = 2**53 - 1
# One tab sends its own entry; the room's limit per connection is far lower (sync.py).
MAX_AWARENESS_ENTRIES = 64


class MalformedFrame(ValueError):
    """A frame that is not a well-formed y-websocket message."""


@dataclass(frozen=True)
class PresenceEntry:
    """One client's state in an awareness message (None: the client left)."""

    client_id: int
    clock: int
    state: Any
    size: int  # bytes of the state as sent


@dataclass(frozen=True)
class Frame:
    type: MessageType
    sync_type: SyncType | None = None
    payload: bytes = b""
    presence: tuple[PresenceEntry, ...] = ()  # an awareness frame's entries, parsed once

    @property
    def changes_document(self) -> bool:
        return self.type is MessageType.SYNC and self.sync_type in (SyncType.STEP2, SyncType.UPDATE)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def var_uint(self) -> int:
        value, shift = 0, 0
        while True:
            if self.pos >= len(self.data):
                raise MalformedFrame("truncated varint")
            byte = self.data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            if shift > 63:
                raise MalformedFrame("varint too long")

    def var_bytes(self) -> bytes:
        length = self.var_uint()
        end = self.pos + length
        if end > len(self.data):
            raise MalformedFrame("length prefix runs past the end of the frame")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def var_string(self) -> str:
        try:
            return self.var_bytes().decode("utf-8")
        except UnicodeDecodeError as e:
            raise MalformedFrame("string is not UTF-8") from e

    def done(self) -> None:
        if self.pos != len(self.data):
            raise MalformedFrame(f"{len(self.data) - self.pos} stray bytes after the message")


def sync_frame(sync_type: SyncType, payload: bytes) -> bytes:
    """A sync frame (step 1: a state vector; step 2 or update: an update)."""
    return bytes((MessageType.SYNC, sync_type)) + write_message(payload)


def parse_frame(data: bytes) -> Frame:
    """Classify and check one frame; raise MalformedFrame if it is not well formed."""
    reader = _Reader(data)
    try:
        kind = MessageType(reader.var_uint())
    except ValueError as e:
        raise MalformedFrame(f"unknown message type: {e}") from e
    if kind is MessageType.SYNC:
        try:
            sync_type = SyncType(reader.var_uint())
        except ValueError as e:
            raise MalformedFrame(f"unknown sync message type: {e}") from e
        payload = reader.var_bytes()
        reader.done()
        return Frame(kind, sync_type, payload)
    if kind is MessageType.AWARENESS:
        payload = reader.var_bytes()
        reader.done()
        return Frame(kind, None, payload, read_awareness(payload))
    if kind is MessageType.QUERY_AWARENESS:
        reader.done()
        return Frame(kind)
    raise MalformedFrame("auth messages are not accepted from clients")


def write_awareness(entries: list[tuple[int, int, str]]) -> bytes:
    """An awareness message's payload: (client id, clock, state as JSON) entries."""
    parts = [write_var_uint(len(entries))]
    for client_id, clock, state in entries:
        parts.append(write_var_uint(client_id))
        parts.append(write_var_uint(clock))
        parts.append(write_message(state.encode("utf-8")))
    return b"".join(parts)


def read_awareness(payload: bytes) -> tuple[PresenceEntry, ...]:
    """The entries of an awareness message; MalformedFrame if it is not one."""
    reader = _Reader(payload)
    count = reader.var_uint()
    if count > MAX_AWARENESS_ENTRIES:
        raise MalformedFrame("too many awareness entries")
    entries = []
    for _ in range(count):
        client_id = reader.var_uint()
        clock = reader.var_uint()
        # Yjs client ids are 32-bit and clocks JS-safe integers: browsers' decoders throw
        # on anything larger, so relaying it would break presence for everyone.
        if client_id > MAX_CLIENT_ID or clock > MAX_CLOCK:
            raise MalformedFrame("awareness client id or clock out of range")
        raw = reader.var_string()
        try:
            state = json.loads(raw)
        except (ValueError, RecursionError) as e:
            raise MalformedFrame("awareness state is not JSON") from e
        entries.append(PresenceEntry(client_id, clock, state, len(raw)))
    reader.done()
    return tuple(entries)
