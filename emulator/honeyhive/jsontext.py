"""Strict JSON for request bodies, as a JavaScript backend parses them: RFC 8259 only (no `NaN`
or `Infinity`), numbers that fit a double, bounded nesting. Each failure is a BadRequest that
names the problem. (Python's json module accepts `NaN`; stored, it made every later read of the
project fail.)"""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import BadRequest

MAX_DEPTH = 200


def loads(raw: bytes | str, *, check_depth: bool = True) -> Any:
    """Parse; `check_depth=False` leaves the nesting check to the caller (`check_depth(doc)`),
    for a caller that can tell a shallow document more cheaply."""
    try:
        doc = json.loads(raw, parse_constant=_constant, parse_float=_float)
    except RecursionError as exc:
        raise BadRequest(f"malformed JSON body: nested too deep (limit {MAX_DEPTH})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"malformed JSON body: {exc}") from exc
    if check_depth:
        _check_depth(doc)
    return doc


def check_depth(doc: Any) -> None:
    _check_depth(doc)


def _constant(name: str) -> Any:
    raise BadRequest(f"malformed JSON body: {name} is not valid JSON; send a number or null")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadRequest(f"malformed JSON body: number {text} is out of range")
    return value


def _check_depth(doc: Any) -> None:
    """Breadth-first, so a deep document cannot exhaust the stack here either."""
    containers = (dict, list)  # a tuple: `dict | list` would build a union on every test
    level: list[Any] = [doc] if isinstance(doc, containers) else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            raise BadRequest(f"malformed JSON body: nested too deep (limit {MAX_DEPTH})")
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, containers)
        ]
