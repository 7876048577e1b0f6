"""The parameter checks the chat and embedding requests share, failing in OpenAI's words:
unknown top-level arguments, validation with the SDK's own TypedDicts (pydantic errors turned
into one 400 whose ``param`` is the JSON path, ``messages[0].role``), and the numeric ranges
OpenAI enforces that the types do not (temperature, n, ...)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from emulator.llm.errors import OpenAIError, invalid_param
from emulator.llm.requests.body import json_type

DISCRIMINATORS = frozenset({"role", "type"})
_TAG = re.compile(r"^[A-Z]|[\[\]]|^(str|int|float|bool|list|dict|none)$")


def reject_unknown(body: Mapping[str, Any], known: frozenset[str]) -> None:
    for key in body:
        if key not in known:
            raise invalid_param(
                key, f"Unrecognized request argument supplied: {key}", code="unknown_parameter"
            )


def validate(adapter: TypeAdapter[Any], value: Any, prefix: tuple[str | int, ...] = ()) -> Any:
    """``value`` checked (strictly) against the SDK type behind ``adapter``, lazy iterables
    walked; the first problem as OpenAI's 400."""
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
        return type_error(param, _EXPECTED[issue.kind], issue.value)
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


def type_error(param: str, expected: str, value: Any) -> OpenAIError:
    return invalid_param(
        param,
        f"Invalid type for '{param}': expected {expected}, but got {json_type(value)} instead.",
        code="invalid_type",
    )


def int_range(params: Mapping[str, Any], name: str, low: int, high: int | None) -> int | None:
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


def num_range(params: Mapping[str, Any], name: str, low: float, high: float) -> float | None:
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


def _repr(value: Any) -> str:
    return json.dumps(value)[:100] if not isinstance(value, str) else f"'{value[:100]}'"
