"""Parent/child links and session bounds, derived on read from the span-tree columns of a
session's rows, so arrival order does not matter (a child stored before its parent is still
linked once the parent arrives)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..ids import span_event_id


@dataclass
class SpanTree:
    parents: dict[str, str | None] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)

    def add(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Rows of whole sessions, oldest first, with `event_id, session_id, event_type,
        trace_id, span_id, parent_span_id, parent_id, start_time, end_time`.

        An explicit `parent_id` (an event posted with one) wins; else the parent span's event,
        among these rows or, when it is not among them, the event id it would have by default;
        a root span hangs under its session, and a session has no parent. A session spans its
        events: from the earliest start to the latest end."""
        rows = list(rows)
        by_span = {(r["trace_id"], r["span_id"]): r["event_id"] for r in rows if r["span_id"]}
        for r in rows:
            if r["parent_id"]:
                parent: str | None = r["parent_id"]
            elif r["parent_span_id"]:
                key = (r["trace_id"], r["parent_span_id"])
                parent = by_span.get(key) or span_event_id(*key)
            elif r["event_type"] == "session":
                parent = None
            else:
                parent = r["session_id"]
            self.parents[r["event_id"]] = parent
            if parent is not None:
                self.children.setdefault(parent, []).append(r["event_id"])
            end = r["end_time"] if r["end_time"] is not None else r["start_time"]
            lo, hi = self.bounds.get(r["session_id"], (r["start_time"], end))
            self.bounds[r["session_id"]] = (min(lo, r["start_time"]), max(hi, end))
