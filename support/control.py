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
