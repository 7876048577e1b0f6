"""OTel GenAI semantic conventions (`gen_ai.*`, 1.36 with the 1.37+ keys the page notes) →
HoneyHive buckets. Traceloop 0.62.4 writes these keys too; on a Traceloop span (one with
`traceloop.*` keys) the tool/task payloads it repeats from `traceloop.entity.*` are left to
`traceloop.py`'s rule and stay in metadata here."""

from __future__ import annotations

import json
from typing import Any

from .shared import (
    Rule,
    chat_history,
    merge,
    output_from_messages,
    parsed,
    put,
    rule,
    scalar_routes,
    tool_call,
)

_PARAMETER_NAMES = (
    "temperature",
    "max_tokens",
    "top_p",
    "top_k",
    "frequency_penalty",
    "presence_penalty",
    "stop_sequences",
    "seed",
)
PARAMETERS = tuple(f"gen_ai.request.{p}" for p in _PARAMETER_NAMES)
OPERATION = "gen_ai.operation.name"

RULES: dict[str, Rule] = {
    "KIND": rule("gen_ai.agent.type", to=("metadata.span_kind", "event_type")),
    "OPERATION": rule(OPERATION, to=("metadata.operation_name", "event_type")),
    "INPUT_MESSAGES": rule("gen_ai.input.messages", to="inputs.chat_history", copy=False),
    "SYSTEM_INSTRUCTIONS": rule(
        "gen_ai.system_instructions", to="config.system_instructions", copy=False
    ),
    "OUTPUT_MESSAGES": rule(
        "gen_ai.output.messages",
        to=("outputs.role", "outputs.content", "outputs.tool_calls"),
        copy=False,
    ),
    "MODEL": rule("gen_ai.request.model", to="config.model"),
    "RESPONSE_MODEL": rule("gen_ai.response.model", to="metadata.response_model"),
    "MODEL_NAME": rule(
        "gen_ai.response.model", "gen_ai.request.model", to="metadata.model_name", copy=False
    ),
    "PROVIDER": rule("gen_ai.provider.name", to=("config.provider", "metadata.provider")),
    "SYSTEM": rule("gen_ai.system", to="metadata.system"),
    "PARAMETERS": rule(*PARAMETERS, to="config.<param>", copy=False),
    "TOOL_DEFINITIONS": rule("gen_ai.tool.definitions", to="config.tools", copy=False),
    "INPUT_TOKENS": rule(
        "gen_ai.usage.input_tokens", to=("metadata.input_tokens", "metadata.prompt_tokens")
    ),
    "PROMPT_TOKENS": rule("gen_ai.usage.prompt_tokens", to="metadata.prompt_tokens"),
    "OUTPUT_TOKENS": rule(
        "gen_ai.usage.output_tokens", to=("metadata.output_tokens", "metadata.completion_tokens")
    ),
    "COMPLETION_TOKENS": rule("gen_ai.usage.completion_tokens", to="metadata.completion_tokens"),
    "TOTAL_TOKENS": rule("gen_ai.usage.total_tokens", to="metadata.total_tokens"),
    "CACHE_READ_TOKENS": rule(
        "gen_ai.usage.cache_read_input_tokens", to="metadata.cache_read_input_tokens"
    ),
    "CACHE_WRITE_TOKENS": rule(
        "gen_ai.usage.cache_write_input_tokens", to="metadata.cache_write_input_tokens"
    ),
    "REASONING_TOKENS": rule("gen_ai.usage.reasoning_tokens", to="metadata.reasoning_tokens"),
    "FINISH_REASONS": rule("gen_ai.response.finish_reasons", to="metadata.finish_reasons"),
    "RESPONSE_ID": rule("gen_ai.response.id", to="metadata.response_id"),
    "TOOL_NAME": rule("gen_ai.tool.name", to=("config.tool_name", "metadata.tool_name")),
    "TOOL_DESCRIPTION": rule("gen_ai.tool.description", to="config.tool_description"),
    "TOOL_CALL_ID": rule("gen_ai.tool.call.id", to="metadata.tool_call_id"),
    "TOOL_ARGUMENTS": rule("gen_ai.tool.call.arguments", to="inputs", copy=False),
    "TOOL_RESULT": rule("gen_ai.tool.call.result", to="outputs", copy=False),
    "TOOL_STATUS": rule("gen_ai.tool.status", to="metadata.tool_status"),
    "AGENT_NAME": rule("gen_ai.agent.name", to="metadata.agent_name"),
    "AGENT_ID": rule("gen_ai.agent.id", to="metadata.agent_id"),
    "AGENT_DESCRIPTION": rule("gen_ai.agent.description", to="metadata.agent_description"),
    "CONVERSATION": rule("gen_ai.conversation.id", to="metadata.conversation_id"),
    "ERROR_TYPE": rule("error.type", to="error", copy=False),
}

