"""server_metrics.py on its own: which metrics run server-side, which events they score,
sampling that is deterministic and close to its share, filters that cannot be read, composites
after their children."""

from __future__ import annotations

from typing import Any

from emulator.honeyhive.server_metrics import ServerMetric, add_scores, server_side


def doc(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"id-{name}",
        "name": name,
        "type": "LLM",
        "model_provider": "mock_llm",
        "enabled_in_prod": True,
        "sampling_percentage": 100,
        "filters": {"filterArray": []},
        **fields,
    }


def event(event_id: str, **fields: Any) -> dict[str, Any]:
    return {"event_id": event_id, "event_name": "e", "metrics": {}, **fields}


def test_only_metrics_enabled_in_prod_run_and_composites_come_last() -> None:
    chosen = server_side(
        [
            doc("mix", type="COMPOSITE", child_metrics=[{"name": "a", "weight": 1}]),
            doc("a"),
            doc("off", enabled_in_prod=False),
        ]
    )

    assert [m.name for m in chosen] == ["a", "mix"]


def test_sampling_is_deterministic_and_near_its_share() -> None:
    metric = ServerMetric.of(doc("m", sampling_percentage=25))
    events = [event(f"e{i}") for i in range(4000)]

    picked = [e["event_id"] for e in events if metric.applies_to(e)]

    assert picked == [e["event_id"] for e in events if metric.applies_to(e)]
    assert 900 < len(picked) < 1100


def test_filters_that_cannot_be_read_match_nothing() -> None:
    bad = {"filterArray": [{"field": "no_such_field", "operator": "is", "value": "x"}]}
    metric = ServerMetric.of(doc("m", filters=bad))
    scored = [event("e1")]

    add_scores(scored, [metric])

    assert metric.filters is None and scored[0]["metrics"] == {}


def test_an_event_without_a_metrics_object_is_left_alone() -> None:
    odd = event("e1", metrics=None)

    add_scores([odd], server_side([doc("m")]))

    assert odd["metrics"] is None
