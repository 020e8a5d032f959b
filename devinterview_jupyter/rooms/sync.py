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

from pycrdt import Awareness, Doc, TransactionEvent

from .protocol import Frame, MessageType, SyncType, awareness_frame, sync_frame

# The empty update ("no structs, no deletes") some clients send as step 2 of a fresh doc.
_EMPTY_UPDATE = b"\x00\x00"


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
        self._subscription = doc.observe(self._on_update)

    def close(self) -> None:
        self.doc.unobserve(self._subscription)
        self.peers.clear()

    # -- connections --------------------------------------------------------------------

    def join(self, peer: Peer) -> None:
        """Start syncing a new connection: our state vector, then who is here."""
        self.peers[peer] = set()
        peer.deliver(sync_frame(SyncType.STEP1, self.doc.get_state()))
        present = self._present()
        if present:
            # The newcomer learns who is here without waiting for their next heartbeat.
            peer.deliver(awareness_frame(self.awareness.encode_awareness_update(present)))

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
            message = awareness_frame(self.awareness.encode_awareness_update(gone))
            self._broadcast(message, skip=None)

    # -- frames -------------------------------------------------------------------------

    def receive(self, peer: Peer, frame: Frame, raw: bytes) -> None:
        if peer not in self.peers:
            return
        if frame.type is MessageType.SYNC:
            if frame.sync_type is SyncType.STEP1:
                peer.deliver(sync_frame(SyncType.STEP2, self.doc.get_update(frame.payload)))
            elif frame.payload != _EMPTY_UPDATE:
                self._apply(peer, frame.payload)
        elif frame.type is MessageType.AWARENESS:
            self._awareness(peer, frame, raw)
        elif frame.type is MessageType.QUERY_AWARENESS:
            present = self._present()
            peer.deliver(awareness_frame(self.awareness.encode_awareness_update(present)))

    def _apply(self, peer: Peer, update: bytes) -> None:
        self._from = peer
        try:
            self.doc.apply_update(update)
        except Exception as e:  # pycrdt raises a bare exception for a broken update
            self.log.info("DevInterview: closing a room connection: %s", e)
            peer.reject(1007, "malformed update")
        finally:
            self._from = None

    def _on_update(self, event: TransactionEvent) -> None:
        # Inside the document's transaction: pass bytes on, never read the document here.
        update: bytes = event.update
        if update == _EMPTY_UPDATE:
            return
        self._broadcast(sync_frame(SyncType.UPDATE, update), skip=self._from)
        self.sink.record(update)

    def _awareness(self, peer: Peer, frame: Frame, raw: bytes) -> None:
        self.awareness.apply_awareness_update(frame.payload, peer)
        controlled = self.peers[peer]
        # The ids a connection announces are its own: they are removed when it leaves.
        for client_id, removed in frame.presence:
            if removed:
                controlled.discard(client_id)
            else:
                controlled.add(client_id)
        # Echoed to the sender too: y-websocket clients reconnect after 30 s without a
        # message, and in a quiet room their own awareness heartbeat is all there is.
        self._broadcast(raw, skip=None)

    def _present(self) -> list[int]:
        own = self.awareness.client_id
        return [cid for cid in self.awareness.states if cid != own]

    def _broadcast(self, message: bytes, skip: Peer | None) -> None:
        for other in list(self.peers):
            if other is not skip:
                other.deliver(message)
