"""The interview document as a jupyter_ydoc document type.

Registered under the ``jupyter_ydoc`` entry-point group (as ``devinterview``), like
JupyterLab's own file and notebook types, so Jupyter tooling that looks documents up by
type finds ours. The room, its policy and its store all make their documents here; the
rules each root must follow are in ``schema.py``.

One Y.Doc per session:
- ``source``: Y.Text, the code (the name @jupyter/ydoc's YFile uses, so JupyterLab's
  editor binding works unchanged);
- ``meta``: Y.Map, ``language`` and ``status`` (owned by the server);
- ``timer``: Y.Map, the shared timer (owned by the server);
- ``whiteboard``: Y.Array of ``{key, val}`` tldraw records (a y-utility YKeyValue);
- ``runs``: Y.Array of Y.Map runs, each with an ``output`` Y.Array;
- ``question``: Y.Map, the question as the candidate may see it (written by the server
  only: prompt, revealed parts, starter code, visible tests);
- ``testRuns``: Y.Array of Y.Map test runs, the results of the visible tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jupyter_ydoc.ybasedoc import YBaseDoc
from pycrdt import Array, Awareness, Doc, Map, Text

SOURCE = "source"
META = "meta"
TIMER = "timer"
WHITEBOARD = "whiteboard"
RUNS = "runs"
QUESTION = "question"
TEST_RUNS = "testRuns"
# jupyter_ydoc's own map on every document (dirty, path, hash); unused by interviews.
STATE = "state"
ROOTS = frozenset((SOURCE, META, TIMER, WHITEBOARD, RUNS, STATE, QUESTION, TEST_RUNS))
MAP_ROOTS = frozenset((META, TIMER, STATE, QUESTION))


class InterviewDocument(YBaseDoc):
    """One interview: the code, the server-owned meta, timer and question, the board, the
    runs and the test runs."""

    def __init__(self, ydoc: Doc[Any] | None = None, awareness: Awareness | None = None):
        super().__init__(ydoc, awareness)
        self._source: Text = self._ydoc.get(SOURCE, type=Text)
        self._meta: Map[Any] = self._ydoc.get(META, type=Map)
        self._timer: Map[Any] = self._ydoc.get(TIMER, type=Map)
        self._whiteboard: Array[Any] = self._ydoc.get(WHITEBOARD, type=Array)
        self._runs: Array[Any] = self._ydoc.get(RUNS, type=Array)
        self._question: Map[Any] = self._ydoc.get(QUESTION, type=Map)
        self._test_runs: Array[Any] = self._ydoc.get(TEST_RUNS, type=Array)

    @property
    def version(self) -> str:
        return "1.0.0"

    @property
    def text(self) -> Text:
        return self._source

    @property
    def meta(self) -> Map[Any]:
        return self._meta

    @property
    def timer(self) -> Map[Any]:
        return self._timer

    @property
    def whiteboard(self) -> Array[Any]:
        return self._whiteboard

    @property
    def runs(self) -> Array[Any]:
        return self._runs

    @property
    def question(self) -> Map[Any]:
        return self._question

    @property
    def test_runs(self) -> Array[Any]:
        return self._test_runs

    def get(self) -> dict[str, Any]:
        """The whole document as plain JSON (a review copy)."""
        return {
            SOURCE: str(self._source),
            META: self._meta.to_py() or {},
            TIMER: self._timer.to_py() or {},
            WHITEBOARD: self._whiteboard.to_py() or [],
            RUNS: self._runs.to_py() or [],
            QUESTION: self._question.to_py() or {},
            TEST_RUNS: self._test_runs.to_py() or [],
        }

    def set(self, value: Any) -> None:
        """Replace the code (the only part a client may set wholesale)."""
        with self._ydoc.transaction():
            self._source.clear()
            self._source.insert(0, str(value))

    def observe(self, callback: Callable[[str, Any], None]) -> None:
        self.unobserve()
        self._subscriptions[self._source] = self._source.observe(
            lambda event: callback("source", event)
        )
        shared: Map[Any] | Array[Any]
        for name, shared in (
            (META, self._meta),
            (TIMER, self._timer),
            (WHITEBOARD, self._whiteboard),
            (RUNS, self._runs),
            (QUESTION, self._question),
            (TEST_RUNS, self._test_runs),
        ):
            self._subscriptions[shared] = shared.observe_deep(_forward(callback, name))


def _forward(callback: Callable[[str, Any], None], name: str) -> Callable[[Any], None]:
    return lambda events: callback(name, events)
