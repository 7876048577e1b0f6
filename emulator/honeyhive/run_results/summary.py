"""One run's result (`GET /v1/runs/{run_id}/result`) and its raw scores per event
(`GET /v1/runs/{run_id}/metrics`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .scoring import (
    Event,
    Judging,
    Score,
    aggregate,
    datapoint_of,
    event_details,
    is_score,
    run_events,
    scores,
)


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
        "event_details": event_details(mine),
        "run_object": run,
    }


def event_metrics(run: dict[str, Any], events: list[Event], judging: Judging) -> list[Event]:
    """GET /v1/runs/{run_id}/metrics: every event of the run that holds scores, with them."""
    sessions, mine = run_events(run, events)
    out = []
    for e in mine:
        if judging.keep is not None and not judging.keep(e):
            continue
        values = {k: v for k, v in (e.get("metrics") or {}).items() if is_score(v)}
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
