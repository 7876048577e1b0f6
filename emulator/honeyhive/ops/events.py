"""Events: create (one or a batch, optionally into one new session), update (how
`enrich_session` writes), read one, delete one, and the export/search queries."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from ..errors import BadRequest, NotFound
from ..faults import FaultBook
from ..query import DateRange, Filter, projected, pushdown
from ..schemas.events import BatchBody, EventFields, UpdateEventBody
from ..schemas.sessions import SessionFields
from ..storage.store import NewEvent, Store
from ..tenants import Tenant
from .event_docs import blank_event, implicit_sessions
from .event_reads import EventReads
from .sessions import Sessions


@dataclass(frozen=True)
class EventPage:
    events: list[dict[str, Any]]
    total: int


class Events:
    def __init__(
        self, store: Store, faults: FaultBook, sessions: Sessions, reads: EventReads
    ) -> None:
        self._store = store
        self._faults = faults
        self._sessions = sessions
        self._reads = reads

    def create(
        self, tenant: Tenant, items: list[EventFields], session_id: str | None = None
    ) -> list[str]:
        events = []
        for item in items:
            sid = item.session_id or session_id or str(uuid.uuid4())
            doc = blank_event(tenant, item.event_id or str(uuid.uuid4()), sid)
            now_ms = time.time() * 1000
            fields = item.model_dump(exclude={"project", "project_id", "children_ids"})
            doc.update({k: v for k, v in fields.items() if v is not None})
            doc.setdefault("event_name", item.event_type)
            doc["start_time"] = item.start_time or now_ms
            doc["end_time"] = item.end_time or doc["start_time"] + (item.duration or 0.0)
            doc["duration"] = item.duration or doc["end_time"] - doc["start_time"]
            events.append(NewEvent(doc, parent_id=item.parent_id))
        return self._store.ingest(
            tenant.project_id,
            events,
            visible_at=self._faults.visible_at(tenant.project_id),
            payload=None,
            sessions=implicit_sessions(self._store, tenant, (e.data for e in events)),
        )

    def create_batch(self, tenant: Tenant, body: BatchBody) -> tuple[list[str], str | None]:
        """The batch's events; with `single_session`, first a new session they all go to."""
        single = bool(body.single_session or body.is_single_session)
        session_id = None
        if single:
            props = body.session_properties or body.session or SessionFields()
            session_id = self._sessions.start(tenant, props)["session_id"]
        return self.create(tenant, body.events, session_id), session_id

    def update(self, tenant: Tenant, body: UpdateEventBody) -> None:
        changes = body.model_dump(exclude={"event_id"}, exclude_none=True)
        if not changes:
            raise BadRequest("nothing to update: send at least one field besides event_id")
        if not self._store.update_event(tenant.project_id, body.event_id, changes):
            raise NotFound(f"event {body.event_id!r} not found in project {tenant.project!r}")

    def get(self, tenant: Tenant, event_id: str) -> dict[str, Any]:
        found = self._reads.events(tenant, equals={"event_id": event_id})
        if not found:
            raise NotFound(f"event {event_id!r} not found in project {tenant.project!r}")
        return found[0]

    def delete(self, tenant: Tenant, event_id: str) -> None:
        if self._store.delete_event(tenant.project_id, event_id) == 0:
            raise NotFound(f"event {event_id!r} not found in project {tenant.project!r}")

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
    ) -> EventPage:
        """One page of the visible events that match every filter and the date range."""
        events = self._reads.events(tenant, equals=pushdown(filters))
        hits = [
            e
            for e in events
            if all(f.matches(e) for f in filters) and (date_range is None or date_range.matches(e))
        ]
        if newest_first:
            hits.reverse()
        window = hits[(page - 1) * limit : page * limit]
        return EventPage([projected(e, projections) for e in window], len(hits))
