"""Clients of the emulators' test-control planes (never used against real services)."""

from __future__ import annotations

from typing import Any

import httpx


class ControlError(RuntimeError):
    pass


class _Control:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self._headers = {"x-control-token": token}

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        response = httpx.request(
            method, f"{self.url}/_control{path}", json=body, headers=self._headers, timeout=10.0
        )
        if response.status_code >= 400:
            raise ControlError(f"{method} /_control{path}: {response.status_code} {response.text}")
        return response.json()


class HoneyHiveControl(_Control):
    def add_tenant(self, api_key: str, project: str) -> None:
        self._call("POST", "/tenants", {"api_key": api_key, "project": project})

    def reset(self, project: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", f"/projects/{project}/reset")
        return result

    def set_faults(self, project: str, faults: list[dict[str, Any]]) -> None:
        self._call("PUT", "/faults", {"project": project, "faults": faults})

    def faults(self, project: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", f"/projects/{project}/faults")["faults"]
        return found

    def clear_faults(self, project: str) -> None:
        self._call("DELETE", f"/projects/{project}/faults")

    def ingest_delay(self, project: str | None, seconds: float) -> None:
        self._call("PUT", "/ingest-delay", {"project": project, "seconds": seconds})

    def payloads(self, project: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", f"/projects/{project}/payloads")["payloads"]
        return found

    def receipts(self, project: str) -> dict[str, int]:
        found: dict[str, int] = self._call("GET", f"/projects/{project}/receipts")["receipts"]
        return found


class ModelControl(_Control):
    """The embedded model server's control plane; everything is scoped to one API key."""

    def register_key(self, api_key: str) -> None:
        self._call("POST", "/keys", {"api_key": api_key})

    def fail_next(self, api_key: str, status: int, count: int, retry_after: float = 0.2) -> None:
        body = {"api_key": api_key, "status": status, "count": count}
        if status == 429:
            body["retry_after"] = retry_after
        self._call("POST", "/faults", body)

    def cut_next_stream(self, api_key: str, after_chunks: int, count: int = 1) -> None:
        self._call(
            "POST", "/cut", {"api_key": api_key, "after_chunks": after_chunks, "count": count}
        )

    def requests(self, api_key: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", f"/requests?api_key={api_key}")["requests"]
        return found
