"""The event documents the write operations build: a blank event of a project, and the session
event HoneyHive creates for events of a session that was never started."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..event_fields import ENRICHMENT_FIELDS
from ..storage.store import NewEvent, Store
from ..tenants import Tenant


def blank_event(tenant: Tenant, event_id: str, session_id: str) -> dict[str, Any]:
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


def implicit_sessions(
    store: Store, tenant: Tenant, events: Iterable[dict[str, Any]]
) -> list[NewEvent]:
    """A session event for each session the events name that the project does not hold yet,
    as on HoneyHive: named `unknown`, with the source and times of its first event."""
    sessions: list[NewEvent] = []
    seen: set[str] = set()
    for first in events:
        sid = first["session_id"]
        if sid in seen:
            continue
        seen.add(sid)
        if store.session_exists(tenant.project_id, sid):
            continue
        doc = blank_event(tenant, sid, sid)
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
        sessions.append(NewEvent(doc))
    return sessions
