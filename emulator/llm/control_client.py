"""The client of the model server's control plane (``/_control``, see README.md here). Every
behaviour is scoped to one API key, so each scenario or test drives only its own key."""

from __future__ import annotations

import uuid
from typing import Any

from emulator.control_client import ControlClient, ControlError

__all__ = ["ControlError", "ModelControl"]


class ModelControl(ControlClient):
    # --- keys ---------------------------------------------------------------------------
    def register_key(self, api_key: str) -> None:
        self._call("POST", "/keys", {"api_key": api_key})

    def new_key(self) -> str:
        """A fresh key, registered: the caller's own, touched by nobody else."""
        key = f"sk-test-{uuid.uuid4().hex}"
        self.register_key(key)
        return key

    def revoke_key(self, api_key: str) -> bool:
        """Unregister the key (its requests then get 401); whether it was registered."""
        return bool(self._call("POST", "/keys/revoke", {"api_key": api_key})["revoked"])

    # --- behaviour of the key's next requests -------------------------------------------
    def fail_next(
        self, api_key: str, status: int, count: int = 1, retry_after: float = 0.2
    ) -> None:
        """The next ``count`` chat or embedding requests fail with ``status`` (401, 429, 500,
        503); a 429 announces ``retry_after`` seconds."""
        body: dict[str, Any] = {"api_key": api_key, "status": status, "count": count}
        if status == 429:
            body["retry_after"] = retry_after
        self._call("POST", "/faults", body)

    def cut_next_stream(self, api_key: str, after_chunks: int, count: int = 1) -> None:
        """The next ``count`` streams stop after ``after_chunks`` content chunks, unfinished."""
        self._call(
            "POST", "/cut", {"api_key": api_key, "after_chunks": after_chunks, "count": count}
        )

    def set_latency(self, api_key: str, ms: int, count: int | None = None) -> None:
        """Every request waits ``ms`` first (for ``count`` requests, or until reset); 0 ends it."""
        self._call("POST", "/latency", {"api_key": api_key, "ms": ms, "count": count})

    def script(
        self,
        api_key: str,
        reply: str | None = None,
        *,
        match: str | None = None,
        tool_calls: list[dict[str, Any]] | None = None,
        count: int | None = None,
    ) -> None:
        """Answer the key's chat requests (those whose last user message is ``match``, or all)
        with ``reply`` or ``tool_calls`` instead of the model."""
        body: dict[str, Any] = {"api_key": api_key, "reply": reply, "match": match}
        if tool_calls is not None:
            body["tool_calls"] = tool_calls
        if count is not None:
            body["count"] = count
        self._call("POST", "/scripts", body)

    def reset(self, api_key: str) -> None:
        """Forget the key's faults, latency, cuts, scripts and request log (it stays registered)."""
        self._call("POST", "/reset", {"api_key": api_key})

    # --- what the server saw --------------------------------------------------------------
    def requests(self, api_key: str) -> list[dict[str, Any]]:
        """The key's requests in order, each attempt of a retry included."""
        found: list[dict[str, Any]] = self._call("GET", "/requests", params={"api_key": api_key})[
            "requests"
        ]
        return found

    def info(self) -> dict[str, Any]:
        """The model, its limits, the accepted names, and where the wrapped llama.cpp answers."""
        found: dict[str, Any] = self._call("GET", "/info")
        return found
