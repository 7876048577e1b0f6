"""What the emulators' control-plane clients share: the ``x-control-token`` header, JSON in and
out, and ``ControlError`` for any answer >= 400. Only for the emulators, never for real services.
"""

from __future__ import annotations

from typing import Any

import httpx


class ControlError(RuntimeError):
    """A control route answered >= 400 (the message holds its status and body)."""


class ControlClient:
    """Calls ``<url>/_control<path>`` with the token. Each call opens its own connection, so an
    emulator that restarted on the same port is reached afresh; no TLS context is built (the
    control planes are plain HTTP on loopback, and building one costs 20-100 ms a call)."""

    def __init__(self, url: str, token: str, *, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self._headers = {"x-control-token": token}
        self._timeout = timeout

    def _call(
        self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None
    ) -> Any:
        response = httpx.request(
            method,
            f"{self.url}/_control{path}",
            json=body,
            params=params,
            headers=self._headers,
            timeout=self._timeout,
            verify=False,  # plain HTTP: see the class docstring
        )
        if response.status_code >= 400:
            raise ControlError(f"{method} /_control{path}: {response.status_code} {response.text}")
        return response.json()
