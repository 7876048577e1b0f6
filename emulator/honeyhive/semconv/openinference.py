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
    inputs: dict[str, dict[str, Any]] = {}  # message index -> its attributes
    outputs: dict[str, dict[str, Any]] = {}
    documents: dict[str, dict[str, Any]] = {}
    tools: dict[int, Any] = {}
    values: dict[str, Any] = {}  # input.value, output.value, llm.invocation_parameters
    multipart = False  # a message has message.contents.<n>.*
    for key, value in found.items():
        what, index, attr = _WHERE.get(key) or _where(key)
        if what == _SCALAR:
            for bucket, name in _SCALARS[key]:
                put(event, bucket, name, value)
        elif what == _IN:
            inputs.setdefault(index, {}).setdefault(attr, value)
            if attr.startswith(_CONTENTS):
                multipart = True
        elif what == _OUT:
            outputs.setdefault(index, {}).setdefault(attr, value)
            if attr.startswith(_CONTENTS):
                multipart = True
        elif what == _TOOL:
            tools[int(index)] = parsed(value)
        elif what == _DOC:
            documents.setdefault(index, {}).setdefault(attr, value)
        elif what == _VALUE:
            values[key] = value
        else:
            metadata[key] = value  # an OpenInference attribute mapped nowhere
    for key, value in values.items():
        # on a span with structured messages the raw request/response stays in metadata
        if key == "input.value" and not inputs:
            merge(event["inputs"], parsed(value))
        elif key == "output.value" and not outputs:
            merge(event["outputs"], parsed(value))
        elif key == "llm.invocation_parameters" and isinstance(params := parsed(value), dict):
            merge(event["config"], params)
        else:
            metadata[key] = value
    if tools:
        event["config"].setdefault("tools", [tools[i] for i in sorted(tools)])
    if multipart:
        for message in (*inputs.values(), *outputs.values()):
            _contents(message)
    if inputs:
        chat_history(event, inputs)
    if outputs:
        output_from_messages(event["outputs"], outputs)
    if documents:
        event["outputs"].setdefault("documents", listify(documents))


_CONTENTS = "contents."


def _contents(message: dict[str, Any]) -> None:
    """OpenInference's multi-part `message.contents.<n>.message_content.{type,text,...}` (what
    its Anthropic and OpenAI Responses instrumentors write) as a `contents` list, and as plain
    `content` when every part is text and the message has no `content` of its own."""
    parts: dict[str, dict[str, Any]] = {}
    for key in [k for k in message if k.startswith(_CONTENTS)]:
        index, _, attr = key[len(_CONTENTS) :].partition(".")
        if index.isdigit() and attr:
            parts.setdefault(index, {})[attr.removeprefix("message_content.")] = message.pop(key)
    if not parts:
        return
    listed = [parts[i] for i in sorted(parts, key=int)]
    texts = [p["text"] for p in listed if p.get("type", "text") == "text" and "text" in p]
    if (
        "content" not in message
        and len(texts) == len(listed)
        and all(isinstance(t, str) for t in texts)
    ):
        message["content"] = "".join(texts)
    else:
        message["contents"] = listed


# what a key is, worked out once per key (the same few dozen keys come on every span)
_SCALAR, _IN, _OUT, _TOOL, _DOC, _VALUE, _META = "scalar", "in", "out", "tool", "doc", "value", ""
_Where = tuple[str, str, str]  # what, index, attribute
_WHERE: dict[str, _Where] = {}
_MAX_WHERE = 16_384
_VALUES = frozenset({"input.value", "output.value", "llm.invocation_parameters"})


def _where(key: str) -> _Where:
    found: _Where = (_META, "", "")
    if key in _SCALARS:
        found = (_SCALAR, "", "")
    elif key in _VALUES:
        found = (_VALUE, "", "")
    elif key.startswith((_INPUT_MESSAGES, _OUTPUT_MESSAGES)):
        inbound = key.startswith(_INPUT_MESSAGES)
        rest = key[len(_INPUT_MESSAGES if inbound else _OUTPUT_MESSAGES) :]
        index, _, attr = rest.partition(".")
        attr = attr.removeprefix("message.")
        if index.isdigit() and attr:
            found = (_IN if inbound else _OUT, index, attr)
    elif key.startswith(_TOOLS) and key.endswith(".tool.json_schema"):
        index = key[len(_TOOLS) : -len(".tool.json_schema")]
        if index.isdigit():
            found = (_TOOL, index, "")
    elif key.startswith(_DOCUMENTS):
        index, _, attr = key[len(_DOCUMENTS) :].partition(".")
        if index.isdigit() and attr.startswith("document.") and attr != "document.":
            found = (_DOC, index, attr.removeprefix("document."))
    if len(_WHERE) >= _MAX_WHERE:
        _WHERE.clear()
    _WHERE[key] = found
    return found
