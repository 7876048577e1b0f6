"""Sessions: start (idempotent on the session id), read (the session event, or the session with
its events nested as a tree), delete with all its events."""

from __future__ import annotations

import time
import uuid
from typing import Any

from ..errors import NotFound
from ..event_fields import ENRICHMENT_FIELDS
from ..faults import FaultBook
from ..schemas.sessions import SessionFields
from ..storage.store import NewEvent, Store
from ..tenants import ORG_ID, WORKSPACE_ID, Tenant
from .event_docs import blank_event
from .event_reads import EventReads


class Sessions:
    def __init__(self, store: Store, faults: FaultBook, reads: EventReads) -> None:
        self._store = store
        self._faults = faults
        self._reads = reads

    def start(self, tenant: Tenant, fields: SessionFields) -> dict[str, Any]:
        """Create a session event (idempotent on session_id: a repeat merges its metadata)."""
        session_id = fields.session_id or str(uuid.uuid4())
        now_ms = time.time() * 1000
        name = fields.session_name or fields.event_name or "unknown"
        doc = blank_event(tenant, session_id, session_id)
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
        for field in ENRICHMENT_FIELDS:
            doc[field] = getattr(fields, field) or {}
        doc["metadata"].setdefault("session_name", name)
        self._store.upsert_session(
            tenant.project_id, NewEvent(doc), visible_at=self._faults.visible_at(tenant.project_id)
        )
        return {
            **doc,
            "org_id": ORG_ID,
            "workspace_id": WORKSPACE_ID,
            "parent_id": None,
            "children_ids": [],
        }

    def get(self, tenant: Tenant, session_id: str) -> dict[str, Any]:
        found = self._reads.events(tenant, equals={"event_id": session_id, "event_type": "session"})
        if not found:
            raise NotFound(f"session {session_id!r} not found in project {tenant.project!r}")
        return found[0]

    def tree(self, tenant: Tenant, session_id: str) -> dict[str, Any]:
        """The session event with its events nested under `children`, and totals in its
        metadata."""
        events = self._reads.events(tenant, equals={"session_id": session_id})
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

    def delete(self, tenant: Tenant, session_id: str) -> int:
        deleted = self._store.delete_session(tenant.project_id, session_id)
        if deleted == 0:
            raise NotFound(f"session {session_id!r} not found in project {tenant.project!r}")
        return deleted


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
