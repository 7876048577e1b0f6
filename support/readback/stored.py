"""What the backend stored for a run, fetched once (polling until complete) and checked by the
Then steps. Every check fails with the stored values it looked at."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from support.readback.fields import MISSING, field
from support.readback.reader import BackendReader, Event
from support.report.evidence import attach_json, attach_text, span_tree
from support.sdk.tracers import Run


@dataclass
class Stored:
    session_id: str
    events: list[Event]

    def __repr__(self) -> str:
        return f"Stored(session={self.session_id}, events={len(self.events)})"

    @property
    def session(self) -> Event:
        found = [e for e in self.events if e.get("event_type") == "session"]
        assert len(found) == 1, f"expected one session event, found {len(found)}"
        return found[0]

    @property
    def steps(self) -> list[Event]:
        return [e for e in self.events if e.get("event_type") != "session"]

    def top_level(self) -> list[Event]:
        tops = [e for e in self.steps if e.get("parent_id") == self.session_id]
        return sorted(tops, key=lambda e: e.get("start_time") or 0)

    def one(self, name: str) -> Event:
        found = [e for e in self.steps if e.get("event_name") == name]
        assert len(found) == 1, (
            f"expected exactly one event named {name!r}, found {len(found)}; stored: {self.names()}"
        )
        return found[0]

    def children(self, event: Event) -> list[Event]:
        return [e for e in self.steps if e.get("parent_id") == event.get("event_id")]

    def model_calls_under(self, event: Event) -> list[Event]:
        return [e for e in self.children(event) if e.get("event_type") == "model"]

    def names(self) -> list[str]:
        return [str(e.get("event_name")) for e in self.steps]

    def missing_and_doubled(self, traced: list[str]) -> tuple[list[str], list[str]]:
        """Which traced step names are not stored, and which are stored more than once."""
        counts = Counter(self.names())
        return [n for n in traced if n not in counts], sorted(n for n, c in counts.items() if c > 1)


def fetch(reader: BackendReader, run: Run) -> Stored:
    events = reader.wait_for_session(run.session_id, names=run.steps, ready=run.ready)
    stored = Stored(run.session_id, events)
    attach_text("span tree (as stored)", span_tree(events))
    attach_json("events (as stored)", events)
    calls = model_calls(events)
    if calls:
        attach_json("model requests and replies (as stored)", calls)
    return stored


def model_calls(events: list[Event]) -> list[dict[str, Any]]:
    """What each instrumented model call sent and got back, as the backend recorded it."""
    return [
        {
            "call": e.get("event_name"),
            "model": field(e, "config.model"),
            "settings": {k: v for k, v in (e.get("config") or {}).items() if k != "model"},
            "messages sent": field(e, "inputs.chat_history"),
            "reply": field(e, "outputs.content"),
            "tokens": {
                k: field(e, f"metadata.{k}") for k in ("prompt_tokens", "completion_tokens")
            },
            "error": e.get("error"),
        }
        for e in events
        if e.get("event_type") == "model" and field(e, "inputs.chat_history") is not MISSING
    ]


def value(event: Event, path: str) -> Any:
    found = field(event, path)
    assert found is not MISSING, (
        f"{event.get('event_name')!r} has no {path}; it holds "
        f"metadata={event.get('metadata')}, inputs={event.get('inputs')}, "
        f"outputs={event.get('outputs')}"
    )
    return found


def holds_value(node: Any, wanted: str) -> bool:
    if isinstance(node, dict):
        return any(holds_value(v, wanted) for v in node.values())
    if isinstance(node, list):
        return any(holds_value(v, wanted) for v in node)
    return bool(node == wanted)
