"""Function calling with the real model: ``tools`` + ``tool_choice`` turned into a prompt and a
JSON schema that constrains SmolLM2's output (llama.cpp compiles the schema into a grammar),
and the constrained output turned back into OpenAI ``tool_calls``.

The model answers with one JSON object, the shape llama.cpp's own "generic" tool format uses
for models without a native one::

    {"tool_call": {"name": "<function>", "arguments": {...}}}   a call
    {"response": "<text>"}                                       an answer (tool_choice auto)

``required`` and a named function leave only the first shape (with only the named function);
``auto`` allows both, so the model decides. The arguments are generated under the function's
own ``parameters`` schema, so they always parse as JSON valid against it (unless ``max_tokens``
cuts them short: ``finish_reason: "length"``, as on OpenAI).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from emulator.llm.errors import OpenAIError, invalid_param

JSON = dict[str, Any]
Mode = Literal["auto", "required"]

_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_WS = " \t\n\r"
_EMPTY_PARAMETERS: JSON = {"type": "object", "properties": {}}


@dataclass(frozen=True)
class Function:
    name: str
    description: str
    parameters: JSON

    def as_json(self) -> JSON:
        described: JSON = {"name": self.name}
        if self.description:
            described["description"] = self.description
        described["parameters"] = self.parameters
        return described


@dataclass(frozen=True)
class ToolPlan:
    """What the model may do with the offered tools: ``auto`` (call one or answer) or
    ``required`` (call one of ``functions``; a named tool_choice leaves just that one)."""

    mode: Mode
    functions: tuple[Function, ...]

    def instructions(self) -> str:
        listed = "\n".join(json.dumps(f.as_json(), ensure_ascii=False) for f in self.functions)
        call = '{"tool_call": {"name": <function name>, "arguments": <arguments object>}}'
        lines = [
            "You can call these functions:",
            listed,
            "Reply with one JSON object.",
            f"To call a function: {call}",
        ]
        if self.mode == "auto":
            lines.append('To answer the user directly: {"response": <your answer>}')
        return "\n".join(lines)

    def schema(self) -> JSON:
        """The JSON schema of the whole reply (property order is the generation order)."""
        calls = [_call_schema(f) for f in self.functions]
        call = calls[0] if len(calls) == 1 else {"anyOf": calls}
        shapes = [_object({"tool_call": call})]
        if self.mode == "auto":
            shapes.append(_object({"response": {"type": "string"}}))
        return shapes[0] if len(shapes) == 1 else {"anyOf": shapes}

    def with_instructions(self, messages: Sequence[JSON]) -> list[JSON]:
        """The messages with the tool instructions in the system message (one is added when the
        request has none, replacing the template's default)."""
        out = [dict(m) for m in messages]
        if out and out[0].get("role") == "system":
            out[0]["content"] = f"{out[0].get('content') or ''}\n\n{self.instructions()}".strip()
        else:
            out.insert(0, {"role": "system", "content": self.instructions()})
        return out


def _call_schema(function: Function) -> JSON:
    return _object({"name": {"const": function.name}, "arguments": function.parameters})


def _object(properties: JSON) -> JSON:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


# --- the request --------------------------------------------------------------------------
def tool_plan(tools: Sequence[Mapping[str, Any]], choice: Any) -> ToolPlan | None:
    """The plan for a request's ``tools`` and ``tool_choice`` (already type-checked with the
    SDK's own types); None when the model must answer in text."""
    if choice is not None and not tools:
        raise invalid_param(
            "tool_choice",
            "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are "
            "specified.",
        )
    functions = [_function(tool, i) for i, tool in enumerate(tools)]
    if not functions or choice == "none":
        return None
    if choice is None or choice in ("auto", "required"):
        return ToolPlan(choice or "auto", tuple(functions))
    kind = choice.get("type")
    if kind == "function":
        name = str(choice["function"]["name"])
        return ToolPlan("required", (_named(functions, name, "tool_choice.function.name"),))
    if kind == "allowed_tools":
        allowed = choice["allowed_tools"]
        chosen = [
            _named(functions, _allowed_name(t, i), f"tool_choice.allowed_tools.tools[{i}]")
            for i, t in enumerate(allowed["tools"])
        ]
        return ToolPlan(allowed["mode"], tuple(chosen))
    raise _unsupported("tool_choice.type", kind)


def _function(tool: Mapping[str, Any], index: int) -> Function:
    if tool.get("type") != "function":
        raise _unsupported(f"tools[{index}].type", tool.get("type"))
    definition = tool["function"]
    name = str(definition["name"])
    if not _NAME.match(name):
        raise invalid_param(
            f"tools[{index}].function.name",
            f"Invalid 'tools[{index}].function.name': string does not match pattern. Expected "
            "a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.",
            code="invalid_value",
        )
    parameters = definition.get("parameters")
    if parameters is None:
        parameters = _EMPTY_PARAMETERS
    if not isinstance(parameters, dict) or parameters.get("type") != "object":
        got = parameters.get("type") if isinstance(parameters, dict) else None
        raise invalid_param(
            f"tools[{index}].function.parameters",
            f"Invalid schema for function '{name}': schema must be a JSON Schema of "
            f"'type: \"object\"', got 'type: \"{got}\"'.",
            code="invalid_function_parameters",
        )
    return Function(name, str(definition.get("description") or ""), parameters)


def _allowed_name(tool: Mapping[str, Any], index: int) -> str:
    function = tool.get("function")
    if tool.get("type") != "function" or not isinstance(function, dict) or "name" not in function:
        raise _unsupported(f"tool_choice.allowed_tools.tools[{index}].type", tool.get("type"))
    return str(function["name"])


def _named(functions: Iterable[Function], name: str, param: str) -> Function:
    for function in functions:
        if function.name == name:
            return function
    raise invalid_param(
        param, f"Invalid value for '{param}': no function named '{name}' in 'tools'."
    )


def _unsupported(param: str, kind: Any) -> OpenAIError:
    return invalid_param(
        param,
        f"Invalid value: '{kind}'. This server supports function tools only.",
        code="unsupported_value",
    )


# --- the reply ----------------------------------------------------------------------------
@dataclass
class ToolReply:
    """What the model's (possibly partial) JSON reply says so far."""

    kind: Literal["call", "response"] | None = None
    name: str | None = None
    arguments: str = ""
    complete: bool = False
    content: str = ""

    @property
    def is_call(self) -> bool:
        return self.kind == "call" and self.name is not None


def read_reply(text: str) -> ToolReply:
    """Read the reply as far as it goes. ``arguments`` is the model's own JSON text of the
    arguments object (a prefix while it is still being generated)."""
    reply = ToolReply()
    scan = _Scan(text)
    if not scan.take("{"):
        return reply
    key = scan.key()
    if key == "response":
        reply.kind = "response"
        if scan.at('"'):
            reply.content, reply.complete = scan.string()
        return reply
    if key != "tool_call" or not scan.take("{"):
        return reply
    reply.kind = "call"
    while (inner := scan.key()) is not None:
        if inner == "name" and scan.at('"'):
            name, closed = scan.string()
            if not closed:
                return reply
            reply.name = name
        elif inner == "arguments" and scan.at("{"):
            start = scan.i
            reply.complete = scan.skip_value()
            reply.arguments = text[start : scan.i]
            if not reply.complete:
                return reply
        else:
            return reply
        if not scan.take(","):
            break
    return reply


@dataclass
class ReplyReader:
    """Reads a streamed reply piece by piece and says what is new: text of a ``response``,
    the start of a call (its name), more of its arguments."""

    text: str = ""
    sent_content: int = 0
    sent_arguments: int = 0
    call_started: bool = False
    reply: ToolReply = field(default_factory=ToolReply)

    def feed(self, piece: str) -> tuple[str, bool, str]:
        """(new answer text, whether the call's name just became known, new argument text)."""
        self.text += piece
        self.reply = read_reply(self.text)
        content = ""
        started = False
        arguments = ""
        if self.reply.kind == "response":
            content = self.reply.content[self.sent_content :]
            self.sent_content = len(self.reply.content)
        elif self.reply.is_call:
            if not self.call_started:
                self.call_started = started = True
            arguments = self.reply.arguments[self.sent_arguments :]
            self.sent_arguments = len(self.reply.arguments)
        return content, started, arguments


class _Scan:
    """Just enough of a JSON reader for the constrained reply, tolerant of a cut-off end."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def _ws(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in _WS:
            self.i += 1

    def at(self, char: str) -> bool:
        self._ws()
        return self.i < len(self.text) and self.text[self.i] == char

    def take(self, char: str) -> bool:
        if self.at(char):
            self.i += 1
            return True
        return False

    def key(self) -> str | None:
        if not self.at('"'):
            return None
        name, closed = self.string()
        return name if closed and self.take(":") else None

    def string(self) -> tuple[str, bool]:
        """The decoded string at the cursor (a prefix when it is cut off) and whether it ended."""
        start = self.i + 1
        j = start
        text = self.text
        while j < len(text):
            char = text[j]
            if char == '"':
                self.i = j + 1
                return _decode(text[start:j]), True
            if char == "\\":
                size = 6 if text[j + 1 : j + 2] == "u" else 2
                if j + size > len(text):
                    break
                j += size
                continue
            j += 1
        self.i = j
        return _decode(text[start:j]), False

    def skip_value(self) -> bool:
        """Move past the object or array at the cursor; False when it is cut off."""
        depth = 0
        text = self.text
        while self.i < len(text):
            char = text[self.i]
            if char == '"':
                _, closed = self.string()
                if not closed:
                    return False
                continue
            if char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return True
            self.i += 1
        return False


def _decode(raw: str) -> str:
    try:
        decoded: str = json.loads(f'"{raw}"')
    except json.JSONDecodeError:
        return ""
    if decoded and "\ud800" <= decoded[-1] <= "\udbff":
        decoded = decoded[:-1]  # half of a surrogate pair: the rest is still to come
    return decoded


def render_call(name: str, arguments: str) -> str:
    """An earlier call as the model writes one, for the prompt of a later turn."""
    try:
        parsed: Any = json.loads(arguments)
    except json.JSONDecodeError:
        parsed = arguments
    return json.dumps({"tool_call": {"name": name, "arguments": parsed}}, ensure_ascii=False)
