"""``POST /v1/responses`` (OpenAI Responses API) requests, checked with the ``openai``
package's own ``ResponseCreateParams`` types plus OpenAI's ranges, and turned into the same
``ChatRequest`` the chat completions route makes, so both run on one engine.

``input`` (a string, or items: messages with ``input_text`` / ``output_text`` parts,
``function_call`` and ``function_call_output``) and ``instructions`` become chat messages;
function tools become the chat route's tools. Nothing is stored, so what needs a stored
response or conversation (``previous_response_id``, ``conversation``, ``prompt``,
``background``, ``item_reference`` items) is refused; bookkeeping fields with no effect here
(``include``, ``store``, ``parallel_tool_calls``, ``truncation``, ``metadata``, ``reasoning``,
``user``, ``service_tier``, the prompt-cache fields, ...) are accepted and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from openai.types.responses import response_create_params
from pydantic import TypeAdapter

from emulator.llm.errors import OpenAIError, invalid_param
from emulator.llm.requests.body import JSON
from emulator.llm.requests.chat import ChatRequest, plain_messages
from emulator.llm.requests.params import (
    int_range,
    num_range,
    reject_unknown,
    type_error,
    validate,
)
from emulator.llm.tools.plan import tool_plan

RESPONSE_KEYS = frozenset(response_create_params.ResponseCreateParamsBase.__annotations__) | {
    "stream"
}
#: Needs state this server does not keep.
_STATEFUL = ("previous_response_id", "conversation", "prompt")
#: OpenAI's lower bound for ``max_output_tokens``.
MIN_OUTPUT_TOKENS = 16


@cache
def _params() -> TypeAdapter[Any]:
    # built on first use, so start-up does not pay for it
    return TypeAdapter(response_create_params.ResponseCreateParamsBase)


@dataclass(frozen=True)
class ResponsesRequest:
    chat: ChatRequest
    instructions: str | None
    #: the function tools as the reply echoes them
    tools: tuple[JSON, ...] = field(default=())
    tool_choice: Any = "auto"
    parallel_tool_calls: bool = True
    max_output_tokens: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    text_format: JSON = field(default_factory=lambda: {"type": "text"})


def parse_responses_request(body: JSON) -> ResponsesRequest:
    reject_unknown(body, RESPONSE_KEYS)
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise invalid_param(
            "stream",
            "Invalid type for 'stream': expected a boolean.",
            code="invalid_type",
        )
    # ``input`` is read by hand: the SDK's item types are stricter than the API (an assistant
    # message given back with ``output_text`` parts and no ``id`` fails all 33 of them)
    checked = {k: v for k, v in body.items() if k != "input"}
    if isinstance(body.get("tools"), list):
        checked["tools"] = [_with_defaults(t) for t in body["tools"]]
    params = validate(_params(), checked)
    items = body.get("input")
    if items is not None and not isinstance(items, str | list):
        raise type_error("input", "a string or an array", items)
    for name in _STATEFUL:
        if params.get(name) is not None:
            raise invalid_param(
                name,
                f"'{name}' is not supported by this server: it stores no responses or "
                "conversations. Send the whole history in 'input'.",
                code="unsupported_parameter",
            )
    if params.get("background"):
        raise invalid_param(
            "background", "Background responses are not supported.", code="unsupported_value"
        )
    model = params.get("model")
    if not model:
        raise invalid_param("model", "Missing required parameter: 'model'.", code=None)
    max_output = int_range(params, "max_output_tokens", MIN_OUTPUT_TOKENS, None)
    temperature = num_range(params, "temperature", 0.0, 2.0)
    top_p = num_range(params, "top_p", 0.0, 1.0)

    raw = body  # the checked values may hold pydantic models: read the JSON itself
    tools = [_function_tool(t, i) for i, t in enumerate(raw.get("tools") or ())]
    choice = _tool_choice(raw.get("tool_choice"))
    plan = tool_plan(tools, choice)
    instructions = raw.get("instructions")
    chat_messages: list[JSON] = []
    if instructions:
        chat_messages.append({"role": "system", "content": str(instructions)})
    chat_messages.extend(_input_messages(items))
    if not chat_messages:
        raise invalid_param("input", "Missing required parameter: 'input'.", code=None)
    messages, last_user = plain_messages(chat_messages, calls_as_json=plan is not None)
    text_format = (raw.get("text") or {}).get("format") or {"type": "text"}
    chat = ChatRequest(
        model=model,
        messages=messages,
        last_user_message=last_user,
        stream=bool(stream),
        max_tokens=max_output,
        temperature=temperature,
        top_p=top_p,
        response_format=_response_format(text_format),
        tools=tuple(tools),
        tool_plan=plan,
    )
    return ResponsesRequest(
        chat=chat,
        instructions=str(instructions) if instructions else None,
        tools=tuple(raw.get("tools") or ()),
        tool_choice=raw.get("tool_choice") or "auto",
        parallel_tool_calls=bool(raw.get("parallel_tool_calls", True)),
        max_output_tokens=max_output,
        metadata=dict(raw.get("metadata") or {}),
        text_format=text_format,
    )


def _with_defaults(tool: Any) -> Any:
    """A function tool as the SDK's type wants it: ``strict`` and ``parameters`` are required
    there (nullable), but the API does not ask for them and LangChain leaves ``strict`` out."""
    if isinstance(tool, dict) and tool.get("type") == "function":
        return {"strict": None, "parameters": None, **tool}
    return tool


def _input_messages(items: Any) -> list[JSON]:
    """``input`` as chat messages: a function_call joins the assistant turn before it."""
    if items is None:
        return []
    if isinstance(items, str):
        return [{"role": "user", "content": items}]
    out: list[JSON] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise type_error(f"input[{i}]", "an object", item)
        kind = item.get("type", "message")
        if kind == "message":
            role = _field(item, "role", str, f"input[{i}]")
            if role not in _ROLES:
                raise invalid_param(
                    f"input[{i}].role",
                    f"Invalid value: '{role}'. Supported values are: 'user', 'assistant', "
                    "'system', and 'developer'.",
                )
            out.append({"role": role, "content": _text(item.get("content"), f"input[{i}]")})
        elif kind == "function_call":
            call = {
                "id": _field(item, "call_id", str, f"input[{i}]"),
                "type": "function",
                "function": {
                    "name": _field(item, "name", str, f"input[{i}]"),
                    "arguments": _field(item, "arguments", str, f"input[{i}]"),
                },
            }
            if out and out[-1]["role"] == "assistant":
                out[-1].setdefault("tool_calls", []).append(call)
            else:
                out.append({"role": "assistant", "content": "", "tool_calls": [call]})
        elif kind == "function_call_output":
            out.append(
                {
                    "role": "tool",
                    "tool_call_id": _field(item, "call_id", str, f"input[{i}]"),
                    "content": _text(item.get("output"), f"input[{i}].output"),
                }
            )
        elif kind == "reasoning":
            continue
        else:
            raise invalid_param(
                f"input[{i}].type",
                f"Invalid value: '{kind}'. This server supports message, function_call and "
                "function_call_output items only.",
                code="unsupported_value",
            )
    return out


_ROLES = ("user", "assistant", "system", "developer")


def _field(item: JSON, name: str, kind: type, where: str) -> Any:
    if name not in item:
        raise invalid_param(
            f"{where}.{name}",
            f"Missing required parameter: '{where}.{name}'.",
            code="missing_required_parameter",
        )
    value = item[name]
    if not isinstance(value, kind):
        raise type_error(f"{where}.{name}", "a string", value)
    return value


def _text(content: Any, param: str) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise type_error(
            param if param.endswith("output") else f"{param}.content",
            "a string or an array",
            content,
        )
    texts: list[str] = []
    for j, part in enumerate(content):
        if not isinstance(part, dict):
            raise type_error(f"{param}.content[{j}]", "an object", part)
        kind = part.get("type")
        if kind in ("input_text", "output_text"):
            texts.append(_field(part, "text", str, f"{param}.content[{j}]"))
        elif kind == "refusal":
            texts.append(str(part.get("refusal", "")))
        else:
            raise invalid_param(
                f"{param}.content[{j}].type",
                f"Invalid content type. {kind} is only supported by certain models.",
                code=None,
            )
    return "\n".join(texts)


def _function_tool(tool: JSON, index: int) -> JSON:
    """A Responses function tool in the chat route's shape (other kinds are refused)."""
    if tool.get("type") != "function":
        raise invalid_param(
            f"tools[{index}].type",
            f"Invalid value: '{tool.get('type')}'. This server supports function tools only.",
            code="unsupported_value",
        )
    function: JSON = {"name": tool["name"], "parameters": tool.get("parameters")}
    if tool.get("description"):
        function["description"] = tool["description"]
    return {"type": "function", "function": function}


def _tool_choice(choice: Any) -> Any:
    """The Responses ``tool_choice`` in the chat route's words."""
    if choice is None or isinstance(choice, str):
        return choice
    kind = choice.get("type")
    if kind == "function":
        return {"type": "function", "function": {"name": choice["name"]}}
    if kind == "allowed_tools":
        tools = [
            {"type": "function", "function": {"name": t.get("name")}}
            if t.get("type") == "function"
            else t
            for t in choice.get("tools") or ()
        ]
        return {"type": "allowed_tools", "allowed_tools": {"mode": choice["mode"], "tools": tools}}
    raise _unsupported_choice(kind)


def _unsupported_choice(kind: Any) -> OpenAIError:
    return invalid_param(
        "tool_choice.type",
        f"Invalid value: '{kind}'. This server supports function tools only.",
        code="unsupported_value",
    )


def _response_format(text_format: JSON) -> JSON | None:
    kind = text_format.get("type")
    if kind == "json_object":
        return {"type": "json_object"}
    if kind == "json_schema" and text_format.get("schema") is not None:
        return {"type": "json_schema", "json_schema": {"schema": text_format["schema"]}}
    return None
