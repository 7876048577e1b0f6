"""What the evaluation-record operations share: lookups that raise HoneyHive's errors, the
records' timestamps, and the two-way link between a dataset and its datapoints (a dataset lists
its datapoint ids, each datapoint its `linked_datasets`; both sides change in one
transaction)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..errors import BadRequest, NotFound
from ..storage.records import Records
from ..storage.schema import RecordKind
from ..tenants import Tenant


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def unique_ids(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def found(r: Records, kind: RecordKind, record_id: str, tenant: Tenant) -> dict[str, Any]:
    doc = r.get(kind, record_id)
    if doc is None:
        raise NotFound(f"{kind[:-1]} {record_id!r} not found in project {tenant.project!r}")
    return doc


def require(r: Records, kind: RecordKind, ids: list[str], tenant: Tenant) -> None:
    missing = [i for i in ids if r.get(kind, i) is None]
    if missing:
        raise BadRequest(f"{kind} {missing} do not exist in project {tenant.project!r}")


def relink(r: Records, dataset_id: str, members: list[str]) -> None:
    """Make `members` the dataset's datapoints, and each datapoint's `linked_datasets` agree."""
    dataset = r.get("datasets", dataset_id)
    before = set(dataset["datapoints"]) if dataset is not None else set()
    members = unique_ids(members)
    for datapoint_id in before ^ set(members):
        doc = r.get("datapoints", datapoint_id)
        if doc is None:
            continue
        linked = [d for d in doc["linked_datasets"] if d != dataset_id]
        if datapoint_id in members:
            linked.append(dataset_id)
        r.put("datapoints", datapoint_id, {**doc, "linked_datasets": linked})
    if dataset is not None:
        r.put("datasets", dataset_id, {**dataset, "datapoints": members, "updated_at": now()})
