"""Server-side metrics, over real HTTP and the SDK: a project metric enabled in production scores
the events its filters match, on every read, with the deterministic subset the README documents
(mock_llm LLM metrics and composites of them); any other enabled metric answers `null` with an
explanation at once, so nothing waits for a score that never comes; an evaluate() run's result
aggregates the server-side scores with the client-side ones."""

from __future__ import annotations

import uuid
from typing import Any

from honeyhive.experiments import evaluate
from honeyhive.models import CreateMetricRequest

from support.sdk.tracing import clean_context, pin_global_provider

from .api import Tenant, event_body, is_


def metric(tenant: Tenant, name: str, **fields: Any) -> str:
    body: dict[str, Any] = {
        "name": name,
        "type": "LLM",
        "criteria": "Respond with a score from 1 to 5: [[3]]",
        "model_provider": "mock_llm",
        "model_name": "deterministic/default/default",
        "enabled_in_prod": True,
        "sampling_percentage": 100.0,
        "scale": 5,
        "filters": {"filterArray": [is_("event_name", "answer")]},
        **fields,
    }
    metric_id: str = tenant.client().metrics.create(CreateMetricRequest(**body)).metric_id
    return metric_id


def events_of(tenant: Tenant, session_id: str) -> dict[str, dict[str, Any]]:
    return {e["event_name"]: e for e in tenant.export(is_("session_id", session_id))}


def post(tenant: Tenant, session_id: str, *names: str, **fields: Any) -> None:
    for name in names:
        body = {"event": event_body(event_name=name, session_id=session_id, **fields)}
        assert tenant.call("POST", "/events", body).status_code == 200


def test_an_enabled_mock_llm_metric_scores_the_events_its_filters_match(tenant: Tenant) -> None:
    sid = str(uuid.uuid4())
    metric(tenant, "usefulness")
    post(tenant, sid, "answer", "lookup")

    found = events_of(tenant, sid)
    one = tenant.call("GET", f"/v1/events/{found['answer']['event_id']}").json()["event"]

    assert found["answer"]["metrics"]["usefulness"] == 3.0
    assert isinstance(found["answer"]["metrics"]["usefulness_explanation"], str)
    assert "usefulness" not in found["lookup"]["metrics"]
    assert "usefulness" not in found["unknown"]["metrics"]  # the implicit session
    assert one["metrics"]["usefulness"] == 3.0


def test_the_mock_score_follows_the_scale_and_return_type(tenant: Tenant) -> None:
    sid = str(uuid.uuid4())
    metric(tenant, "ten", scale=10)
    metric(tenant, "ok", return_type="boolean")
    metric(
        tenant,
        "label",
        return_type="categorical",
        categories=[{"category": "good", "score": 1}, {"category": "bad", "score": 0}],
    )
    post(tenant, sid, "answer")

    scores = events_of(tenant, sid)["answer"]["metrics"]

    assert (scores["ten"], scores["ok"], scores["label"]) == (5.0, True, "good")


def test_a_metric_not_enabled_or_sampled_out_scores_nothing(tenant: Tenant) -> None:
    sid = str(uuid.uuid4())
    metric(tenant, "off", enabled_in_prod=False)
    metric(tenant, "never", sampling_percentage=0.0)
    post(tenant, sid, "answer")

    scores = events_of(tenant, sid)["answer"]["metrics"]

    assert not {"off", "never", "off_explanation", "never_explanation"} & set(scores)


def test_a_score_the_event_holds_is_kept(tenant: Tenant) -> None:
    sid = str(uuid.uuid4())
    metric(tenant, "usefulness")
    post(tenant, sid, "answer", metrics={"usefulness": 1})

    assert events_of(tenant, sid)["answer"]["metrics"]["usefulness"] == 1


def test_a_metric_the_emulator_cannot_run_answers_null_and_says_why(tenant: Tenant) -> None:
    sid = str(uuid.uuid4())
    metric(tenant, "judge", model_provider="openai", model_name="gpt-4o")
    metric(tenant, "code", type="PYTHON", model_provider=None, model_name=None)
    post(tenant, sid, "answer")

    scores = events_of(tenant, sid)["answer"]["metrics"]

    assert scores["judge"] is None and scores["code"] is None
    assert "not computed" in scores["judge_explanation"]
    assert "'openai'" in scores["judge_explanation"]
    assert "PYTHON" in scores["code_explanation"]


def test_a_composite_is_the_weighted_mean_of_its_children(tenant: Tenant) -> None:
    sid = str(uuid.uuid4())
    metric(tenant, "ten", scale=10)
    metric(tenant, "five")
    metric(
        tenant,
        "overall",
        type="COMPOSITE",
        model_provider=None,
        model_name=None,
        child_metrics=[{"name": "ten", "weight": 3}, {"name": "five", "weight": 1}],
    )
    metric(
        tenant,
        "partial",
        type="COMPOSITE",
        model_provider=None,
        model_name=None,
        child_metrics=[{"name": "ten", "weight": 1}, {"name": "absent", "weight": 1}],
    )
    post(tenant, sid, "answer")

    scores = events_of(tenant, sid)["answer"]["metrics"]

    assert scores["overall"] == (5.0 * 3 + 3.0) / 4
    assert scores["partial"] is None and "child metric" in scores["partial_explanation"]


def test_an_evaluate_run_aggregates_the_server_side_scores(tenant: Tenant) -> None:
    metric(tenant, "usefulness")

    def answer(datapoint: dict[str, Any]) -> dict[str, Any]:
        return {"text": f"about {datapoint['inputs']['q']}"}

    pin_global_provider()
    with clean_context():
        summary = evaluate(
            answer,
            dataset=[{"inputs": {"q": "tea"}}, {"inputs": {"q": "coffee"}}],
            api_key=tenant.api_key,
            server_url=tenant.url,
            name="server-side",
            print_results=False,
        )

    result = tenant.call("GET", f"/v1/runs/{summary.run_id}/result").json()
    (detail,) = [d for d in result["metrics"]["details"] if d["metric_name"] == "usefulness"]
    assert (detail["metric_type"], detail["event_name"], detail["aggregate"]) == (
        "LLM",
        "answer",
        3.0,
    )
    assert detail["values"] == [3.0, 3.0]
    assert [m.metric_name for m in summary.metrics.details] == ["usefulness"]
