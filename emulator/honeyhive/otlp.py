"""Decode OTLP/HTTP trace exports (JSON with HoneyHive's hex-id quirks, and protobuf) into spans.

Decoding is all-or-nothing: a payload either decodes completely or raises BadRequest, so a
malformed export never leads to a partial write.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2

from . import jsontext
from .errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

JSON_TYPES = ("application/json",)
PROTOBUF_TYPES = ("application/x-protobuf", "application/protobuf")

_STATUS_NAMES = {0: "UNSET", 1: "OK", 2: "ERROR"}
_KIND_NAMES = {
    0: "UNSPECIFIED",
    1: "INTERNAL",
    2: "SERVER",
    3: "CLIENT",
    4: "PRODUCER",
    5: "CONSUMER",
}
_HEX = re.compile(r"^[0-9a-fA-F]*$")


@dataclass(frozen=True)
class SpanEvent:
    name: str
    time_ns: int
    attributes: dict[str, Any]


@dataclass(frozen=True)
class Span:
    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    kind: str
    start_ns: int
    end_ns: int
    attributes: dict[str, Any]
    status_code: str
    status_message: str
    events: list[SpanEvent] = field(default_factory=list)
    resource: dict[str, Any] = field(default_factory=dict)
    scope: str = ""


def decompress(body: bytes, encoding: str | None, limit: int) -> bytes:
    """OTLP/HTTP clients may gzip an export (`Content-Encoding: gzip`, e.g. the protobuf exporter
    with OTEL_EXPORTER_OTLP_COMPRESSION=gzip); the inflated body obeys the same size limit."""
    coding = (encoding or "identity").strip().lower()
    if coding == "identity":
        return body
    if coding != "gzip":
        raise UnsupportedMediaType(
            f"unsupported content encoding {encoding!r} for OTLP traces; send gzip or none"
        )
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BadRequest(f"malformed gzip body: {exc}") from exc
    if len(data) > limit or inflater.unconsumed_tail:
        raise PayloadTooLarge(f"request body exceeds the {limit} byte limit once inflated")
    if not inflater.eof:
        raise BadRequest("malformed gzip body: it ends early")
    return data


def decode(body: bytes, content_type: str) -> list[Span]:
    """Decode an export body by its content type; raise BadRequest saying what is wrong."""
    media = content_type.split(";")[0].strip().lower()
    if media in JSON_TYPES:
        return decode_json(body)
    if media in PROTOBUF_TYPES:
        return decode_protobuf(body)
    raise UnsupportedMediaType(
        f"unsupported content type {content_type!r} for OTLP traces; "
        "send application/json or application/x-protobuf"
    )


# ---- protobuf -------------------------------------------------------------------------------


def decode_protobuf(body: bytes) -> list[Span]:
    request = trace_service_pb2.ExportTraceServiceRequest()
    try:
        request.ParseFromString(body)
    except DecodeError as exc:
        raise BadRequest(f"malformed OTLP protobuf body: {exc}") from exc
    spans: list[Span] = []
    for rs in request.resource_spans:
        resource = _pb_attributes(rs.resource.attributes)
        for ss in rs.scope_spans:
            for s in ss.spans:
                spans.append(
                    Span(
                        trace_id=_pb_id(s.trace_id, 16, "traceId"),
                        span_id=_pb_id(s.span_id, 8, "spanId"),
                        parent_span_id=_pb_id(s.parent_span_id, 8, "parentSpanId") or None,
                        name=s.name,
                        kind=_KIND_NAMES.get(s.kind, str(s.kind)),
                        start_ns=s.start_time_unix_nano,
                        end_ns=s.end_time_unix_nano,
                        attributes=_pb_attributes(s.attributes),
                        status_code=_STATUS_NAMES.get(s.status.code, "UNSET"),
                        status_message=s.status.message,
                        events=[
                            SpanEvent(e.name, e.time_unix_nano, _pb_attributes(e.attributes))
                            for e in s.events
                        ],
                        resource=resource,
                        scope=ss.scope.name,
                    )
                )
    return spans


def _pb_id(raw: bytes, size: int, what: str) -> str:
    if not raw:
        return ""
    if len(raw) != size:
        raise BadRequest(f"{what} must be {size} bytes, got {len(raw)}")
    return raw.hex()


def _pb_attributes(items: Any) -> dict[str, Any]:
    return {kv.key: _pb_value(kv.value) for kv in items}


def _pb_value(value: common_pb2.AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [_pb_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _pb_value(kv.value) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value).decode()
    if kind == "double_value":
        return _finite(value.double_value)
    return getattr(value, kind)


# ---- JSON -----------------------------------------------------------------------------------


def decode_json(body: bytes) -> list[Span]:
    doc = jsontext.loads(body)
    if not isinstance(doc, dict):
        raise BadRequest("OTLP body must be a JSON object with 'resourceSpans'")
    unknown = set(doc) - {"resourceSpans", "resource_spans"}
    if unknown:
        raise BadRequest(f"unknown keys in OTLP body: {sorted(unknown)}; expected 'resourceSpans'")
    spans: list[Span] = []
    for i, rs in enumerate(_list(doc, "resourceSpans", "resource_spans", where="body")):
        where = f"resourceSpans[{i}]"
        resource = _json_attributes(_obj(rs, "resource", where).get("attributes"), where)
        for j, ss in enumerate(_list(rs, "scopeSpans", "scope_spans", where=where)):
            swhere = f"{where}.scopeSpans[{j}]"
            scope = _obj(ss, "scope", swhere).get("name") or ""
            for k, s in enumerate(_list(ss, "spans", where=swhere)):
                spans.append(_json_span(s, f"{swhere}.spans[{k}]", resource, str(scope)))
    return spans


def _json_span(s: Any, where: str, resource: dict[str, Any], scope: str) -> Span:
    if not isinstance(s, dict):
        raise BadRequest(f"{where} must be an object")
    status = s.get("status") or {}
    if not isinstance(status, dict):
        raise BadRequest(f"{where}.status must be an object")
    name = s.get("name")
    if not isinstance(name, str) or not name:
        raise BadRequest(f"{where}.name is required and must be a non-empty string")
    return Span(
        trace_id=_json_id(s.get("traceId"), 16, f"{where}.traceId", required=True),
        span_id=_json_id(s.get("spanId"), 8, f"{where}.spanId", required=True),
        parent_span_id=_json_id(s.get("parentSpanId"), 8, f"{where}.parentSpanId") or None,
        name=name,
        kind=_enum_name(s.get("kind", 0), "SPAN_KIND_", _KIND_NAMES, f"{where}.kind"),
        start_ns=_json_int(s.get("startTimeUnixNano", 0), f"{where}.startTimeUnixNano"),
        end_ns=_json_int(s.get("endTimeUnixNano", 0), f"{where}.endTimeUnixNano"),
        attributes=_json_attributes(s.get("attributes"), where),
        status_code=_enum_name(status.get("code", 0), "STATUS_CODE_", _STATUS_NAMES, where),
        status_message=str(status.get("message") or ""),
        events=[
            SpanEvent(
                name=str(_obj_item(e, f"{where}.events[{n}]").get("name", "")),
                time_ns=_json_int(e.get("timeUnixNano", 0), f"{where}.events[{n}].timeUnixNano"),
                attributes=_json_attributes(e.get("attributes"), f"{where}.events[{n}]"),
            )
            for n, e in enumerate(_list(s, "events", where=where))
        ],
        resource=resource,
        scope=scope,
    )


def _json_id(raw: Any, size: int, where: str, *, required: bool = False) -> str:
    """HoneyHive's exporter writes ids as hex strings; standard OTLP/JSON would be base64."""
    if raw in (None, ""):
        if required:
            raise BadRequest(f"{where} is required")
        return ""
    if not isinstance(raw, str):
        raise BadRequest(f"{where} must be a string")
    if len(raw) == size * 2 and _HEX.match(raw):
        return raw.lower()
    try:
        decoded = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) == size:
        return decoded.hex()
    raise BadRequest(f"{where} must be {size * 2} hex characters (or base64 of {size} bytes)")


