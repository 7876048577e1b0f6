"""Evidence for the report. Every attachment goes through `redact` first — no exceptions — and
loses any ANSI escape code (a server log written for a terminal), so no attachment holds one."""

from __future__ import annotations

import json
import re
from typing import Any

import allure

from support.report.redaction import redact

Event = dict[str, Any]
# CSI sequences (colours, cursor moves) and OSC sequences (titles, links), raw or as JSON escapes
_ANSI = re.compile(r"(?:\x1b|\\u001b)(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\))")


def plain(text: str) -> str:
    """`text` without ANSI escape codes."""
    return _ANSI.sub("", text)


def attach_json(name: str, payload: Any) -> None:
    text = json.dumps(payload, indent=2, sort_keys=True, default=str)
    allure.attach(plain(redact(text)), name=name, attachment_type=allure.attachment_type.JSON)


def attach_text(name: str, text: str) -> None:
    allure.attach(plain(redact(text)), name=name, attachment_type=allure.attachment_type.TEXT)


def span_tree(events: list[Event]) -> str:
    """The stored events as an indented tree, session first, children by start time."""
    by_id = {e.get("event_id"): e for e in events}
    children: dict[Any, list[Event]] = {}
    roots: list[Event] = []
    for e in sorted(events, key=lambda e: e.get("start_time") or 0):
        parent = e.get("parent_id")
        if parent in by_id and parent != e.get("event_id"):
            children.setdefault(parent, []).append(e)
        else:
            roots.append(e)
    lines: list[str] = []

    def walk(e: Event, prefix: str, last: bool, top: bool) -> None:
        branch = "" if top else ("└─ " if last else "├─ ")
        duration = e.get("duration")
        took = f" {duration:.1f}ms" if isinstance(duration, int | float) else ""
        error = f"  ERROR: {e['error']}" if e.get("error") else ""
        lines.append(f"{prefix}{branch}{e.get('event_name')} [{e.get('event_type')}]{took}{error}")
        kids = children.get(e.get("event_id"), [])
        for i, kid in enumerate(kids):
            walk(
                kid, prefix + ("" if top else ("   " if last else "│  ")), i == len(kids) - 1, False
            )

    for root in roots:
        walk(root, "", True, True)
    return "\n".join(lines)


def label(name: str, value: str) -> None:
    """An Allure label on the running scenario's result (redacted like every attachment)."""
    allure.dynamic.label(name, redact(value))  # type: ignore[no-untyped-call]
