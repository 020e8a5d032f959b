"""Log calls below what any handler writes build no records (docs/performance.md, "Made faster"),
and nothing that would be written is lost."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from devinterview_jupyter.logs import drop_unwritten_levels, emitted_level


@pytest.fixture
def loggers() -> Iterator[tuple[logging.Logger, logging.Logger]]:
    parent = logging.getLogger("devinterview-test-parent")
    child = parent.getChild("child")
    yield parent, child
    for log in (parent, child):
        log.handlers.clear()
        log.setLevel(logging.NOTSET)
        log.propagate = True


def test_emitted_level_is_the_lowest_handler_level_up_the_propagation_chain(loggers):
    parent, child = loggers
    parent.propagate = False
    parent.addHandler(_handler(logging.WARNING))
    assert emitted_level(child) == logging.WARNING
    child.addHandler(_handler(logging.INFO))
    assert emitted_level(child) == logging.INFO
    child.propagate = False
    child.handlers[0].setLevel(logging.ERROR)
    assert emitted_level(child) == logging.ERROR  # the parent's WARNING is not reached


def test_without_handlers_python_falls_back_to_its_last_resort(loggers):
    parent, child = loggers
    parent.propagate = False
    assert emitted_level(child) == logging.WARNING


def test_a_handler_without_a_level_keeps_debug(loggers):
    parent, _ = loggers
    parent.propagate = False
    parent.addHandler(_handler(logging.INFO))
    parent.addHandler(_handler(logging.NOTSET))
    parent.setLevel(logging.CRITICAL)
    drop_unwritten_levels(parent)
    assert parent.level == logging.DEBUG


def _handler(level: int) -> logging.Handler:
    handler = logging.NullHandler()
    handler.setLevel(level)
    return handler


class _Records(logging.Filter):
    """Sees every record the logger builds, before any handler decides to drop it."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        self.records.append(record)
        return True


async def test_a_successful_request_builds_no_debug_record(api: Any, devinterview_app: Any):
    records = _Records()
    devinterview_app.log.addFilter(records)
    try:
        assert (await api("GET", "sessions")).status == 200
        assert (await api("GET", "sessions/not-a-uuid")).status in (400, 404)
    finally:
        devinterview_app.log.removeFilter(records)
    levels = [r.levelno for r in records.records]
    assert logging.DEBUG not in levels
    # A failed request is still logged, through the same logger.
    assert any(
        r.levelno == logging.WARNING and "sessions/not-a-uuid" in r.getMessage()
        for r in records.records
    ), levels


async def test_with_log_level_debug_the_request_line_is_written(api: Any, devinterview_app: Any):
    records = _Records()
    saved = devinterview_app.log_level
    devinterview_app.log_level = logging.DEBUG
    devinterview_app.log.addFilter(records)
    try:
        assert (await api("GET", "sessions")).status == 200
    finally:
        devinterview_app.log.removeFilter(records)
        devinterview_app.log_level = saved
    lines = [r.getMessage() for r in records.records if r.levelno == logging.DEBUG]
    assert any(
        line.startswith("200 GET ") and "/devinterview/api/sessions " in line for line in lines
    ), lines
    # And back at the default level, debug records stop again.
    assert not devinterview_app.log.isEnabledFor(logging.DEBUG)
    assert devinterview_app.log.isEnabledFor(logging.INFO)


async def test_a_debug_handler_from_logging_config_gets_debug_records(devinterview_app: Any):
    # log_level stays INFO for the console; a file (here a NullHandler) asks for DEBUG.
    assert not devinterview_app.log.isEnabledFor(logging.DEBUG)
    devinterview_app.logging_config = {
        "handlers": {"extra": {"class": "logging.NullHandler", "level": "DEBUG"}},
        "loggers": {"DevInterviewApp": {"handlers": ["console", "extra"]}},
    }
    try:
        assert devinterview_app.log.isEnabledFor(logging.DEBUG)
    finally:
        devinterview_app.logging_config = {}
    assert not devinterview_app.log.isEnabledFor(logging.DEBUG)