def _json_int(raw: Any, where: str) -> int:
    if isinstance(raw, bool):
        raise BadRequest(f"{where} must be an integer")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.lstrip("-").isdigit():
        return int(raw)
    raise BadRequest(f"{where} must be an integer or a string of digits")


def _enum_name(raw: Any, prefix: str, names: dict[int, str], where: str) -> str:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return names.get(raw, str(raw))
    if isinstance(raw, str):
        short = raw.removeprefix(prefix)
        if short in names.values():
            return short
    raise BadRequest(f"{where}: unknown enum value {raw!r}")


def _json_attributes(items: Any, where: str) -> dict[str, Any]:
    if items is None:
        return {}
    if not isinstance(items, list):
        raise BadRequest(f"{where}.attributes must be a list")
    out: dict[str, Any] = {}
    for n, kv in enumerate(items):
        if not isinstance(kv, dict) or not isinstance(kv.get("key"), str):
            raise BadRequest(f"{where}.attributes[{n}] must be an object with a string 'key'")
        out[kv["key"]] = _json_value(kv.get("value"), f"{where}.attributes[{n}]")
    return out


def _json_value(value: Any, where: str) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) > 1:
        raise BadRequest(f"{where}.value must be an object with one typed value")
    if not value:
        return None
    ((kind, raw),) = value.items()
    if kind == "stringValue":
        return str(raw)
    if kind == "boolValue":
        if not isinstance(raw, bool):
            raise BadRequest(f"{where}.value.boolValue must be a boolean")
        return raw
    if kind == "intValue":
        return _json_int(raw, f"{where}.value.intValue")
    if kind == "doubleValue":
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise BadRequest(f"{where}.value.doubleValue must be a number")
        try:
            return _finite(float(raw))
        except ValueError as exc:
            raise BadRequest(f"{where}.value.doubleValue must be a number") from exc
    if kind == "arrayValue":
        values = _obj(value, "arrayValue", where).get("values") or []
        if not isinstance(values, list):
            raise BadRequest(f"{where}.value.arrayValue.values must be a list")
        return [_json_value(v, f"{where}.values[{i}]") for i, v in enumerate(values)]
    if kind == "kvlistValue":
        return _json_attributes(_obj(value, "kvlistValue", where).get("values"), where)
    if kind == "bytesValue":
        return str(raw)
    raise BadRequest(f"{where}.value: unknown value type {kind!r}")


def _finite(value: float) -> float | None:
    """OTLP allows NaN and ±Infinity doubles; JSON (and so the stored event) has no such
    numbers, so they are kept as null, as JSON.stringify would."""
    return value if math.isfinite(value) else None


def _obj(doc: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = doc.get(key) or {}
    if not isinstance(value, dict):
        raise BadRequest(f"{where}.{key} must be an object")
    return value


def _obj_item(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadRequest(f"{where} must be an object")
    return value


def _list(doc: Any, *keys: str, where: str) -> list[Any]:
    if not isinstance(doc, dict):
        raise BadRequest(f"{where} must be an object")
    for key in keys:
        if key in doc:
            value = doc[key]
            if value is None:
                return []
            if not isinstance(value, list):
                raise BadRequest(f"{where}.{key} must be a list")
            return value
    return []
