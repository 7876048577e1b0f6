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
    if kind == "string_value":  # by far the most common
        return value.string_value
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
    doc = jsontext.loads(body, check_depth=False)
    try:
        return _plain_json(doc)
    except _NotPlain:
        jsontext.check_depth(doc)
    return validated_json(doc)


def validated_json(doc: Any) -> list[Span]:
    """Every OTLP/JSON document the fast path leaves, checked field by field; a BadRequest says
    where the document is wrong."""
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


def _obj(doc: Any, key: str, where: str) -> dict[str, Any]:
    value = _obj_item(doc, where).get(key) or {}
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


# ---- JSON fast path -------------------------------------------------------------------------
# Most exports are plain: the SDK's exporter writes hex ids, digit-string times, enum names and
# scalar attribute values, and no keys beyond OTLP's. Such a document decodes here, without the
# error locations the validating path builds and without the depth check (a plain document is at
# most 12 levels deep). Anything else (arrays, kvlists, bytes, extra keys, malformed input) goes
# through the depth check and the validating path, which give the same spans or the same error.


class _NotPlain(Exception):
    pass


_KIND_SET = frozenset(_KIND_NAMES.values())
_STATUS_SET = frozenset(_STATUS_NAMES.values())
_SCALARS = (str, int, float, bool, type(None))
_RS_KEYS = frozenset({"resource", "scopeSpans", "schemaUrl"})
_SS_KEYS = frozenset({"scope", "spans", "schemaUrl"})
_RESOURCE_KEYS = frozenset({"attributes", "droppedAttributesCount"})
_SCOPE_KEYS = frozenset({"name", "version", "attributes", "droppedAttributesCount"})
_SPAN_KEYS = frozenset(
    {
        "traceId",
        "spanId",
        "parentSpanId",
        "name",
        "kind",
        "startTimeUnixNano",
        "endTimeUnixNano",
        "attributes",
        "status",
        "events",
    }
)
_SPAN_SCALAR_KEYS = frozenset(
    {"traceState", "flags", "droppedAttributesCount", "droppedEventsCount", "droppedLinksCount"}
)
_STATUS_KEYS = frozenset({"code", "message"})
_EVENT_KEYS = frozenset({"timeUnixNano", "name", "attributes", "droppedAttributesCount"})
_MISSING = object()


def plain_json(doc: Any) -> list[Span] | None:
    """The fast path's spans, or None when the document is not plain (for tests: both paths
    must agree wherever this one answers)."""
    try:
        return _plain_json(doc)
    except _NotPlain:
        return None


def _plain_json(doc: Any) -> list[Span]:
    if type(doc) is not dict or len(doc) != 1 or type(doc.get("resourceSpans")) is not list:
        raise _NotPlain
    spans: list[Span] = []
    for rs in doc["resourceSpans"]:
        if type(rs) is not dict or not rs.keys() <= _RS_KEYS:
            raise _NotPlain
        resource = rs.get("resource") or {}
        if type(resource) is not dict or not resource.keys() <= _RESOURCE_KEYS:
            raise _NotPlain
        _plain_scalars(resource, "droppedAttributesCount")
        _plain_scalars(rs, "schemaUrl")
        attributes = _plain_attributes(resource.get("attributes"))
        for ss in _plain_list(rs, "scopeSpans"):
            if type(ss) is not dict or not ss.keys() <= _SS_KEYS:
                raise _NotPlain
            scope = ss.get("scope") or {}
            if type(scope) is not dict or not scope.keys() <= _SCOPE_KEYS:
                raise _NotPlain
            _plain_scalars(scope, "name", "version", "droppedAttributesCount")
            _plain_scalars(ss, "schemaUrl")
            _plain_attributes(scope.get("attributes"))  # not mapped; only checked to be plain
            scope_name = str(scope.get("name") or "")
            spans.extend(_plain_span(s, attributes, scope_name) for s in _plain_list(ss, "spans"))
    return spans


def _plain_list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    if value is None:
        return []
    if type(value) is not list:
        raise _NotPlain
    return value


