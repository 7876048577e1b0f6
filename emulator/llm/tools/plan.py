"""The request side of function calling: ``tools`` + ``tool_choice`` checked and turned into a
``ToolPlan`` - the instructions added to the system message and the JSON schema llama.cpp
compiles into a grammar for the reply (see the package docstring for the two reply shapes) -
and earlier calls written back into the prompt the way the model writes one."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from emulator.llm.errors import OpenAIError, invalid_param

JSON = dict[str, Any]
Mode = Literal["auto", "required"]

_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_EMPTY_PARAMETERS: JSON = {"type": "object", "properties": {}}

#: Bounds added to the grammar's copy of a function's parameters where the schema sets none,
#: so that the call's JSON always closes within its token budget (SmolLM2 fills an unbounded
#: string until the budget runs out).
STRING_CAP = 32
ARRAY_CAP = 4
#: The JSON around the arguments (``{"tool_call": {"name": ..., "arguments": ...}}``), tokens.
_CALL_OVERHEAD = 24
#: What a call may cost at most, whatever its schema (deep or unbounded schemas).
MAX_CALL_BUDGET = 1024


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

    def call_budget(self) -> int:
        """Tokens that always suffice for a complete call of any of the functions: every
        character of the bounded JSON counted as a token, whitespace included."""
        worst = max(
            len(f.name) + _token_bound(bounded(f.parameters), f.parameters, 0)
            for f in self.functions
        )
        return min(_CALL_OVERHEAD + worst, MAX_CALL_BUDGET)

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
    return _object({"name": {"const": function.name}, "arguments": bounded(function.parameters)})


def bounded(schema: Any) -> Any:
    """The schema with a length on every free string (``maxLength``), a size on every array
    (``maxItems``) and no extra properties on objects that list theirs: every JSON it allows
    is still valid against ``schema``, and it ends within ``call_budget`` tokens."""
    if isinstance(schema, list):
        return [bounded(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: JSON = {}
    for key, value in schema.items():
        if key in ("properties", "$defs", "definitions", "patternProperties"):
            out[key] = (
                {k: bounded(v) for k, v in value.items()} if isinstance(value, dict) else value
            )
        elif key in (
            "items",
            "anyOf",
            "oneOf",
            "allOf",
            "prefixItems",
            "not",
            "additionalProperties",
        ):
            out[key] = bounded(value)
        else:
            out[key] = value
    types = out.get("type")
    kinds = set(types) if isinstance(types, list) else {types}
    free = not ({"enum", "const", "pattern", "format"} & out.keys())
    if "string" in kinds and free and "maxLength" not in out:
        out["maxLength"] = max(int(out.get("minLength", 0)), STRING_CAP)
    if "array" in kinds and "maxItems" not in out:
        out["maxItems"] = max(int(out.get("minItems", 0)), ARRAY_CAP)
    if "object" in kinds and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


# llama.cpp's grammar: an integer has at most 16 digits, a number adds a fraction and an
# exponent; whitespace between tokens is at most a newline and 20 blanks.
_INTEGER_CHARS = 17
_NUMBER_CHARS = 40
_SPACE = 2
_UNBOUNDED = MAX_CALL_BUDGET


def _token_bound(schema: Any, root: Any, depth: int) -> int:
    """An upper bound on the tokens of a JSON value generated under ``schema`` (one token per
    character at worst; the grammar's whitespace counted as two)."""
    if depth > 8 or not isinstance(schema, dict):
        return _UNBOUNDED if depth > 8 else 8
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return _token_bound(bounded(target), root, depth + 1)
    if "const" in schema:
        return len(json.dumps(schema["const"]))
    if "enum" in schema:
        return max((len(json.dumps(v)) for v in schema["enum"]), default=4)
    branches = [b for key in ("anyOf", "oneOf") for b in schema.get(key) or ()]
    if branches:
        return max(_token_bound(b, root, depth + 1) for b in branches)
    types = schema.get("type")
    kinds = set(types) if isinstance(types, list) else {types}
    costs = [_kind_bound(kind, schema, root, depth) for kind in kinds]
    return max(costs, default=_UNBOUNDED)


def _kind_bound(kind: Any, schema: JSON, root: Any, depth: int) -> int:
    if kind == "string":
        if "maxLength" not in schema:
            return _UNBOUNDED
        return int(schema["maxLength"]) * 2 + 2  # an escaped character is two
    if kind == "integer":
        return _INTEGER_CHARS
    if kind == "number":
        return _NUMBER_CHARS
    if kind in ("boolean", "null"):
        return 5
    if kind == "array":
        item = _token_bound(schema.get("items", {}), root, depth + 1)
        return 2 + int(schema.get("maxItems", _UNBOUNDED)) * (item + 1 + _SPACE)
    if kind == "object":
        properties = schema.get("properties") or {}
        if schema.get("additionalProperties", True) is not False:
            return _UNBOUNDED
        total = 2 + _SPACE
        for name, value in properties.items():
            total += len(json.dumps(name)) + 2 + 2 * _SPACE + _token_bound(value, root, depth + 1)
        return total
    return _UNBOUNDED


def _object(properties: JSON) -> JSON:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


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


def render_call(name: str, arguments: str) -> str:
    """An earlier call as the model writes one, for the prompt of a later turn."""
    try:
        parsed: Any = json.loads(arguments)
    except json.JSONDecodeError:
        parsed = arguments
    return json.dumps({"tool_call": {"name": name, "arguments": parsed}}, ensure_ascii=False)
