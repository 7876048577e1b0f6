"""Datapoints: list (by ids or dataset name), read one, create (into the datasets it names),
update (its fields, and which datasets list it), delete (also out of its datasets)."""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest
from ..ids import object_id
from ..schemas.datapoints import DatapointFields
from ..storage.records import RecordStore
from ..tenants import Tenant
from .record_rules import found, now, relink, require, unique_ids


class Datapoints:
    def __init__(self, records: RecordStore) -> None:
        self._records = records

    def find(
        self, tenant: Tenant, *, ids: list[str] | None = None, dataset_name: str | None = None
    ) -> list[dict[str, Any]]:
        with self._records.read(tenant.project_id) as r:
            every = r.all("datapoints")
            if dataset_name is not None:
                named = [d for d in r.all("datasets") if d["name"] == dataset_name]
                members = {dp for d in named for dp in d["datapoints"]}
                every = [d for d in every if d["id"] in members]
        if ids:
            wanted = set(ids)
            every = [d for d in every if d["id"] in wanted]
        return every

    def get(self, tenant: Tenant, datapoint_id: str) -> dict[str, Any]:
        with self._records.read(tenant.project_id) as r:
            return found(r, "datapoints", datapoint_id, tenant)

    def create(self, tenant: Tenant, body: DatapointFields) -> str:
        created, datapoint_id = now(), object_id()
        doc: dict[str, Any] = {
            "id": datapoint_id,
            "inputs": body.inputs or {},
            "history": body.history or [],
            "ground_truth": body.ground_truth,
            "metadata": body.metadata or {},
            "linked_event": body.linked_event,
            "linked_datasets": [],
            "created_at": created,
            "updated_at": created,
        }
        with self._records.write(tenant.project_id) as r:
            datasets = unique_ids(body.linked_datasets or [])
            require(r, "datasets", datasets, tenant)
            r.add("datapoints", datapoint_id, doc)
            for dataset_id in datasets:
                dataset = found(r, "datasets", dataset_id, tenant)
                relink(r, dataset_id, [*dataset["datapoints"], datapoint_id])
        return datapoint_id

    def update(self, tenant: Tenant, datapoint_id: str, body: DatapointFields) -> None:
        changes = body.sent(exclude=frozenset({"linked_datasets"}))
        if not changes and body.linked_datasets is None:
            raise BadRequest("nothing to update: send at least one datapoint field")
        with self._records.write(tenant.project_id) as r:
            doc = found(r, "datapoints", datapoint_id, tenant)
            r.put("datapoints", datapoint_id, {**doc, **changes, "updated_at": now()})
            if body.linked_datasets is not None:
                wanted = unique_ids(body.linked_datasets)
                require(r, "datasets", wanted, tenant)
                for dataset_id in sorted(set(wanted) | set(doc["linked_datasets"])):
                    dataset = found(r, "datasets", dataset_id, tenant)
                    others = [d for d in dataset["datapoints"] if d != datapoint_id]
                    keep = [*others, datapoint_id] if dataset_id in wanted else others
                    relink(r, dataset_id, keep)

    def delete(self, tenant: Tenant, datapoint_id: str) -> None:
        with self._records.write(tenant.project_id) as r:
            doc = found(r, "datapoints", datapoint_id, tenant)
            for dataset_id in doc["linked_datasets"]:
                dataset = r.get("datasets", dataset_id)
                if dataset is not None:
                    relink(r, dataset_id, [d for d in dataset["datapoints"] if d != datapoint_id])
            r.delete("datapoints", datapoint_id)
