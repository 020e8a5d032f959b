"""Keeping log calls that no handler would emit from building records."""

from __future__ import annotations

import logging


def emitted_level(log: logging.Logger) -> int:
    """The lowest level that some handler reached from ``log`` would write."""
    levels: list[int] = []
    current: logging.Logger | None = log
    while current is not None:
        levels.extend(handler.level for handler in current.handlers)
        if not current.propagate:
            break
        current = current.parent
    if not levels:
        last = logging.lastResort
        return last.level if last is not None else logging.WARNING
    return min(levels)


def drop_unwritten_levels(log: logging.Logger) -> None:
    """Raise ``log``'s own level to what its handlers write.

    traitlets sets an application's logger to DEBUG and filters by ``log_level`` at the
    handler, so every ``log.debug`` builds a LogRecord that is then thrown away. Jupyter
    logs each successful request at debug level: that record was 5-6 % of a session
    list's CPU (docs/performance.md, "Made faster"). A level of 0 (NOTSET) on a handler means
    it writes everything; the logger is then left at DEBUG as before.
    """
    log.setLevel(max(emitted_level(log), logging.DEBUG))
