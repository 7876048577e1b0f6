"""The emulated HoneyHive backend: domain operations over the store, one method per thing the
routes can do. Routes parse and serialise; everything they change or read goes through here.
"""

from __future__ import annotations

import math
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .errors import BadRequest, Conflict, NotFound
from .event_fields import ENRICHMENT_FIELDS
from .faults import FaultBook
from .otlp.decode import decode
from .query import DateRange, Filter, projected, pushdown, to_epoch_ms
from .run_results import comparison, summary
from .run_results.scoring import Judging, Range, metric_names
from .schemas.datapoints import DatapointFields
from .schemas.datasets import AddDatapointsBody, DatapointMappingBody, DatasetFields
from .schemas.events import BatchBody, EventFields, UpdateEventBody
from .schemas.metrics import CreateMetricBody, MetricFields
from .schemas.runs import CreateRunBody, RunFields
from .schemas.sessions import SessionFields
from .span_mapping import session_id_of, span_to_event
from .storage.records import Records, RecordStore
from .storage.schema import RecordKind
from .storage.store import NewEvent, Store
from .tenants import ORG_ID, WORKSPACE_ID, Tenant, Tenants


@dataclass(frozen=True)
class Ingested:
    accepted: int
    rejected: int
    message: str


@dataclass(frozen=True)
class Page:
    events: list[dict[str, Any]]
    total: int


