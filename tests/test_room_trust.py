"""Trust in a room with more than one participant, at the level of the room's sync
(``RoomSync`` with its guard, no network): an update that waits for a missing part cannot
be released by someone else's update (to be checked, signed and blamed as theirs), a
run's author cannot be landed on another's run through a copied id, and the number of
runs an update inserts and a room keeps is bounded (signing them stays cheap).

Found by a security review of the run-author signing (docs/security.md, "Run authors");
each test below failed before the fix it names."""

from __future__ import annotations

import logging
from typing import Any

from pycrdt import Array, Doc, Map, Text

from devinterview_jupyter.rooms.document import new_document
from devinterview_jupyter.rooms.guard import MAX_KEPT_RUNS, MAX_NEW_RUNS
from devinterview_jupyter.rooms.protocol import SyncType, parse_frame, sync_frame
from devinterview_jupyter.rooms.sync import Participant, RoomSync
from devinterview_jupyter.rooms.update_scan import read_state_vector
from tests.yencode import ANY, STRING, TYPE, Y_ARRAY, Y_MAP, string, uint, update, values


class Peer:
    def __init__(self) -> None:
        self.rejected = None
        self.got: list[bytes] = []

    def deliver(self, m: bytes) -> None:
        self.got.append(m)

    def reject(self, code: int, reason: str) -> None:
        self.rejected = (code, reason)


class Sink:
    def record(self, u: bytes, *, server: bool = False) -> None:
        pass


def send(room: RoomSync, peer: Peer, u: bytes) -> None:
    room.receive(peer, parse_frame(sync_frame(SyncType.UPDATE, u)))


def item2(
    kind: int,
    content: bytes,
    *,
    origin: Any = None,
    right: Any = None,
    parent: Any = None,
    key: Any = None,
) -> bytes:
    info, body = kind, b""
    if origin is not None:
        info |= 0x80
        body += uint(origin[0]) + uint(origin[1])
    if right is not None:
        info |= 0x40
        body += uint(right[0]) + uint(right[1])
    if origin is None and right is None:
        body += (
            (uint(1) + string(parent))
            if isinstance(parent, str)
            else (uint(0) + uint(parent[0]) + uint(parent[1]))
        )
        if key is not None:
            info |= 0x20
            body += string(key)
    return bytes([info]) + body + content


def run_fields(client: int, by: dict) -> list[bytes]:
    p = (client, 0)
    f = []
    for k, v in [
        ("id", "evil"),
        ("language", "python"),
        ("by", by),
        ("code", "rm -rf /"),
        ("stdin", ""),
        ("status", "ok"),
        ("startedAt", 1.0),
        ("durationMs", 1.0),
    ]:
        f.append(item2(ANY, values(v), parent=p, key=k))
    f.append(item2(TYPE, bytes([Y_ARRAY]), parent=p, key="output"))
    return f


def setup() -> Any:
    real = new_document()
    room = RoomSync(real, Sink(), logging.getLogger("t"))
    alice, mallory = Peer(), Peer()
    room.join(alice, Participant("user:alice", "Alice", "interviewer"))
    room.join(mallory, Participant("invite:1", "Mallory", "candidate"))
    # Alice's client
    a = Doc(client_id=4242)
    a.apply_update(real.get_update())
    ups: list[bytes] = []
    a.observe(lambda e: ups.append(e.update))
    return real, room, alice, mallory, a, ups


def legit_run(doc: Doc, rid: str) -> None:
    doc.get("runs", type=Array).append(
        Map(
            {
                "id": rid,
                "language": "python",
                "by": {"name": "x", "color": "#000000", "role": "x"},
                "code": "print(1)",
                "stdin": "",
                "status": "ok",
                "startedAt": 1.0,
                "durationMs": 1.0,
                "output": Array([]),
            }
        )
    )


def run_map(run_id: str, by: dict[str, str] | None = None) -> Map[Any]:
    return Map(
        {
            "id": run_id,
            "language": "python",
            "by": by or {"name": "x", "color": "#000000", "role": "x"},
            "code": "print(1)",
            "stdin": "",
            "status": "ok",
            "startedAt": 1.0,
            "durationMs": 1.0,
            "output": Array([]),
        }
    )


def client(real: Doc[Any], client_id: int) -> tuple[Doc[Any], list[bytes]]:
    doc: Doc[Any] = Doc(client_id=client_id)
    doc.apply_update(real.get_update())
    sent: list[bytes] = []
    doc.observe(lambda e: sent.append(e.update))
    return doc, sent


