"""Yjs v1 updates written by hand, for the updates no Yjs library would make: the ones a
hostile participant crafts (items in odd places, deletions of what does not exist)."""

from __future__ import annotations

import struct
from typing import Any


def uint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def string(s: str) -> bytes:
    data = s.encode()
    return uint(len(data)) + data


def any_value(v: Any) -> bytes:
    if v is None:
        return bytes([126])
    if v is True:
        return bytes([120])
    if v is False:
        return bytes([121])
    if isinstance(v, str):
        return bytes([119]) + string(v)
    if isinstance(v, (int, float)):
        return bytes([123]) + struct.pack(">d", float(v))
    if isinstance(v, list):
        return bytes([117]) + uint(len(v)) + b"".join(any_value(x) for x in v)
    if isinstance(v, dict):
        return (
            bytes([118]) + uint(len(v)) + b"".join(string(k) + any_value(x) for k, x in v.items())
        )
    raise TypeError(v)


STRING, TYPE, ANY = 4, 7, 8
Y_ARRAY, Y_MAP = 0, 1


def item(
    kind: int,
    content: bytes,
    *,
    origin: tuple[int, int] | None = None,
    parent: str | tuple[int, int] | None = None,
    key: str | None = None,
) -> bytes:
    """One struct; without an origin it names its parent (a root, or an item's id)."""
    info, body = kind, b""
    if origin is not None:
        info |= 0x80
        body += uint(origin[0]) + uint(origin[1])
    else:
        assert parent is not None
        body += (
            uint(1) + string(parent)
            if isinstance(parent, str)
            else (uint(0) + uint(parent[0]) + uint(parent[1]))
        )
        if key is not None:
            info |= 0x20
            body += string(key)
    return bytes([info]) + body + content


def values(*vals: Any) -> bytes:
    return uint(len(vals)) + b"".join(any_value(v) for v in vals)


def update(
    clients: list[tuple[int, int, list[bytes]]],
    deletes: list[tuple[int, list[tuple[int, int]]]] = (),  # type: ignore[assignment]
) -> bytes:
    """(client, first clock, structs) groups and (client, [(clock, length)]) deletions."""
    out = uint(len(clients))
    for client, clock, structs in clients:
        out += uint(len(structs)) + uint(client) + uint(clock) + b"".join(structs)
    out += uint(len(deletes))
    for client, ranges in deletes:
        out += uint(client) + uint(len(ranges)) + b"".join(uint(a) + uint(b) for a, b in ranges)
    return out
