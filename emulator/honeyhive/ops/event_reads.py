"""What every read of events sees: the project's stored, visible events (with their span tree)
plus the scores its server-side metrics give them (`server_metrics.py`)."""

from __future__ import annotations

from typing import Any

from ..server_metrics import add_scores, server_side
from ..storage.records import RecordStore
from ..storage.store import Store
from ..tenants import Tenant


class EventReads:
    def __init__(self, store: Store, records: RecordStore) -> None:
        self._store = store
        self._records = records

    def events(
        self, tenant: Tenant, *, equals: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        found = self._store.events(tenant.project_id, equals=equals)
        if found:
            with self._records.read(tenant.project_id) as r:
                metrics = server_side(r.all("metrics"))
            if metrics:
                add_scores(found, metrics)
        return found
