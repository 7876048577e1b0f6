"""Request validation with the ``openai`` package's own parameter types.

pydantic validates the SDK's TypedDicts; its errors are turned into OpenAI's 400 messages
with ``param`` set (``messages[0].role``). Ranges OpenAI enforces but the types do not
(temperature, n, ...) are checked by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from openai.types import embedding_create_params
from openai.types.chat import completion_create_params
from pydantic import TypeAdapter, ValidationError

from emulator.llm.errors import OpenAIError, invalid_param, malformed_json
from emulator.llm.tools import ToolPlan, render_call, tool_plan

JSON = dict[str, Any]

_CHAT_PARAMS = TypeAdapter(completion_create_params.CompletionCreateParamsBase)
_EMBEDDING_PARAMS = TypeAdapter(embedding_create_params.EmbeddingCreateParams)
_STREAM_FLAG = TypeAdapter(bool | None)
# The SDK types `input` with lazy Iterables, which cannot fall back from list[int] to
# list[list[int]]: the same union, eager.
_EMBEDDING_INPUT = TypeAdapter(str | list[str] | list[int] | list[list[int]])

CHAT_KEYS = frozenset(completion_create_params.CompletionCreateParamsBase.__annotations__) | {
    "stream"
}
EMBEDDING_KEYS = frozenset(embedding_create_params.EmbeddingCreateParams.__annotations__)

MAX_STOP_SEQUENCES = 4
MAX_N = 128
MAX_EMBEDDING_INPUTS = 2048
DISCRIMINATORS = frozenset({"role", "type"})
_TAG = re.compile(r"^[A-Z]|[\[\]]|^(str|int|float|bool|list|dict|none)$")


@dataclass(frozen=True)
class ToolCallIn:
    id: str
    name: str
    arguments: str


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


@dataclass(frozen=True)
class EmbeddingRequest:
    model: str
    inputs: list[str] | list[list[int]]
    encoding_format: str = "float"
    dimensions: int | None = None


def parse_json_object(raw: bytes) -> JSON:
    """The request body as a JSON object, or a 400 that says what is wrong with it."""
    if not raw.strip():
        raise malformed_json("the body is empty")
    try:
        body = json.loads(raw)
    except UnicodeDecodeError as exc:
        raise malformed_json(f"the body is not UTF-8 ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise malformed_json(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    if not isinstance(body, dict):
        raise invalid_param(
            None, f"The body must be a JSON object, not {_json_type(body)}.", code="invalid_type"
        )
    return body


def peek_model(body: Mapping[str, Any]) -> str | None:
    model = body.get("model")
    return model if isinstance(model, str) else None


# --- chat ---------------------------------------------------------------------------------
def parse_chat_request(body: JSON) -> ChatRequest:
    _reject_unknown(body, CHAT_KEYS)
    if "messages" in body and not isinstance(body["messages"], list):
        raise _type_error("messages", "an array", body["messages"])
    params = _validate(_CHAT_PARAMS, body)
    stream = _validate(_STREAM_FLAG, body.get("stream"), prefix=("stream",)) or False

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
    messages, last_user = _plain_messages(messages_in, calls_as_json=plan is not None)

    n = _int_range(params, "n", 1, MAX_N) or 1
    max_tokens = _int_range(params, "max_completion_tokens", 1, None)
    if max_tokens is None:
        max_tokens = _int_range(params, "max_tokens", 1, None)
    temperature = _num_range(params, "temperature", 0.0, 2.0)
    top_p = _num_range(params, "top_p", 0.0, 1.0)
    presence = _num_range(params, "presence_penalty", -2.0, 2.0)
    frequency = _num_range(params, "frequency_penalty", -2.0, 2.0)
    top_logprobs = _int_range(params, "top_logprobs", 0, 20)
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


def _plain_messages(
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


# --- embeddings ---------------------------------------------------------------------------
def parse_embedding_request(body: JSON) -> EmbeddingRequest:
    _reject_unknown(body, EMBEDDING_KEYS)
    # `input` is checked on its own (see _EMBEDDING_INPUT); a stand-in keeps it "present".
    stand_in = {**body, "input": ""} if "input" in body else body
    params = _validate(_EMBEDDING_PARAMS, stand_in)
    try:
        inputs_any: Any = _EMBEDDING_INPUT.validate_python(body["input"], strict=True)
    except ValidationError:
        raise invalid_param(
            "input",
            "Invalid type for 'input': expected a string, an array of strings, an array of "
            f"integers or an array of integer arrays, but got {_json_type(body['input'])}.",
            code="invalid_type",
        ) from None
    model = params["model"]
    if not model:
        raise invalid_param("model", "you must provide a model parameter", code=None)

    inputs: list[str] | list[list[int]]
    if isinstance(inputs_any, str):
        inputs = [inputs_any]
    elif inputs_any and all(isinstance(x, int) for x in inputs_any):
        inputs = [[int(x) for x in inputs_any]]
    else:
        inputs = inputs_any
    if not inputs or any(len(x) == 0 for x in inputs):
        raise invalid_param(
            "input", "'$.input' is invalid: it must be a non-empty string or array.", code=None
        )
    if len(inputs) > MAX_EMBEDDING_INPUTS:
        raise invalid_param(
            "input",
            f"Invalid 'input': maximum {MAX_EMBEDDING_INPUTS} inputs per request.",
            code="array_above_max_length",
        )
    dimensions = _int_range(params, "dimensions", 1, None)
    return EmbeddingRequest(
        model=model,
        inputs=inputs,
        encoding_format=params.get("encoding_format") or "float",
        dimensions=dimensions,
    )


# --- helpers ------------------------------------------------------------------------------
def _reject_unknown(body: Mapping[str, Any], known: frozenset[str]) -> None:
    for key in body:
        if key not in known:
            raise invalid_param(
                key, f"Unrecognized request argument supplied: {key}", code="unknown_parameter"
            )


def _validate(adapter: TypeAdapter[Any], value: Any, prefix: tuple[str | int, ...] = ()) -> Any:
    try:
        return _materialize(adapter.validate_python(value, strict=True), prefix)
    except ValidationError as exc:
        raise _from_pydantic(exc, prefix) from exc


def _materialize(value: Any, path: tuple[str | int, ...]) -> Any:
    """pydantic validates ``Iterable`` fields lazily: walk them now, keeping the error path."""
    if isinstance(value, dict):
        return {k: _materialize(v, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_materialize(v, (*path, i)) for i, v in enumerate(value)]
    if isinstance(value, Iterator):
        items: list[Any] = []
        index = 0
        while True:
            try:
                item = next(value)
            except StopIteration:
                return items
            except ValidationError as exc:
                raise _from_pydantic(exc, path) from exc
            items.append(_materialize(item, (*path, index)))
            index += 1
    return value


@dataclass(frozen=True)
class _Issue:
    """One pydantic error, its location split into the JSON path and the union branch."""

    path: tuple[str | int, ...]
    branch: tuple[str | int, ...]
    kind: str
    message: str
    value: Any
    expected: str

    @property
    def param(self) -> str:
        return _param_name(self.path)

    @property
    def on_discriminator(self) -> bool:
        """A union member refused the ``role``/``type`` value: not the member meant."""
        last = self.path[-1] if self.path else None
        return self.kind == "literal_error" and last in DISCRIMINATORS


def _from_pydantic(exc: ValidationError, prefix: tuple[str | int, ...]) -> OpenAIError:
    """The one pydantic error that best explains the problem, in OpenAI's words."""
    issues: list[_Issue] = []
    for error in exc.errors(include_url=False):
        loc: tuple[str | int, ...] = (*prefix, *error["loc"])
        ctx = error.get("ctx") or {}
        issues.append(
            _Issue(
                path=tuple(p for p in loc if not _is_tag(p)),
                branch=tuple(p for p in loc if _is_tag(p)),
                kind=error["type"],
                message=error["msg"],
                value=error.get("input"),
                expected=str(ctx.get("expected", "")),
            )
        )
    branches: dict[tuple[str | int, ...], list[_Issue]] = {}
    for issue in issues:
        branches.setdefault(issue.branch, []).append(issue)
    matching = [b for b in branches.values() if not any(i.on_discriminator for i in b)]
    if len(branches) > 1 and not matching:
        # Every union member refused the role/type: say which values are allowed.
        expected = [i.expected for i in issues if i.on_discriminator and i.expected]
        return invalid_param(
            issues[0].param,
            f"Invalid value: {_repr(issues[0].value)}. Supported values are: "
            f"{', '.join(expected)}.",
        )
    best = min(matching, key=len)[0] if matching else issues[0]
    return _describe(best)


