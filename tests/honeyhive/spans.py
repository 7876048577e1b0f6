"""Hand-built OTLP trace exports, JSON (HoneyHive's hex-id flavour) and protobuf, for the tests
that need exact control over what goes on the wire (ids, parents, attributes, timing)."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.trace.v1 import trace_pb2


@dataclass
class SpanSpec:
    name: str
    session_id: str | None
    attributes: dict[str, Any] = field(default_factory=dict)
    trace_id: str = field(default_factory=lambda: secrets.token_hex(16))
    span_id: str = field(default_factory=lambda: secrets.token_hex(8))
    parent_span_id: str | None = None
    start_ns: int = field(default_factory=time.time_ns)
    duration_ns: int = 5_000_000
    status: str = "UNSET"
    status_message: str = ""

    def child(self, name: str, **kw: Any) -> SpanSpec:
        return SpanSpec(
            name, self.session_id, trace_id=self.trace_id, parent_span_id=self.span_id, **kw
        )

    def all_attributes(self) -> dict[str, Any]:
        base: dict[str, Any] = {"honeyhive_event_type": "tool", "honeyhive.source": "tests"}
        if self.session_id is not None:
            base["honeyhive.session_id"] = self.session_id
        return {**base, **self.attributes}


def _json_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, list):
        return {"arrayValue": {"values": [_json_value(v) for v in value]}}
    return {"stringValue": str(value)}


def json_span(spec: SpanSpec) -> dict[str, Any]:
    return {
        "traceId": spec.trace_id,
        "spanId": spec.span_id,
        "parentSpanId": spec.parent_span_id,
        "name": spec.name,
        "kind": "SPAN_KIND_INTERNAL",
        "startTimeUnixNano": str(spec.start_ns),
        "endTimeUnixNano": str(spec.start_ns + spec.duration_ns),
        "attributes": [
            {"key": k, "value": _json_value(v)} for k, v in spec.all_attributes().items()
        ],
        "status": {"code": f"STATUS_CODE_{spec.status}", "message": spec.status_message},
    }


def json_export(*specs: SpanSpec) -> bytes:
    doc = {
        "resourceSpans": [
            {
                "resource": {"attributes": []},
                "scopeSpans": [
                    {"scope": {"name": "tests"}, "spans": [json_span(s) for s in specs]}
                ],
            }
        ]
    }
    return json.dumps(doc).encode()


def _pb_value(value: Any) -> common_pb2.AnyValue:
    if isinstance(value, bool):
        return common_pb2.AnyValue(bool_value=value)
    if isinstance(value, int):
        return common_pb2.AnyValue(int_value=value)
    if isinstance(value, float):
        return common_pb2.AnyValue(double_value=value)
    return common_pb2.AnyValue(string_value=str(value))


def protobuf_export(*specs: SpanSpec) -> bytes:
    spans = [
        trace_pb2.Span(
            trace_id=bytes.fromhex(s.trace_id),
            span_id=bytes.fromhex(s.span_id),
            parent_span_id=bytes.fromhex(s.parent_span_id) if s.parent_span_id else b"",
            name=s.name,
            kind=trace_pb2.Span.SPAN_KIND_INTERNAL,
            start_time_unix_nano=s.start_ns,
            end_time_unix_nano=s.start_ns + s.duration_ns,
            attributes=[
                common_pb2.KeyValue(key=k, value=_pb_value(v))
                for k, v in s.all_attributes().items()
            ],
            status=trace_pb2.Status(
                code=trace_pb2.Status.StatusCode.Value(f"STATUS_CODE_{s.status}"),
                message=s.status_message,
            ),
        )
        for s in specs
    ]
    request = trace_service_pb2.ExportTraceServiceRequest(
        resource_spans=[trace_pb2.ResourceSpans(scope_spans=[trace_pb2.ScopeSpans(spans=spans)])]
    )
    data: bytes = request.SerializeToString()
    return data
