"""What the backend stored for one session, fetched once (polling until complete) and read by
the Then steps. Every lookup fails with the stored values it looked at."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from typing import Any

from support.outcome import SessionOutcome, StepOutcome
from support.readback.fields import MISSING, field
from support.readback.reader import BackendReader, Event
from support.report.evidence import attach_json, attach_text, span_tree

REQUEST_ID = "metadata.request.id"  # where the configurable application marks each request


@dataclass
class Stored:
    """One session's events. Where an instrumentor names a step's unit in its own words
    (`aliases`: stored event name -> step name), every lookup by step name finds it; the event
    keeps the name it was stored under in `stored_as`, and the evidence shows the raw events."""

    session_id: str
    events: list[Event]
    aliases: dict[str, str] = dataclasses.field(default_factory=dict)
    # units a framework opened by itself: model calls are looked for through them
    framework_units: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.aliases:
            self.events = [self._as_step(e) for e in self.events]

    def again(self, events: list[Event]) -> Stored:
        """The same session read once more (after an absence window), looked up the same way."""
        return Stored(self.session_id, events, self.aliases, self.framework_units)

    def _as_step(self, event: Event) -> Event:
        name = event.get("event_name")
        if isinstance(name, str) and name in self.aliases:
            return {**event, "event_name": self.aliases[name], "stored_as": name}
        return event

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

    def named(self, name: str) -> list[Event]:
        return sorted(
            (e for e in self.steps if e.get("event_name") == name),
            key=lambda e: e.get("start_time") or 0,
        )

    def one(self, name: str) -> Event:
        found = self.named(name)
        assert len(found) == 1, (
            f"expected exactly one step named {name!r}, found {len(found)}; stored: {self.names()}"
        )
        return found[0]

    def of(self, step: StepOutcome) -> Event:
        """The stored event of one traced step (by name, and by request when a session holds
        several requests)."""
        found = [
            e
            for e in self.named(step.name)
            if step.request is None or field(e, REQUEST_ID) == step.request
        ]
        which = f" of request {step.request}" if step.request else ""
        assert len(found) == 1, (
            f"expected the step {step.name!r}{which} stored once, found {len(found)}; "
            f"stored: {self.names()}"
        )
        return found[0]

    def parent(self, event: Event) -> Event | None:
        return next((e for e in self.steps if e.get("event_id") == event.get("parent_id")), None)

    def parent_name(self, event: Event) -> str | None:
        """The name of the step the event hangs under; None: directly under the session."""
        parent = self.parent(event)
        return None if parent is None else str(parent.get("event_name"))

    def children(self, event: Event) -> list[Event]:
        kids = [e for e in self.steps if e.get("parent_id") == event.get("event_id")]
        return sorted(kids, key=lambda e: e.get("start_time") or 0)

    def model_calls_under(self, event: Event) -> list[Event]:
        found = []
        for child in self.children(event):
            if child.get("event_type") == "model":
                found.append(child)
            elif child.get("event_name") in self.framework_units:
                found.extend(self.model_calls_under(child))
        return sorted(found, key=lambda e: e.get("start_time") or 0)

    def names(self) -> list[str]:
        return [str(e.get("event_name")) for e in self.steps]

    def missing_and_doubled(self, traced: list[str]) -> tuple[list[str], list[str]]:
        """Which traced step names are not stored, and which are stored more often than traced."""
        counts, wanted = Counter(self.names()), Counter(traced)
        missing = [n for n in wanted if n not in counts]
        doubled = sorted(n for n, c in counts.items() if n in wanted and c > wanted[n])
        return missing, doubled


def expected_names(session: SessionOutcome) -> list[str]:
    return session.step_names


def fetch(reader: BackendReader, session: SessionOutcome, *, timeout: float = 20.0) -> Stored:
    """The session as stored, once it holds the session event and every step the application
    traced (and whatever else the outcome waits for), with the evidence attached."""
    events = reader.wait_for_session(
        session.session_id,
        names=session.stored_names,
        ready=session.ready,
        timeout=timeout,
    )
    stored = Stored(session.session_id, events, session.aliases, session.framework_units)
    attach_text(f"span tree of {session.name} (as stored)", span_tree(events))
    attach_json(f"events of {session.name} (as stored)", events)
    calls = model_calls(events)
    if calls:
        attach_json(f"model requests and replies of {session.name} (as stored)", calls)
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


def is_model_call(event: Event) -> bool:
    """A model call an instrumentation recorded: a model event holding the conversation."""
    return event.get("event_type") == "model" and field(event, "inputs.chat_history") is not MISSING


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
