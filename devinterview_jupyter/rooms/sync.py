"""The y-websocket protocol for one room: sync, fan-out of updates and presence.

Everything here runs synchronously on the event loop, in the call that received the
frame: an update is applied, then handed to every other connection's send buffer and to
the store in the same step. No task, queue or lock per message: at 200 interviews the
per-message tasks of pycrdt-websocket's YRoom (one per client per update) were the largest
share of the server's CPU and put ~150 ms on the p99 (docs/performance.md).

What the handler has already done: authentication, origin check, parsing the frame
strictly (``protocol.parse_frame``) and the read-only policy. What is done here, because it
needs the room: every update passes the document guard (``guard.py``) before it is applied,
stored or relayed; presence is owned (a connection only speaks for the awareness ids it
introduced, under the name and role the server knows it by) and rate-limited.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pycrdt import Array, Awareness, Doc, Map, TransactionEvent, create_awareness_message

from ..colors import CANDIDATE_COLOR, fallback_color
from .budget import RoomLimits, TokenBucket
from .guard import CLOSE_MALFORMED, DocumentGuard, Refused
from .kind import INTERVIEW_ROOM, RoomKind
from .protocol import (
    Frame,
    MalformedFrame,
    MessageType,
    SyncType,
    read_awareness,
    sync_frame,
    write_awareness,
)

# The empty update ("no structs, no deletes") some clients send as step 2 of a fresh doc.
_EMPTY_UPDATE = b"\x00\x00"
# One tab announces one id per document; a few more allow for reconnects in flight.
MAX_PRESENCE_PER_CONNECTION = 8
# Copies of recent updates coming back are recognised without the guard's work.
RECENT_UPDATES = 32
RECENT_MAX_BYTES = 4096
# Far above what a browser tab reaches in a day of cursor moves, far below the 2^53 limit
# whose overflow makes a browser's awareness decoder throw.
MAX_PRESENCE_CLOCK = 2**31 - 1
# Awareness ids remembered (with who introduced them) after their connection left.
MAX_REMEMBERED_IDS = 1024


@dataclass(frozen=True)
class Participant:
    """Who a connection is, as the server knows it: this is what others are shown."""

    key: str  # the credential: "user:<name>" or "invite:<id>"
    name: str
    role: str
    color: str = ""  # assigned by the handler (colors.py); empty: derived from the key
    lobby: bool = False  # a candidate whose invite has not entered the interview yet

    @property
    def shown_color(self) -> str:
        """The colour others see: never the one the client claims (colors.py)."""
        if self.color:
            return self.color
        return CANDIDATE_COLOR if self.role == "candidate" else fallback_color(self.key)


@dataclass
class RoomStats:
    presence_foreign: int = 0  # entries for an id another participant owns
    presence_clock: int = 0  # entries with an out-of-range clock
    presence_throttled: int = 0  # awareness messages over the rate
    updates_refused: int = 0
    presence_not_relayed: int = 0  # too large to pass on to other servers


@dataclass(eq=False)
class _Connection:
    who: Participant
    bucket: TokenBucket
    ids: set[int] = field(default_factory=set)  # awareness ids it owns


class Peer(Protocol):
    """One connection in a room, as the room sees it."""

    def deliver(self, message: bytes) -> None:
        """Queue a frame for this connection; never blocks, never raises."""

    def reject(self, code: int, reason: str) -> None:
        """Close this connection because of what it sent."""


class UpdateSink(Protocol):
    def record(self, update: bytes, *, server: bool = False) -> None:
        """Keep one document update (called inside the document's observer);
        ``server``: the server's own write, not a participant's."""


class RoomSync:
    """Serves one document to the connections of one room."""

    def __init__(
        self,
        doc: Doc[Any],
        sink: UpdateSink,
        log: logging.Logger,
        limits: RoomLimits | None = None,
        on_refusal: Callable[[str], None] | None = None,
        kind: RoomKind = INTERVIEW_ROOM,
    ) -> None:
        self.doc = doc
        self.on_refusal = on_refusal
        self.sink = sink
        self.log = log
        self.limits = limits or RoomLimits()
        self.guard = DocumentGuard(
            doc,
            max_document_bytes=self.limits.max_document_bytes,
            max_pending_bytes=self.limits.max_pending_bytes,
            kind=kind,
        )
        self.stats = RoomStats()
        self._recent: dict[bytes, None] = {}  # the last small updates relayed, oldest first
        self.peers: dict[Peer, _Connection] = {}
        self.owners: dict[int, _Connection] = {}  # awareness id -> the live connection
        self.introduced_by: dict[int, str] = {}  # awareness id -> credential, kept after
        # A fresh Awareness gives the server a local state; it is never sent to anyone.
        self.awareness = Awareness(doc)
        self._from: Peer | None = None
        self._from_update = b""
        self._remote = False  # applying another server's rows: already stored
        # Presence arriving from other servers hosting this room: id -> that server.
        self.remote_ids: dict[int, str] = {}
        # Told every change of our own participants' presence (to pass on to other servers).
        self.on_presence: Callable[[bytes], None] | None = None
        self._presence_changes: dict[str, list[int]] | None = None
        self._subscription = doc.observe(self._on_update)
        self._awareness_subscription = self.awareness.observe(self._on_presence)

    def close(self) -> None:
        self.doc.unobserve(self._subscription)
        self.awareness.unobserve(self._awareness_subscription)
        self.peers.clear()

    # -- connections --------------------------------------------------------------------

    def join(self, peer: Peer, who: Participant | None = None) -> None:
        """Start syncing a new connection: our state vector, then who is here."""
        who = who or Participant("anonymous", "Anonymous", "interviewer")
        limits = self.limits
        bucket = TokenBucket(limits.awareness_per_second, limits.awareness_burst)
        self.peers[peer] = _Connection(who, bucket)
        peer.deliver(sync_frame(SyncType.STEP1, self.doc.get_state()))
        present = self._present()
        if present:
            # The newcomer learns who is here without waiting for their next heartbeat.
            peer.deliver(create_awareness_message(self.awareness.encode_awareness_update(present)))

    def leave(self, peer: Peer) -> None:
        """Forget a connection and tell the others its cursors are gone."""
        conn = self.peers.pop(peer, None)
        if conn is None or not conn.ids:
            return
        # A client that reconnected announces the same id on its new connection before
        # the old one is noticed closing: that id is not gone, it has a new owner.
        gone = [cid for cid in conn.ids if self.owners.get(cid) is conn]
        for cid in gone:
            del self.owners[cid]
        gone = [cid for cid in gone if cid in self.awareness.states]
        if gone:
            self.awareness.remove_awareness_states(gone, peer)
            update = self.awareness.encode_awareness_update(gone)
            self._broadcast(create_awareness_message(update), skip=None)
            if self.on_presence is not None:
                self.on_presence(update)

    # -- frames -------------------------------------------------------------------------

    def receive(self, peer: Peer, frame: Frame) -> None:
        if peer not in self.peers:
            return
        if frame.type is MessageType.SYNC:
            if frame.sync_type is SyncType.STEP1:
                try:
                    missing = self.doc.get_update(frame.payload)
                except ValueError:
                    peer.reject(1007, "malformed state vector")
                    return
                peer.deliver(sync_frame(SyncType.STEP2, missing))
            elif frame.payload != _EMPTY_UPDATE:
                self._apply(peer, frame.payload)
        elif frame.type is MessageType.AWARENESS:
            self._awareness(peer, frame)
        elif frame.type is MessageType.QUERY_AWARENESS:
            present = self._present()
            peer.deliver(create_awareness_message(self.awareness.encode_awareness_update(present)))

    def _apply(self, peer: Peer, update: bytes) -> None:
        if update in self._recent:
            # A copy of what the room just relayed (pycrdt clients send back every update
            # they receive): the room has it, nothing to check or apply.
            return
        try:
            ready = self.guard.check(update, self.peers[peer].who.key)
        except Refused as e:
            self.stats.updates_refused += 1
            self.log.info("DevInterview: closing a room connection: %s", e.reason)
            if self.on_refusal is not None and e.code != CLOSE_MALFORMED:
                self.on_refusal(self.peers[peer].who.key)
            peer.reject(e.code, e.reason)
            return
        self._from = peer
        try:
            for checked in ready:
                self._from_update = checked
                self.doc.apply_update(checked)
        finally:
            self._from, self._from_update = None, b""
        if self.guard.new_runs and ready:
            self._sign_runs(self.peers[peer].who)

    def _sign_runs(self, who: Participant) -> None:
        """Write the author of the runs (and test runs) the sender just inserted as the
        server knows the sender: a candidate cannot pass a run off as an interviewer's,
        in the room, the replay or the report. Stored and relayed as a server write."""
        wanted = self.guard.take_new_runs()
        with self.doc.transaction(origin="devinterview-server"):
            for root, index, run_id in wanted:
                run = _run_at(self.doc.get(root, type=Array), index, run_id)
                if run is None:
                    continue
                claimed = run.get("by")
                signed = {"name": who.name, "color": who.shown_color, "role": who.role}
                if claimed != signed:
                    run["by"] = signed

    def apply_remote(self, update: bytes) -> None:
        """Apply a row another server stored (its guard checked it): sent to our
        connections, not stored again."""
        self._remote = True
        try:
            self.doc.apply_update(update)
        finally:
            self._remote = False

    def _on_update(self, event: TransactionEvent) -> None:
        # Inside the document's transaction: pass bytes on, never read the document here.
        update: bytes = event.update
        if update == _EMPTY_UPDATE:
            return
        if self._from is None:
            self.guard.trusted(update)  # the server's own write, or another server's
        # The sender has exactly what it sent; if the change carries more (its update
        # completed one that was waiting for a missing part), the sender needs it too.
        skip = self._from if update == self._from_update else None
        self._broadcast(sync_frame(SyncType.UPDATE, update), skip=skip)
        if not self._remote:
            self.sink.record(update, server=self._from is None)
        if len(update) <= RECENT_MAX_BYTES:
            self._recent[update] = None
            if len(self._recent) > RECENT_UPDATES:
                del self._recent[next(iter(self._recent))]

    def _awareness(self, peer: Peer, frame: Frame) -> None:
        conn = self.peers[peer]
        entries = []
        for entry in frame.presence:
            if entry.size > self.limits.max_awareness_state_bytes:
                # Before any work on it (a frame may be a megabyte).
                peer.reject(1009, "awareness state too large")
                return
            cid, state = entry.client_id, entry.state
            owner = self.owners.get(cid)
            introducer = self.introduced_by.get(cid, conn.who.key)
            if (
                (owner is not None and owner.who.key != conn.who.key)
                or (owner is None and introducer != conn.who.key)
                or cid in self.remote_ids
            ):
                # Someone else's presence: never overwritten, whatever the clock says.
                # (y-websocket clients echo every state they learn: only count attempts.)
                known = self.awareness.meta.get(cid)
                if known is None or entry.clock > known["clock"]:
                    self.stats.presence_foreign += 1
                continue
            if entry.clock > MAX_PRESENCE_CLOCK:
                self.stats.presence_clock += 1
                continue
            stamped = "null" if state is None else self._stamp(state, conn.who)
            if stamped is None:
                peer.reject(1007, "awareness state must be an object")
                return
            entries.append((cid, entry.clock, stamped))
        if not entries:
            return
        if not conn.bucket.take():
            self.stats.presence_throttled += 1
            return
        self._presence_changes = None
        self.awareness.apply_awareness_update(write_awareness(entries), peer)
        changes, self._presence_changes = self._presence_changes, None
        if changes is None:
            # Nothing newer than what everyone has: y-websocket clients send back every
            # remote state they apply, and relaying those would multiply the traffic.
            return
        # A connection owns the ids whose newer state it brought (not states it merely
        # passed on): they are removed for everyone when it leaves.
        for cid in (*changes["added"], *changes["updated"]):
            self.owners[cid] = conn
            conn.ids.add(cid)
            if not self._remember(cid, conn.who.key):
                peer.reject(1008, "too many awareness clients")
                return
        for cid in changes["removed"]:
            conn.ids.discard(cid)
            if self.owners.get(cid) is conn:
                del self.owners[cid]
        if len(conn.ids) > MAX_PRESENCE_PER_CONNECTION:
            peer.reject(1008, "too many awareness clients")
            return
        changed = changes["added"] + changes["updated"] + changes["removed"]
        # Sent to the sender too: y-websocket clients reconnect after 30 s without a
        # message, and in a quiet room their own awareness heartbeat is all there is.
        update = self.awareness.encode_awareness_update(changed)
        self._broadcast(create_awareness_message(update), None)
        if self.on_presence is not None:
            self.on_presence(update)

    # -- presence of other servers' participants ---------------------------------------------

    def apply_remote_presence(self, update: bytes, origin: str) -> None:
        """Presence another server's participants sent (stamped and checked by it).

        An id one of our connections owns stays ours: a participant elsewhere cannot take
        over the cursor of someone here by naming its id first.
        """
        try:
            received = read_awareness(update)
        except MalformedFrame:
            return
        entries = []
        for entry in received:
            cid = entry.client_id
            if cid in self.owners or (
                cid not in self.remote_ids and len(self.remote_ids) >= MAX_REMEMBERED_IDS
            ):
                continue
            self.remote_ids[cid] = origin
            state = "null" if entry.state is None else json.dumps(entry.state)
            entries.append((cid, entry.clock, state))
        if entries:
            self._relay_presence(write_awareness(entries))

    def drop_remote(self, origin: str | None = None, *, older_than_ms: float | None = None) -> None:
        """Forget presence that came from ``origin`` (it stopped hosting the room), or from
        any server when not renewed since ``older_than_ms`` (a server that died)."""
        gone = []
        for cid, source in list(self.remote_ids.items()):
            if origin is not None and source != origin:
                continue
            meta = self.awareness.meta.get(cid)
            if (
                older_than_ms is not None
                and meta is not None
                and meta["lastUpdated"] >= older_than_ms
            ):
                continue
            del self.remote_ids[cid]
            if cid in self.awareness.states:
                gone.append(cid)
        if gone:
            self.awareness.remove_awareness_states(gone, "remote")
            update = self.awareness.encode_awareness_update(gone)
            self._broadcast(create_awareness_message(update), None)

    def local_presence(self) -> bytes | None:
        """Our own participants' presence, for a server that just began hosting the room."""
        mine = [cid for cid in self.owners if cid in self.awareness.states]
        return self.awareness.encode_awareness_update(mine) if mine else None

    def _relay_presence(self, update: bytes) -> None:
        self._presence_changes = None
        self.awareness.apply_awareness_update(update, "remote")
        changes, self._presence_changes = self._presence_changes, None
        if changes is None:
            return
        for cid in changes["removed"]:
            self.remote_ids.pop(cid, None)
        changed = changes["added"] + changes["updated"] + changes["removed"]
        message = create_awareness_message(self.awareness.encode_awareness_update(changed))
        self._broadcast(message, None)

    @staticmethod
    def _stamp(state: Any, who: Participant) -> str | None:
        """The state as others see it: name, colour, role and lobby are the server's, not
        the client's (a claimed colour could copy someone else's, or be unreadable)."""
        if not isinstance(state, dict):
            return None
        color = who.shown_color
        state["user"] = {"name": who.name, "color": color, "role": who.role}
        # "In the lobby" is what the server knows of the invite, not what a page claims: a
        # candidate at work cannot pass for one still reading the lobby, nor the reverse.
        state["lobby"] = who.lobby
        board = state.get("whiteboard")
        if isinstance(board, dict):
            board["userName"] = who.name
            board["color"] = color
        return json.dumps(state, separators=(",", ":"), ensure_ascii=False)

    def _remember(self, cid: int, key: str) -> bool:
        """Note who introduced ``cid``; False if this credential may not add more ids."""
        if cid in self.introduced_by or len(self.introduced_by) < MAX_REMEMBERED_IDS:
            self.introduced_by[cid] = key
            return True
        # Full: make room only among this credential's own ids that nobody holds, so that
        # nobody can push someone else's id out (and then take it).
        for old, introducer in self.introduced_by.items():
            if introducer == key and old not in self.owners:
                del self.introduced_by[old]
                self.introduced_by[cid] = key
                return True
        return False

    def _on_presence(self, topic: str, event: tuple[dict[str, list[int]], Any]) -> None:
        if topic == "update":
            self._presence_changes = event[0]

    def _present(self) -> list[int]:
        own = self.awareness.client_id
        return [cid for cid in self.awareness.states if cid != own]

    def _broadcast(self, message: bytes, skip: Peer | None) -> None:
        for other in list(self.peers):
            if other is not skip:
                other.deliver(message)


def _run_at(runs: Array[Any], index: int, run_id: str) -> Map[Any] | None:
    """The run of that id: where it was inserted, or (moved by a later insert or trim in
    the same step) found among the runs, whose number the guard bounds; ids are unique."""
    count = len(runs)
    if index < count:
        run = runs[index]
        if isinstance(run, Map) and run.get("id") == run_id:
            return run
    for other in range(count):
        run = runs[other]
        if isinstance(run, Map) and run.get("id") == run_id:
            return run
    return None
