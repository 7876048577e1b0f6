"""The request body as a JSON object, or OpenAI's 400 saying what is wrong with it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from emulator.llm.errors import invalid_param, malformed_json

JSON = dict[str, Any]


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
            None, f"The body must be a JSON object, not {json_type(body)}.", code="invalid_type"
        )
    return body


def peek_model(body: Mapping[str, Any]) -> str | None:
    model = body.get("model")
    return model if isinstance(model, str) else None


def json_type(value: Any) -> str:
    """How OpenAI names a JSON value's type in its messages ("an integer", "an array", ...)."""
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
