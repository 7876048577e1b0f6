"""Experiment results, computed on read from the stored events (as HoneyHive computes them from
its event store): which sessions belong to a run, the scores their events carry, each metric's
aggregate, pass/fail against passing ranges, and the comparison of two runs. Pure functions over
event documents and run records; nothing here stores anything.

A run's sessions are the session events whose `metadata.run_id` is the run (the SDK's tracers
write it on every span of an evaluation) plus those the run lists in `event_ids`/`session_ids`.
A score is a number or boolean in an event's `metrics` (strings, e.g. an evaluator's
explanation, and nested values are not aggregated, as HoneyHive's numeric columns hold neither).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .errors import BadRequest

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


# ---- what belongs to a run ---------------------------------------------------------------------


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
            if _is_score(value):
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


def _is_score(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond a double
        return False


# ---- one run's result ------------------------------------------------------------------------


def summary(run: dict[str, Any], events: list[Event], judging: Judging) -> dict[str, Any]:
    """GET /v1/runs/{run_id}/result: pass/fail, metric aggregates, per-datapoint results."""
    sessions, mine = run_events(run, events)
    kept = [e for e in mine if judging.keep is None or judging.keep(e)]
    found = scores(sessions, kept)
    errored = {e["session_id"] for e in mine if e.get("error")}

    def passes(s: Score) -> bool:
        allowed = judging.range_of(s.metric)
        return allowed is None or allowed.passes(s.value)

    datapoints: list[dict[str, Any]] = []
    for sid, session in _in_dataset_order(run, sessions).items():
        own = [s for s in found if s.session_id == sid]
        datapoints.append(
            {
                "datapoint_id": datapoint_of(session),
                "session_id": sid,
                "passed": sid not in errored and all(passes(s) for s in own),
                "metrics": [
                    {
                        "name": s.metric,
                        "event_name": s.event_name,
                        "event_type": s.event_type,
                        "value": s.value,
                        "passed": passes(s),
                    }
                    for s in own
                ],
            }
        )
    label = {sid: datapoint_of(s) or sid for sid, s in sessions.items()}
    details = []
    for (metric, event_name, event_type), group in _grouped(found).items():
        allowed = judging.range_of(metric)
        detail: dict[str, Any] = {
            "metric_name": metric,
            "metric_type": judging.type_of(metric),
            "event_name": event_name,
            "event_type": event_type,
            "aggregate": aggregate([s.number for s in group], judging.function),
            "values": [s.number for s in group],
            "datapoints": {
                "passed": _unique(label[s.session_id] for s in group if passes(s)),
                "failed": _unique(label[s.session_id] for s in group if not passes(s)),
            },
        }
        if allowed is not None and allowed.as_dict():
            detail["passing_range"] = allowed.as_dict()
        details.append(detail)
    passed = [label[d["session_id"]] for d in datapoints if d["passed"]]
    failed = [label[d["session_id"]] for d in datapoints if not d["passed"]]
    return {
        "status": run.get("status") or "pending",
        "success": bool(datapoints) and not failed,
        "passed": passed,
        "failed": failed,
        "metrics": {"aggregation_function": judging.function, "details": details},
        "datapoints": datapoints,
        "event_details": _event_details(mine),
        "run_object": run,
    }


def event_metrics(run: dict[str, Any], events: list[Event], judging: Judging) -> list[Event]:
    """GET /v1/runs/{run_id}/metrics: every event of the run that holds scores, with them."""
    sessions, mine = run_events(run, events)
    out = []
    for e in mine:
        if judging.keep is not None and not judging.keep(e):
            continue
        values = {k: v for k, v in (e.get("metrics") or {}).items() if _is_score(v)}
        if values:
            out.append(
                {
                    "event_id": e["event_id"],
                    "event_name": str(e.get("event_name")),
                    "event_type": str(e.get("event_type")),
                    "session_id": e["session_id"],
                    "metadata": {"datapoint_id": datapoint_of(sessions[e["session_id"]])},
                    "metrics": values,
                }
            )
    return out


def _in_dataset_order(run: dict[str, Any], sessions: dict[str, Event]) -> dict[str, Event]:
    """Sessions in the order of the run's datapoint_ids, then the rest oldest first."""
    rank = {dp: i for i, dp in enumerate(run.get("datapoint_ids") or [])}
    last = len(rank)
    ordered = sorted(
        enumerate(sessions.items()),
        key=lambda item: (rank.get(datapoint_of(item[1][1]) or "", last), item[0]),
    )
    return dict(pair for _, pair in ordered)


def _grouped(found: list[Score]) -> dict[tuple[str, str, str], list[Score]]:
    groups: dict[tuple[str, str, str], list[Score]] = {}
    for s in found:
        groups.setdefault((s.metric, s.event_name, s.event_type), []).append(s)
    return dict(sorted(groups.items()))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _event_details(events: list[Event]) -> list[dict[str, str]]:
    pairs = dict.fromkeys((str(e.get("event_name")), str(e.get("event_type"))) for e in events)
    return [{"event_name": name, "event_type": kind} for name, kind in pairs]


