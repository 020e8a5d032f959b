"""Every log record built anywhere in the process, for tests about what gets logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class AllRecords:
    """Every LogRecord any logger builds, whatever handlers would then do with it."""

    def __init__(self) -> None:
        self.records: list[logging.LogRecord] = []
        self._formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def lines(self, level: int = logging.NOTSET) -> list[str]:
        # The message with its arguments, and any traceback, as a handler would write it.
        return [self._formatter.format(r) for r in self.records if r.levelno >= level]

    def leaking(self, *secrets: str) -> list[str]:
        return [line for line in self.lines() if any(s in line for s in secrets)]

    def clear(self) -> None:
        self.records.clear()


@contextmanager
def all_records() -> Iterator[AllRecords]:
    """Open every logger to DEBUG and record every LogRecord built meanwhile."""
    captured = AllRecords()
    make_record = logging.Logger.makeRecord

    def capture(self: logging.Logger, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(self, *args, **kwargs)
        captured.records.append(record)
        return record

    loggers = [logging.getLogger()] + [
        log for log in logging.Logger.manager.loggerDict.values() if isinstance(log, logging.Logger)
    ]
    levels = [(log, log.level) for log in loggers]
    disabled = logging.root.manager.disable
    logging.disable(logging.NOTSET)
    for log in loggers:
        log.setLevel(logging.DEBUG)
    logging.Logger.makeRecord = capture  # type: ignore[method-assign]
    try:
        yield captured
    finally:
        logging.Logger.makeRecord = make_record  # type: ignore[method-assign]
        for log, level in levels:
            log.setLevel(level)
        logging.disable(disabled)
