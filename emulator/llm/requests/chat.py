"""``POST /v1/chat/completions`` requests, checked with the SDK's ``CompletionCreateParams``
plus the rules OpenAI adds (ranges, ``stop`` length, ``stream_options`` only with ``stream``,
text-only content), and turned into the plain messages the SmolLM2 chat template takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openai.types.chat import completion_create_params
from pydantic import TypeAdapter

from emulator.llm.errors import invalid_param
from emulator.llm.requests.body import JSON
from emulator.llm.requests.params import (
    int_range,
    num_range,
    reject_unknown,
    type_error,
    validate,
)
from emulator.llm.tools.plan import ToolPlan, render_call, tool_plan

_CHAT_PARAMS = TypeAdapter(completion_create_params.CompletionCreateParamsBase)
_STREAM_FLAG = TypeAdapter(bool | None)

CHAT_KEYS = frozenset(completion_create_params.CompletionCreateParamsBase.__annotations__) | {
    "stream"
}

MAX_STOP_SEQUENCES = 4
MAX_N = 128


@dataclass(frozen=True)
class ChatMessage:
    """A message as the SmolLM2 chat template takes it: role and plain text."""

    role: str
    content: str

    def as_json(self) -> JSON:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class ChatRequest:
    model: str
    messages: tuple[ChatMessage, ...]
    last_user_message: str | None
    stream: bool = False
    include_usage: bool = False
    n: int = 1
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop: tuple[str, ...] = ()
    seed: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    logprobs: bool = False
    top_logprobs: int | None = None
    response_format: JSON | None = None
    tools: tuple[JSON, ...] = field(default=())
    #: how the model may use ``tools`` (None: it answers in text)
    tool_plan: ToolPlan | None = None


def parse_chat_request(body: JSON) -> ChatRequest:
    reject_unknown(body, CHAT_KEYS)
    if "messages" in body and not isinstance(body["messages"], list):
        raise type_error("messages", "an array", body["messages"])
    params = validate(_CHAT_PARAMS, body)
    stream = validate(_STREAM_FLAG, body.get("stream"), prefix=("stream",)) or False

    model = params["model"]
    if not model:
        raise invalid_param("model", "you must provide a model parameter", code=None)
    messages_in: list[JSON] = params["messages"]
    if not messages_in:
        raise invalid_param(
            "messages",
            "Invalid 'messages': empty array. Expected an array with minimum "
            "length 1, but got an empty array instead.",
            code="empty_array",
        )
    plan = tool_plan(params.get("tools") or (), params.get("tool_choice"))
    messages, last_user = plain_messages(messages_in, calls_as_json=plan is not None)

    n = int_range(params, "n", 1, MAX_N) or 1
    max_tokens = int_range(params, "max_completion_tokens", 1, None)
    if max_tokens is None:
        max_tokens = int_range(params, "max_tokens", 1, None)
    temperature = num_range(params, "temperature", 0.0, 2.0)
    top_p = num_range(params, "top_p", 0.0, 1.0)
    presence = num_range(params, "presence_penalty", -2.0, 2.0)
    frequency = num_range(params, "frequency_penalty", -2.0, 2.0)
    top_logprobs = int_range(params, "top_logprobs", 0, 20)
    logprobs = bool(params.get("logprobs") or False)
    if top_logprobs is not None and not logprobs:
        raise invalid_param(
            "top_logprobs",
            "Invalid value for 'top_logprobs': logprobs must be set to true "
            "if top_logprobs is used.",
        )

    stop_in = params.get("stop")
    stop: tuple[str, ...] = (stop_in,) if isinstance(stop_in, str) else tuple(stop_in or ())
    if len(stop) > MAX_STOP_SEQUENCES:
        raise invalid_param(
            "stop",
            f"Invalid 'stop': array too long. Expected an array with maximum length "
            f"{MAX_STOP_SEQUENCES}, but got an array with length {len(stop)} instead.",
            code="array_above_max_length",
        )

    stream_options = params.get("stream_options")
    if stream_options is not None and not stream:
        raise invalid_param(
            "stream_options",
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        )
    if "audio" in (params.get("modalities") or ()):
        raise invalid_param(
            "modalities", "This model does not support audio output.", code="unsupported_value"
        )

    return ChatRequest(
        model=model,
        messages=messages,
        last_user_message=last_user,
        stream=stream,
        include_usage=bool(stream_options and stream_options.get("include_usage")),
        n=n,
        max_tokens=max_tokens,
        temperature=temperature,
        top_p=top_p,
        stop=tuple(s for s in stop if s),
        seed=params.get("seed"),
        presence_penalty=presence,
        frequency_penalty=frequency,
        logprobs=logprobs,
        top_logprobs=top_logprobs,
        response_format=_response_format(params.get("response_format")),
        tools=tuple(params.get("tools") or ()),
        tool_plan=plan,
    )


def plain_messages(
    messages: list[JSON], *, calls_as_json: bool
) -> tuple[tuple[ChatMessage, ...], str | None]:
    """Text-only messages for the chat template; images, audio and files are refused.

    Earlier tool calls are written the way the model writes one when it may call tools again
    (``calls_as_json``), else as a plain sentence: SmolLM2 copies the shape of its earlier
    turns, and a reply meant as text should not come out as call JSON. A tool result names
    the function it answers."""
    out: list[ChatMessage] = []
    last_user: str | None = None
    called: dict[str, str] = {}
    for i, message in enumerate(messages):
        role = str(message["role"])
        text = _text_of(message.get("content"), f"messages[{i}].content")
        if role == "assistant":
            functions = [c for c in message.get("tool_calls") or [] if c.get("type") == "function"]
            pairs = [(c["function"]["name"], c["function"]["arguments"]) for c in functions]
            called.update((c["id"], c["function"]["name"]) for c in functions)
            if message.get("function_call"):
                call = message["function_call"]
                pairs.append((call["name"], call["arguments"]))
            rendered = [
                render_call(name, arguments)
                if calls_as_json
                else f"Calling {name} with {arguments}."
                for name, arguments in pairs
            ]
            text = "\n".join([t for t in (text, *rendered) if t])
        elif role == "tool" and not calls_as_json and message.get("tool_call_id") in called:
            text = f"{called[message['tool_call_id']]} returned: {text}"
        mapped = {"developer": "system", "function": "tool"}.get(role, role)
        out.append(ChatMessage(role=mapped, content=text))
        if role == "user":
            last_user = text
    return tuple(out), last_user


def _text_of(content: Any, param: str) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    texts: list[str] = []
    for j, part in enumerate(content):
        kind = part.get("type")
        if kind == "text":
            texts.append(str(part["text"]))
        elif kind == "refusal":
            texts.append(str(part["refusal"]))
        else:
            raise invalid_param(
                f"{param}[{j}].type",
                f"Invalid content type. {kind} is only supported by certain models.",
                code=None,
            )
    return "\n".join(texts)


def _response_format(value: Any) -> JSON | None:
    if not value or value.get("type") == "text":
        return None
    if value["type"] == "json_object":
        return {"type": "json_object"}
    schema = value.get("json_schema", {}).get("schema")
    if value["type"] == "json_schema" and schema is not None:
        return {"type": "json_schema", "json_schema": {"schema": schema}}
    if value["type"] == "json_schema":
        return {"type": "json_object"}
    raise invalid_param(
        "response_format.type",
        f"Invalid value: '{value['type']}'. Supported values are: 'text', 'json_object' and "
        "'json_schema'.",
    )
