"""Metrics (the project's evaluator definitions): list (by type or id), create, update, delete.
Names are unique per project; an LLM metric needs a model, a COMPOSITE one its children. A
metric's threshold is the passing range its scores are judged by in run results."""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, Conflict, NotFound
from ..ids import object_id
from ..schemas.metrics import CreateMetricBody, MetricFields
from ..storage.records import RecordStore
from ..tenants import Tenant
from .record_rules import found, now


class Metrics:
    def __init__(self, records: RecordStore) -> None:
        self._records = records

    def find(
        self, tenant: Tenant, *, metric_type: str | None = None, metric_id: str | None = None
    ) -> list[dict[str, Any]]:
        with self._records.read(tenant.project_id) as r:
            every = r.all("metrics")
        return [
            m
            for m in every
            if (metric_type is None or m["type"] == metric_type)
            and (metric_id is None or m["id"] == metric_id)
        ]

    def create(self, tenant: Tenant, body: CreateMetricBody) -> str:
        doc = {
            "description": "",
            "return_type": "float",
            "enabled_in_prod": False,
            "needs_ground_truth": False,
            "sampling_percentage": 10,
            "filters": {"filterArray": []},
            **body.sent(),
            "id": object_id(),
            "created_at": now(),
            "updated_at": None,
        }
        _check(doc)
        with self._records.write(tenant.project_id) as r:
            if any(m["name"] == body.name for m in r.all("metrics")):
                raise Conflict(
                    f"a metric named {body.name!r} already exists in project {tenant.project!r}"
                )
            r.add("metrics", doc["id"], doc)
        return str(doc["id"])

    def update(self, tenant: Tenant, metric_id: str, body: MetricFields) -> None:
        changes = body.sent()
        if not changes:
            raise BadRequest("nothing to update: send at least one metric field besides its id")
        with self._records.write(tenant.project_id) as r:
            doc = {**found(r, "metrics", metric_id, tenant), **changes, "updated_at": now()}
            _check(doc)
            clash = [
                m for m in r.all("metrics") if m["name"] == doc["name"] and m["id"] != metric_id
            ]
            if clash:
                raise Conflict(
                    f"a metric named {doc['name']!r} already exists in project {tenant.project!r}"
                )
            r.put("metrics", metric_id, doc)

    def delete(self, tenant: Tenant, metric_id: str) -> None:
        with self._records.write(tenant.project_id) as r:
            if not r.delete("metrics", metric_id):
                raise NotFound(f"metric {metric_id!r} not found in project {tenant.project!r}")


def _check(doc: dict[str, Any]) -> None:
    if doc["type"] == "LLM" and not (doc.get("model_provider") and doc.get("model_name")):
        raise BadRequest("an LLM metric needs model_provider and model_name")
    if doc["type"] == "COMPOSITE" and not doc.get("child_metrics"):
        raise BadRequest("a COMPOSITE metric needs child_metrics")
