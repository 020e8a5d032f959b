"""The document guard and presence ownership against updates no Yjs library would make
(found by an attacker's review of the first version; docs/security.md)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text

from devinterview_jupyter.errors import ApiError
from devinterview_jupyter.rooms import sync as sync_module
from devinterview_jupyter.rooms.budget import ConnectionCounter
from devinterview_jupyter.rooms.document import new_document
from devinterview_jupyter.rooms.guard import DocumentGuard, Refused
from devinterview_jupyter.rooms.protocol import parse_frame
from devinterview_jupyter.rooms.sync import Participant, RoomSync
from devinterview_jupyter.rooms.update_scan import read_state_vector
from tests.test_rooms import awareness_entries
from tests.yencode import ANY, STRING, TYPE, Y_MAP, item, string, update, values

MALLORY = 777


def guard(doc: Doc[Any] | None = None, **limits: int) -> DocumentGuard:
    return DocumentGuard(
        doc or new_document(),
        max_document_bytes=limits.get("max_document_bytes", 2**24),
        max_pending_bytes=limits.get("max_pending_bytes", 2**20),
    )


def test_deleting_what_the_room_lacks_is_refused_so_later_content_is_still_checked() -> None:
    g = guard()
    # Deletions of ids that do not exist yet would wait inside the trial and delete, at
    # once and unseen by the checks, whatever is later sent under those ids.
    with pytest.raises(Refused) as refused:
        g.check(update([], deletes=[(MALLORY, [(0, 100)])]))
    assert refused.value.code == 4422
    junk = update([(MALLORY, 0, [item(ANY, values("junk"), parent="runs")])])
    with pytest.raises(Refused):
        g.check(junk)
    assert g.real.get("runs", type=Array).to_py() in ([], None)


def test_deleting_what_the_room_has_passes() -> None:
    real = new_document()
    g = guard(real)
    writer = new_document()
    updates: list[bytes] = []
    writer.observe(lambda e: updates.append(e.update))
    writer.get("source", type=Text).insert(0, "abc")
    del writer.get("source", type=Text)[0:2]
    for u in updates:
        for ready in g.check(u):
            real.apply_update(ready)
    assert str(real.get("source", type=Text)) == "c"


@pytest.mark.parametrize(
    "content",
    [item(ANY, values({"evil": 1}), parent="source"), item(TYPE, bytes([Y_MAP]), parent="source")],
)
def test_values_placed_at_the_start_of_the_code_are_refused(content: bytes) -> None:
    g = guard()
    with pytest.raises(Refused) as refused:
        g.check(update([(MALLORY, 0, [content])]))
    assert refused.value.code == 4422
    assert str(g.real.get("source", type=Text)) == ""


def test_updates_still_waiting_keep_counting_against_the_budget() -> None:
    real = new_document()
    g = guard(real, max_pending_bytes=4096)
    # Each waits for clock 0 of a client that never sends it.
    never = [
        update([(9000 + i, 1, [item(ANY, values("x" * 900), origin=(9000 + i, 0))])])
        for i in range(6)
    ]
    writer = new_document()
    ok: list[bytes] = []
    writer.observe(lambda e: ok.append(e.update))

    def feed() -> None:
        for i, waiting in enumerate(never):
            assert g.check(waiting) == []
            writer.get("source", type=Text).insert(0, str(i))
            for ready in g.check(ok[-1]):  # a good update must not release the others
                real.apply_update(ready)

    with pytest.raises(Refused) as refused:
        feed()
    assert refused.value.code == 4413
    assert g.held == [] and g.held_bytes == 0


class FakePeer:
    def __init__(self) -> None:
        self.rejected: tuple[int, str] | None = None

    def deliver(self, message: bytes) -> None:
        pass

    def reject(self, code: int, reason: str) -> None:
        self.rejected = (code, reason)


def presence(room: RoomSync, peer: FakePeer, entries: list[tuple[int, int, str]]) -> None:
    room.receive(peer, parse_frame(awareness_entries(entries)))


def test_nobody_can_push_another_participants_presence_id_out_of_memory(monkeypatch) -> None:
    monkeypatch.setattr(sync_module, "MAX_REMEMBERED_IDS", 8)
    room = RoomSync(
        new_document(),
        sink=type("S", (), {"record": lambda s, u: None})(),
        log=logging.getLogger("t"),
    )
    alice, mallory = FakePeer(), FakePeer()
    room.join(alice, Participant("user:alice", "Alice", "interviewer"))
    room.join(mallory, Participant("invite:1", "Mallory", "candidate"))
    presence(room, alice, [(1, 1, "{}")])
    room.leave(alice)  # a network blip: she comes back with the same id
    for cid in range(100, 130):  # many fresh ids, never more than one at a time
        presence(room, mallory, [(cid, 1, "{}")])
        presence(room, mallory, [(cid, 2, "null")])
        if mallory.rejected:
            break
    assert room.introduced_by[1] == "user:alice"
    late = FakePeer()  # even from a fresh connection of hers, Mallory cannot take it now
    room.join(late, Participant("invite:1", "Mallory", "candidate"))
    presence(room, late, [(1, 50, '{"mark": "mallory"}')])
    assert 1 not in room.owners
    assert room.stats.presence_foreign == 1


def test_a_refused_credential_cools_down_before_it_connects_again() -> None:
    counter = ConnectionCounter(cooldown_seconds=60)
    counter.acquire("invite:a", 4)
    counter.cool_down("invite:a")
    with pytest.raises(ApiError) as refused:
        counter.acquire("invite:a", 4)
    assert refused.value.status_code == 429 and refused.value.retry_after == 60
    counter.acquire("invite:b", 4)  # others are not affected
    quick = ConnectionCounter(cooldown_seconds=0)
    quick.cool_down("invite:a")
    quick.acquire("invite:a", 4)


def test_an_update_waiting_for_a_struct_the_server_has_not_written_yet_is_dropped() -> None:
    """A participant predicts the server's next write (the next part of the question,
    at the server's next clock) and sends an item whose origin is that struct: it waits,
    unchecked, until the server writes, and must not then slip into the document."""
    server = Doc(client_id=1111)
    real = new_document()
    real.apply_update(server.get_update())  # nothing yet: the trial starts empty
    with server.transaction():
        question = server.get("question", type=Map)
        question["id"] = "abc"
        question["prompt"] = "the real prompt"
    real.apply_update(server.get_update())
    g = guard(real)
    # What the server writes next: the revealed part (one item at its next clock).
    before = server.get_state()
    server.get("question", type=Map)["parts"] = [{"title": "Part 2", "prompt": "real"}]
    reveal = server.get_update(before)
    next_clock = next(iter(read_state_vector(server.get_state()).values())) - 1
    fake = update(
        [
            (
                MALLORY,
                0,
                [
                    item(
                        ANY,
                        values([{"title": "Part 2", "prompt": "FAKE"}]),
                        origin=(1111, next_clock),
                    )
                ],
            )
        ]
    )
    assert g.check(fake) == []  # waits for its origin
    real.apply_update(reveal)
    g.trusted(reveal)
    assert g.held == [] and g.refused == 1
    # The participant's next keystroke releases nothing with it.
    keystroke = update([(MALLORY + 1, 0, [item(STRING, string("x"), parent="source")])])
    ready = g.check(keystroke)
    assert ready == [keystroke]
    for u in ready:
        real.apply_update(u)
    assert real.get("question", type=Map).to_py()["parts"] == [
        {"title": "Part 2", "prompt": "real"}
    ]
