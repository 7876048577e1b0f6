"""What the three convention modules share: the rule type (a row of README.md's table as data),
the span-kind → event-type maps, and the small writers every module uses. Imports only the
leaves (errors, jsontext).

Every writer here uses setdefault: a value the SDK set explicitly (`honeyhive_config.model`,
`honeyhive_inputs.*`, ...) is already in its bucket when the conventions are applied, and wins.
"""

from __future__ import annotations

import json
import math
from typing import Any, NamedTuple

from ..errors import BadRequest
from ..jsontext import MAX_DEPTH, check_depth


class Rule(NamedTuple):
    """Source attributes (`<n>` = an index, `*` = any rest of the key) and the `bucket.key`
    destinations each of them goes to; `config.<param>` = the parameter's own name. A `copy`
    rule copies the value as it is (`scalar_routes`); the others are code in their module."""

    sources: tuple[str, ...]
    destinations: tuple[str, ...]
    copy: bool


def rule(*sources: str, to: str | tuple[str, ...], copy: bool = True) -> Rule:
    return Rule(sources, (to,) if isinstance(to, str) else to, copy)


# ---- span kind → event type -----------------------------------------------------------------

# the HoneyHive SDK's own tables (1.7.0, tracer/processing/span_processor.py)
OPENINFERENCE_EVENT_TYPES = {
    "LLM": "model",
    "CHAIN": "chain",
    "TOOL": "tool",
    "AGENT": "chain",
    "RETRIEVER": "tool",
    "EMBEDDING": "tool",
    "RERANKER": "tool",
    "GUARDRAIL": "tool",
}
OPERATION_EVENT_TYPES = {
    "chat": "model",
    "text_completion": "model",
    "generate_content": "model",
    "embeddings": "model",
    "invoke_agent": "chain",
    "create_agent": "chain",
    "invoke_workflow": "chain",
    "execute_tool": "tool",
    "retrieval": "tool",
}
# the values the page lists for traceloop.span.kind and gen_ai.agent.type
TRACELOOP_EVENT_TYPES = {
    "llm": "model",
    "tool": "tool",
    "agent": "chain",
    "task": "chain",
    "workflow": "chain",
}
AGENT_TYPE_EVENT_TYPES = {"llm": "model", "tool": "tool", "agent": "chain"}
REQUEST_TYPE_EVENT_TYPES = {"chat": "model", "completion": "model", "embedding": "model"}

# (attribute, value map, whether the value is upper case): the first that maps decides
KIND_ORDER: tuple[tuple[str, dict[str, str], bool], ...] = (
    ("openinference.span.kind", OPENINFERENCE_EVENT_TYPES, True),
    ("traceloop.span.kind", TRACELOOP_EVENT_TYPES, False),
    ("gen_ai.agent.type", AGENT_TYPE_EVENT_TYPES, False),
    ("gen_ai.operation.name", OPERATION_EVENT_TYPES, False),
    ("llm.request.type", REQUEST_TYPE_EVENT_TYPES, False),
)


def convention_event_type(attrs: dict[str, Any]) -> str | None:
    for key, table, upper in KIND_ORDER:
        value = attrs.get(key)
        if isinstance(value, str):
            found = table.get(value.upper() if upper else value.lower())
            if found:
                return found
    return None


# ---- writers ---------------------------------------------------------------------------------


ROOT_FIELDS = frozenset({"event_type", "error"})
BUCKETS = frozenset(
    {"inputs", "outputs", "metadata", "config", "metrics", "feedback", "user_properties"}
)


def scalar_routes(rules: dict[str, Rule]) -> dict[str, tuple[tuple[str, str], ...]]:
    """source attribute → its (bucket, key) destinations, for the rules that copy a value as it
    is: plain sources, every destination a plain `bucket.key`."""
    routes: dict[str, tuple[tuple[str, str], ...]] = {}
    for r in rules.values():
        if not r.copy:
            continue
        # event_type and error are root fields, decided in span_mapping from the same keys
        targets = [d.split(".", 1) for d in r.destinations if d not in ROOT_FIELDS]
        plain = all(len(t) == 2 and t[0] in BUCKETS and "<" not in t[1] for t in targets)
        if targets and plain and not any("<" in s or "*" in s for s in r.sources):
            for source in r.sources:
                routes[source] = routes.get(source, ()) + tuple((b, k) for b, k in targets)
    return routes


def put(event: dict[str, Any], bucket: str, key: str, value: Any) -> None:
    event[bucket].setdefault(key, value)


