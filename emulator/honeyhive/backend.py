"""The emulated HoneyHive backend: domain operations over the store, one method per thing the
routes can do. Routes parse and serialise; everything they change or read goes through here.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from . import otlp
from .errors import BadRequest, NotFound
from .events import ENRICHMENT_FIELDS, session_id_of, span_to_event
from .faults import FaultBook
from .query import DateRange, Filter, project, pushdown
from .schemas import BatchBody, EventFields, SessionFields, UpdateEventBody
from .store import NewEvent, Store
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
        spans = otlp.decode(body, content_type)
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
        return Page([project(e, projections) for e in window], len(hits))

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
