"""Checks a participant's update before the room applies, stores or relays it.

A Yjs update cannot be read without the document it applies to, and once applied it
cannot be taken back. So every room keeps a second copy of its document, the trial: an
update is applied there first, the trial's observers check what it changed against
``schema.py``, and only then does the room apply it to the real document. A refused
update leaves the trial spoiled; it is rebuilt from the real document (that costs one
encode and one apply of the document, paid only by a connection that is then closed).
Applying an update is a few microseconds for a keystroke, so the copy costs little time;
it doubles the document's memory.

Also here: the room's size quota, and updates that cannot be integrated yet (they wait for
an update they depend on) are held outside the real document, within a byte budget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from pycrdt import (
    Array,
    ArrayEvent,
    Doc,
    Map,
    MapEvent,
    Text,
    TransactionEvent,
    get_update,
)

from . import schema
from .kind import INTERVIEW_ROOM, RoomKind
from .update_scan import MalformedUpdate, UpdateProblem, check_update, read_state_vector
from .ydoc import (
    META,
    QUESTION,
    RUNS,
    STATE,
    TEST_RUNS,
    TIMER,
    WHITEBOARD,
    InterviewDocument,
)

# Runs one update may insert (a participant inserts one per Run), and runs the document
# keeps (pages keep their latest 50 runs and 20 test runs).
MAX_NEW_RUNS = 64
MAX_KEPT_RUNS = 200
CLOSE_QUOTA = 4413
CLOSE_INVALID = 4422
CLOSE_MALFORMED = 1007


@dataclass(frozen=True)
class Refused(Exception):
    """An update the room will not take, and the close code its sender gets."""

    code: int
    reason: str


class DocumentGuard:
    def __init__(
        self,
        real: Doc[Any],
        *,
        max_document_bytes: int,
        max_pending_bytes: int,
        kind: RoomKind = INTERVIEW_ROOM,
    ) -> None:
        self.real = real
        self.kind = kind
        self.max_document_bytes = max_document_bytes
        self.max_pending_bytes = max_pending_bytes
        # What the room holds, counted as the updates that made it (what the store keeps).
        self.size = len(real.get_update())
        self.held: list[bytes] = []
        # Who sent each held update (a credential's key, in step with ``held``).
        self.held_by: list[str] = []
        self.held_bytes = 0
        self.ignored_bytes = 0
        self.refused = 0
        self._checking = False
        self._problem: str | None = None
        self._trial_update: bytes | None = None
        self._inserted_runs = 0  # runs and test runs the update being checked inserts
        # Set when the trial may hold what was never checked (see ``trusted``).
        self._stale = False
        # Runs and test runs participants inserted (root, index when inserted, id): the
        # room writes their author as the server knows the sender (``take_new_runs``).
        self.new_runs: list[tuple[str, int, str]] = []
        self._trial = self._build()

    def _build(self) -> Doc[Any]:
        trial = InterviewDocument().ydoc
        trial.apply_update(self.real.get_update())
        # The text that must stay plain text: the code, or the notes.
        self._source: Text = trial.get(self.kind.text_root, type=Text)
        # Roots are looked up here: inside an observer the transaction is read-only.
        self._test_runs: Array[Any] = trial.get(TEST_RUNS, type=Array)
        self._runs: Array[Any] = trial.get(RUNS, type=Array)
        # pycrdt drops an observer with its subscription object: keep them with the trial.
        self._subscriptions: list[object] = [
            trial.observe(self._on_trial_update),
            trial.get(WHITEBOARD, type=Array).observe(self._on_whiteboard),
            self._runs.observe_deep(self._on_runs),
            self._test_runs.observe_deep(self._on_test_runs),
            trial.get(QUESTION, type=Map).observe_deep(self._on_question),
        ]
        for name, check in (
            (META, schema.meta_problem),
            (TIMER, schema.timer_problem),
            (STATE, schema.state_problem),
        ):
            self._subscriptions.append(
                trial.get(name, type=Map).observe(self._owned_observer(check))
            )
        return trial

    def _rebuild(self) -> None:
        self.new_runs.clear()
        self.held.clear()
        self.held_by.clear()
        self.held_bytes = 0
        self.ignored_bytes = 0
        self._trial = self._build()

    # -- updates --------------------------------------------------------------------------

    def check(self, update: bytes, sender: str = "") -> list[bytes]:
        """The updates the room may now apply, in order: this one and any it completed
        (empty if it has to wait). Raises Refused for one the room must not take.
        ``sender``: who sent it (a credential's key)."""
        if self.size + self.held_bytes + len(update) > self.max_document_bytes:
            self.refused += 1
            raise Refused(CLOSE_QUOTA, "the interview document is full")
        try:
            scan = check_update(update, self.kind.roots, self.kind.map_roots)
        except MalformedUpdate as e:
            self.refused += 1
            raise Refused(CLOSE_MALFORMED, "malformed update") from e
        except UpdateProblem as e:
            self.refused += 1
            raise Refused(CLOSE_INVALID, str(e)) from e
        if self._stale:
            self._stale = False
            self._rebuild()
        self._problem = None
        self._trial_update = None
        self._inserted_runs = 0
        self._checking = True
        try:
            self._trial.apply_update(update)
        except Exception as e:  # pycrdt raises a bare exception for a broken update
            self._refuse()
            raise Refused(CLOSE_MALFORMED, "malformed update") from e
        finally:
            self._checking = False
        if self._completes_anothers(sender):
            # An update waiting for a part can only wait for its sender's own: one that
            # someone else's update completes was built on a struct its sender could only
            # predict (the other's next one), to have its content checked, signed and
            # blamed as the other's. It is dropped, and this update checked again on a
            # trial without it.
            self._drop_others_held(sender)
            return self.check(update, sender)
        if (scan.places_values or self.held) and self._problem is None:
            # Only an update carrying values can have put one into the code (where an item
            # lands is known only once applied); keystrokes carry characters only.
            self._flag(_code_problem(self._source))
        problem = self._problem
        if problem is None and scan.deletes_up_to:
            # A deletion of what the room does not have would wait inside the trial and
            # later delete, unseen by the checks, whatever is sent under those ids.
            have = read_state_vector(self._trial.get_state())
            if any(end > have.get(c, 0) for c, end in scan.deletes_up_to.items()):
                problem = "it deletes what the interview document does not have"
        if problem is not None:
            self._refuse()
            raise Refused(CLOSE_INVALID, problem)
        if self._trial_update == update and not self.held:
            return self._accept(update)  # the usual case: the change is exactly this update
        # What of it the trial does not have now: structs still missing wait for a part.
        missing = get_update(update, self._trial.get_state())
        complete = missing[:1] == b"\x00"  # no struct groups left
        if self._trial_update is None and complete:
            # It changed nothing: a copy of what the room has (pycrdt clients send back
            # every update they receive), or deletions of what is already deleted.
            self.ignored_bytes += len(update)
            return []
        if complete:
            return self._accept(update)
        # Parts of it wait for an update it depends on: held until that one comes.
        self.held.append(update)
        self.held_by.append(sender)
        self.held_bytes += len(update)
        if self.held_bytes > self.max_pending_bytes:
            self._refuse()
            raise Refused(CLOSE_QUOTA, "too many updates wait for parts that never came")
        return []

    def _accept(self, update: bytes) -> list[bytes]:
        ready: list[bytes] = []
        if self.held:
            # Only those it completed: the others still wait, and still count.
            state = self._trial.get_state()
            waiting: list[bytes] = []
            waiting_by: list[str] = []
            for held, by in zip(self.held, self.held_by, strict=True):
                if get_update(held, state)[:1] == b"\x00":
                    ready.append(held)
                else:
                    waiting.append(held)
                    waiting_by.append(by)
            self.held, self.held_by = waiting, waiting_by
            self.held_bytes = sum(len(held) for held in waiting)
        ready.append(update)
        self.size += sum(len(u) for u in ready)
        return ready

    def trusted(self, update: bytes) -> None:
        """An update the server made itself (or another server stored): the trial follows
        without checking."""
        self._trial.apply_update(update)
        self.size += len(update)
        if self.held:
            # A participant's update can only wait for its own missing parts: whatever it
            # sent it holds, and the server relays nothing it has not applied. One that a
            # server write completed was built on a struct the server had not written yet,
            # i.e. predicted, to slip into the document unchecked. It entered the trial
            # unchecked just now: drop it, and rebuild the trial before the next check
            # (not here: this runs inside the real document's transaction).
            state = self._trial.get_state()
            if any(get_update(held, state)[:1] == b"\x00" for held in self.held):
                self.refused += 1
                self._stale = True
                self.held.clear()
                self.held_by.clear()
                self.held_bytes = 0

    def _completes_anothers(self, sender: str) -> bool:
        others = [held for held, by in zip(self.held, self.held_by, strict=True) if by != sender]
        if not others:
            return False
        state = self._trial.get_state()
        return any(get_update(held, state)[:1] == b"\x00" for held in others)

    def _drop_others_held(self, sender: str) -> None:
        own = [held for held, by in zip(self.held, self.held_by, strict=True) if by == sender]
        self.refused += len(self.held) - len(own)
        self._rebuild()  # the trial holds what was never checked
        for held in own:  # still waiting, as before
            self._trial.apply_update(held)
        self.held = own
        self.held_by = [sender] * len(own)
        self.held_bytes = sum(len(held) for held in own)

    def _refuse(self) -> None:
        self.refused += 1
        self._rebuild()

    # -- what the trial's observers see -----------------------------------------------------

    def _flag(self, problem: str | None) -> None:
        if problem is not None and self._problem is None:
            self._problem = problem

    def _on_trial_update(self, event: TransactionEvent) -> None:
        self._trial_update = event.update

    def _owned_observer(self, check: Callable[[str, Any], str | None]) -> Callable[[Any], None]:
        # (A plain function of one argument: pycrdt passes more to callables taking more.)
        return lambda event: self._on_owned(event, check)

    def _on_owned(self, event: Any, check: Callable[[str, Any], str | None]) -> None:
        if not self._checking:
            return
        for key, change in event.keys.items():
            if change["action"] == "delete":
                continue  # the server writes its values back
            self._flag(check(key, change["newValue"]))

    def _on_whiteboard(self, event: Any) -> None:
        if not self._checking:
            return
        for op in event.delta:
            for entry in op.get("insert", ()):
                self._flag(schema.whiteboard_entry_problem(entry))

    def _on_runs(self, events: list[Any]) -> None:
        if not self._checking:
            return
        # pycrdt's event classes do not declare their attributes to type checkers.
        event: Any
        for event in events:
            path = event.path
            if not path:  # the list of runs
                for index, run in _inserted(event.delta):
                    self._flag(schema.run_problem(run))
                    self._note_new_run(RUNS, self._runs, index, run)
            elif len(path) == 1 and isinstance(event, MapEvent):  # fields of one run
                for key, change in cast(Any, event).keys.items():
                    if change["action"] == "delete":
                        self._flag(f"run fields are not removed ({key!r})")
                    elif key == "by":
                        self._flag("a run's author is written by the server")
                    else:
                        self._flag(schema.run_value_problem(key, change["newValue"]))
            elif path[1:] == ["output"] and isinstance(event, ArrayEvent):
                for op in cast(Any, event).delta:
                    for chunk in op.get("insert", ()):
                        self._flag(schema.chunk_problem(chunk))
            else:
                self._flag("runs hold no other shared types")

    def _on_test_runs(self, events: list[Any]) -> None:
        if not self._checking:
            return
        runs = self._test_runs
        event: Any
        for event in events:
            path = event.path
            if not path:  # the list of test runs
                for index, run in _inserted(event.delta):
                    self._flag(schema.test_run_problem(run))
                    self._note_new_run(TEST_RUNS, runs, index, run)
            elif len(path) == 1 and isinstance(event, MapEvent):  # fields of one test run
                for key, change in cast(Any, event).keys.items():
                    if change["action"] == "delete":
                        self._flag(f"test run fields are not removed ({key!r})")
                    elif key == "by":
                        self._flag("a test run's author is written by the server")
                    else:
                        self._flag(schema.test_run_value_problem(key, change["newValue"]))
                self._flag(schema.results_beyond_total(cast(Any, event).target))
            elif path[1:] == ["results"] and isinstance(event, ArrayEvent):
                for op in cast(Any, event).delta:
                    if "delete" in op:
                        self._flag("test results are not removed")
                    for case in op.get("insert", ()):
                        self._flag(schema.case_problem(case))
                self._flag(schema.results_beyond_total(runs[path[0]]))
            else:
                self._flag("test runs hold no other shared types")

    def _note_new_run(self, root: str, runs: Array[Any], index: int, run: Any) -> None:
        self._inserted_runs += 1
        if self._inserted_runs > MAX_NEW_RUNS:
            self._flag(f"more than {MAX_NEW_RUNS} runs at once")
            return
        if len(runs) > MAX_KEPT_RUNS:
            # Pages keep their latest 50; the cap keeps every scan of the list short.
            self._flag(f"more than {MAX_KEPT_RUNS} runs in the interview")
            return
        run_id = run.get("id") if isinstance(run, Map) else None
        if not isinstance(run_id, str):
            return  # the run's own check has flagged it
        for other in range(len(runs)):
            if other != index and _id_of(runs[other]) == run_id:
                # An author is written to the run of that id: a copy of someone else's
                # id would get theirs rewritten.
                self._flag("a run with this id exists")
                return
        self.new_runs.append((root, index, run_id))
        # Ids of runs that never reached the document (held for good) must not pile up.
        del self.new_runs[:-MAX_NEW_RUNS]

    def take_new_runs(self) -> list[tuple[str, int, str]]:
        """The runs inserted since the last call (see ``new_runs``)."""
        taken, self.new_runs = self.new_runs, []
        return taken

    def _on_question(self, _events: Any) -> None:
        # The question is what the server chose to show: the prompt, the revealed parts,
        # the visible tests. Nobody else writes it (a candidate could otherwise show the
        # interviewer a different problem).
        if self._checking:
            self._flag("the question is written by the server only")


def _code_problem(source: Text) -> str | None:
    # The text's length counts every item in it (UTF-8 bytes for characters, one for each
    # value or shared type); its string holds the characters only. (Formatting and embeds
    # never get this far: the scan refuses them.)
    if len(source) != len(str(source).encode("utf-8")):
        return "the code is plain text"
    return None


def _inserted(delta: Any) -> list[tuple[int, Any]]:
    """(index, value) of what a list event inserted, indices in the list after it."""
    found: list[tuple[int, Any]] = []
    position = 0
    for op in delta:
        if "retain" in op:
            position += int(op["retain"])
        for value in op.get("insert", ()):
            found.append((position, value))
            position += 1
    return found


def _id_of(run: Any) -> Any:
    return run.get("id") if isinstance(run, Map) else None
