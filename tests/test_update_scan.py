"""The scan of an update's struct headers (rooms/update_scan.py), on updates made by pycrdt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text, XmlFragment

from devinterview_jupyter.rooms.document import new_document
from devinterview_jupyter.rooms.update_scan import Scan, UpdateProblem, check_update
from devinterview_jupyter.rooms.ydoc import MAP_ROOTS, ROOTS


def made(build: Callable[[Doc[Any]], None], base: Doc[Any] | None = None) -> bytes:
    doc = new_document()
    if base is not None:
        doc.apply_update(base.get_update())
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    with doc.transaction():
        build(doc)
    return updates[-1]


def scan(update: bytes) -> Scan:
    return check_update(update, ROOTS, MAP_ROOTS)


def with_text() -> Doc[Any]:
    doc = new_document()
    doc.get("source", type=Text).insert(0, "abc")
    return doc


ACCEPTED = {
    "typing": lambda d: d.get("source", type=Text).insert(0, "print('é')"),
    "a run": lambda d: d.get("runs", type=Array).append(
        Map({"id": "r", "output": Array([{"kind": "text", "n": 1.5, "x": [None, True]}])})
    ),
    "a board record": lambda d: d.get("whiteboard", type=Array).append(
        {"key": "shape:a", "val": {"id": "shape:a", "x": -3, "big": 2**40}}
    ),
    "a meta value": lambda d: d.get("meta", type=Map).update({"language": "go"}),
    "dirty state": lambda d: d.get("state", type=Map).update({"dirty": True}),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_what_the_document_holds_passes(name: str) -> None:
    scan(made(ACCEPTED[name]))


def test_typing_carries_no_values_but_runs_do() -> None:
    base = with_text()
    typing = made(lambda d: d.get("source", type=Text).insert(1, "x"), base)
    assert scan(typing).places_values is False
    runs = new_document()
    runs.get("runs", type=Array).append(Map({"id": "1"}))
    second = made(lambda d: d.get("runs", type=Array).append(Map({"id": "2"})), runs)
    assert scan(second).places_values is True


REFUSED = {
    "formatting": lambda d: d.get("source", type=Text).insert(0, "x", {"bold": True}),
    "an embed": lambda d: d.get("source", type=Text).insert_embed(0, {"image": "x"}),
    "binary": lambda d: d.get("meta", type=Map).update({"language": b"\x00"}),
    "a sub-document": lambda d: d.get("runs", type=Array).append(Doc()),
    "an xml type": lambda d: d.get("runs", type=Array).append(XmlFragment()),
    "an unknown root": lambda d: d.get("extra", type=Map).update({"a": 1}),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_content_the_document_does_not_hold_is_refused(name: str) -> None:
    with pytest.raises(UpdateProblem):
        scan(made(REFUSED[name]))


def test_a_list_root_written_as_a_map_and_the_reverse_are_refused() -> None:
    keyed_into_list = Doc()
    keyed_into_list.get("runs", type=Map).update({"x": 1})
    with pytest.raises(UpdateProblem, match="runs"):
        scan(keyed_into_list.get_update())
    listed_into_map = Doc()
    listed_into_map.get("meta", type=Array).append(1)
    with pytest.raises(UpdateProblem, match="meta"):
        scan(listed_into_map.get_update())


@pytest.mark.parametrize("cut", [1, 5, 12])
def test_truncated_or_padded_updates_are_refused(cut: int) -> None:
    update = made(ACCEPTED["a run"])
    with pytest.raises(UpdateProblem):
        scan(update[:-cut])
    with pytest.raises(UpdateProblem):
        scan(update + b"\x00")
