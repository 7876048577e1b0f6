"""Turn spans into events the way HoneyHive presents them.

- `honeyhive_<field>.a.b` attributes are un-flattened into inputs/outputs/metadata/config/
  metrics/feedback/user_properties (`.0`, `.1` segments become lists);
- OpenInference (`llm.*`) and GenAI (`gen_ai.*`) model attributes become config.model,
  config.<invocation parameter>, metadata.{prompt,completion,total}_tokens, inputs.chat_history
  and outputs;
- every other attribute lands in metadata under its own (dotted) key;
- `error` comes from `honeyhive_error`, the span status (ERROR) or an `exception` span event.

Parent/child links are resolved on read (`storage/span_tree.py`): children usually reach the
emulator before their parents, so nothing here depends on arrival order.
"""

from __future__ import annotations

import json
from typing import Any

from .event_fields import ENRICHMENT_FIELDS, EVENT_TYPES
from .ids import span_event_id
from .otlp.spans import Span

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
_SKIP, _FIELD_KEY, _FIELD_PATH, _FIELD_JSON, _MODEL, _METADATA = (
    "skip",
    "field key",
    "field path",
    "field json",
    "model",
    "metadata",
)
_Route = tuple[str, str, tuple[str, ...]]  # kind, enrichment field, path inside it
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
        elif key.startswith(_MODEL_PREFIXES):
            found = (_MODEL, "", ())
        else:
            found = (_METADATA, "", ())
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
        elif kind is _MODEL and not _map_model_attribute(event, key, value):
            metadata[key] = value
    _lists_from_indexes(event)

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
            "event_type": _event_type(attrs),
            "error": _error(span),
            "start_time": start_ms,
            "end_time": end_ms,
            "duration": float(duration)
            if isinstance(duration, int | float)
            else max(end_ms - start_ms, 0.0),
        }
    )
    return event


def _event_type(attrs: dict[str, Any]) -> str:
    value = _str_attr(attrs, "honeyhive_event_type") or "tool"
    return value if value in EVENT_TYPES else "tool"


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
    return "error" if span.status_code == "ERROR" else None


def _str_attr(attrs: dict[str, Any], key: str) -> str | None:
    value = attrs.get(key)
    return value if isinstance(value, str) and value else None


# ---- model spans (OpenInference and GenAI semantic conventions) ------------------------------

_TOKEN_KEYS = {
    "llm.token_count.prompt": "prompt_tokens",
    "llm.token_count.completion": "completion_tokens",
    "llm.token_count.total": "total_tokens",
    "gen_ai.usage.input_tokens": "prompt_tokens",
    "gen_ai.usage.output_tokens": "completion_tokens",
    "gen_ai.usage.total_tokens": "total_tokens",
    "gen_ai.usage.prompt_tokens": "prompt_tokens",
    "gen_ai.usage.completion_tokens": "completion_tokens",
}
_CONFIG_KEYS = {
    "llm.model_name": "model",
    "gen_ai.request.model": "model",
    "llm.provider": "provider",
    "llm.system": "provider",
    "gen_ai.system": "provider",
    "gen_ai.request.temperature": "temperature",
    "gen_ai.request.max_tokens": "max_tokens",
    "gen_ai.request.top_p": "top_p",
}


_MODEL_PREFIXES = ("llm.", "gen_ai.")  # every key below starts with one of them


def _map_model_attribute(event: dict[str, Any], key: str, value: Any) -> bool:
    """Map a `llm.*` / `gen_ai.*` attribute; False when the key is none of the mapped ones."""
    if key in _TOKEN_KEYS:
        event["metadata"][_TOKEN_KEYS[key]] = value
        return True
    if key in _CONFIG_KEYS:
        event["config"].setdefault(_CONFIG_KEYS[key], value)
        return True
    if key == "gen_ai.response.model":
        event["metadata"]["response_model"] = value
        return True
    if key == "llm.invocation_parameters" and isinstance(value, str):
        _merge_json_object(event["config"], value)
        return True
    for prefix, field, name in (
        ("llm.input_messages.", "inputs", "chat_history"),
        ("llm.output_messages.", "outputs", "messages"),
    ):
        if key.startswith(prefix):
            index, _, rest = key[len(prefix) :].partition(".")
            attr = rest.removeprefix("message.")
            messages = event[field].setdefault(name, {})
            if isinstance(messages, dict):
                messages.setdefault(index, {})[attr] = value
            return True
    return False


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
    """`{"0": a, "1": b}` nodes (flattened lists) become `[a, b]`, recursively."""
    for field in ENRICHMENT_FIELDS:
        node = event[field]
        for k, v in node.items():
            if isinstance(v, dict):
                node[k] = _listify(v)  # replacing values keeps the keys and their order
    for message in _messages(event["inputs"].get("chat_history")):
        _gather_tool_calls(message)
    messages = event["outputs"].pop("messages", None)
    for message in _messages(messages):
        _gather_tool_calls(message)
    if isinstance(messages, list) and messages:
        last = messages[-1]
        event["outputs"].setdefault("role", last.get("role") if isinstance(last, dict) else None)
        event["outputs"].setdefault(
            "content", last.get("content") if isinstance(last, dict) else last
        )
        if isinstance(last, dict) and last.get("tool_calls"):
            event["outputs"].setdefault("tool_calls", last["tool_calls"])
        if len(messages) > 1:
            event["outputs"]["messages"] = messages


def _messages(node: Any) -> list[dict[str, Any]]:
    return [m for m in node if isinstance(m, dict)] if isinstance(node, list) else []


_TOOL_CALLS = "tool_calls."


def _gather_tool_calls(message: dict[str, Any]) -> None:
    """OpenInference's flat `tool_calls.N.tool_call.function.name|arguments` and `...id` keys of
    a message become OpenAI's `tool_calls: [{id, type, function: {name, arguments}}]`."""
    calls: dict[int, dict[str, Any]] = {}
    for key in [k for k in message if k.startswith(_TOOL_CALLS)]:
        index, _, attr = key[len(_TOOL_CALLS) :].partition(".")
        if not index.isdigit():
            continue
        calls.setdefault(int(index), {})[attr.removeprefix("tool_call.")] = message.pop(key)
    if calls:
        message["tool_calls"] = [
            {
                "id": call.get("id"),
                "type": "function",
                "function": {
                    "name": call.get("function.name"),
                    "arguments": call.get("function.arguments"),
                },
            }
            for _, call in sorted(calls.items())
        ]


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v) for k, v in node.items()}
    keys = list(converted)
    if keys and all(k.isdigit() for k in keys):
        ordered = sorted(keys, key=int)
        if [int(k) for k in ordered] == list(range(len(ordered))):
            return [converted[k] for k in ordered]
    return converted
