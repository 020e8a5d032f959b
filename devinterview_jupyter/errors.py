"""Errors that become JSON answers with the right status."""

from __future__ import annotations

from tornado import web


class ApiError(web.HTTPError):
    """An error the client caused or should know about; rendered as JSON."""

    def __init__(
        self, status: int, message: str, reason: str | None = None, *, retry_after: int = 0
    ) -> None:
        super().__init__(status, log_message=message)
        self.message = message
        self.error_reason = reason
        self.retry_after = retry_after  # seconds, sent as Retry-After when not 0


def bad_request(message: str, reason: str = "invalid_request") -> ApiError:
    return ApiError(400, message, reason)


def not_found(message: str) -> ApiError:
    return ApiError(404, message, "not_found")


def conflict(message: str, reason: str = "conflict") -> ApiError:
    return ApiError(409, message, reason)
