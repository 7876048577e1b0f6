"""OpenInference (Arize, `openinference-instrumentation-*`) span attributes → HoneyHive buckets.

The rules are README.md's table rows for this convention; the keys this module claims
(`claims`) are handed to `apply` together, after every attribute of the span has been read.
"""

from __future__ import annotations

from typing import Any

from .shared import (
    Rule,
    chat_history,
    listify,
    merge,
    output_from_messages,
    parsed,
    put,
    put_indexed,
    rule,
    scalar_routes,
)

KIND_ATTRIBUTE = "openinference.span.kind"

RULES: dict[str, Rule] = {
    "KIND": rule(KIND_ATTRIBUTE, to=("metadata.span_kind", "event_type")),
    "INPUT_MESSAGES": rule(
        "llm.input_messages.<n>.message.*", to="inputs.chat_history", copy=False
    ),
    "OUTPUT_MESSAGES": rule(
        "llm.output_messages.<n>.message.*",
        to=("outputs.role", "outputs.content", "outputs.tool_calls"),
        copy=False,
    ),
    "INPUT_VALUE": rule("input.value", to="inputs", copy=False),
    "OUTPUT_VALUE": rule("output.value", to="outputs", copy=False),
    "INPUT_MIME_TYPE": rule("input.mime_type", to="metadata.input_mime_type"),
    "OUTPUT_MIME_TYPE": rule("output.mime_type", to="metadata.output_mime_type"),
    "MODEL": rule("llm.model_name", to="config.model"),
    "MODEL_NAME": rule("llm.model_name", to="metadata.model_name"),
    "PROVIDER": rule("llm.provider", to=("config.provider", "metadata.provider")),
    "PARAMETERS": rule("llm.invocation_parameters", to="config.<param>", copy=False),
    "TOOL_DEFINITIONS": rule("llm.tools.<n>.tool.json_schema", to="config.tools", copy=False),
    "PROMPT_TOKENS": rule("llm.token_count.prompt", to="metadata.prompt_tokens"),
    "COMPLETION_TOKENS": rule("llm.token_count.completion", to="metadata.completion_tokens"),
    "TOTAL_TOKENS": rule("llm.token_count.total", to="metadata.total_tokens"),
    "TOOL_NAME": rule("tool.name", to=("config.tool_name", "metadata.tool_name")),
    "TOOL_DESCRIPTION": rule("tool.description", to="config.tool_description"),
    "TOOL_CALL_ID": rule("tool_call.id", to="metadata.tool_call_id"),
    "RETRIEVAL": rule("retrieval.documents.<n>.document.*", to="outputs.documents", copy=False),
    "SESSION": rule("session.id", to=("metadata.session_id", "metadata.conversation_id")),
    "USER": rule("user.id", to="metadata.user_id"),
}

_SCALARS = scalar_routes(RULES)
_PREFIXES = ("llm.", "openinference.", "input.", "output.", "tool.", "tool_call.", "retrieval.")
_EXACT = frozenset({"session.id", "user.id"})
_INPUT_MESSAGES = "llm.input_messages."
_OUTPUT_MESSAGES = "llm.output_messages."
_TOOLS = "llm.tools."
_DOCUMENTS = "retrieval.documents."


def claims(key: str) -> bool:
    return key.startswith(_PREFIXES) or key in _EXACT


def apply(event: dict[str, Any], found: dict[str, Any], attrs: dict[str, Any]) -> None:
    metadata = event["metadata"]
    has_input_messages = has_output_messages = False
    tools: dict[int, Any] = {}
    indexed: dict[str, Any] = {}  # "in" / "out" / "documents": {"<n>": {attr: value}}
    for key in found:
        if key.startswith(_INPUT_MESSAGES):
            has_input_messages = True
        elif key.startswith(_OUTPUT_MESSAGES):
            has_output_messages = True
    for key, value in found.items():
        targets = _SCALARS.get(key)
        if targets is not None:
            for bucket, name in targets:
                put(event, bucket, name, value)
        elif key.startswith(_INPUT_MESSAGES):
            if not _message(indexed, "in", key[len(_INPUT_MESSAGES) :], value):
                metadata[key] = value
        elif key.startswith(_OUTPUT_MESSAGES):
            if not _message(indexed, "out", key[len(_OUTPUT_MESSAGES) :], value):
                metadata[key] = value
        elif key == "input.value" and not has_input_messages:
            merge(event["inputs"], parsed(value))
        elif key == "output.value" and not has_output_messages:
            merge(event["outputs"], parsed(value))
        elif key == "llm.invocation_parameters" and isinstance(parsed(value), dict):
            merge(event["config"], parsed(value))
        elif key.startswith(_TOOLS) and key.endswith(".tool.json_schema"):
            index = key[len(_TOOLS) : -len(".tool.json_schema")]
            if index.isdigit():
                tools[int(index)] = parsed(value)
            else:
                metadata[key] = value
        elif key.startswith(_DOCUMENTS):
            rest = key[len(_DOCUMENTS) :]
            index, _, attr = rest.partition(".")
            if not (
                attr.startswith("document.")
                and put_indexed(
                    event["outputs"],
                    "documents",
                    f"{index}.{attr.removeprefix('document.')}",
                    value,
                )
            ):
                metadata[key] = value
        else:
            metadata[key] = value  # an OpenInference attribute the page maps nowhere
    if tools:
        event["config"].setdefault("tools", [tools[i] for i in sorted(tools)])
    if "in" in indexed:
        chat_history(event, indexed["in"])
    if "out" in indexed:
        output_from_messages(event["outputs"], indexed["out"])
    if "documents" in indexed:
        event["outputs"].setdefault("documents", listify(indexed["documents"]))


def _message(bucket: dict[str, Any], name: str, rest: str, value: Any) -> bool:
    """`<n>.message.<attr>` (OpenInference's flattened message) into message n."""
    index, _, attr = rest.partition(".")
    attr = attr.removeprefix("message.")
    return put_indexed(bucket, name, f"{index}.{attr}", value)
