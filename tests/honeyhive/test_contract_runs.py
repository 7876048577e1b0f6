"""Experiment runs and metrics through the real SDK over HTTP: `evaluate()` over a stored and an
external dataset, the run's record (create, read, list, update, delete), its result with every
aggregate function, passing ranges (the run's own and a project metric's threshold), raw event
metrics, the comparison of two runs, the metric definitions' CRUD, and bad input.

Runs with known scores are built without a model: a run, then one session per datapoint
(`metadata.run_id` + `metadata.datapoint_id`, as the SDK's evaluation tracers write them) with a
chain event carrying the scores."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from honeyhive import HoneyHive
from honeyhive._generated import models as generated
from honeyhive._generated.api_config import HTTPException
from honeyhive._generated.services import Experiments_service, Metrics_service
from honeyhive.experiments import compare_runs, evaluate, get_run_metrics, get_run_result
from honeyhive.experiments.models import ExperimentResultSummary, MetricDetail
from honeyhive.models import (
    AddDatapointsToDatasetRequest,
    CreateDatapointRequest,
    CreateDatasetRequest,
    CreateMetricRequest,
    DatapointMapping,
    PostExperimentRunRequest,
    PutExperimentRunRequest,
    UpdateMetricRequest,
)

from support.sdk.tracing import clean_context, pin_global_provider

from .api import Tenant, error_of, new_event, new_session

Scores = dict[str, dict[str, Any]]  # datapoint id -> {metric: value}


@pytest.fixture(autouse=True)
def _own_context() -> Iterator[None]:
    """evaluate() starts tracers of its own: give them isolated providers and a clean context."""
    pin_global_provider()
    with clean_context():
        yield


@dataclass(frozen=True)
class ScoredRun:
    run_id: str
    sessions: dict[str, str]  # datapoint id -> session id


def scored_run(client: HoneyHive, scores: Scores, **fields: Any) -> ScoredRun:
    run_id = client.experiments.create_run(
        PostExperimentRunRequest(
            name=fields.pop("name", "scored"), datapoint_ids=list(scores), **fields
        )
    ).run_id
    sessions = {}
    for dp, metrics in scores.items():
        started = client.sessions.start(
            new_session(session_name="scored", metadata={"run_id": run_id, "datapoint_id": dp})
        )
        client.events.create(
            new_event(
                event_type="chain",
                event_name="answer",
                session_id=started.session_id,
                metrics=metrics,
            )
        )
        sessions[dp] = started.session_id
    client.experiments.update_run(
        run_id, PutExperimentRunRequest(status="completed", event_ids=list(sessions.values()))
    )
    return ScoredRun(run_id, sessions)


def details(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["metric_name"]: d for d in result["metrics"]["details"]}


def metric(summary: ExperimentResultSummary, name: str) -> MetricDetail:
    found = summary.metrics.get_metric(name)
    assert isinstance(found, MetricDetail), f"{name}: {found!r}"
    return found


# ---- evaluate() --------------------------------------------------------------------------------


def shout(datapoint: dict[str, Any]) -> dict[str, Any]:
    return {"answer": datapoint["inputs"]["question"].upper()}


def answer_length(outputs: dict[str, Any], inputs: dict[str, Any], ground_truth: Any = None) -> int:
    return len(outputs["answer"])


def is_exact(outputs: dict[str, Any], inputs: dict[str, Any], ground_truth: Any = None) -> bool:
    return bool(ground_truth) and outputs["answer"] == ground_truth.get("answer")


def test_evaluate_over_a_stored_dataset_links_a_session_to_each_datapoint(tenant: Tenant) -> None:
    client = tenant.client()
    dataset_id = client.datasets.create(CreateDatasetRequest(name="caps")).result.insertedId
    questions = ["ab", "cde", "fghi"]
    dp_ids = client.datasets.add_datapoints(
        dataset_id,
        AddDatapointsToDatasetRequest(
            data=[{"question": q, "answer": q.upper() if q != "cde" else "?"} for q in questions],
            mapping=DatapointMapping(inputs=["question"], ground_truth=["answer"]),
        ),
    ).datapoint_ids

    summary = evaluate(
        shout,
        dataset_id=dataset_id,
        evaluators=[answer_length, is_exact],
        api_key=tenant.api_key,
        server_url=tenant.url,
        name="caps-run",
        print_results=False,
    )

    run = client.experiments.get_run(summary.run_id).evaluation
    assert (run.status, run.name, run.dataset_id, run.dataset_name) == (
        "completed",
        "caps-run",
        dataset_id,
        "caps",
    )
    assert run.model_extra is not None and run.model_extra["datapoint_ids"] == dp_ids
    by_dp = {d.datapoint_id: d for d in summary.datapoints}
    assert set(by_dp) == set(dp_ids)
    assert set(run.event_ids) == {d.session_id for d in by_dp.values()}
    for dp, question in zip(dp_ids, questions, strict=True):
        session = tenant.session_events(by_dp[dp].session_id)
        metadata = next(e for e in session if e["event_type"] == "session")["metadata"]
        assert (metadata["run_id"], metadata["datapoint_id"], metadata["dataset_id"]) == (
            summary.run_id,
            dp,
            dataset_id,
        )
        values = {m.name: m.value for m in by_dp[dp].metrics}
        assert values == {"answer_length": len(question), "is_exact": question != "cde"}
    length, exact = metric(summary, "answer_length"), metric(summary, "is_exact")
    assert length.aggregate == pytest.approx(3.0) and sorted(length.values) == [2, 3, 4]
    assert exact.aggregate == pytest.approx(2 / 3)
    assert summary.success is True and sorted(summary.passed) == sorted(dp_ids)


def test_evaluate_over_an_external_dataset_names_it_in_the_run_metadata(tenant: Tenant) -> None:
    summary = evaluate(
        shout,
        dataset=[{"inputs": {"question": "xy"}}, {"inputs": {"question": "z"}}],
        evaluators=[answer_length],
        api_key=tenant.api_key,
        server_url=tenant.url,
        print_results=False,
    )

    run = tenant.client().experiments.get_run(summary.run_id).evaluation
    assert run.dataset_id is None
    assert str(run.metadata["offline_dataset_id"]).startswith("EXT-")
    assert all(str(d.datapoint_id).startswith("EXT-") for d in summary.datapoints)
    assert sorted(m.value for d in summary.datapoints for m in d.metrics) == [1, 2]


# ---- the run's record --------------------------------------------------------------------------


def test_a_run_reads_back_and_an_update_merges_its_metadata(tenant: Tenant) -> None:
    client = tenant.client()
    chosen = str(uuid.uuid4())
    created = client.experiments.create_run(
        PostExperimentRunRequest(
            run_id=chosen,
            name="nightly",
            description="prompt v2",
            metadata={"commit": "abc"},
            configuration={"model": "small"},
        )
    )
    assert created.run_id == chosen == created.evaluation.run_id
    assert created.evaluation.status == "pending" and created.evaluation.is_active is True

    updated = client.experiments.update_run(
        chosen, PutExperimentRunRequest(status="completed", metadata={"branch": "main"})
    )

    run = client.experiments.get_run(chosen).evaluation
    assert updated.evaluation.status == run.status == "completed"
    assert run.metadata == {"commit": "abc", "branch": "main"}
    assert (run.name, run.description, run.configuration) == (
        "nightly",
        "prompt v2",
        {"model": "small"},
    )
    assert (run.scope_type, run.event_ids) == ("project", [])
    assert client.experiments.delete_run(chosen).deleted is True
    with pytest.raises(HTTPException) as gone:
        client.experiments.get_run(chosen)
    assert gone.value.status_code == 404


def test_runs_are_listed_filtered_sorted_and_paged(tenant: Tenant) -> None:
    client = tenant.client()
    ids = {
        name: client.experiments.create_run(
            PostExperimentRunRequest(name=name, status=status)
        ).run_id
        for name, status in (("b", "completed"), ("a", "pending"), ("c", "completed"))
    }

    first = client.experiments.list_runs(sort_by="name", sort_order="asc", limit=2)
    second = client.experiments.list_runs(sort_by="name", sort_order="asc", limit=2, page=2)
    done = client.experiments.list_runs(status="completed")
    picked = client.experiments.list_runs(run_ids=[ids["a"], ids["c"]])
    named = client.experiments.list_runs(name="b")

    assert [r.name for r in first.evaluations] == ["a", "b"]
    assert [r.name for r in second.evaluations] == ["c"]
    assert (first.pagination.total, first.pagination.total_pages) == (3, 2)
    assert (first.pagination.has_next, second.pagination.has_prev) == (True, True)
    assert {r.name for r in done.evaluations} == {"b", "c"}
    assert {r.name for r in picked.evaluations} == {"a", "c"}
    assert [r.run_id for r in named.evaluations] == [ids["b"]]
    assert named.pagination.total_unfiltered == 3


def test_runs_are_listed_by_a_part_of_their_name_ignoring_case(tenant: Tenant) -> None:
    """HoneyHive's `name` filter matches part of a name: the SDK's own tests list two runs
    `x_0`, `x_1` by `name=x`."""
    client = tenant.client()
    for name in ("exp-Alpha-1", "exp-alpha-2", "exp-beta"):
        client.experiments.create_run(PostExperimentRunRequest(name=name))

    alpha = client.experiments.list_runs(name="exp-alpha", sort_by="name", sort_order="asc")
    shouted = client.experiments.list_runs(name="BETA")
    literal = client.experiments.list_runs(name="exp.")

    assert [r.name for r in alpha.evaluations] == ["exp-Alpha-1", "exp-alpha-2"]
    assert alpha.pagination.total == 2
    assert [r.name for r in shouted.evaluations] == ["exp-beta"]
    assert literal.evaluations == []


# ---- results -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        ("average", 4.0),
        ("sum", 16.0),
        ("min", 1.0),
        ("max", 9.0),
        ("median", 3.0),
        ("p90", 7.5),
        ("count", 4.0),
    ],
)
def test_the_result_aggregates_scores_with_the_function_asked(
    tenant: Tenant, function: str, expected: float
) -> None:
    client = tenant.client()
    run = scored_run(client, {f"dp-{v}": {"latency": v} for v in (1, 2, 4, 9)})

    result = client.experiments.get_result(run.run_id, aggregate_function=function)

    assert result["metrics"]["aggregation_function"] == function
    assert details(result)["latency"]["aggregate"] == pytest.approx(expected)
    assert sorted(details(result)["latency"]["values"]) == [1, 2, 4, 9]


def test_an_aggregate_beyond_a_double_is_reported_as_missing(tenant: Tenant) -> None:
    """JSON has no infinity: the sum of two scores near the largest double has no value."""
    client = tenant.client()
    run = scored_run(client, {"dp-1": {"size": 1e308}, "dp-2": {"size": 1e308}})

    result = client.experiments.get_result(run.run_id, aggregate_function="sum")

    assert details(result)["size"]["aggregate"] is None
    assert details(result)["size"]["values"] == [1e308, 1e308]


def test_scores_outside_a_passing_range_fail_their_datapoint(tenant: Tenant) -> None:
    """Ranges come from the run's `passing_ranges` and from the project metric of the same
    name (its threshold); a metric with neither always passes."""
    client = tenant.client()
    client.metrics.create(
        CreateMetricRequest(name="toxicity", type="PYTHON", criteria="...", threshold={"max": 0.1})
    )
    scores = {
        "dp-good": {"accuracy": 0.9, "toxicity": 0.0, "length": 3},
        "dp-wrong": {"accuracy": 0.2, "toxicity": 0.0, "length": 5},
        "dp-rude": {"accuracy": 0.8, "toxicity": 0.7, "length": 4},
    }
    run = scored_run(client, scores, passing_ranges={"accuracy": {"min": 0.5}})

    result = get_run_result(client, run.run_id)

    assert result.passed == ["dp-good"] and sorted(result.failed) == ["dp-rude", "dp-wrong"]
    assert result.success is False
    accuracy, toxicity = metric(result, "accuracy"), metric(result, "toxicity")
    assert accuracy.datapoints is not None and accuracy.datapoints.failed == ["dp-wrong"]
    assert toxicity.datapoints is not None and toxicity.datapoints.failed == ["dp-rude"]
    assert (accuracy.metric_type, toxicity.metric_type) == ("CLIENT_SIDE", "PYTHON")
    wrong = next(d for d in result.datapoints if d.datapoint_id == "dp-wrong")
    assert {m.name: m.passed for m in wrong.metrics} == {
        "accuracy": False,
        "toxicity": True,
        "length": True,
    }


def test_the_results_follow_the_filters_asked(tenant: Tenant) -> None:
    client = tenant.client()
    run = scored_run(client, {"dp-1": {"score": 1}, "dp-2": {"score": 3}})
    client.events.create(
        new_event(
            event_type="tool",
            event_name="lookup",
            session_id=run.sessions["dp-1"],
            metrics={"score": 100},
        )
    )
    only_chain = '[{"field": "event_type", "operator": "is", "value": "chain", "type": "string"}]'

    everything = tenant.call("GET", f"/v1/runs/{run.run_id}/result").json()
    chains = tenant.call("GET", f"/v1/runs/{run.run_id}/result?filters={only_chain}").json()

    assert {(d["event_name"], d["aggregate"]) for d in everything["metrics"]["details"]} == {
        ("answer", 2.0),
        ("lookup", 100.0),
    }
    assert [(d["event_name"], d["aggregate"]) for d in chains["metrics"]["details"]] == [
        ("answer", 2.0)
    ]


def test_the_raw_run_metrics_list_every_scored_event(tenant: Tenant) -> None:
    """SDK finding (also a scenario): `experiments.get_run_metrics` documents the raw per-event
    metrics (`metrics["events"]`) but reads the aggregated result; the raw route is
    `GET /v1/runs/{run_id}/metrics`, served and readable through the generated service."""
    client = tenant.client()
    run = scored_run(client, {"dp-1": {"score": 0.5, "note": "text"}, "dp-2": {"score": 1}})

    raw = Experiments_service.getExperimentRunMetrics(tenant.api_config(), run_id=run.run_id)
    from_sdk = get_run_metrics(client, run.run_id)

    assert raw.totalEvents == 2
    assert {(e.metadata.datapoint_id, e.session_id) for e in raw.events} == {
        (dp, sid) for dp, sid in run.sessions.items()
    }
    assert sorted(e.metrics["score"] for e in raw.events) == [0.5, 1]
    assert all(set(e.metrics) == {"score"} for e in raw.events)  # text is not a score
    assert "events" not in from_sdk and "datapoints" in from_sdk


def test_two_runs_compare_on_the_datapoints_they_share(tenant: Tenant) -> None:
    client = tenant.client()
    old = scored_run(client, {"dp-1": {"score": 0.5}, "dp-2": {"score": 0.5}})
    new = scored_run(client, {"dp-1": {"score": 0.9}, "dp-2": {"score": 0.1}, "dp-3": {"score": 1}})

    comparison = compare_runs(client, new.run_id, old.run_id)
    v1 = Experiments_service.getExperimentComparison(
        tenant.api_config(), new_run_id=new.run_id, old_run_id=old.run_id
    )

    assert comparison.common_datapoints == 2
    delta = comparison.get_metric_delta("score")
    assert delta is not None
    assert delta["old_aggregate"] == pytest.approx(0.5)
    assert delta["new_aggregate"] == pytest.approx(2 / 3)
    assert (delta["improved"], delta["degraded"], delta["same"]) == (["dp-1"], ["dp-2"], [])
    assert comparison.list_improved_metrics() == comparison.list_degraded_metrics() == ["score"]
    assert sorted(v1.commonDatapoints) == ["dp-1", "dp-2"]
    assert v1.metrics[0].difference == pytest.approx(2 / 3 - 0.5)
    assert (v1.new_run.run_id, v1.old_run.run_id) == (new.run_id, old.run_id)


def test_two_evaluate_runs_over_one_managed_dataset_pair_every_datapoint(tenant: Tenant) -> None:
    """As the SDK's own integration test builds it: the dataset and its datapoints created with
    the legacy `project` field, then two evaluate() runs over the dataset, compared."""
    client = tenant.client()
    dataset_id = client.datasets.create(
        CreateDatasetRequest.model_validate({"project": tenant.project, "name": "managed"})
    ).result.insertedId
    datapoints: set[str] = set()
    for value in (1, 2, 3):
        body = {
            "project": tenant.project,
            "inputs": {"value": value},
            "linked_datasets": [dataset_id],
        }
        created = client.datapoints.create(CreateDatapointRequest.model_validate(body))
        datapoints |= set(created.result.insertedIds)

    def doubler(datapoint: dict[str, Any]) -> dict[str, Any]:
        return {"result": datapoint["inputs"]["value"] * 2}

    old, new = (
        evaluate(
            doubler,
            dataset_id=dataset_id,
            api_key=tenant.api_key,
            server_url=tenant.url,
            name=name,
            print_results=False,
        )
        for name in ("managed-a", "managed-b")
    )
    comparison = compare_runs(client, new.run_id, old.run_id)
    paired = client.experiments.compare_run_events(new.run_id, old.run_id)

    assert comparison.common_datapoints == 3
    assert (comparison.new_only_datapoints, comparison.old_only_datapoints) == (0, 0)
    assert paired.totalEvents == 3
    assert {pair.datapoint_id for pair in paired.events} == datapoints


def test_the_events_of_two_runs_pair_up_by_datapoint(tenant: Tenant) -> None:
    client = tenant.client()
    old = scored_run(client, {"dp-1": {"score": 0}, "dp-2": {"score": 0}})
    new = scored_run(client, {"dp-2": {"score": 1}, "dp-3": {"score": 1}})

    sessions = client.experiments.compare_run_events(new.run_id, old.run_id)
    chains = client.experiments.compare_run_events(new.run_id, old.run_id, event_name="answer")

    assert sessions.totalEvents == 1
    (pair,) = sessions.events
    assert (pair.datapoint_id, pair.event_1["event_id"], pair.event_2["event_id"]) == (
        "dp-2",
        new.sessions["dp-2"],
        old.sessions["dp-2"],
    )
    (chain,) = chains.events
    assert (chain.event_1["metrics"], chain.event_2["metrics"]) == ({"score": 1}, {"score": 0})


# ---- metric definitions ------------------------------------------------------------------------


def test_a_metric_is_created_listed_updated_and_deleted(tenant: Tenant) -> None:
    client = tenant.client()
    created = client.metrics.create(
        CreateMetricRequest(
            name="relevance",
            type="LLM",
            criteria="Rate 1-5",
            model_provider="openai",
            model_name="gpt-4o-mini",
            scale=5,
            return_type="float",
        )
    )
    client.metrics.create(CreateMetricRequest(name="has_json", type="PYTHON", criteria="code"))

    (found,) = client.metrics.get_metric(created.metric_id)
    assert (found.name, found.type, found.scale, found.model_name) == (
        "relevance",
        "LLM",
        5,
        "gpt-4o-mini",
    )
    assert (found.enabled_in_prod, found.sampling_percentage, found.updated_at) == (False, 10, None)
    assert [m.name for m in client.metrics.list(type="PYTHON")] == ["has_json"]

    client.metrics.update(UpdateMetricRequest(id=created.metric_id, description="judge", scale=10))
    Metrics_service.updateMetric(
        tenant.api_config(),
        metric_id=created.metric_id,
        data=generated.UpdateMetricRequest(enabled_in_prod=True),
    )
    (found,) = client.metrics.get_metric(created.metric_id)
    assert (found.description, found.scale, found.enabled_in_prod) == ("judge", 10, True)
    assert found.updated_at is not None

    assert client.metrics.delete(created.metric_id).deleted is True
    assert client.metrics.get_metric(created.metric_id) == []
    assert [m.name for m in client.metrics.list()] == ["has_json"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "says"),
    [
        ("POST", "/v1/runs", {"status": "done"}, 400, "status"),
        ("POST", "/v1/runs", {"dataset_id": "nope"}, 400, "dataset 'nope' does not exist"),
        ("POST", "/v1/runs", {"name": "x", "evaluater": []}, 400, "evaluater: unknown key"),
        ("PUT", "/v1/runs/nope", {"status": "completed"}, 404, "run 'nope' not found"),
        ("DELETE", "/v1/runs/nope", None, 404, "run 'nope' not found"),
        ("GET", "/v1/runs/nope/result", None, 404, "run 'nope' not found"),
        ("GET", "/v1/runs?limit=0", None, 400, "limit"),
        ("GET", "/v1/runs?sort_by=colour", None, 400, "sort_by"),
        ("GET", "/v1/runs?dateRange=yesterday", None, 400, "'dateRange' is not valid JSON"),
        ("GET", "/v1/runs/compare/events?run_id_1=a", None, 400, "run_id_2"),
        ("POST", "/v1/metrics", {"name": "m", "type": "PYTHON"}, 400, "criteria"),
        ("POST", "/v1/metrics", {"name": "m", "type": "SQL", "criteria": "x"}, 400, "type"),
        ("POST", "/v1/metrics", {"name": "m", "type": "LLM", "criteria": "x"}, 400,
         "needs model_provider and model_name"),
        ("POST", "/v1/metrics", {"name": "m", "type": "COMPOSITE", "criteria": "x"}, 400,
         "needs child_metrics"),
        ("POST", "/v1/metrics", {"name": "m", "type": "PYTHON", "criteria": "x",
                                 "sampling_percentage": 101}, 400, "sampling_percentage"),
        ("PUT", "/v1/metrics", {"name": "m"}, 400, "id"),
        ("PUT", "/v1/metrics/nope", {"name": "m"}, 404, "metric 'nope' not found"),
        ("DELETE", "/v1/metrics?metric_id=nope", None, 404, "metric 'nope' not found"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)  # fmt: skip
def test_bad_input_is_refused_with_what_is_wrong(
    tenant: Tenant, method: str, path: str, body: Any, status: int, says: str
) -> None:
    response = tenant.call(method, path, body)

    assert response.status_code == status, response.text
    assert says in error_of(response)["message"], response.text


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("aggregate_function=mean", "unknown aggregate_function 'mean'"),
        ("filters=[{", "'filters' is not valid JSON"),
        ('filters=[{"field": "colour", "operator": "is", "value": 1}]', "unknown field"),
    ],
)
def test_a_bad_result_query_is_refused(tenant: Tenant, query: str, says: str) -> None:
    run = scored_run(tenant.client(), {"dp": {"score": 1}})

    response = tenant.call("GET", f"/v1/runs/{run.run_id}/result?{query}")

    assert response.status_code == 400, response.text
    assert says in error_of(response)["message"], response.text


def test_a_run_id_and_a_metric_name_are_unique_in_a_project(tenant: Tenant) -> None:
    client = tenant.client()
    run_id = client.experiments.create_run(PostExperimentRunRequest(name="once")).run_id
    client.metrics.create(CreateMetricRequest(name="m", type="PYTHON", criteria="x"))

    again = tenant.call("POST", "/v1/runs", {"run_id": run_id})
    twin = tenant.call("POST", "/v1/metrics", {"name": "m", "type": "PYTHON", "criteria": "y"})

    assert again.status_code == twin.status_code == 409
    assert "already exists" in error_of(again)["message"]
    assert "already exists" in error_of(twin)["message"]
