"""OTLP trace exports shaped like the SDK's (its recorded JSON export in tests/data/honeyhive as
the span templates), with fresh ids, as JSON (HoneyHive's hex ids) and as protobuf carrying the
same spans."""

from __future__ import annotations

import copy
import json
import secrets
import time
from pathlib import Path
from typing import Any

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

SAMPLE = Path(__file__).resolve().parent.parent / "tests/data/honeyhive/otlp_export_http_json.json"
JSON = "application/json"
PROTOBUF = "application/x-protobuf"


def _templates() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    resource_spans = doc["resourceSpans"][0]
    spans = [s for ss in resource_spans["scopeSpans"] for s in ss["spans"]]
    # a chain at the root, then its model and tool children, as an app's trace looks
    spans.sort(key=lambda s: {"my_chain": 0, "openai.chat": 1}.get(s["name"], 2))
    return resource_spans["resource"], spans


_RESOURCE, _SPANS = _templates()
_SESSION_KEYS = ("honeyhive.session_id", "traceloop.association.properties.session_id")


def spans(count: int, session_id: str) -> list[dict[str, Any]]:
    """`count` OTLP/JSON span objects of one session, in traces of (chain, model, tool)."""
    out = []
    now = time.time_ns()
    root = trace = ""
    for i in range(count):
        span = copy.deepcopy(_SPANS[i % len(_SPANS)])
        span_id = secrets.token_hex(8)
        if i % len(_SPANS) == 0:
            trace, root = secrets.token_hex(16), span_id
            span["parentSpanId"] = None
        else:
            span["parentSpanId"] = root
        span["traceId"], span["spanId"] = trace, span_id
        span["startTimeUnixNano"] = str(now + i * 1000)
        span["endTimeUnixNano"] = str(now + i * 1000 + 5_000_000)
        for attribute in span["attributes"]:
            if attribute["key"] in _SESSION_KEYS:
                attribute["value"] = {"stringValue": session_id}
        out.append(span)
    return out


def json_body(items: list[dict[str, Any]]) -> bytes:
    doc = {
        "resourceSpans": [
            {
                "resource": _RESOURCE,
                "scopeSpans": [{"scope": {"name": "honeyhive.bench"}, "spans": items}],
            }
        ]
    }
    return json.dumps(doc).encode()


def protobuf_body(items: list[dict[str, Any]]) -> bytes:
    request = trace_service_pb2.ExportTraceServiceRequest(
        resource_spans=[
            trace_pb2.ResourceSpans(
                resource=resource_pb2.Resource(attributes=_pb_attributes(_RESOURCE["attributes"])),
                scope_spans=[
                    trace_pb2.ScopeSpans(
                        scope=common_pb2.InstrumentationScope(name="honeyhive.bench"),
                        spans=[_pb_span(s) for s in items],
                    )
                ],
            )
        ]
    )
    data: bytes = request.SerializeToString()
    return data


def _pb_span(s: dict[str, Any]) -> trace_pb2.Span:
    return trace_pb2.Span(
        trace_id=bytes.fromhex(s["traceId"]),
        span_id=bytes.fromhex(s["spanId"]),
        parent_span_id=bytes.fromhex(s["parentSpanId"]) if s["parentSpanId"] else b"",
        name=s["name"],
        kind=trace_pb2.Span.SpanKind.Value(s["kind"]),
        start_time_unix_nano=int(s["startTimeUnixNano"]),
        end_time_unix_nano=int(s["endTimeUnixNano"]),
        attributes=_pb_attributes(s["attributes"]),
        events=[
            trace_pb2.Span.Event(
                name=e["name"],
                time_unix_nano=int(e["timeUnixNano"]),
                attributes=_pb_attributes(e["attributes"]),
            )
            for e in s.get("events") or []
        ],
        status=trace_pb2.Status(code=trace_pb2.Status.StatusCode.Value(s["status"]["code"])),
    )


def _pb_attributes(items: list[dict[str, Any]]) -> list[common_pb2.KeyValue]:
    return [common_pb2.KeyValue(key=kv["key"], value=_pb_value(kv["value"])) for kv in items]


def _pb_value(value: dict[str, Any]) -> common_pb2.AnyValue:
    ((kind, raw),) = value.items()
    if kind == "stringValue":
        return common_pb2.AnyValue(string_value=raw)
    if kind == "intValue":
        return common_pb2.AnyValue(int_value=int(raw))
    if kind == "doubleValue":
        return common_pb2.AnyValue(double_value=float(raw))
    if kind == "boolValue":
        return common_pb2.AnyValue(bool_value=raw)
    raise ValueError(f"no protobuf mapping for OTLP/JSON value {kind}")
