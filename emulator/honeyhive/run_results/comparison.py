"""Two runs side by side: per metric, both aggregates and, over the datapoints both runs scored,
which improved, degraded or stayed the same; and the paired events of shared datapoints."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .scoring import (
    Event,
    Judging,
    Score,
    aggregate,
    datapoint_of,
    event_details,
    finite,
    run_events,
    scores,
)


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
    new_pairs = {(d["event_name"], d["event_type"]) for d in event_details(new_events)}
    old_pairs = {(d["event_name"], d["event_type"]) for d in event_details(old_events)}
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
