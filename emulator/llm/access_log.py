"""One log line per request (method, path, status, ms), a request id header, and the quiet
handling of deliberate stream cuts. Query strings and headers are never logged: they may
carry API keys."""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulator.llm.sse import StreamCut

LOGGER = logging.getLogger("emulator.llm.access")
_CUT_MESSAGE = "ASGI callable returned without completing response."


class AccessLog:
    """Outermost ASGI wrapper."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = {"status": 0, "note": ""}
        request_id = "req_" + secrets.token_hex(16)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except StreamCut:
            # Return without finishing the body: uvicorn closes the connection mid-stream.
            state["note"] = " (stream cut)"
        except BaseException:
            state["note"] = " (exception)"
            raise
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            LOGGER.info(
                "%s %s %s %.1fms%s",
                scope.get("method", "-"),
                scope.get("path", "-"),
                state["status"] or "-",
                elapsed,
                state["note"],
            )


class HideDeliberateCuts(logging.Filter):
    """uvicorn reports the unfinished body of a cut stream as an error: it is on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _CUT_MESSAGE
