"""Turn spans into events the way HoneyHive presents them.

- `honeyhive_<field>.a.b` attributes are un-flattened into inputs/outputs/metadata/config/
  metrics/feedback/user_properties (`.0`, `.1` segments become lists);
- the attributes of a semantic convention (OpenInference, Traceloop, OTel GenAI: one module
  each in `semconv/`, their table in `semconv/README.md`) are gathered per convention and
  mapped once the whole span is read; an explicit `honeyhive_*` value wins over a mapped one;
- every other attribute lands in metadata under its own (dotted) key;
- `event_type` is the SDK's `honeyhive_event_type` unless that is its fallback `tool` and a
  convention's span kind says otherwise (semconv/README.md, "Event type");
- `error` comes from `honeyhive_error`, the span status (ERROR), an `exception` span event or
  OTel's `error.type`.

Parent/child links are resolved on read (`storage/span_tree.py`): children usually reach the
emulator before their parents, so nothing here depends on arrival order.
"""

from __future__ import annotations

import json
from typing import Any

from .event_fields import ENRICHMENT_FIELDS, EVENT_TYPES
from .ids import span_event_id
from .otlp.spans import Span
from .semconv import genai, openinference, traceloop
from .semconv.shared import (
    convention_event_type,
    gather_tool_calls,
    listify,
    messages_of,
    output_from_messages,
)

# in the order they are applied: where two write the same key the first wins (setdefault), and
# traceloop claims its `gen_ai.prompt.*` / `llm.request.*` keys before genai / openinference
_CONVENTIONS = (openinference, traceloop, genai)
_CLAIM_ORDER = (1, 2, 0)  # indexes into _CONVENTIONS

_ENRICHMENT_SET = frozenset(ENRICHMENT_FIELDS)
_BOOKKEEPING = {
    "honeyhive.session_id",
    "honeyhive.project",
    "honeyhive.source",
    "honeyhive.event_type",
    "honeyhive_event_type",
    "honeyhive_event_name",
    "honeyhive_event_id",
    "honeyhive_error",
    "honeyhive_duration_ms",
}


# What an attribute key asks for depends on the key alone, and an application sends the same
# few dozen keys on every span: each key is classified once (`_route`) and looked up after
_SKIP, _FIELD_KEY, _FIELD_PATH, _FIELD_JSON, _CONVENTION, _METADATA = (
    "skip",
    "field key",
    "field path",
    "field json",
    "convention",
    "metadata",
)
# kind, enrichment field (for a convention: its index in _CONVENTIONS), path inside it
_Route = tuple[str, str, tuple[str, ...]]
_ROUTES: dict[str, _Route] = {}
_MAX_ROUTES = 65_536  # keys are the client's to choose: bound the cache


def _route(key: str) -> _Route:
    if key in _BOOKKEEPING or key.startswith("traceloop.association.properties."):
        found: _Route = (_SKIP, "", ())
    else:
        field, _, path = key.partition(".")
        target = field.removeprefix("honeyhive_")
        if target in _ENRICHMENT_SET and field.startswith("honeyhive_"):
            if "." in path:
                found = (_FIELD_PATH, target, tuple(path.split(".")))
            elif path:
                found = (_FIELD_KEY, target, (path,))
            else:
                found = (_FIELD_JSON, target, ())
        else:
            found = (_METADATA, "", ())
            for index in _CLAIM_ORDER:
                if _CONVENTIONS[index].claims(key):
                    found = (_CONVENTION, str(index), ())
                    break
    if len(_ROUTES) >= _MAX_ROUTES:
        _ROUTES.clear()
    _ROUTES[key] = found
    return found


