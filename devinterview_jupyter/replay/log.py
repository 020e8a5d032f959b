"""One Yjs log held in memory, and the document as it was after any of its rows.

Rebuilding step N from the first row costs the whole log again at every scrub (the naive
replay, hundreds of milliseconds for an hour of typing). The log keeps checkpoints instead:
the encoded state every so many rows (or bytes of rows), so step N is the nearest
checkpoint at or before it plus the rows after it, applied to a fresh document. A cursor
remembers the document of the last step asked for, so playing forward applies only the
rows in between.

A checkpoint is the whole document, and a document can weigh far more than the rows that
made it grow (a character typed at the start of the code adds one item and every later
state carries it): checkpoints every 256 rows of such a log held 116 times the log. So a
checkpoint also waits until the rows since the last one weigh a quarter of it; all of them
together then weigh at most four times the log, plus the last one (docs/replay.md).

Not thread-safe: a log is used by one replay thread at a time (``worker.py``).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pycrdt import Doc

# A checkpoint every this many rows, or sooner once the rows since the last one reach
# CHECKPOINT_BYTES (whiteboard strokes rewrite a whole record per update: a few hundred of
# them weigh more than thousands of keystrokes). docs/replay.md and docs/performance.md
# have the measurements behind these numbers.
CHECKPOINT_ROWS = 256
CHECKPOINT_BYTES = 256 * 1024
# ... and in either case not before the rows since the last checkpoint weigh 1/SHARE of
# it: each checkpoint is then at most SHARE times the rows between it and the next, and
# all of them at most SHARE times the log plus the last one. Scrubbing such a log costs
# more rows to apply after a checkpoint; memory held per byte a candidate sends is bounded.
CHECKPOINT_SHARE = 4
# What a document held in memory (the end and the cursor) costs per byte of its encoded
# state. Measured with pycrdt 0.14: about 1 for code typed at its end, 5.7 for the
# benchmark's hour, 15 for characters typed at the start, 20 for a map of many keys. The
# cache's budget is meant to hold whatever a candidate sends: the worst case, nearly.
DOC_MEMORY_FACTOR = 16
# A row in memory besides its bytes: the bytes object's header, the id and time objects,
# three list slots.
ROW_OVERHEAD = 33 + 28 + 24 + 3 * 8


@dataclass(frozen=True)
class Row:
    id: int
    time_ms: float  # epoch milliseconds (server clock, at commit)
    data: bytes
    server: bool = False  # the server's own write (meta, timer, question, run authors)


def apply(doc: Doc[Any], update: bytes) -> bool:
    """Apply a stored row; one that cannot be applied changes nothing (False). The live
    room could not use it either: it refused it, or stored it before the rules existed."""
    try:
        doc.apply_update(update)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # decoding errors, and pyo3's panics (not Exceptions)
        return False
    return True


class DocLog:
    """The rows of a log in order, with checkpoints; ``doc_at(i)``: the document after
    row ``i``."""

    def __init__(
        self,
        *,
        every_rows: int = CHECKPOINT_ROWS,
        every_bytes: int = CHECKPOINT_BYTES,
    ) -> None:
        self.every_rows = every_rows
        self.every_bytes = every_bytes
        self.ids: list[int] = []
        self.times: list[float] = []
        self.updates: list[bytes] = []
        # (row index whose state it is, encoded state), by index
        self.checkpoint_at: list[int] = []
        self.checkpoint_state: list[bytes] = []
        # The document after the last row: new rows are applied to it, not rebuilt.
        self.end: Doc[Any] = Doc()
        self._rows_since = 0
        self._bytes_since = 0
        self._row_bytes = 0
        self._checkpoint_bytes = 0
        self._last_state = 0  # bytes of the last checkpoint
        self._cursor: tuple[int, Doc[Any]] | None = None
        self.broken = 0  # rows that could not be applied (steps that change nothing)

    def __len__(self) -> int:
        return len(self.updates)

    @property
    def first_id(self) -> int:
        return self.ids[0] if self.ids else 0

    @property
    def last_id(self) -> int:
        return self.ids[-1] if self.ids else 0

    @property
    def row_bytes(self) -> int:
        """The bytes of the rows, as stored."""
        return self._row_bytes

    @property
    def checkpoint_bytes(self) -> int:
        """The bytes of all checkpoints: at most ``CHECKPOINT_SHARE * row_bytes`` plus the
        last checkpoint."""
        return self._checkpoint_bytes

    @property
    def nbytes(self) -> int:
        """Roughly what the log holds in memory: rows, checkpoints, and the end document
        and the cursor (their state estimated as the last checkpoint and the rows since,
        without encoding the document again)."""
        state = self._last_state + self._bytes_since
        return (
            self._row_bytes
            + ROW_OVERHEAD * len(self.updates)
            + self._checkpoint_bytes
            + 100 * len(self.checkpoint_at)
            + 2 * DOC_MEMORY_FACTOR * state
        )

    def extend(
        self, rows: Iterable[Row], after_row: Callable[[int, bool], None] | None = None
    ) -> None:
        """Append rows in log order, applying each to the end document; ``after_row(i,
        server)`` is called once row ``i`` is applied (markers watch the end document)."""
        for row in rows:
            if not apply(self.end, row.data):
                self.broken += 1
            index = len(self.updates)
            self.ids.append(row.id)
            self.times.append(row.time_ms)
            self.updates.append(row.data)
            self._row_bytes += len(row.data)
            self._rows_since += 1
            self._bytes_since += len(row.data)
            if after_row is not None:
                after_row(index, row.server)
            due = self._rows_since >= self.every_rows or self._bytes_since >= self.every_bytes
            if due and self._bytes_since * CHECKPOINT_SHARE >= self._last_state:
                self._checkpoint(index)

    def _checkpoint(self, index: int) -> None:
        state = self.end.get_update()
        self.checkpoint_at.append(index)
        self.checkpoint_state.append(state)
        self._checkpoint_bytes += len(state)
        self._last_state = len(state)
        self._rows_since = 0
        self._bytes_since = 0

    def doc_at(self, index: int) -> Doc[Any]:
        """The document right after row ``index`` (0-based). The document returned is
        the log's cursor: read it before the next call."""
        if not 0 <= index < len(self.updates):
            raise IndexError(index)
        # The nearest checkpoint at or before the row (-1: none, start from nothing).
        k = bisect.bisect_right(self.checkpoint_at, index) - 1
        base = self.checkpoint_at[k] if k >= 0 else -1
        cursor = self._cursor
        if cursor is not None and base <= cursor[0] <= index:
            position, doc = cursor
        else:
            doc = Doc()
            position = base
            if k >= 0:
                doc.apply_update(self.checkpoint_state[k])
        for i in range(position + 1, index + 1):
            apply(doc, self.updates[i])
        self._cursor = (index, doc)
        return doc

    def doc_at_naive(self, index: int) -> Doc[Any]:
        """The same document rebuilt from the first row (the baseline, and the tests'
        reference)."""
        doc: Doc[Any] = Doc()
        for i in range(index + 1):
            apply(doc, self.updates[i])
        return doc

    def index_at_time(self, time_ms: float) -> int:
        """The last row stored at or before ``time_ms`` (-1: none)."""
        return bisect.bisect_right(self.times, time_ms) - 1
