"""Traceloop (OpenLLMetry, `opentelemetry-instrumentation-*`) span attributes → HoneyHive
buckets: its own `traceloop.*` keys and the older indexed `gen_ai.prompt.<n>.*` /
`gen_ai.completion.<n>.*` messages. Traceloop 0.62.4 writes everything else as OTel GenAI
`gen_ai.*` attributes, which `genai.py` maps (for both)."""

from __future__ import annotations

from typing import Any

from .shared import (
    Rule,
    chat_history,
    merge,
    output_from_messages,
    parsed,
    put_indexed,
    rule,
    scalar_routes,
)

KIND_ATTRIBUTE = "traceloop.span.kind"
ENTITY_INPUT = "traceloop.entity.input"

RULES: dict[str, Rule] = {
    "KIND": rule(KIND_ATTRIBUTE, to=("metadata.span_kind", "event_type")),
    "REQUEST_TYPE": rule("llm.request.type", to=("metadata.request_type", "event_type")),
    "PROMPTS": rule("gen_ai.prompt.<n>.*", to="inputs.chat_history", copy=False),
    "COMPLETIONS": rule(
        "gen_ai.completion.<n>.*",
        to=("outputs.role", "outputs.content", "outputs.tool_calls"),
        copy=False,
    ),
    "ENTITY_INPUT": rule(ENTITY_INPUT, to="inputs", copy=False),
    "ENTITY_OUTPUT": rule("traceloop.entity.output", to="outputs", copy=False),
    "FUNCTIONS": rule("llm.request.functions.<n>.*", to="config.tools", copy=False),
    "TOTAL_TOKENS": rule("llm.usage.total_tokens", to="metadata.total_tokens"),
}

_SCALARS = scalar_routes(RULES)
_PROMPTS = "gen_ai.prompt."
_COMPLETIONS = "gen_ai.completion."
_FUNCTIONS = "llm.request.functions."
_OWN = frozenset({"llm.request.type", "llm.usage.total_tokens"})
# the member of LangChain's callback payload that is the run's input or output
_UNWRAP = {ENTITY_INPUT: ("inputs",), "traceloop.entity.output": ("outputs", "output")}


def claims(key: str) -> bool:
    return key.startswith(("traceloop.", _PROMPTS, _COMPLETIONS, _FUNCTIONS)) or key in _OWN


def apply(event: dict[str, Any], found: dict[str, Any], attrs: dict[str, Any]) -> None:
    metadata = event["metadata"]
    indexed: dict[str, Any] = {}  # "in" / "out" / "tools": {"<n>": {attr: value}}
    for key, value in found.items():
        targets = _SCALARS.get(key)
        if targets is not None:
            for bucket, name in targets:
                event[bucket].setdefault(name, value)
        elif key in _UNWRAP:
            payload = parsed(value)
            if isinstance(payload, dict):
                for member in _UNWRAP[key]:
                    if member in payload:
                        payload = parsed(payload[member])
                        break
            merge(event["inputs" if key == ENTITY_INPUT else "outputs"], payload)
        elif key.startswith(_PROMPTS):
            if not put_indexed(indexed, "in", key[len(_PROMPTS) :], value):
                metadata[key] = value
        elif key.startswith(_COMPLETIONS):
            if not put_indexed(indexed, "out", key[len(_COMPLETIONS) :], value):
                metadata[key] = value
        elif key.startswith(_FUNCTIONS):
            if not put_indexed(indexed, "tools", key[len(_FUNCTIONS) :], value):
                metadata[key] = value
        else:
            metadata[key] = value  # traceloop.entity.name/path, traceloop.workflow.name, ...
    if "in" in indexed:
        chat_history(event, indexed["in"])
    if "out" in indexed:
        output_from_messages(event["outputs"], indexed["out"])
    tools = indexed.get("tools")
    if tools:
        event["config"].setdefault(
            "tools",
            [
                {k: parsed(v) if k == "parameters" else v for k, v in tools[i].items()}
                for i in sorted(tools, key=int)
            ],
        )