def _describe(issue: _Issue) -> OpenAIError:
    param = issue.param
    if issue.kind == "missing":
        return invalid_param(
            param, f"Missing required parameter: '{param}'.", code="missing_required_parameter"
        )
    if issue.kind in _EXPECTED:
        return _type_error(param, _EXPECTED[issue.kind], issue.value)
    if issue.kind == "literal_error":
        return invalid_param(
            param, f"Invalid value: {_repr(issue.value)}. Supported values are: {issue.expected}."
        )
    return invalid_param(param, f"Invalid value for '{param}': {issue.message}.")


_EXPECTED = {
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "bool_type": "a boolean",
    "dict_type": "an object",
    "model_type": "an object",
    "list_type": "an array",
    "iterable_type": "an array",
    "is_instance_of": "an array",
    "none_required": "null",
}


def _type_error(param: str, expected: str, value: Any) -> OpenAIError:
    return invalid_param(
        param,
        f"Invalid type for '{param}': expected {expected}, but got {_json_type(value)} instead.",
        code="invalid_type",
    )


def _int_range(params: Mapping[str, Any], name: str, low: int, high: int | None) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if value < low:
        raise invalid_param(
            name,
            f"Invalid '{name}': integer below minimum value. Expected a value >= {low}, "
            f"but got {value} instead.",
            code="integer_below_min_value",
        )
    if high is not None and value > high:
        raise invalid_param(
            name,
            f"Invalid '{name}': integer above maximum value. Expected a value <= {high}, "
            f"but got {value} instead.",
            code="integer_above_max_value",
        )
    return int(value)


def _num_range(params: Mapping[str, Any], name: str, low: float, high: float) -> float | None:
    value = params.get(name)
    if value is None:
        return None
    if value < low:
        raise invalid_param(
            name,
            f"Invalid '{name}': decimal below minimum value. Expected a value >= {low:g}, "
            f"but got {value} instead.",
            code="decimal_below_min_value",
        )
    if value > high:
        raise invalid_param(
            name,
            f"Invalid '{name}': decimal above maximum value. Expected a value <= {high:g}, "
            f"but got {value} instead.",
            code="decimal_above_max_value",
        )
    return float(value)


def _is_tag(part: str | int) -> bool:
    return isinstance(part, str) and bool(_TAG.search(part))


def _param_name(path: tuple[Any, ...]) -> str:
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "an object"
    return "an array"


def _repr(value: Any) -> str:
    return json.dumps(value)[:100] if not isinstance(value, str) else f"'{value[:100]}'"