class Backend:
    def __init__(self, store: Store, tenants: Tenants, faults: FaultBook) -> None:
        self.store = store
        self.tenants = tenants
        self.faults = faults

    def _visible_at(self, tenant: Tenant) -> float:
        return time.time() + self.faults.ingest_delay(tenant.project_id)

    # ---- sessions ---------------------------------------------------------------------------

    def start_session(self, tenant: Tenant, fields: SessionFields) -> dict[str, Any]:
        """Create a session event (idempotent on session_id: a repeat merges its metadata)."""
        session_id = fields.session_id or str(uuid.uuid4())
        now_ms = time.time() * 1000
        name = fields.session_name or fields.event_name or "unknown"
        doc = _blank_event(tenant, session_id, session_id)
        doc.update(
            {
                "event_name": name,
                "event_type": "session",
                "source": fields.source or "unknown",
                "start_time": fields.start_time or now_ms,
                "end_time": fields.end_time or fields.start_time or now_ms,
                "duration": fields.duration or 0.0,
            }
        )
        for name_ in ENRICHMENT_FIELDS:
            doc[name_] = getattr(fields, name_) or {}
        doc["metadata"].setdefault("session_name", name)
        self.store.upsert_session(
            tenant.project_id, NewEvent(doc), visible_at=self._visible_at(tenant)
        )
        return {
            **doc,
            "org_id": ORG_ID,
            "workspace_id": WORKSPACE_ID,
            "parent_id": None,
            "children_ids": [],
        }

    def session(self, tenant: Tenant, session_id: str) -> dict[str, Any]:
        found = self.store.events(
            tenant.project_id, equals={"event_id": session_id, "event_type": "session"}
        )
        if not found:
            raise NotFound(f"session {session_id!r} not found in project {tenant.project!r}")
        return found[0]

    def session_tree(self, tenant: Tenant, session_id: str) -> dict[str, Any]:
        events = self.store.events(tenant.project_id, equals={"session_id": session_id})
        by_id = {e["event_id"]: {**e, "children": []} for e in events}
        root = by_id.get(session_id)
        if root is None:
            raise NotFound(f"session {session_id!r} not found in project {tenant.project!r}")
        _nest(root, by_id)
        models = [e for e in events if e["event_type"] == "model"]
        root["metadata"] = {
            **root["metadata"],
            "num_events": len(events) - 1,
            "num_model_events": len(models),
            "has_feedback": any(e.get("feedback") for e in events),
            **{
                k: sum(_count(e["metadata"].get(k)) for e in models)
                for k in ("prompt_tokens", "completion_tokens", "total_tokens")
            },
        }
        root.update({"org_id": ORG_ID, "workspace_id": WORKSPACE_ID})
        return root

    def delete_session(self, tenant: Tenant, session_id: str) -> int:
        deleted = self.store.delete_session(tenant.project_id, session_id)
        if deleted == 0:
            raise NotFound(f"session {session_id!r} not found in project {tenant.project!r}")
        return deleted

    # ---- ingestion --------------------------------------------------------------------------

    def ingest_otlp(self, tenant: Tenant, body: bytes, content_type: str) -> Ingested:
        spans = decode(body, content_type)
        events, sessions, rejected = [], {}, 0
        for span in spans:
            sid = session_id_of(span)
            if sid is None:
                rejected += 1
                continue
            doc = span_to_event(
                span, project=tenant.project, project_id=tenant.project_id, session_id=sid
            )
            events.append(
                NewEvent(
                    doc,
                    trace_id=span.trace_id,
                    span_id=span.span_id,
                    parent_span_id=span.parent_span_id,
                )
            )
            if sid not in sessions and not self.store.session_exists(tenant.project_id, sid):
                sessions[sid] = self._implicit_session(tenant, sid, doc)
        self.store.ingest(
            tenant.project_id,
            events,
            visible_at=self._visible_at(tenant),
            payload=("otlp", content_type, body, len(spans)),
            sessions=sessions.values(),
        )
        message = (
            f"{rejected} span(s) carry no honeyhive.session_id and were not stored"
            if rejected
            else ""
        )
        return Ingested(len(events), rejected, message)

    def create_events(
        self, tenant: Tenant, items: list[EventFields], session_id: str | None = None
    ) -> list[str]:
        events, sessions = [], {}
        for item in items:
            sid = item.session_id or session_id or str(uuid.uuid4())
            doc = _blank_event(tenant, item.event_id or str(uuid.uuid4()), sid)
            now_ms = time.time() * 1000
            fields = item.model_dump(exclude={"project", "project_id", "children_ids"})
            doc.update({k: v for k, v in fields.items() if v is not None})
            doc.setdefault("event_name", item.event_type)
            doc["start_time"] = item.start_time or now_ms
            doc["end_time"] = item.end_time or doc["start_time"] + (item.duration or 0.0)
            doc["duration"] = item.duration or doc["end_time"] - doc["start_time"]
            events.append(NewEvent(doc, parent_id=item.parent_id))
            if sid not in sessions and not self.store.session_exists(tenant.project_id, sid):
                sessions[sid] = self._implicit_session(tenant, sid, doc)
        return self.store.ingest(
            tenant.project_id,
            events,
            visible_at=self._visible_at(tenant),
            payload=None,
            sessions=sessions.values(),
        )

    def create_batch(self, tenant: Tenant, body: BatchBody) -> tuple[list[str], str | None]:
        single = bool(body.single_session or body.is_single_session)
        session_id = None
        if single:
            props = body.session_properties or body.session or SessionFields()
            session_id = self.start_session(tenant, props)["session_id"]
        return self.create_events(tenant, body.events, session_id), session_id

    def update_event(self, tenant: Tenant, body: UpdateEventBody) -> None:
        changes = body.model_dump(exclude={"event_id"}, exclude_none=True)
        if not changes:
            raise BadRequest("nothing to update: send at least one field besides event_id")
        if not self.store.update_event(tenant.project_id, body.event_id, changes):
            raise NotFound(f"event {body.event_id!r} not found in project {tenant.project!r}")

    def _implicit_session(self, tenant: Tenant, sid: str, first: dict[str, Any]) -> NewEvent:
        """Events for a session that was never started get a session event, as on HoneyHive."""
        doc = _blank_event(tenant, sid, sid)
        doc.update(
            {
                "event_name": "unknown",
                "event_type": "session",
                "source": first.get("source") or "unknown",
                "start_time": first["start_time"],
                "end_time": first["end_time"],
                "duration": 0.0,
            }
        )
        return NewEvent(doc)

    # ---- reads ------------------------------------------------------------------------------

    def query(
        self,
        tenant: Tenant,
        filters: list[Filter],
        *,
        date_range: DateRange | None,
        projections: list[str] | None,
        limit: int,
        page: int,
        newest_first: bool = False,
    ) -> Page:
        events = self.store.events(tenant.project_id, equals=pushdown(filters))
        hits = [
            e
            for e in events
            if all(f.matches(e) for f in filters) and (date_range is None or date_range.matches(e))
        ]
        if newest_first:
            hits.reverse()
        window = hits[(page - 1) * limit : page * limit]
        return Page([projected(e, projections) for e in window], len(hits))

    def event(self, tenant: Tenant, event_id: str) -> dict[str, Any]:
        found = self.store.events(tenant.project_id, equals={"event_id": event_id})
        if not found:
            raise NotFound(f"event {event_id!r} not found in project {tenant.project!r}")
        return found[0]

    def delete_event(self, tenant: Tenant, event_id: str) -> None:
        if self.store.delete_event(tenant.project_id, event_id) == 0:
            raise NotFound(f"event {event_id!r} not found in project {tenant.project!r}")


