"""The fast path for plain OTLP/JSON, what the SDK's exporter sends: hex ids, digit-string
times, enum names, scalar attribute values, and no keys beyond OTLP's. Such a document decodes
here, without the error locations the validating path builds and without the depth check (a
plain document is at most 12 levels deep). Anything else (arrays, kvlists, bytes, extra keys,
malformed input) raises NotPlain, and goes through the depth check and the validating path
(`json_strict.py`), which give the same spans or the same error: `tests/honeyhive/
test_otlp_fast_path.py` checks the two agree on 1,600 mutated exports.
"""

from __future__ import annotations

from typing import Any

from .spans import HEX, KIND_NAMES, STATUS_NAMES, Span, SpanEvent, finite


class NotPlain(Exception):
    """The document is not plain: decode it with the validating path."""


_KIND_SET = frozenset(KIND_NAMES.values())
_STATUS_SET = frozenset(STATUS_NAMES.values())
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


def decode_or_none(doc: Any) -> list[Span] | None:
    """The fast path's spans, or None when the document is not plain (for tests: both paths
    must agree wherever this one answers)."""
    try:
        return decode(doc)
    except NotPlain:
        return None


def decode(doc: Any) -> list[Span]:
    """The spans of a plain document; NotPlain for anything else."""
    if type(doc) is not dict or len(doc) != 1 or type(doc.get("resourceSpans")) is not list:
        raise NotPlain
    spans: list[Span] = []
    for rs in doc["resourceSpans"]:
        if type(rs) is not dict or not rs.keys() <= _RS_KEYS:
            raise NotPlain
        resource = rs.get("resource") or {}
        if type(resource) is not dict or not resource.keys() <= _RESOURCE_KEYS:
            raise NotPlain
        _plain_scalars(resource, "droppedAttributesCount")
        _plain_scalars(rs, "schemaUrl")
        attributes = _plain_attributes(resource.get("attributes"))
        for ss in _plain_list(rs, "scopeSpans"):
            if type(ss) is not dict or not ss.keys() <= _SS_KEYS:
                raise NotPlain
            scope = ss.get("scope") or {}
            if type(scope) is not dict or not scope.keys() <= _SCOPE_KEYS:
                raise NotPlain
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
        raise NotPlain
    return value


def _plain_scalars(doc: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if type(doc.get(key)) not in _SCALARS:
            raise NotPlain


def _plain_span(s: Any, resource: dict[str, Any], scope: str) -> Span:
    if type(s) is not dict:
        raise NotPlain
    if not s.keys() <= _SPAN_KEYS:
        extra = s.keys() - _SPAN_KEYS
        if not extra <= _SPAN_SCALAR_KEYS:
            raise NotPlain
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
        or not HEX.match(trace_id)
        or not HEX.match(span_id)
    ):
        raise NotPlain
    if parent is None or parent == "":
        parent_id = None
    elif type(parent) is str and len(parent) == 16 and HEX.match(parent):
        parent_id = parent.lower()
    else:
        raise NotPlain
    message = status.get("message")
    if type(message) not in _SCALARS:
        raise NotPlain
    return Span(
        trace_id=trace_id.lower(),
        span_id=span_id.lower(),
        parent_span_id=parent_id,
        name=name,
        kind=_plain_enum(s.get("kind", 0), "SPAN_KIND_", KIND_NAMES, _KIND_SET),
        start_ns=_plain_int(s.get("startTimeUnixNano", 0)),
        end_ns=_plain_int(s.get("endTimeUnixNano", 0)),
        attributes=_plain_attributes(s.get("attributes")),
        status_code=_plain_enum(status.get("code", 0), "STATUS_CODE_", STATUS_NAMES, _STATUS_SET),
        status_message=str(message or ""),
        events=[_plain_event(e) for e in _plain_list(s, "events")],
        resource=resource,
        scope=scope,
    )


def _plain_event(e: Any) -> SpanEvent:
    if type(e) is not dict or not e.keys() <= _EVENT_KEYS:
        raise NotPlain
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
    raise NotPlain


def _plain_enum(raw: Any, prefix: str, names: dict[int, str], known: frozenset[str]) -> str:
    if type(raw) is str:
        short = raw.removeprefix(prefix)
        if short in known:
            return short
    elif type(raw) is int:
        return names.get(raw, str(raw))
    raise NotPlain


def _plain_attributes(items: Any) -> dict[str, Any]:
    if items is None:
        return {}
    if type(items) is not list:
        raise NotPlain
    out: dict[str, Any] = {}
    for kv in items:
        # exactly {"key": str, "value": {one scalar kind}}: no other keys, nothing nested
        if type(kv) is not dict or len(kv) != 2:
            raise NotPlain
        key, value = kv.get("key"), kv.get("value", _MISSING)
        if type(key) is not str:
            raise NotPlain
        if value is None:
            out[key] = None
            continue
        if type(value) is not dict or len(value) != 1:
            raise NotPlain
        ((kind, raw),) = value.items()
        if kind == "stringValue" and type(raw) is str:
            out[key] = raw
        elif kind == "intValue":
            out[key] = _plain_int(raw)
        elif kind == "doubleValue" and type(raw) is float:
            out[key] = finite(raw)
        elif kind == "boolValue" and type(raw) is bool:
            out[key] = raw
        else:
            raise NotPlain
    return out
