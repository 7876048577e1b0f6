"""HoneyHive's error shape, `{"message": ..., "errorCode": ...}`, with its HTTP status codes.

Routes and the store raise these typed errors; the app turns them into responses. Anything else
that escapes a route is an emulator bug and becomes a 500, never a 4xx.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status = 500
    code = "INTERNAL_ERROR"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.headers: dict[str, str] = {}
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code

    def body(self) -> dict[str, Any]:
        return error_body(self.message, self.code)


class BadRequest(ApiError):
    status = 400
    code = "INVALID_REQUEST"


class Unauthorized(ApiError):
    status = 401
    code = "UNAUTHORIZED"


class Forbidden(ApiError):
    status = 403
    code = "FORBIDDEN"


class NotFound(ApiError):
    status = 404
    code = "NOT_FOUND"


class Conflict(ApiError):
    status = 409
    code = "CONFLICT"


class PayloadTooLarge(ApiError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(ApiError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class InjectedFault(ApiError):
    """A status fault the control plane set for the caller's project."""

    code = "INJECTED_FAULT"

    def __init__(self, status: int, retry_after: int | None = None) -> None:
        super().__init__(f"injected fault: HTTP {status}", status=status)
        if retry_after is not None:
            self.headers["retry-after"] = str(retry_after)


class ConnectionDropped(Exception):
    """A reset fault dropped the connection: there is no one left to answer."""


def error_body(message: str, code: str) -> dict[str, Any]:
    return {"message": message, "errorCode": code}