def _nest(root: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> None:
    """Hang each event under its parent, once. Events whose parent is gone (deleted) or that
    form a parent cycle still belong to the session: they hang under the root."""
    children: dict[str, list[dict[str, Any]]] = {}
    for e in by_id.values():
        if e is not root:
            children.setdefault(e["parent_id"] or "", []).append(e)
    placed = {root["event_id"]}

    def hang(top: dict[str, Any]) -> None:
        stack = [top]
        while stack:
            node = stack.pop()
            for child in children.get(node["event_id"], []):
                if child["event_id"] not in placed:
                    placed.add(child["event_id"])
                    node["children"].append(child)
                    stack.append(child)

    hang(root)
    for e in by_id.values():
        if e["event_id"] not in placed:
            placed.add(e["event_id"])
            root["children"].append(e)
            hang(e)


def _count(value: Any) -> int | float:
    """A token count as stored, or 0 when it is not a number (metadata is free-form)."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _blank_event(tenant: Tenant, event_id: str, session_id: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "event_id": event_id,
        "session_id": session_id,
        "project": tenant.project,
        "project_id": tenant.project_id,
        "error": None,
    }
    for name in ENRICHMENT_FIELDS:
        doc[name] = {}
    return doc


# ---- datasets, datapoints, runs, metrics ---------------------------------------------------


@dataclass(frozen=True)
class RunQuery:
    """GET /v1/runs: filters, order and page."""

    dataset_id: str | None = None
    run_ids: list[str] | None = None
    name: str | None = None
    status: str | None = None
    date_range: DateRange | None = None
    sort_by: str = "created_at"
    sort_order: str = "desc"
    page: int = 1
    limit: int = 20


class Evaluations:
    """Datasets, datapoints, experiment runs and metrics: one method per thing their routes do.

    Records are kept per project (`RecordStore`); the links between them are kept both ways in
    one transaction (a dataset lists its datapoint ids, a datapoint its `linked_datasets`). Run
    results are computed on read from the project's stored events (`run_results/`).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.records = RecordStore(store)

    # ---- datasets ---------------------------------------------------------------------------

    def datasets(
        self, tenant: Tenant, *, dataset_id: str | None = None, name: str | None = None
    ) -> list[dict[str, Any]]:
        with self.records.read(tenant.project_id) as r:
            found = r.all("datasets")
        return [
            d
            for d in found
            if (dataset_id is None or d["id"] == dataset_id) and (name is None or d["name"] == name)
        ]

    def create_dataset(self, tenant: Tenant, body: DatasetFields) -> str:
        dataset_id, now = _object_id(), _now()
        with self.records.write(tenant.project_id) as r:
            members = _unique_ids(body.datapoints or [])
            _require(r, "datapoints", members, tenant)
            doc: dict[str, Any] = {
                "id": dataset_id,
                "name": body.name or "Untitled Dataset",
                "description": body.description,
                "datapoints": [],
                "created_at": now,
                "updated_at": now,
            }
            r.add("datasets", dataset_id, doc)
            _relink(r, dataset_id, members)
        return dataset_id

    def update_dataset(
        self, tenant: Tenant, dataset_id: str, body: DatasetFields
    ) -> dict[str, Any]:
        with self.records.write(tenant.project_id) as r:
            doc = _found(r, "datasets", dataset_id, tenant)
            if body.name is not None:
                doc["name"] = body.name
            if body.description is not None:
                doc["description"] = body.description
            doc["updated_at"] = _now()
            r.put("datasets", dataset_id, doc)
            if body.datapoints is not None:
                members = _unique_ids(body.datapoints)
                _require(r, "datapoints", members, tenant)
                _relink(r, dataset_id, members)
            updated = r.get("datasets", dataset_id)
        assert updated is not None
        return updated

    def delete_dataset(self, tenant: Tenant, dataset_id: str) -> None:
        """The dataset goes; its datapoints stay, unlinked (the spec says nothing of them, and
        removing one datapoint from a dataset keeps it)."""
        with self.records.write(tenant.project_id) as r:
            _found(r, "datasets", dataset_id, tenant)
            _relink(r, dataset_id, [])
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
        with self.records.write(tenant.project_id) as r:
            dataset = _found(r, "datasets", dataset_id, tenant)
            ids = []
            for doc in docs:
                doc["linked_datasets"] = []
                r.add("datapoints", doc["id"], doc)
                ids.append(doc["id"])
            _relink(r, dataset_id, [*dataset["datapoints"], *ids])
        return ids

    def remove_datapoint(self, tenant: Tenant, dataset_id: str, datapoint_id: str) -> None:
        with self.records.write(tenant.project_id) as r:
            dataset = _found(r, "datasets", dataset_id, tenant)
            if datapoint_id not in dataset["datapoints"]:
                raise NotFound(f"datapoint {datapoint_id!r} is not in dataset {dataset_id!r}")
            _relink(r, dataset_id, [d for d in dataset["datapoints"] if d != datapoint_id])

    # ---- datapoints -------------------------------------------------------------------------

    def datapoints(
        self, tenant: Tenant, *, ids: list[str] | None = None, dataset_name: str | None = None
    ) -> list[dict[str, Any]]:
        with self.records.read(tenant.project_id) as r:
            found = r.all("datapoints")
            if dataset_name is not None:
                named = [d for d in r.all("datasets") if d["name"] == dataset_name]
                members = {dp for d in named for dp in d["datapoints"]}
                found = [d for d in found if d["id"] in members]
        if ids:
            wanted = set(ids)
            found = [d for d in found if d["id"] in wanted]
        return found

    def datapoint(self, tenant: Tenant, datapoint_id: str) -> dict[str, Any]:
        with self.records.read(tenant.project_id) as r:
            return _found(r, "datapoints", datapoint_id, tenant)

    def create_datapoint(self, tenant: Tenant, body: DatapointFields) -> str:
        now, datapoint_id = _now(), _object_id()
        doc: dict[str, Any] = {
            "id": datapoint_id,
            "inputs": body.inputs or {},
            "history": body.history or [],
            "ground_truth": body.ground_truth,
            "metadata": body.metadata or {},
            "linked_event": body.linked_event,
            "linked_datasets": [],
            "created_at": now,
            "updated_at": now,
        }
        with self.records.write(tenant.project_id) as r:
            datasets = _unique_ids(body.linked_datasets or [])
            _require(r, "datasets", datasets, tenant)
            r.add("datapoints", datapoint_id, doc)
            for dataset_id in datasets:
                dataset = _found(r, "datasets", dataset_id, tenant)
                _relink(r, dataset_id, [*dataset["datapoints"], datapoint_id])
        return datapoint_id

    def update_datapoint(self, tenant: Tenant, datapoint_id: str, body: DatapointFields) -> None:
        changes = body.model_dump(exclude_none=True, exclude={"linked_datasets"})
        if not changes and body.linked_datasets is None:
            raise BadRequest("nothing to update: send at least one datapoint field")
        with self.records.write(tenant.project_id) as r:
            doc = _found(r, "datapoints", datapoint_id, tenant)
            r.put("datapoints", datapoint_id, {**doc, **changes, "updated_at": _now()})
            if body.linked_datasets is not None:
                wanted = _unique_ids(body.linked_datasets)
                _require(r, "datasets", wanted, tenant)
                for dataset_id in sorted(set(wanted) | set(doc["linked_datasets"])):
                    dataset = _found(r, "datasets", dataset_id, tenant)
                    others = [d for d in dataset["datapoints"] if d != datapoint_id]
                    keep = [*others, datapoint_id] if dataset_id in wanted else others
                    _relink(r, dataset_id, keep)

    def delete_datapoint(self, tenant: Tenant, datapoint_id: str) -> None:
        with self.records.write(tenant.project_id) as r:
            doc = _found(r, "datapoints", datapoint_id, tenant)
            for dataset_id in doc["linked_datasets"]:
                dataset = r.get("datasets", dataset_id)
                if dataset is not None:
                    _relink(r, dataset_id, [d for d in dataset["datapoints"] if d != datapoint_id])
            r.delete("datapoints", datapoint_id)

    # ---- runs -------------------------------------------------------------------------------

    def create_run(self, tenant: Tenant, body: CreateRunBody) -> dict[str, Any]:
        run_id, now = body.run_id or str(uuid.uuid4()), _now()
        fields = body.model_dump(exclude_none=True, exclude={"run_id", "dataset_id"})
        doc: dict[str, Any] = {
            "id": _object_id(),
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
            "created_at": now,
            "updated_at": now,
            "scope_type": "project",
            "scope_id": tenant.project_id,
            "dataset_id": None,
            "dataset_name": None,
            **fields,
        }
        with self.records.write(tenant.project_id) as r:
            if body.dataset_id:
                dataset = r.get("datasets", body.dataset_id)
                if dataset is None:
                    raise BadRequest(
                        f"dataset {body.dataset_id!r} does not exist in project "
                        f"{tenant.project!r}; name an offline dataset in "
                        "metadata.offline_dataset_id instead"
                    )
                doc.update(dataset_id=dataset["id"], dataset_name=dataset["name"])
            if not r.add("runs", run_id, doc):
                raise Conflict(f"run {run_id!r} already exists in project {tenant.project!r}")
        return doc

    def run(self, tenant: Tenant, run_id: str) -> dict[str, Any]:
        with self.records.read(tenant.project_id) as r:
            return _found(r, "runs", run_id, tenant)

    def runs(
        self, tenant: Tenant, query: RunQuery
    ) -> tuple[list[dict[str, Any]], dict[str, Any], list[str]]:
        """One page of the project's runs, its pagination, and the metrics they scored."""
        with self.records.read(tenant.project_id) as r:
            every = r.all("runs")
        wanted = set(query.run_ids or [])
        hits = [
            run
            for run in every
            if (query.dataset_id is None or run.get("dataset_id") == query.dataset_id)
            and (not wanted or run["run_id"] in wanted)
            and (query.name is None or run.get("name") == query.name)
            and (query.status is None or run.get("status") == query.status)
            and (query.date_range is None or query.date_range.matches(_dated(run)))
        ]
        hits.sort(key=lambda run: str(run.get(query.sort_by) or ""))
        if query.sort_order == "desc":
            hits.reverse()
        pages = max(1, math.ceil(len(hits) / query.limit))
        window = hits[(query.page - 1) * query.limit : query.page * query.limit]
        events = self.store.events(tenant.project_id) if window else []
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
        return window, pagination, names

    def update_run(self, tenant: Tenant, run_id: str, body: RunFields) -> dict[str, Any]:
        """Replace the fields sent; `metadata`, `results` and `configuration` are merged."""
        changes = body.model_dump(exclude_none=True)
        if not changes:
            raise BadRequest("nothing to update: send at least one run field")
        with self.records.write(tenant.project_id) as r:
            doc = _found(r, "runs", run_id, tenant)
            for key, value in changes.items():
                merge = key in ("metadata", "results", "configuration")
                doc[key] = {**doc.get(key, {}), **value} if merge else value
            doc["updated_at"] = _now()
            r.put("runs", run_id, doc)
        return doc

    def delete_run(self, tenant: Tenant, run_id: str) -> None:
        """The run record goes; its sessions are events of the project and stay."""
        with self.records.write(tenant.project_id) as r:
            if not r.delete("runs", run_id):
                raise NotFound(f"run {run_id!r} not found in project {tenant.project!r}")

    def run_result(
        self, tenant: Tenant, run_id: str, *, function: str, filters: list[Filter]
    ) -> dict[str, Any]:
        run = self.run(tenant, run_id)
        events = self.store.events(tenant.project_id)
        return summary.summary(run, events, self._judging(tenant, [run], function, filters))

    def run_metrics(
        self, tenant: Tenant, run_id: str, *, filters: list[Filter], date_range: DateRange | None
    ) -> list[dict[str, Any]]:
        run = self.run(tenant, run_id)
        events = self.store.events(tenant.project_id)
        if date_range is not None:
            events = [
                e for e in events if e.get("event_type") == "session" or date_range.matches(e)
            ]
        return summary.event_metrics(run, events, self._judging(tenant, [], "average", filters))

    def compare_runs(
        self, tenant: Tenant, new_id: str, old_id: str, *, function: str, filters: list[Filter]
    ) -> dict[str, Any]:
        new, old = self.run(tenant, new_id), self.run(tenant, old_id)
        events = self.store.events(tenant.project_id)
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
        new, old = self.run(tenant, new_id), self.run(tenant, old_id)
        pairs = comparison.comparable_events(
            new,
            old,
            self.store.events(tenant.project_id),
            event_name=event_name,
            event_type=event_type,
            keep=_keeper(filters),
        )
        return pairs[(page - 1) * limit : page * limit], len(pairs)

    def _judging(
        self, tenant: Tenant, runs: list[dict[str, Any]], function: str, filters: list[Filter]
    ) -> Judging:
        """Passing ranges: the project's metric thresholds, overridden by the runs' own."""
        with self.records.read(tenant.project_id) as r:
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

    # ---- metrics ----------------------------------------------------------------------------

    def metrics(
        self, tenant: Tenant, *, metric_type: str | None = None, metric_id: str | None = None
    ) -> list[dict[str, Any]]:
        with self.records.read(tenant.project_id) as r:
            found = r.all("metrics")
        return [
            m
            for m in found
            if (metric_type is None or m["type"] == metric_type)
            and (metric_id is None or m["id"] == metric_id)
        ]

    def create_metric(self, tenant: Tenant, body: CreateMetricBody) -> str:
        doc = {
            "description": "",
            "return_type": "float",
            "enabled_in_prod": False,
            "needs_ground_truth": False,
            "sampling_percentage": 10,
            "filters": {"filterArray": []},
            **body.model_dump(exclude_none=True),
            "id": _object_id(),
            "created_at": _now(),
            "updated_at": None,
        }
        _check_metric(doc)
        with self.records.write(tenant.project_id) as r:
            if any(m["name"] == body.name for m in r.all("metrics")):
                raise Conflict(
                    f"a metric named {body.name!r} already exists in project {tenant.project!r}"
                )
            r.add("metrics", doc["id"], doc)
        return str(doc["id"])

    def update_metric(self, tenant: Tenant, metric_id: str, body: MetricFields) -> None:
        changes = body.model_dump(exclude_none=True, exclude={"id"})
        if not changes:
            raise BadRequest("nothing to update: send at least one metric field besides its id")
        with self.records.write(tenant.project_id) as r:
            doc = {**_found(r, "metrics", metric_id, tenant), **changes, "updated_at": _now()}
            _check_metric(doc)
            clash = [
                m for m in r.all("metrics") if m["name"] == doc["name"] and m["id"] != metric_id
            ]
            if clash:
                raise Conflict(
                    f"a metric named {doc['name']!r} already exists in project {tenant.project!r}"
                )
            r.put("metrics", metric_id, doc)

    def delete_metric(self, tenant: Tenant, metric_id: str) -> None:
        with self.records.write(tenant.project_id) as r:
            if not r.delete("metrics", metric_id):
                raise NotFound(f"metric {metric_id!r} not found in project {tenant.project!r}")


def _object_id() -> str:
    """HoneyHive's dataset, datapoint and metric ids are 24-hex (MongoDB ObjectIds)."""
    return secrets.token_hex(12)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _unique_ids(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _found(r: Records, kind: RecordKind, record_id: str, tenant: Tenant) -> dict[str, Any]:
    doc = r.get(kind, record_id)
    if doc is None:
        raise NotFound(f"{kind[:-1]} {record_id!r} not found in project {tenant.project!r}")
    return doc


def _require(r: Records, kind: RecordKind, ids: list[str], tenant: Tenant) -> None:
    missing = [i for i in ids if r.get(kind, i) is None]
    if missing:
        raise BadRequest(f"{kind} {missing} do not exist in project {tenant.project!r}")


def _relink(r: Records, dataset_id: str, members: list[str]) -> None:
    """Make `members` the dataset's datapoints, and each datapoint's `linked_datasets` agree."""
    dataset = r.get("datasets", dataset_id)
    before = set(dataset["datapoints"]) if dataset is not None else set()
    members = _unique_ids(members)
    for datapoint_id in before ^ set(members):
        doc = r.get("datapoints", datapoint_id)
        if doc is None:
            continue
        linked = [d for d in doc["linked_datasets"] if d != dataset_id]
        if datapoint_id in members:
            linked.append(dataset_id)
        r.put("datapoints", datapoint_id, {**doc, "linked_datasets": linked})
    if dataset is not None:
        r.put("datasets", dataset_id, {**dataset, "datapoints": members, "updated_at": _now()})


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
    now = _now()
    return {
        "id": _object_id(),
        "inputs": {k: item[k] for k in inputs_keys if k in item},
        "history": history,
        "ground_truth": {k: item[k] for k in truth_keys if k in item} if truth_keys else None,
        "metadata": {k: v for k, v in item.items() if k not in mapped},
        "linked_event": None,
        "created_at": now,
        "updated_at": now,
    }


def _check_metric(doc: dict[str, Any]) -> None:
    if doc["type"] == "LLM" and not (doc.get("model_provider") and doc.get("model_name")):
        raise BadRequest("an LLM metric needs model_provider and model_name")
    if doc["type"] == "COMPOSITE" and not doc.get("child_metrics"):
        raise BadRequest("a COMPOSITE metric needs child_metrics")


def _dated(run: dict[str, Any]) -> dict[str, Any]:
    """A run as a dateRange sees it: created_at as the start time."""
    return {"start_time": to_epoch_ms(run.get("created_at"))}


def _keeper(filters: list[Filter]) -> Callable[[dict[str, Any]], bool] | None:
    if not filters:
        return None
    return lambda event: all(f.matches(event) for f in filters)
