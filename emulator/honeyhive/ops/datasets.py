"""Datasets: list (by id or name), create, update, delete, add datapoints through a field
mapping, remove one datapoint. Deleting a dataset keeps its datapoints (unlinked); ids a request
names must exist in the project."""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, NotFound
from ..ids import object_id
from ..schemas.datasets import AddDatapointsBody, DatapointMappingBody, DatasetFields
from ..storage.records import RecordStore
from ..tenants import Tenant
from .record_rules import found, now, relink, require, unique_ids


class Datasets:
    def __init__(self, records: RecordStore) -> None:
        self._records = records

    def find(
        self, tenant: Tenant, *, dataset_id: str | None = None, name: str | None = None
    ) -> list[dict[str, Any]]:
        with self._records.read(tenant.project_id) as r:
            every = r.all("datasets")
        return [
            d
            for d in every
            if (dataset_id is None or d["id"] == dataset_id) and (name is None or d["name"] == name)
        ]

    def create(self, tenant: Tenant, body: DatasetFields) -> str:
        dataset_id, created = object_id(), now()
        with self._records.write(tenant.project_id) as r:
            members = unique_ids(body.datapoints or [])
            require(r, "datapoints", members, tenant)
            doc: dict[str, Any] = {
                "id": dataset_id,
                "name": body.name or "Untitled Dataset",
                "description": body.description,
                "datapoints": [],
                "created_at": created,
                "updated_at": created,
            }
            r.add("datasets", dataset_id, doc)
            relink(r, dataset_id, members)
        return dataset_id

    def update(self, tenant: Tenant, dataset_id: str, body: DatasetFields) -> dict[str, Any]:
        with self._records.write(tenant.project_id) as r:
            doc = found(r, "datasets", dataset_id, tenant)
            if body.name is not None:
                doc["name"] = body.name
            if body.description is not None:
                doc["description"] = body.description
            doc["updated_at"] = now()
            r.put("datasets", dataset_id, doc)
            if body.datapoints is not None:
                members = unique_ids(body.datapoints)
                require(r, "datapoints", members, tenant)
                relink(r, dataset_id, members)
            updated = r.get("datasets", dataset_id)
        assert updated is not None
        return updated

    def delete(self, tenant: Tenant, dataset_id: str) -> None:
        """The dataset goes; its datapoints stay, unlinked (the spec says nothing of them, and
        removing one datapoint from a dataset keeps it)."""
        with self._records.write(tenant.project_id) as r:
            found(r, "datasets", dataset_id, tenant)
            relink(r, dataset_id, [])
            r.delete("datasets", dataset_id)

    def add_datapoints(self, tenant: Tenant, dataset_id: str, body: AddDatapointsBody) -> list[str]:
        mapping = body.mapping
        for role in ("inputs", "history", "ground_truth"):
            for key in getattr(mapping, role) or []:
                if not any(key in item for item in body.data):
                    raise BadRequest(
                        f"mapping.{role} names {key!r}, which no object in 'data' has; "
                        "map the fields the data objects hold"
                    )
        docs = [_mapped_datapoint(item, i, mapping) for i, item in enumerate(body.data)]
        with self._records.write(tenant.project_id) as r:
            dataset = found(r, "datasets", dataset_id, tenant)
            ids = []
            for doc in docs:
                doc["linked_datasets"] = []
                r.add("datapoints", doc["id"], doc)
                ids.append(doc["id"])
            relink(r, dataset_id, [*dataset["datapoints"], *ids])
        return ids

    def remove_datapoint(self, tenant: Tenant, dataset_id: str, datapoint_id: str) -> None:
        """The datapoint leaves the dataset; it is kept."""
        with self._records.write(tenant.project_id) as r:
            dataset = found(r, "datasets", dataset_id, tenant)
            if datapoint_id not in dataset["datapoints"]:
                raise NotFound(f"datapoint {datapoint_id!r} is not in dataset {dataset_id!r}")
            relink(r, dataset_id, [d for d in dataset["datapoints"] if d != datapoint_id])


def _mapped_datapoint(
    item: dict[str, Any], index: int, mapping: DatapointMappingBody
) -> dict[str, Any]:
    """A datapoint from one object of `data`: the mapped fields become its inputs, history and
    ground truth; the others its metadata."""
    inputs_keys, truth_keys = mapping.inputs or [], mapping.ground_truth or []
    history_keys = mapping.history or []
    history: list[dict[str, Any]] = []
    for key in history_keys:
        value = item.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
            raise BadRequest(f"data[{index}].{key}: a history field must hold a list of objects")
        history.extend(value)
    mapped = {*inputs_keys, *truth_keys, *history_keys}
    created = now()
    return {
        "id": object_id(),
        "inputs": {k: item[k] for k in inputs_keys if k in item},
        "history": history,
        "ground_truth": {k: item[k] for k in truth_keys if k in item} if truth_keys else None,
        "metadata": {k: v for k, v in item.items() if k not in mapped},
        "linked_event": None,
        "created_at": created,
        "updated_at": created,
    }