def parsed(value: Any) -> Any:
    """A JSON string's value; anything else as it is, and so is text that is not strict JSON
    (NaN, numbers beyond a double, nesting deeper than the emulator stores: the rules of
    `jsontext.loads`, whose depth walk runs only when the text has enough brackets to fail it)."""
    if not isinstance(value, str) or not value:
        return value
    try:
        doc = json.loads(value, parse_constant=_no_constant, parse_float=_finite)
    except (ValueError, RecursionError):
        return value
    if value.count("[") + value.count("{") > MAX_DEPTH:
        try:
            check_depth(doc)
        except BadRequest:
            return value
    return doc


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _finite(text: str) -> float:
    number = float(text)
    if number in (math.inf, -math.inf):
        raise ValueError(text)
    return number


def merge(bucket: dict[str, Any], value: Any) -> None:
    """An object's members into the bucket (keys already there win); anything else as
    `value` (the way a whole-field `honeyhive_inputs` JSON string is read)."""
    if isinstance(value, dict):
        for k, v in value.items():
            bucket.setdefault(k, v)
    elif value is not None:
        bucket.setdefault("value", value)


def put_indexed(bucket: dict[str, Any], name: str, rest: str, value: Any) -> bool:
    """`<n>.<attr>` = value, under `bucket[name]` as `{"<n>": {attr: value}}` (lists are made
    of such index nodes after every attribute is read); False when `rest` has no index."""
    index, _, attr = rest.partition(".")
    if not index.isdigit() or not attr:
        return False
    node = bucket.setdefault(name, {})
    if not isinstance(node, dict):
        return False
    node.setdefault(index, {}).setdefault(attr, value)
    return True


def tool_call(call_id: Any, name: Any, arguments: Any) -> dict[str, Any]:
    """OpenAI's shape of a tool call; arguments as JSON text."""
    if arguments is not None and not isinstance(arguments, str):
        arguments = json.dumps(arguments)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


# ---- messages ----------------------------------------------------------------------------------


def listify(node: Any) -> Any:
    """`{"0": a, "1": b}` (a flattened list) as `[a, b]`, at any depth."""
    if not isinstance(node, dict):
        return node
    converted = {k: listify(v) for k, v in node.items()}
    keys = list(converted)
    if keys and all(k.isdigit() for k in keys):
        ordered = sorted(keys, key=int)
        if [int(k) for k in ordered] == list(range(len(ordered))):
            return [converted[k] for k in ordered]
    return converted


def messages_of(node: Any) -> list[dict[str, Any]]:
    return [m for m in node if isinstance(m, dict)] if isinstance(node, list) else []


_TOOL_CALLS = "tool_calls."


def gather_tool_calls(message: dict[str, Any]) -> None:
    """OpenInference's flat `tool_calls.N.tool_call.function.name|arguments` and `...id` keys of
    a message (Traceloop's older `tool_calls.N.name|arguments|id`) become OpenAI's
    `tool_calls: [{id, type, function: {name, arguments}}]`."""
    calls: dict[int, dict[str, Any]] = {}
    for key in [k for k in message if k.startswith(_TOOL_CALLS)]:
        index, _, attr = key[len(_TOOL_CALLS) :].partition(".")
        if not index.isdigit():
            continue
        calls.setdefault(int(index), {})[attr.removeprefix("tool_call.")] = message.pop(key)
    if calls:
        message["tool_calls"] = [
            tool_call(
                call.get("id"),
                call.get("function.name", call.get("name")),
                call.get("function.arguments", call.get("arguments")),
            )
            for _, call in sorted(calls.items())
        ]


def chat_history(event: dict[str, Any], messages: Any) -> None:
    """Indexed or listed messages as `inputs.chat_history` (an explicit one wins)."""
    listed = listify(messages)
    for message in messages_of(listed):
        gather_tool_calls(message)
    event["inputs"].setdefault("chat_history", listed)


def output_from_messages(outputs: dict[str, Any], messages: Any) -> None:
    """The output message(s): the last one's role, content and tool calls (what HoneyHive's
    chat rendering reads), and all of them as `messages` when there are several."""
    messages = listify(messages)
    for message in messages_of(messages):
        gather_tool_calls(message)
    if not isinstance(messages, list) or not messages:
        outputs.setdefault("messages", messages)
        return
    last = messages[-1]
    outputs.setdefault("role", last.get("role") if isinstance(last, dict) else None)
    outputs.setdefault("content", last.get("content") if isinstance(last, dict) else last)
    if isinstance(last, dict) and last.get("tool_calls"):
        outputs.setdefault("tool_calls", last["tool_calls"])
    if len(messages) > 1:
        outputs.setdefault("messages", messages)