def metric_names(run: dict[str, Any], events: list[Event]) -> list[str]:
    sessions, mine = run_events(run, events)
    return sorted({s.metric for s in scores(sessions, mine)})


# ---- two runs ----------------------------------------------------------------------------------


def compare(
    new: dict[str, Any], old: dict[str, Any], events: list[Event], judging: Judging
) -> dict[str, Any]:
    """GET /v1/runs/{new}/compare/{old}: per metric, both aggregates and, over the datapoints
    the runs share, which datapoints improved (a higher score), degraded or stayed the same."""
    per_run = []
    for run in (new, old):
        sessions, mine = run_events(run, events)
        kept = [e for e in mine if judging.keep is None or judging.keep(e)]
        per_run.append((sessions, mine, scores(sessions, kept)))
    (new_sessions, new_events, new_scores), (old_sessions, old_events, old_scores) = per_run
    new_dps = {datapoint_of(s) for s in new_sessions.values()} - {None}
    old_dps = {datapoint_of(s) for s in old_sessions.values()} - {None}
    common = sorted(str(dp) for dp in new_dps & old_dps)
    metrics = []
    for metric in sorted({s.metric for s in new_scores} | {s.metric for s in old_scores}):
        new_by_dp = _by_datapoint(s for s in new_scores if s.metric == metric)
        old_by_dp = _by_datapoint(s for s in old_scores if s.metric == metric)
        new_values = [s.number for s in new_scores if s.metric == metric]
        old_values = [s.number for s in old_scores if s.metric == metric]
        new_agg = aggregate(new_values, judging.function)
        old_agg = aggregate(old_values, judging.function)
        shared = [dp for dp in common if dp in new_by_dp and dp in old_by_dp]
        improved = [dp for dp in shared if new_by_dp[dp] > old_by_dp[dp]]
        degraded = [dp for dp in shared if new_by_dp[dp] < old_by_dp[dp]]
        same = [dp for dp in shared if new_by_dp[dp] == old_by_dp[dp]]
        difference = None if new_agg is None or old_agg is None else finite(new_agg - old_agg)
        change = None if difference is None or not old_agg else difference / abs(old_agg) * 100
        change = finite(change)
        entry: dict[str, Any] = {
            "metric_name": metric,
            "metric_type": judging.type_of(metric),
            "old_aggregate": old_agg,
            "new_aggregate": new_agg,
            "difference": difference,
            "percentage_change": change,
            "found_count": len(shared),
            "improved_count": len(improved),
            "degraded_count": len(degraded),
            "same_count": len(same),
            "improved": improved,
            "degraded": degraded,
            "same": same,
            "old_values": old_values,
            "new_values": new_values,
        }
        metrics.append({k: v for k, v in entry.items() if v is not None})
    new_pairs = {(d["event_name"], d["event_type"]) for d in _event_details(new_events)}
    old_pairs = {(d["event_name"], d["event_type"]) for d in _event_details(old_events)}
    details = [
        {
            "event_name": name,
            "event_type": kind,
            "presence": "both"
            if (name, kind) in new_pairs and (name, kind) in old_pairs
            else ("new" if (name, kind) in new_pairs else "old"),
        }
        for name, kind in sorted(new_pairs | old_pairs)
    ]
    return {
        "metrics": metrics,
        "commonDatapoints": common,
        "event_details": details,
        "old_run": old,
        "new_run": new,
    }


def _by_datapoint(found: Iterable[Score]) -> dict[str, float]:
    """Each datapoint's score (the mean when several events of it hold the metric)."""
    values: dict[str, list[float]] = {}
    for s in found:
        if s.datapoint_id is not None:
            values.setdefault(s.datapoint_id, []).append(s.number)
    return {dp: sum(v) / len(v) for dp, v in values.items()}


def comparable_events(
    new: dict[str, Any],
    old: dict[str, Any],
    events: list[Event],
    *,
    event_name: str | None,
    event_type: str | None,
    keep: Callable[[Event], bool] | None,
) -> list[dict[str, Any]]:
    """GET /v1/runs/{new}/compare/{old}/events: for each datapoint both runs ran, the matching
    event of each run (the session events unless a name or type is asked for)."""

    def pick(run: dict[str, Any]) -> dict[str, Event]:
        sessions, mine = run_events(run, events)
        chosen: dict[str, Event] = {}
        for e in mine:
            if event_name is None and event_type is None and e.get("event_type") != "session":
                continue
            if event_name is not None and e.get("event_name") != event_name:
                continue
            if event_type is not None and e.get("event_type") != event_type:
                continue
            if keep is not None and not keep(e):
                continue
            dp = datapoint_of(sessions[e["session_id"]])
            if dp is not None:
                chosen.setdefault(dp, e)
        return chosen

    newer, older = pick(new), pick(old)
    return [
        {"datapoint_id": dp, "event_1": newer[dp], "event_2": older[dp]}
        for dp in sorted(set(newer) & set(older))
    ]
