"""Strict OTLP/JSON: every field checked, and a BadRequest that says where the document is
wrong. Ids may be HoneyHive's hex strings (what the SDK's exporter writes) or standard OTLP/JSON
base64; `intValue` and times may be numbers or digit strings; enums names or numbers. Every
document the fast path (`json_plain.py`) leaves comes here.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ..errors import BadRequest
from .spans import HEX, KIND_NAMES, STATUS_NAMES, Span, SpanEvent, finite


def decode(doc: Any) -> list[Span]:
    """A parsed OTLP/JSON document, checked field by field; a BadRequest says where it is
    wrong."""
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
        kind=_enum_name(s.get("kind", 0), "SPAN_KIND_", KIND_NAMES, f"{where}.kind"),
        start_ns=_json_int(s.get("startTimeUnixNano", 0), f"{where}.startTimeUnixNano"),
        end_ns=_json_int(s.get("endTimeUnixNano", 0), f"{where}.endTimeUnixNano"),
        attributes=_json_attributes(s.get("attributes"), where),
        status_code=_enum_name(status.get("code", 0), "STATUS_CODE_", STATUS_NAMES, where),
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
    if len(raw) == size * 2 and HEX.match(raw):
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
            return finite(float(raw))
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