def test_a_held_run_released_by_the_interviewers_keystroke_is_dropped_not_signed_as_theirs():
    real, room, alice, mallory, a, ups = setup()
    a.get("runs", type=Array).append(run_map("r0"))
    send(room, alice, ups[-1])
    n = read_state_vector(real.get_state())[4242]  # Alice's next clock: public
    # Mallory: a run whose right origin is Alice's *next* struct: it waits for it.
    evil = 987654
    forged = {"name": "Alice", "color": "#111111", "role": "interviewer"}
    held = update(
        [
            (
                evil,
                0,
                [
                    item2(TYPE, bytes([Y_MAP]), origin=(4242, 0), right=(4242, n)),
                    *run_fields(evil, forged),
                ],
            )
        ]
    )
    send(room, mallory, held)
    assert mallory.rejected is None and len(room.guard.held) == 1
    a.apply_update(real.get_update())
    a.get("source", type=Text).insert(0, "x")
    send(room, alice, ups[-1])
    assert alice.rejected is None
    assert str(real.get("source", type=Text)) == "x"  # Alice's keystroke went in
    ids = [r["id"] for r in real.get("runs", type=Array).to_py()]
    assert ids == ["r0"]  # the run that waited for Alice's struct never did
    assert room.guard.held == []


def test_junk_waiting_for_the_interviewers_next_struct_does_not_get_the_interviewer_closed():
    real, room, alice, mallory, a, ups = setup()
    a.get("runs", type=Array).append(run_map("r0"))
    send(room, alice, ups[-1])
    n = read_state_vector(real.get_state())[4242]
    junk = update([(777001, 0, [item2(ANY, values("junk"), origin=(4242, 0), right=(4242, n))])])
    send(room, mallory, junk)
    assert len(room.guard.held) == 1
    a.apply_update(real.get_update())
    a.get("source", type=Text).insert(0, "x")
    send(room, alice, ups[-1])
    assert alice.rejected is None
    assert [r["id"] for r in real.get("runs", type=Array).to_py()] == ["r0"]


def test_a_value_held_in_the_code_is_checked_when_its_senders_own_update_releases_it():
    real, room, alice, mallory, a, ups = setup()
    a.get("source", type=Text).insert(0, "hello")
    send(room, alice, ups[-1])
    # Mallory alone, with two client ids: an embed (a JSON value) in the code, waiting
    # for a struct of her second client, then a keystroke of that client.
    c, d = 555001, 555002
    held = update([(c, 0, [item2(ANY, values({"evil": 1}), origin=(4242, 0), right=(d, 0))])])
    send(room, mallory, held)
    assert mallory.rejected is None and len(room.guard.held) == 1
    keystroke = update([(d, 0, [item2(STRING, string("z"), parent="source")])])
    send(room, mallory, keystroke)
    assert mallory.rejected is not None and mallory.rejected[0] == 4422
    source = real.get("source", type=Text)
    assert str(source) == "hello" and len(source) == len(str(source).encode())
    # And everyone else can still add values (runs) afterwards.
    a.apply_update(real.get_update())
    a.get("runs", type=Array).append(run_map("r1"))
    send(room, alice, ups[-1])
    assert alice.rejected is None


def test_a_copied_run_id_is_refused_and_the_original_keeps_its_author():
    real, room, alice, mallory, a, ups = setup()
    a.get("runs", type=Array).append(run_map("shared-id"))
    send(room, alice, ups[-1])
    assert real.get("runs", type=Array)[0]["by"]["name"] == "Alice"
    m, sent = client(real, 31337)
    m.get("runs", type=Array).append(run_map("shared-id"))
    send(room, mallory, sent[-1])
    assert mallory.rejected is not None and mallory.rejected[0] == 4422
    assert [r["by"]["name"] for r in real.get("runs", type=Array).to_py()] == ["Alice"]


def test_an_update_inserting_too_many_runs_is_refused():
    real, room, _alice, mallory, _a, _ups = setup()
    m, sent = client(real, 31337)
    forged = {"name": "Interviewer Ada", "color": "#0a0b0c", "role": "interviewer"}
    with m.transaction():
        runs = m.get("runs", type=Array)
        for i in range(MAX_NEW_RUNS + 1):
            runs.append(run_map(f"f{i}", forged))
    send(room, mallory, sent[-1])
    assert mallory.rejected is not None and mallory.rejected[0] == 4422
    assert len(real.get("runs", type=Array)) == 0


def test_the_room_keeps_a_bounded_number_of_runs_and_signs_every_one():
    real, room, _alice, mallory, _a, _ups = setup()
    m, sent = client(real, 31337)
    runs = m.get("runs", type=Array)
    forged = {"name": "Interviewer Ada", "color": "#0a0b0c", "role": "interviewer"}
    inserted = 0
    while inserted < MAX_KEPT_RUNS:
        with m.transaction():
            for _ in range(min(MAX_NEW_RUNS, MAX_KEPT_RUNS - inserted)):
                runs.append(run_map(f"r{inserted}", forged))
                inserted += 1
        send(room, mallory, sent[-1])
        assert mallory.rejected is None
        m.apply_update(real.get_update())  # the signatures
    kept = real.get("runs", type=Array).to_py()
    assert len(kept) == MAX_KEPT_RUNS
    assert all(r["by"]["name"] == "Mallory" for r in kept)
    runs.append(run_map("one-too-many"))
    send(room, mallory, sent[-1])
    assert mallory.rejected is not None and mallory.rejected[0] == 4422
