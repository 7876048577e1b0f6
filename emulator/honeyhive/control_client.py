"""The client of the HoneyHive emulator's control plane (``/_control``, see README.md here):
tenants, per-project reset, injected faults, ingest delay, raw payloads, receipts and whether
everything received is stored and readable."""

from __future__ import annotations

from typing import Any

from emulator.control_client import ControlClient, ControlError

__all__ = ["ControlError", "HoneyHiveControl"]


class HoneyHiveControl(ControlClient):
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

    def settled(self, project: str) -> bool:
        """No HoneyHive request is being handled and the project's writes are readable at once:
        everything the backend received has been answered and can be read."""
        return bool(self._call("GET", f"/projects/{project}/settled")["settled"])
