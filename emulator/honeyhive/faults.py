"""Faults and delays injected through the control plane, always scoped to one project so that
parallel scenarios sharing one emulator never see each other's faults.

Each HoneyHive route names the fault group it belongs to where it is declared
(`routes/deps.py: faults`); a fault applies to the requests of its project on that group (or
on every route that has one, `any`) for its next `times` requests (-1: until cleared):
- `status`: answer with that HTTP status (and `Retry-After` when set) instead of serving;
- `delay`: wait `delay_ms` before serving (e.g. past the SDK's timeout);
- `reset`: drop the connection without an answer.

The ingest delay is the other knob kept here: data written to a project shows in reads only
that many seconds later.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Literal, get_args

FaultGroup = Literal["otlp", "session", "events", "read", "delete", "any"]
FAULT_GROUPS: tuple[FaultGroup, ...] = get_args(FaultGroup)
RouteGroup = Literal["otlp", "session", "events", "read", "delete"]  # what a route belongs to
FaultAction = Literal["status", "delay", "reset"]


@dataclass
class Fault:
    route: FaultGroup
    action: FaultAction
    times: int = 1
    status: int = 503
    delay_ms: int = 0
    retry_after: int | None = None
    hits: int = 0


@dataclass
class FaultBook:
    default_ingest_delay: float = 0.0
    _faults: dict[str, list[Fault]] = field(default_factory=dict)
    _delays: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, project_id: str, faults: list[Fault]) -> None:
        with self._lock:
            self._faults[project_id] = list(faults)

    def clear(self, project_id: str) -> None:
        with self._lock:
            self._faults.pop(project_id, None)
            self._delays.pop(project_id, None)

    def listing(self, project_id: str) -> list[Fault]:
        with self._lock:
            return list(self._faults.get(project_id, []))

    def take(self, project_id: str, group: RouteGroup) -> Fault | None:
        """The fault to apply to this request, if any; counts it down."""
        with self._lock:
            for fault in self._faults.get(project_id, []):
                if fault.route not in (group, "any") or fault.times == 0:
                    continue
                if fault.times > 0:
                    fault.times -= 1
                fault.hits += 1
                return fault
        return None

    def set_ingest_delay(self, project_id: str | None, seconds: float) -> None:
        with self._lock:
            if project_id is None:
                self.default_ingest_delay = seconds
            else:
                self._delays[project_id] = seconds

    def ingest_delay(self, project_id: str) -> float:
        with self._lock:
            return self._delays.get(project_id, self.default_ingest_delay)

    def visible_at(self, project_id: str) -> float:
        """When data written now to the project shows in its reads (epoch seconds)."""
        return time.time() + self.ingest_delay(project_id)
