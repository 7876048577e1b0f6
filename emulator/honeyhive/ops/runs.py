"""Experiment runs: create, list (filtered, sorted, paginated), read, update, delete; the run's
result, its raw scores per event, and the comparison of two runs. Results are computed on read
from the project's stored events (`run_results/`)."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import BadRequest, Conflict, NotFound
from ..ids import object_id
from ..query import DateRange, Filter, to_epoch_ms
from ..run_results import comparison, summary
from ..run_results.scoring import Judging, Range, metric_names
from ..schemas.runs import CreateRunBody, RunFields
from ..storage.records import Records, RecordStore
from ..tenants import Tenant
from .event_reads import EventReads
from .record_rules import found, now


@dataclass(frozen=True)
class RunQuery:
    """GET /v1/runs: filters, order and page. `name` matches any run whose name contains it
    (ignoring case), as HoneyHive's does: the SDK's own tests list runs by a name prefix."""

    dataset_id: str | None = None
    run_ids: list[str] | None = None
    name: str | None = None
    status: str | None = None
    date_range: DateRange | None = None
    sort_by: str = "created_at"
    sort_order: str = "desc"
    page: int = 1
    limit: int = 20


@dataclass(frozen=True)
class RunsPage:
    runs: list[dict[str, Any]]
    pagination: dict[str, Any]
    metrics: list[str]  # the names of the metrics the page's runs scored


class Runs:
    def __init__(self, reads: EventReads, records: RecordStore) -> None:
        self._reads = reads
        self._records = records

    def create(self, tenant: Tenant, body: CreateRunBody) -> dict[str, Any]:
        run_id, created = body.run_id or str(uuid.uuid4()), now()
        fields = body.sent(exclude=frozenset({"run_id", "dataset_id"}))
        doc: dict[str, Any] = {
            "id": object_id(),
            "run_id": run_id,
            "name": None,
            "description": None,
            "status": "pending",
            "metadata": {},
            "results": {},
            "metrics": {},
            "event_ids": [],
            "session_ids": [],
            "datapoint_ids": [],
            "configuration": {},
            "evaluators": [],
            "passing_ranges": {},
            "is_active": True,
            "created_at": created,
            "updated_at": created,
            "scope_type": "project",
            "scope_id": tenant.project_id,
            "dataset_id": None,
            "dataset_name": None,
            **fields,
        }
        with self._records.write(tenant.project_id) as r:
            if body.dataset_id:
                doc.update(_dataset_link(r, body.dataset_id, tenant))
            if not r.add("runs", run_id, doc):
                raise Conflict(f"run {run_id!r} already exists in project {tenant.project!r}")
        return doc

    def get(self, tenant: Tenant, run_id: str) -> dict[str, Any]:
        with self._records.read(tenant.project_id) as r:
            return found(r, "runs", run_id, tenant)

    def page(self, tenant: Tenant, query: RunQuery) -> RunsPage:
        """One page of the project's runs, its pagination, and the metrics they scored."""
        with self._records.read(tenant.project_id) as r:
            every = r.all("runs")
        wanted = set(query.run_ids or [])
        hits = [
            run
            for run in every
            if (query.dataset_id is None or run.get("dataset_id") == query.dataset_id)
            and (not wanted or run["run_id"] in wanted)
            and (query.name is None or query.name.casefold() in (run.get("name") or "").casefold())
            and (query.status is None or run.get("status") == query.status)
            and (query.date_range is None or query.date_range.matches(_dated(run)))
        ]
        hits.sort(key=lambda run: str(run.get(query.sort_by) or ""))
        if query.sort_order == "desc":
            hits.reverse()
        pages = max(1, math.ceil(len(hits) / query.limit))
        window = hits[(query.page - 1) * query.limit : query.page * query.limit]
        events = self._reads.events(tenant) if window else []
        names = sorted({name for run in window for name in metric_names(run, events)})
        pagination = {
            "page": query.page,
            "limit": query.limit,
            "total": len(hits),
            "total_unfiltered": len(every),
            "total_pages": pages,
            "has_next": query.page < pages,
            "has_prev": query.page > 1,
        }
        return RunsPage(window, pagination, names)

    def update(self, tenant: Tenant, run_id: str, body: RunFields) -> dict[str, Any]:
        """Replace the fields sent; `metadata`, `results` and `configuration` are merged; a
        `dataset_id` (legacy) links the run to that dataset of the project."""
        changes = body.sent()
        if not changes:
            raise BadRequest("nothing to update: send at least one run field")
        with self._records.write(tenant.project_id) as r:
            doc = found(r, "runs", run_id, tenant)
            if "dataset_id" in changes:
                changes.update(_dataset_link(r, changes["dataset_id"], tenant))
            for key, value in changes.items():
                merge = key in ("metadata", "results", "configuration")
                doc[key] = {**doc.get(key, {}), **value} if merge else value
            doc["updated_at"] = now()
            r.put("runs", run_id, doc)
        return doc

    def delete(self, tenant: Tenant, run_id: str) -> None:
        """The run record goes; its sessions are events of the project and stay."""
        with self._records.write(tenant.project_id) as r:
            if not r.delete("runs", run_id):
                raise NotFound(f"run {run_id!r} not found in project {tenant.project!r}")

    def result(
        self, tenant: Tenant, run_id: str, *, function: str, filters: list[Filter]
    ) -> dict[str, Any]:
        run = self.get(tenant, run_id)
        events = self._reads.events(tenant)
        return summary.summary(run, events, self._judging(tenant, [run], function, filters))

    def event_metrics(
        self, tenant: Tenant, run_id: str, *, filters: list[Filter], date_range: DateRange | None
    ) -> list[dict[str, Any]]:
        run = self.get(tenant, run_id)
        events = self._reads.events(tenant)
        if date_range is not None:
            events = [
                e for e in events if e.get("event_type") == "session" or date_range.matches(e)
            ]
        judging = self._judging(tenant, [], "average", filters)
        return summary.event_metrics(run, events, judging)

    def compare(
        self, tenant: Tenant, new_id: str, old_id: str, *, function: str, filters: list[Filter]
    ) -> dict[str, Any]:
        new, old = self.get(tenant, new_id), self.get(tenant, old_id)
        events = self._reads.events(tenant)
        judging = self._judging(tenant, [new, old], function, filters)
        return comparison.compare(new, old, events, judging)

    def compare_events(
        self,
        tenant: Tenant,
        new_id: str,
        old_id: str,
        *,
        event_name: str | None,
        event_type: str | None,
        filters: list[Filter],
        limit: int,
        page: int,
    ) -> tuple[list[dict[str, Any]], int]:
        new, old = self.get(tenant, new_id), self.get(tenant, old_id)
        pairs = comparison.comparable_events(
            new,
            old,
            self._reads.events(tenant),
            event_name=event_name,
            event_type=event_type,
            keep=_keeper(filters),
        )
        return pairs[(page - 1) * limit : page * limit], len(pairs)

    def _judging(
        self, tenant: Tenant, runs: list[dict[str, Any]], function: str, filters: list[Filter]
    ) -> Judging:
        """Passing ranges: the project's metric thresholds, overridden by the runs' own."""
        with self._records.read(tenant.project_id) as r:
            metrics = r.all("metrics")
        ranges = {
            m["name"]: Range(t.get("min"), t.get("max"), t.get("pass_when"))
            for m in metrics
            if isinstance(t := m.get("threshold"), dict)
        }
        for run in runs:
            for name, given in (run.get("passing_ranges") or {}).items():
                ranges[name] = Range(given.get("min"), given.get("max"))
        return Judging(
            function=function,
            ranges=ranges,
            metric_types={m["name"]: m["type"] for m in metrics},
            keep=_keeper(filters),
        )


def _dataset_link(r: Records, dataset_id: str, tenant: Tenant) -> dict[str, Any]:
    """A run's dataset fields, for a dataset the project holds (400 otherwise)."""
    dataset = r.get("datasets", dataset_id)
    if dataset is None:
        raise BadRequest(
            f"dataset {dataset_id!r} does not exist in project {tenant.project!r}; name an "
            "offline dataset in metadata.offline_dataset_id instead"
        )
    return {"dataset_id": dataset["id"], "dataset_name": dataset["name"]}


def _dated(run: dict[str, Any]) -> dict[str, Any]:
    """A run as a dateRange sees it: created_at as the start time."""
    return {"start_time": to_epoch_ms(run.get("created_at"))}


def _keeper(filters: list[Filter]) -> Callable[[dict[str, Any]], bool] | None:
    if not filters:
        return None
    return lambda event: all(f.matches(event) for f in filters)