def session_id_of(span: Span) -> str | None:
    for key in ("honeyhive.session_id", "traceloop.association.properties.session_id"):
        value = span.attributes.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def span_to_event(span: Span, *, project: str, project_id: str, session_id: str) -> dict[str, Any]:
    attrs = span.attributes
    event: dict[str, Any] = {field: {} for field in ENRICHMENT_FIELDS}
    metadata = event["metadata"]
    found: dict[str, dict[str, Any]] | None = None  # convention index -> its attributes
    for key, value in attrs.items():
        kind, target, path = _ROUTES.get(key) or _route(key)
        if kind is _METADATA:
            metadata[key] = value
        elif kind is _FIELD_KEY:
            event[target][path[0]] = value
        elif kind is _FIELD_PATH:
            _put(event[target], path, value)
        elif kind is _FIELD_JSON:
            if isinstance(value, str):
                _merge_json_object(event[target], value)
        elif kind is _CONVENTION:
            if found is None:
                found = {}
            found.setdefault(target, {})[key] = value
    _lists_from_indexes(event)
    if found is not None:
        # the explicit honeyhive_* values are in place first: the conventions only setdefault
        for index, convention in enumerate(_CONVENTIONS):
            mine = found.get(str(index))
            if mine:
                convention.apply(event, mine, attrs)
        _total_tokens(event["metadata"])

    # int / int is correctly rounded; / 1e6 would first round the nanoseconds to a float
    start_ms = span.start_ns / 1_000_000
    end_ms = span.end_ns / 1_000_000
    duration = attrs.get("honeyhive_duration_ms")
    event.update(
        {
            "event_id": _str_attr(attrs, "honeyhive_event_id")
            or span_event_id(span.trace_id, span.span_id),
            "session_id": session_id,
            "project": project,
            "project_id": project_id,
            "source": _str_attr(attrs, "honeyhive.source")
            or _str_attr(attrs, "traceloop.association.properties.source")
            or "unknown",
            "event_name": _str_attr(attrs, "honeyhive_event_name") or span.name,
            "event_type": _event_type(attrs, convention=found is not None),
            "error": _error(span),
            "start_time": start_ms,
            "end_time": end_ms,
            "duration": float(duration)
            if isinstance(duration, int | float)
            else max(end_ms - start_ms, 0.0),
        }
    )
    return event


def _event_type(attrs: dict[str, Any], *, convention: bool) -> str:
    """The SDK's label, unless it is its fallback `tool` (it labels every span whose kind it
    could not tell when the span started `tool`) and a convention's span kind says otherwise."""
    given = _str_attr(attrs, "honeyhive_event_type")
    if given in EVENT_TYPES and given != "tool":
        return given
    return (convention and convention_event_type(attrs)) or "tool"


def _total_tokens(metadata: dict[str, Any]) -> None:
    """HoneyHive computes the total when a span reports prompt and completion tokens only."""
    prompt, completion = metadata.get("prompt_tokens"), metadata.get("completion_tokens")
    if "total_tokens" not in metadata and isinstance(prompt, int) and isinstance(completion, int):
        metadata["total_tokens"] = prompt + completion


def _error(span: Span) -> str | None:
    explicit = _str_attr(span.attributes, "honeyhive_error")
    if explicit:
        return explicit
    if span.status_code == "ERROR" and span.status_message:
        return span.status_message
    for ev in span.events:
        if ev.name == "exception":
            kind = ev.attributes.get("exception.type", "Exception")
            return f"{kind}: {ev.attributes.get('exception.message', '')}".strip()
    if span.status_code != "ERROR":
        return None
    return genai.error_of(span.attributes) or "error"


def _str_attr(attrs: dict[str, Any], key: str) -> str | None:
    value = attrs.get(key)
    return value if isinstance(value, str) and value else None


# ---- un-flattening --------------------------------------------------------------------------


def _put(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = target
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[path[-1]] = value


def _merge_json_object(target: dict[str, Any], raw: str) -> None:
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        target["value"] = raw
        return
    if isinstance(parsed, dict):
        target.update(parsed)
    else:
        target["value"] = parsed


def _lists_from_indexes(event: dict[str, Any]) -> None:
    """`{"0": a, "1": b}` nodes (flattened lists) become `[a, b]`, recursively; explicit
    `honeyhive_outputs.messages` become the output's role, content and tool calls."""
    for field in ENRICHMENT_FIELDS:
        node = event[field]
        for k, v in node.items():
            if isinstance(v, dict):
                node[k] = listify(v)  # replacing values keeps the keys and their order
    for message in messages_of(event["inputs"].get("chat_history")):
        gather_tool_calls(message)
    messages = event["outputs"].pop("messages", None)
    if messages is not None:
        output_from_messages(event["outputs"], messages)