def _plain_scalars(doc: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if type(doc.get(key)) not in _SCALARS:
            raise _NotPlain


def _plain_span(s: Any, resource: dict[str, Any], scope: str) -> Span:
    if type(s) is not dict:
        raise _NotPlain
    if not s.keys() <= _SPAN_KEYS:
        extra = s.keys() - _SPAN_KEYS
        if not extra <= _SPAN_SCALAR_KEYS:
            raise _NotPlain
        _plain_scalars(s, *extra)
    status = s.get("status") or {}
    name = s.get("name")
    trace_id, span_id = s.get("traceId"), s.get("spanId")
    parent = s.get("parentSpanId")
    if (
        type(status) is not dict
        or not status.keys() <= _STATUS_KEYS
        or type(name) is not str
        or not name
        or type(trace_id) is not str
        or len(trace_id) != 32
        or type(span_id) is not str
        or len(span_id) != 16
        or not _HEX.match(trace_id)
        or not _HEX.match(span_id)
    ):
        raise _NotPlain
    if parent is None or parent == "":
        parent_id = None
    elif type(parent) is str and len(parent) == 16 and _HEX.match(parent):
        parent_id = parent.lower()
    else:
        raise _NotPlain
    message = status.get("message")
    if type(message) not in _SCALARS:
        raise _NotPlain
    return Span(
        trace_id=trace_id.lower(),
        span_id=span_id.lower(),
        parent_span_id=parent_id,
        name=name,
        kind=_plain_enum(s.get("kind", 0), "SPAN_KIND_", _KIND_NAMES, _KIND_SET),
        start_ns=_plain_int(s.get("startTimeUnixNano", 0)),
        end_ns=_plain_int(s.get("endTimeUnixNano", 0)),
        attributes=_plain_attributes(s.get("attributes")),
        status_code=_plain_enum(status.get("code", 0), "STATUS_CODE_", _STATUS_NAMES, _STATUS_SET),
        status_message=str(message or ""),
        events=[_plain_event(e) for e in _plain_list(s, "events")],
        resource=resource,
        scope=scope,
    )


def _plain_event(e: Any) -> SpanEvent:
    if type(e) is not dict or not e.keys() <= _EVENT_KEYS:
        raise _NotPlain
    _plain_scalars(e, "name", "droppedAttributesCount")
    return SpanEvent(
        name=str(e.get("name", "")),
        time_ns=_plain_int(e.get("timeUnixNano", 0)),
        attributes=_plain_attributes(e.get("attributes")),
    )


def _plain_int(raw: Any) -> int:
    # short digit strings only: int() of a very long one raises (Python's digit limit), and
    # the validating path must be the one to meet it
    if type(raw) is str and len(raw) <= 24 and raw.isascii() and raw.isdigit():
        return int(raw)
    if type(raw) is int:
        return raw
    raise _NotPlain


def _plain_enum(raw: Any, prefix: str, names: dict[int, str], known: frozenset[str]) -> str:
    if type(raw) is str:
        short = raw.removeprefix(prefix)
        if short in known:
            return short
    elif type(raw) is int:
        return names.get(raw, str(raw))
    raise _NotPlain


def _plain_attributes(items: Any) -> dict[str, Any]:
    if items is None:
        return {}
    if type(items) is not list:
        raise _NotPlain
    out: dict[str, Any] = {}
    for kv in items:
        # exactly {"key": str, "value": {one scalar kind}}: no other keys, nothing nested
        if type(kv) is not dict or len(kv) != 2:
            raise _NotPlain
        key, value = kv.get("key"), kv.get("value", _MISSING)
        if type(key) is not str:
            raise _NotPlain
        if value is None:
            out[key] = None
            continue
        if type(value) is not dict or len(value) != 1:
            raise _NotPlain
        ((kind, raw),) = value.items()
        if kind == "stringValue" and type(raw) is str:
            out[key] = raw
        elif kind == "intValue":
            out[key] = _plain_int(raw)
        elif kind == "doubleValue" and type(raw) is float:
            out[key] = _finite(raw)
        elif kind == "boolValue" and type(raw) is bool:
            out[key] = raw
        else:
            raise _NotPlain
    return out