_SCALARS = scalar_routes(RULES)
_PARAMETERS = {source: source.removeprefix("gen_ai.request.") for source in PARAMETERS}
_REPEATED_ON_TRACELOOP = frozenset({"gen_ai.tool.call.arguments", "gen_ai.tool.call.result"})


def claims(key: str) -> bool:
    return key.startswith("gen_ai.")


def error_of(attrs: dict[str, Any]) -> str | None:
    """OTel's `error.type` (the error's class), for a failed span that says nothing else."""
    value = attrs.get("error.type")
    return value if isinstance(value, str) and value else None


def apply(event: dict[str, Any], found: dict[str, Any], attrs: dict[str, Any]) -> None:
    metadata = event["metadata"]
    traceloop = "traceloop.span.kind" in attrs or "traceloop.entity.input" in attrs
    for key, value in found.items():
        targets = _SCALARS.get(key)
        if targets is not None:
            for bucket, name in targets:
                put(event, bucket, name, value)
        elif key in _PARAMETERS:
            put(event, "config", _PARAMETERS[key], value)
        elif key == "gen_ai.input.messages":
            messages = _messages(value)
            if messages is None:
                metadata[key] = value
            else:
                chat_history(event, messages)
        elif key == "gen_ai.output.messages":
            messages = _messages(value)
            if messages is None:
                metadata[key] = value
            else:
                output_from_messages(event["outputs"], messages)
        elif key in ("gen_ai.system_instructions", "gen_ai.tool.definitions"):
            name = "system_instructions" if key.endswith("instructions") else "tools"
            put(event, "config", name, parsed(value))
        elif key in _REPEATED_ON_TRACELOOP and not traceloop:
            merge(event["inputs" if key.endswith("arguments") else "outputs"], parsed(value))
        else:
            metadata[key] = value  # gen_ai.tool.type, gen_ai.task.*, gen_ai.openai.*, ...
    model = found.get("gen_ai.response.model") or found.get("gen_ai.request.model")
    if model is not None:
        put(event, "metadata", "model_name", model)


def _messages(value: Any) -> list[dict[str, Any]] | None:
    """OTel's messages (`[{role, parts: [...]}]`, as JSON text on a span) as OpenAI-style
    chat messages; None when the value is not such a list."""
    items = parsed(value)
    if not isinstance(items, list) or not all(isinstance(m, dict) for m in items):
        return None
    return [_message(m) for m in items]


def _message(message: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"role": message.get("role")}
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    others: list[Any] = []
    parts = message.get("parts")
    for part in parts if isinstance(parts, list) else []:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("content"), str):
            texts.append(part["content"])
        elif kind == "tool_call":
            calls.append(tool_call(part.get("id"), part.get("name"), part.get("arguments")))
        elif kind == "tool_call_response":
            out["tool_call_id"] = part.get("id")
            result = part.get("response", part.get("result"))
            texts.append(result if isinstance(result, str) else json.dumps(result))
        else:
            others.append(part)
    if texts:
        out["content"] = "".join(texts)
    if calls:
        out["tool_calls"] = calls
    if others:
        out["parts"] = others
    for extra in ("name", "finish_reason"):
        if extra in message:
            out[extra] = message[extra]
    return out
