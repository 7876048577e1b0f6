"""What a run's result is made of: which sessions belong to the run, the scores their events
carry, passing ranges, and the aggregate functions."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import BadRequest

Event = dict[str, Any]
AGGREGATES = ("average", "min", "max", "median", "p95", "p99", "p90", "sum", "count")
CLIENT_SIDE = "CLIENT_SIDE"  # a score written by the application, not a metric of the project


@dataclass(frozen=True)
class Score:
    datapoint_id: str | None
    session_id: str
    event_name: str
    event_type: str
    metric: str
    value: int | float | bool

    @property
    def number(self) -> float:
        return float(self.value)


@dataclass(frozen=True)
class Range:
    """A passing range: the run's `passing_ranges[metric]`, else the project metric's
    threshold. A score outside it fails its datapoint; a metric without one always passes."""

    min: float | None = None
    max: float | None = None
    pass_when: bool | float | None = None

    def passes(self, value: int | float | bool) -> bool:
        if self.pass_when is not None:
            if isinstance(self.pass_when, bool) or isinstance(value, bool):
                return bool(value) == bool(self.pass_when)
            return float(value) == float(self.pass_when)
        number = float(value)
        low_ok = self.min is None or number >= self.min
        return low_ok and (self.max is None or number <= self.max)

    def as_dict(self) -> dict[str, float]:
        return {k: v for k, v in (("min", self.min), ("max", self.max)) if v is not None}


@dataclass(frozen=True)
class Judging:
    """How a run's scores are read: aggregate function, passing ranges, metric types."""

    function: str = "average"
    ranges: dict[str, Range] | None = None
    metric_types: dict[str, str] | None = None
    keep: Callable[[Event], bool] | None = None  # the request's filters

    def range_of(self, metric: str) -> Range | None:
        return (self.ranges or {}).get(metric)

    def type_of(self, metric: str) -> str:
        return (self.metric_types or {}).get(metric, CLIENT_SIDE)


def check_function(name: str | None) -> str:
    function = name or "average"
    if function not in AGGREGATES:
        raise BadRequest(
            f"unknown aggregate_function {function!r}; use one of {', '.join(AGGREGATES)}"
        )
    return function


def aggregate(values: list[float], function: str) -> float | None:
    """None when there is nothing to aggregate, or the result is not a finite number (JSON
    has no infinity: a sum of huge scores is reported as missing, not as a broken reply)."""
    if function == "count":
        return float(len(values))
    if not values:
        return None
    if function == "average":
        return finite(_sum(values) / len(values))
    if function == "sum":
        return finite(_sum(values))
    if function == "min":
        return min(values)
    if function == "max":
        return max(values)
    share = {"median": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99}[function]
    return finite(_percentile(sorted(values), share))


def finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _sum(values: list[float]) -> float:
    try:
        return math.fsum(values)
    except OverflowError:  # fsum raises where a plain sum would reach infinity
        return math.inf


def _percentile(ordered: list[float], share: float) -> float:
    """Linear interpolation between the closest ranks."""
    k = (len(ordered) - 1) * share
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# ---- what belongs to a run ---------------------------------------------------------------


def run_sessions(run: dict[str, Any], events: Iterable[Event]) -> dict[str, Event]:
    """The run's session events by session id, oldest first."""
    listed = set(run.get("event_ids") or []) | set(run.get("session_ids") or [])
    found = {
        e["session_id"]: e
        for e in events
        if e.get("event_type") == "session"
        and (e["session_id"] in listed or (e.get("metadata") or {}).get("run_id") == run["run_id"])
    }
    return dict(sorted(found.items(), key=lambda kv: (kv[1].get("start_time") or 0, kv[0])))


def datapoint_of(session: Event) -> str | None:
    value = (session.get("metadata") or {}).get("datapoint_id")
    return value if isinstance(value, str) and value else None


def run_events(run: dict[str, Any], events: list[Event]) -> tuple[dict[str, Event], list[Event]]:
    """The run's sessions and every event of them (sessions included)."""
    sessions = run_sessions(run, events)
    return sessions, [e for e in events if e.get("session_id") in sessions]


def scores(sessions: dict[str, Event], events: Iterable[Event]) -> list[Score]:
    out = []
    for e in events:
        session = sessions.get(e.get("session_id") or "")
        if session is None:
            continue
        for metric, value in (e.get("metrics") or {}).items():
            if is_score(value):
                out.append(
                    Score(
                        datapoint_of(session),
                        session["session_id"],
                        str(e.get("event_name")),
                        str(e.get("event_type")),
                        metric,
                        value,
                    )
                )
    return out


def is_score(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond a double
        return False


def event_details(events: list[Event]) -> list[dict[str, str]]:
    pairs = dict.fromkeys((str(e.get("event_name")), str(e.get("event_type"))) for e in events)
    return [{"event_name": name, "event_type": kind} for name, kind in pairs]


def metric_names(run: dict[str, Any], events: list[Event]) -> list[str]:
    sessions, mine = run_events(run, events)
    return sorted({s.metric for s in scores(sessions, mine)})
