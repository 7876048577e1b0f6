"""Reading fields of stored events, whichever way a backend nests them: `metadata.input.id` finds
a flat key `metadata["input.id"]` as well as `metadata["input"]["id"]`."""

from __future__ import annotations

from typing import Any

MISSING = object()


def field(event: dict[str, Any], path: str) -> Any:
    """The value at `path`, or MISSING."""
    if path in event:
        return event[path]
    head, _, rest = path.partition(".")
    return _walk(event.get(head, MISSING), rest.split(".")) if rest else MISSING


def _walk(node: Any, parts: list[str]) -> Any:
    if not parts:
        return node
    if isinstance(node, list) and parts[0].isdigit() and int(parts[0]) < len(node):
        return _walk(node[int(parts[0])], parts[1:])
    if not isinstance(node, dict):
        return MISSING
    for cut in range(len(parts), 0, -1):
        key = ".".join(parts[:cut])
        if key in node:
            found = _walk(node[key], parts[cut:])
            if found is not MISSING:
                return found
    return MISSING


def by_name(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        out.setdefault(str(e.get("event_name")), []).append(e)
    return out
