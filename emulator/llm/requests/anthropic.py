"""``POST /v1/messages`` (Anthropic Messages API) requests, checked with the ``anthropic``
package's own ``MessageCreateParams`` types plus the rules Anthropic adds (``max_tokens``
required and positive, ``temperature`` 0-1, text-only content), and turned into the same
``ChatRequest`` the chat completions route makes, so both run on one engine.

Content blocks become the chat messages the engine takes: ``tool_use`` blocks an assistant
message's ``tool_calls``, ``tool_result`` blocks ``role: "tool"`` messages, and ``system``
(a string or text blocks) the system message. Parameter errors are OpenAIErrors (the route
answers them in Anthropic's shape); ``param`` is the JSON path, which Anthropic puts at the
head of its message (``messages.0.content: ...``).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from anthropic.types import message_create_params
from pydantic import TypeAdapter

from emulator.llm.errors import OpenAIError, invalid_param
from emulator.llm.requests.body import JSON
from emulator.llm.requests.chat import ChatRequest, plain_messages
from emulator.llm.requests.params import num_range, reject_unknown, validate
from emulator.llm.tools.plan import tool_plan

#: ``temperature``, ``top_p`` and ``top_k`` are gone from the SDK's types (anthropic 2.x), but
#: older clients and frameworks still send them: accepted, checked by hand.
_SAMPLING = frozenset({"temperature", "top_p", "top_k"})
MESSAGE_KEYS = (
    frozenset(message_create_params.MessageCreateParamsBase.__annotations__)
    | {"stream"}
    | _SAMPLING
)


@cache
def _params() -> TypeAdapter[Any]:
    # built on first use: it takes ~0.5 s, which start-up should not pay
    return TypeAdapter(message_create_params.MessageCreateParamsBase)


def parse_messages_request(body: JSON) -> ChatRequest:
    reject_unknown(body, MESSAGE_KEYS)
    for required in ("model", "max_tokens", "messages"):
        if required not in body:
            raise invalid_param(required, f"{required}: Field required", code=None)
    sampling = {k: body[k] for k in _SAMPLING if body.get(k) is not None}
    for name, value in sampling.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise invalid_param(name, f"{name}: Input should be a valid number", code=None)
    params = validate(_params(), {k: v for k, v in body.items() if k not in _SAMPLING})
    # The SDK's types also accept its reply models as content (a ToolUseBlock given back): the
    # checked values can hold pydantic models, so the blocks are read from the JSON itself.
    raw = body
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise invalid_param("stream", "stream: Input should be a valid boolean", code=None)

    max_tokens = params["max_tokens"]
    if max_tokens < 1:
        raise invalid_param(
            "max_tokens", "max_tokens: Input should be greater than or equal to 1", code=None
        )
    temperature = num_range(sampling, "temperature", 0.0, 1.0)
    top_p = num_range(sampling, "top_p", 0.0, 1.0)
    thinking = params.get("thinking") or {}
    if thinking.get("type") not in (None, "disabled"):
        raise invalid_param(
            "thinking", "thinking: extended thinking is not supported by this server", code=None
        )

    tools = [_function_tool(t, i) for i, t in enumerate(raw.get("tools") or ())]
    plan = tool_plan(tools, _tool_choice(raw.get("tool_choice"), bool(tools)))
    chat_messages = _system(raw.get("system"))
    if not raw["messages"]:
        raise invalid_param("messages", "messages: at least one message is required", code=None)
    for i, message in enumerate(raw["messages"]):
        chat_messages.extend(_chat_messages(message, i))
    messages, last_user = plain_messages(chat_messages, calls_as_json=plan is not None)
    return ChatRequest(
        model=params["model"],
        messages=messages,
        last_user_message=last_user,
        stream=bool(stream),
        max_tokens=max_tokens,
        temperature=temperature,
        top_p=top_p,
        stop=tuple(s for s in params.get("stop_sequences") or () if s),
        tools=tuple(tools),
        tool_plan=plan,
    )


def _system(system: Any) -> list[JSON]:
    if not system:
        return []
    if isinstance(system, str):
        return [{"role": "system", "content": system}]
    return [{"role": "system", "content": "\n".join(str(b["text"]) for b in system)}]


def _chat_messages(message: JSON, index: int) -> list[JSON]:
    """One Anthropic message as chat messages: tool results become ``tool`` messages (before
    the rest of the user's text), tool uses an assistant's ``tool_calls``."""
    role = message["role"]
    content = message["content"]
    if isinstance(content, str):
        return [{"role": role, "content": content}]
    texts: list[str] = []
    calls: list[JSON] = []
    results: list[JSON] = []
    for j, block in enumerate(content):
        kind = block.get("type")
        where = f"messages.{index}.content.{j}"
        if kind == "text":
            texts.append(str(block["text"]))
        elif kind == "tool_use" and role == "assistant":
            arguments = json.dumps(block.get("input") or {}, ensure_ascii=False)
            calls.append(
                {
                    "id": block["id"],
                    "type": "function",
                    "function": {"name": block["name"], "arguments": arguments},
                }
            )
        elif kind == "tool_result" and role == "user":
            results.append(
                {
                    "role": "tool",
                    "tool_call_id": block["tool_use_id"],
                    "content": _result_text(block.get("content"), where),
                }
            )
        elif kind in ("thinking", "redacted_thinking"):
            continue
        else:
            raise _unsupported_block(where, kind)
    out: list[JSON] = list(results)
    if texts or calls or not results:
        turn: JSON = {"role": role, "content": "\n".join(texts)}
        if calls:
            turn["tool_calls"] = calls
        out.append(turn)
    return out


def _result_text(content: Any, where: str) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    texts: list[str] = []
    for k, block in enumerate(content):
        if block.get("type") != "text":
            raise _unsupported_block(f"{where}.content.{k}", block.get("type"))
        texts.append(str(block["text"]))
    return "\n".join(texts)


def _unsupported_block(where: str, kind: Any) -> OpenAIError:
    return invalid_param(
        f"{where}.type",
        f"{where}.type: content blocks of type '{kind}' are not supported by this server "
        "(text, tool_use and tool_result only)",
        code=None,
    )


def _function_tool(tool: JSON, index: int) -> JSON:
    """An Anthropic client tool in the chat route's shape (server tools are refused)."""
    if tool.get("type") not in (None, "custom") or "input_schema" not in tool:
        raise invalid_param(
            f"tools.{index}.type",
            f"tools.{index}: tools of type '{tool.get('type')}' are not supported by this "
            "server (client tools with input_schema only)",
            code=None,
        )
    function: JSON = {"name": tool["name"], "parameters": tool["input_schema"]}
    if tool.get("description"):
        function["description"] = tool["description"]
    return {"type": "function", "function": function}


def _tool_choice(choice: Any, has_tools: bool) -> Any:
    """Anthropic's ``tool_choice`` in the chat route's words."""
    if choice is None:
        return None
    kind = choice.get("type")
    if kind == "none" or (kind == "auto" and not has_tools):
        return "none" if has_tools else None
    if kind == "auto":
        return "auto"
    if kind == "any":
        return "required"
    return {"type": "function", "function": {"name": choice["name"]}}
