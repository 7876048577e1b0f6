"""Run results as pure functions over event documents (emulator/honeyhive/run_results/): which
sessions belong to a run, aggregates at their edges, passing ranges, a run without sessions."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.honeyhive.errors import BadRequest
from emulator.honeyhive.run_results.scoring import (
    Judging,
    Range,
    aggregate,
    check_function,
    run_sessions,
)
from emulator.honeyhive.run_results.summary import summary


def session(sid: str, **metadata: Any) -> dict[str, Any]:
    return {"event_id": sid, "session_id": sid, "event_type": "session", "event_name": "s",
            "metadata": metadata, "metrics": {}, "start_time": 0}  # fmt: skip


def step(sid: str, **metrics: Any) -> dict[str, Any]:
    return {"event_id": f"{sid}-step", "session_id": sid, "event_type": "chain",
            "event_name": "app", "metadata": {}, "metrics": metrics, "start_time": 1}  # fmt: skip


RUN = {"run_id": "r1", "event_ids": ["listed"], "status": "completed"}


def test_a_runs_sessions_are_those_naming_it_and_those_it_lists() -> None:
    events = [
        session("tagged", run_id="r1", datapoint_id="dp-1"),
        session("listed", datapoint_id="dp-2"),
        session("other", run_id="r2"),
        step("tagged", score=1),
    ]

    found = run_sessions(RUN, events)

    assert set(found) == {"tagged", "listed"}


@pytest.mark.parametrize(
    ("function", "values", "expected"),
    [
        ("average", [], None),
        ("count", [], 0.0),
        ("median", [5.0], 5.0),
        ("p99", [1.0, 2.0], pytest.approx(1.99)),
        ("sum", [1e308, 1e308], None),  # not a finite number: reported as missing
        ("average", [1e308, 1e308], None),
    ],
)
def test_aggregates_at_their_edges(function: str, values: list[float], expected: Any) -> None:
    assert aggregate(values, function) == expected


def test_an_unknown_aggregate_function_is_refused() -> None:
    with pytest.raises(BadRequest, match="unknown aggregate_function 'mean'"):
        check_function("mean")
    assert check_function(None) == "average"


@pytest.mark.parametrize(
    ("allowed", "value", "passes"),
    [
        (Range(min=0.5), 0.5, True),
        (Range(min=0.5), 0.4, False),
        (Range(max=1), 2, False),
        (Range(pass_when=True), True, True),
        (Range(pass_when=True), False, False),
        (Range(pass_when=3), 3, True),
        (Range(pass_when=3), 4, False),
        (Range(), 123, True),
    ],
)
def test_passing_ranges(allowed: Range, value: Any, passes: bool) -> None:
    assert allowed.passes(value) is passes


def test_strings_nested_values_and_huge_integers_are_not_scores() -> None:
    events = [
        session("s", run_id="r1", datapoint_id="dp"),
        step("s", ok=True, n=2, note="text", nested={"a": 1}, huge=10**400),
    ]

    result = summary(RUN, events, Judging())

    assert [d["metric_name"] for d in result["metrics"]["details"]] == ["n", "ok"]
    assert result["datapoints"][0]["metrics"][0]["value"] is True


def test_a_run_without_sessions_has_an_empty_unsuccessful_result() -> None:
    result = summary({"run_id": "r9", "status": "pending"}, [], Judging())

    assert (result["success"], result["passed"], result["failed"]) == (False, [], [])
    assert result["datapoints"] == [] and result["metrics"]["details"] == []
    assert result["status"] == "pending"


def test_an_error_in_a_session_fails_its_datapoint() -> None:
    broken = {**step("s"), "event_id": "boom", "error": "RuntimeError: boom"}
    events = [session("s", run_id="r1", datapoint_id="dp"), step("s", score=1), broken]

    result = summary(RUN, events, Judging())

    assert result["failed"] == ["dp"] and result["datapoints"][0]["passed"] is False
