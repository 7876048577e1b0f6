"""The test-control plane's operations: tenants (kept in memory and in the database), a
project's reset, its faults and ingest delay, and what it received (raw payloads, how often
each event id arrived), and whether all it received can be read. Projects are named as the tests
name them."""

from __future__ import annotations

import time
from typing import Any

from ..faults import Fault, FaultBook, RouteGroup
from ..ids import project_id_of
from ..storage.store import Store
from ..tenants import Tenant, Tenants


class Control:
    def __init__(self, store: Store, tenants: Tenants, faults: FaultBook) -> None:
        self._store = store
        self._tenants = tenants
        self._faults = faults

    def tenant_count(self) -> int:
        return len(self._tenants)

    def add_tenant(self, api_key: str, project: str) -> Tenant:
        """Register a key for a project (the same mapping again is fine; another project for a
        known key is a conflict), and keep it across restarts."""
        tenant = self._tenants.add(api_key, project)
        self._store.put_tenants({tenant.key_hash: tenant.project})
        return tenant

    def reset(self, project: str) -> dict[str, int]:
        """The project's events and payloads go, and its faults and delay; its key stays."""
        project_id = project_id_of(project)
        self._faults.clear(project_id)
        return self._store.reset_project(project_id)

    def take_fault(self, tenant: Tenant, group: RouteGroup) -> Fault | None:
        """The fault to apply to a request of the tenant on a route of the group, if any (it
        counts down)."""
        return self._faults.take(tenant.project_id, group)

    def set_faults(self, project: str, faults: list[Fault]) -> None:
        self._faults.set(project_id_of(project), faults)

    def faults(self, project: str) -> list[Fault]:
        return self._faults.listing(project_id_of(project))

    def clear_faults(self, project: str) -> None:
        self._faults.clear(project_id_of(project))

    def set_ingest_delay(self, project: str | None, seconds: float) -> None:
        """Data written afterwards shows only `seconds` later (None: every project's default)."""
        self._faults.set_ingest_delay(project_id_of(project) if project else None, seconds)

    def payloads(self, project: str, after_id: int = 0) -> list[dict[str, Any]]:
        """The raw payloads received, without their bodies but with their sizes."""
        rows = self._store.payloads(project_id_of(project), after_id)
        return [
            {k: v for k, v in r.items() if k != "body"} | {"size": len(r["body"])} for r in rows
        ]

    def receipts(self, project: str) -> dict[str, int]:
        return self._store.receipts(project_id_of(project))

    def settled(self, project: str, in_flight: int) -> dict[str, Any]:
        """Whether everything the backend received for the project can be read now: no request
        in progress (`in_flight`, counted over every tenant), no ingest delay set and no stored
        event still hidden by an earlier one."""
        project_id = project_id_of(project)
        delay = self._faults.ingest_delay(project_id)
        hidden = self._store.not_yet_visible(project_id, time.time())
        return {
            "in_flight": in_flight,
            "ingest_delay": delay,
            "not_yet_visible": hidden,
            "settled": in_flight == 0 and not delay and not hidden,
        }
