"""The y-websocket wire format, read strictly so that malformed frames can be refused."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum

from pycrdt import write_message


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
# A cursor, a name and a colour take a few hundred bytes; anything near this is abuse.
MAX_AWARENESS_STATE = 32 * 1024


class MalformedFrame(ValueError):
    """A frame that is not a well-formed y-websocket message."""


@dataclass(frozen=True)
class Frame:
    type: MessageType
    sync_type: SyncType | None = None
    payload: bytes = b""

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
        _check_awareness(payload)
        return Frame(kind, None, payload)
    if kind is MessageType.QUERY_AWARENESS:
        reader.done()
        return Frame(kind)
    raise MalformedFrame("auth messages are not accepted from clients")


def _check_awareness(payload: bytes) -> None:
    reader = _Reader(payload)
    count = reader.var_uint()
    if count > 10_000:
        raise MalformedFrame("too many awareness entries")
    for _ in range(count):
        client_id = reader.var_uint()
        clock = reader.var_uint()
        # Yjs client ids are 32-bit and clocks JS-safe integers: browsers' decoders throw
        # on anything larger, so relaying it would break presence for everyone.
        if client_id > MAX_CLIENT_ID or clock > MAX_CLOCK:
            raise MalformedFrame("awareness client id or clock out of range")
        state = reader.var_string()
        if len(state) > MAX_AWARENESS_STATE:
            raise MalformedFrame("awareness state too large")
        try:
            json.loads(state)
        except ValueError as e:
            raise MalformedFrame("awareness state is not JSON") from e
    reader.done()
