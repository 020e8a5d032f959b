"""The y-websocket protocol for one room: sync, fan-out of updates and presence.

Everything here runs synchronously on the event loop, in the call that received the
frame: an update is applied, then handed to every other connection's send buffer and to
the store in the same step. No task, queue or lock per message: at 200 interviews the
per-message tasks of pycrdt-websocket's YRoom (one per client per update) were the largest
share of the server's CPU and put ~150 ms on the p99 (docs/performance.md).

What the handler has already done: authentication, origin check, parsing the frame
strictly (``protocol.parse_frame``) and the read-only policy.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from pycrdt import Awareness, Doc, TransactionEvent, create_awareness_message

from .protocol import Frame, MessageType, SyncType, sync_frame

# The empty update ("no structs, no deletes") some clients send as step 2 of a fresh doc.
_EMPTY_UPDATE = b"\x00\x00"
# One tab announces one id per document; a few more allow for reconnects in flight.
MAX_PRESENCE_PER_CONNECTION = 8


class Peer(Protocol):
    """One connection in a room, as the room sees it."""

    def deliver(self, message: bytes) -> None:
        """Queue a frame for this connection; never blocks, never raises."""

    def reject(self, code: int, reason: str) -> None:
        """Close this connection because of what it sent."""


class UpdateSink(Protocol):
    def record(self, update: bytes) -> None:
        """Keep one document update (called inside the document's observer)."""


class RoomSync:
    """Serves one document to the connections of one room."""

    def __init__(self, doc: Doc[Any], sink: UpdateSink, log: logging.Logger) -> None:
        self.doc = doc
        self.sink = sink
        self.log = log
        self.peers: dict[Peer, set[int]] = {}  # connection -> awareness ids it controls
        # A fresh Awareness gives the server a local state; it is never sent to anyone.
        self.awareness = Awareness(doc)
        self._from: Peer | None = None
        self._from_update = b""
        self._presence_changes: dict[str, list[int]] | None = None
        self._subscription = doc.observe(self._on_update)
        self._awareness_subscription = self.awareness.observe(self._on_presence)

    def close(self) -> None:
        self.doc.unobserve(self._subscription)
        self.awareness.unobserve(self._awareness_subscription)
        self.peers.clear()

    # -- connections --------------------------------------------------------------------

    def join(self, peer: Peer) -> None:
        """Start syncing a new connection: our state vector, then who is here."""
        self.peers[peer] = set()
        peer.deliver(sync_frame(SyncType.STEP1, self.doc.get_state()))
        present = self._present()
        if present:
            # The newcomer learns who is here without waiting for their next heartbeat.
            peer.deliver(create_awareness_message(self.awareness.encode_awareness_update(present)))

    def leave(self, peer: Peer) -> None:
        """Forget a connection and tell the others its cursors are gone."""
        controlled = self.peers.pop(peer, None)
        if not controlled:
            return
        # A client that reconnected announces the same id on its new connection before
        # the old one is noticed closing: that id is not gone.
        still = set().union(*self.peers.values())
        gone = [cid for cid in controlled if cid in self.awareness.states and cid not in still]
        if gone:
            self.awareness.remove_awareness_states(gone, peer)
            message = create_awareness_message(self.awareness.encode_awareness_update(gone))
            self._broadcast(message, skip=None)

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
        self._from, self._from_update = peer, update
        try:
            self.doc.apply_update(update)
        except Exception as e:  # pycrdt raises a bare exception for a broken update
            self.log.info("DevInterview: closing a room connection: %s", e)
            peer.reject(1007, "malformed update")
        finally:
            self._from, self._from_update = None, b""

    def _on_update(self, event: TransactionEvent) -> None:
        # Inside the document's transaction: pass bytes on, never read the document here.
        update: bytes = event.update
        if update == _EMPTY_UPDATE:
            return
        # The sender has exactly what it sent; if the change carries more (its update
        # completed one that was waiting for a missing part), the sender needs it too.
        skip = self._from if update == self._from_update else None
        self._broadcast(sync_frame(SyncType.UPDATE, update), skip=skip)
        self.sink.record(update)

    def _awareness(self, peer: Peer, frame: Frame) -> None:
        self._presence_changes = None
        self.awareness.apply_awareness_update(frame.payload, peer)
        changes, self._presence_changes = self._presence_changes, None
        if changes is None:
            # Nothing newer than what everyone has: y-websocket clients send back every
            # remote state they apply, and relaying those would multiply the traffic.
            return
        controlled = self.peers[peer]
        # A connection owns the ids whose newer state it brought (not states it merely
        # passed on): they are removed for everyone when it leaves.
        controlled.update(changes["added"], changes["updated"])
        controlled.difference_update(changes["removed"])
        if len(controlled) > MAX_PRESENCE_PER_CONNECTION:
            peer.reject(1008, "too many awareness clients")
            return
        changed = changes["added"] + changes["updated"] + changes["removed"]
        # Sent to the sender too: y-websocket clients reconnect after 30 s without a
        # message, and in a quiet room their own awareness heartbeat is all there is.
        self._broadcast(
            create_awareness_message(self.awareness.encode_awareness_update(changed)), None
        )

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
