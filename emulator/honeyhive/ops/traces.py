"""Trace ingestion: an OTLP/HTTP export (JSON or protobuf, plain or gzip) decoded, its spans
mapped to events, and everything stored in one transaction beside the raw payload. A span
without a session id is refused (a partial success), as HoneyHive refuses it."""

from __future__ import annotations

from dataclasses import dataclass

from ..faults import FaultBook
from ..otlp.decode import WireFormat, decode, decompress, wire_format
from ..span_mapping import session_id_of, span_to_event
from ..storage.store import NewEvent, Store
from ..tenants import Tenant
from .event_docs import implicit_sessions


@dataclass(frozen=True)
class Ingested:
    wire_format: WireFormat
    accepted: int
    rejected: int
    message: str


class Traces:
    def __init__(self, store: Store, faults: FaultBook, max_body_bytes: int) -> None:
        self._store = store
        self._faults = faults
        self._max_body_bytes = max_body_bytes

    def ingest(
        self, tenant: Tenant, raw: bytes, content_type: str, content_encoding: str | None
    ) -> Ingested:
        body = decompress(raw, content_encoding, self._max_body_bytes)
        spans = decode(body, content_type)
        events, rejected = [], 0
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
        self._store.ingest(
            tenant.project_id,
            events,
            visible_at=self._faults.visible_at(tenant.project_id),
            payload=("otlp", content_type, body, len(spans)),
            sessions=implicit_sessions(self._store, tenant, (e.data for e in events)),
        )
        message = (
            f"{rejected} span(s) carry no honeyhive.session_id and were not stored"
            if rejected
            else ""
        )
        return Ingested(wire_format(content_type), len(events), rejected, message)
