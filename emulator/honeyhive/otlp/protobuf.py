"""OTLP/HTTP protobuf (`application/x-protobuf`): an `ExportTraceServiceRequest` → spans."""

from __future__ import annotations

import base64
from typing import Any

from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2

from ..errors import BadRequest
from .spans import KIND_NAMES, STATUS_NAMES, Span, SpanEvent, finite


def decode(body: bytes) -> list[Span]:
    request = trace_service_pb2.ExportTraceServiceRequest()
    try:
        request.ParseFromString(body)
    except DecodeError as exc:
        raise BadRequest(f"malformed OTLP protobuf body: {exc}") from exc
    spans: list[Span] = []
    for rs in request.resource_spans:
        resource = _attributes(rs.resource.attributes)
        for ss in rs.scope_spans:
            for s in ss.spans:
                spans.append(
                    Span(
                        trace_id=_id(s.trace_id, 16, "traceId"),
                        span_id=_id(s.span_id, 8, "spanId"),
                        parent_span_id=_id(s.parent_span_id, 8, "parentSpanId") or None,
                        name=s.name,
                        kind=KIND_NAMES.get(s.kind, str(s.kind)),
                        start_ns=s.start_time_unix_nano,
                        end_ns=s.end_time_unix_nano,
                        attributes=_attributes(s.attributes),
                        status_code=STATUS_NAMES.get(s.status.code, "UNSET"),
                        status_message=s.status.message,
                        events=[
                            SpanEvent(e.name, e.time_unix_nano, _attributes(e.attributes))
                            for e in s.events
                        ],
                        resource=resource,
                        scope=ss.scope.name,
                    )
                )
    return spans


def _id(raw: bytes, size: int, what: str) -> str:
    if not raw:
        return ""
    if len(raw) != size:
        raise BadRequest(f"{what} must be {size} bytes, got {len(raw)}")
    return raw.hex()


def _attributes(items: Any) -> dict[str, Any]:
    return {kv.key: _value(kv.value) for kv in items}


def _value(value: common_pb2.AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "string_value":  # by far the most common
        return value.string_value
    if kind is None:
        return None
    if kind == "array_value":
        return [_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _value(kv.value) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value).decode()
    if kind == "double_value":
        return finite(value.double_value)
    return getattr(value, kind)
