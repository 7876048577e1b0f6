"""Then checks of an experiment: the run's sessions and results against what was expected from
the inputs — every datapoint of the dataset, every configured evaluator's score computed from
the answer the application gave (`Experiment.expected_scores`)."""

from __future__ import annotations

import math
from typing import Any

from support.checks import model_calls
from support.flows.experiments import APP_STEP, FAILING, Experiment, ExperimentRemoval
from support.readback.api_client import DatapointScores, MetricSummary, RunResult
from support.readback.reader import BackendReader
from support.readback.stored import Stored, value
from support.report.evidence import attach_json


def one_session_per_datapoint(experiment: Experiment, stored: dict[str, Stored]) -> None:
    assert sorted(stored) == sorted(experiment.dataset.datapoints), (
        f"the run's sessions answer {sorted(stored)}; "
        f"the dataset asks {sorted(experiment.dataset.datapoints)}"
    )


def linked(experiment: Experiment, stored: dict[str, Stored]) -> None:
    one_session_per_datapoint(experiment, stored)
    for question, session in stored.items():
        metadata = session.session.get("metadata") or {}
        link = {k: metadata.get(k) for k in ("run_id", "dataset_id", "datapoint_id")}
        assert link == {
            "run_id": experiment.run_id,
            "dataset_id": experiment.dataset.dataset_id,
            "datapoint_id": experiment.dataset.datapoints[question],
        }, f"session of {question!r} is linked to {link}"


def model_call_per_session(experiment: Experiment, stored: dict[str, Stored]) -> None:
    one_session_per_datapoint(experiment, stored)
    for question, session in stored.items():
        call = model_calls.model_call(session, APP_STEP)
        sent = " ".join(str(m.get("content")) for m in value(call, "inputs.chat_history"))
        assert question in sent, f"the model call of the {question!r} session was sent {sent!r}"
        reply = value(call, "outputs.content")
        answer = experiment.evaluation.answers.get(question)
        assert reply == answer, (
            f"the {question!r} call stored {reply!r}; the app answered {answer!r}"
        )


def answers_recorded(experiment: Experiment, stored: dict[str, Stored]) -> None:
    one_session_per_datapoint(experiment, stored)
    for question, session in stored.items():
        event = session.session
        answer = experiment.evaluation.answers.get(question)
        assert event.get("outputs") == {"answer": answer}, (
            f"session of {question!r} holds outputs {event.get('outputs')!r}; the app answered "
            f"{answer!r}"
        )
        truth = (event.get("feedback") or {}).get("ground_truth")
        assert truth == {"expected": experiment.dataset.expected[question]}, (
            f"session of {question!r} holds ground truth {truth!r}"
        )


def scores_per_session(experiment: Experiment, stored: dict[str, Stored]) -> None:
    one_session_per_datapoint(experiment, stored)
    expected = experiment.expected_scores()
    for question, session in stored.items():
        held = session.one(APP_STEP).get("metrics") or {}
        want = expected[question]
        assert {k: held.get(k) for k in want} == want, (
            f"session of {question!r} holds scores {held}; every evaluator should have given {want}"
        )


def every_datapoint_listed(experiment: Experiment, summary: RunResult) -> None:
    listed = {str(d.datapoint_id): d.session_id for d in summary.datapoints}
    assert sorted(listed) == sorted(experiment.dataset.datapoints.values()), (
        f"results list datapoints {sorted(listed)}"
    )
    assert all(listed.values()), f"datapoints without a session: {listed}"


def scores_in_results(experiment: Experiment, summary: RunResult) -> None:
    for question, want in experiment.expected_scores().items():
        listed = _scores_of(_result_of(experiment, summary, question))
        assert {k: listed.get(k) for k in want} == want, (
            f"results hold {listed} for {question!r}; every evaluator should have given {want}"
        )


def averages(experiment: Experiment, summary: RunResult) -> None:
    expected = experiment.expected_scores()
    for name in experiment.evaluation.evaluators:
        scores = [float(s[name]) for s in expected.values() if name in s]
        detail = _metric(summary, name)
        assert sorted(float(v) for v in detail.values) == sorted(scores), (
            f"{name}: results hold values {detail.values}; the evaluator should have given {scores}"
        )
        mean = sum(scores) / len(scores)
        assert detail.aggregate is not None and math.isclose(
            float(detail.aggregate), mean, rel_tol=1e-9
        ), f"{name}: results give {detail.aggregate}, the average of {scores} is {mean}"


def no_score_where_it_failed(experiment: Experiment, summary: RunResult) -> None:
    question = experiment.evaluation.failing_question
    assert question is not None, "no evaluator was set to fail in this experiment"
    where = _scores_of(_result_of(experiment, summary, question))
    assert where.get(FAILING) is None, f"{FAILING} has a score where it failed: {where}"
    for other in experiment.dataset.datapoints:
        if other != question:
            scores = _scores_of(_result_of(experiment, summary, other))
            assert FAILING in scores, f"{FAILING} has no score for {other!r}: {scores}"


def failure_recorded(experiment: Experiment, summary: RunResult, stored: dict[str, Stored]) -> None:
    """The documented behaviour: a failed evaluator is kept as "ran but returned nothing", not
    dropped; so the datapoint's results name it, or its session records the error. Only once
    the evaluator did raise there, and the datapoint's results hold every other evaluator's
    score, is "nothing records it" the finding: a run that recorded nothing, or an evaluator
    that never ran, fails here with its own sentence."""
    question = experiment.evaluation.failing_question
    assert question is not None, "no evaluator was set to fail in this experiment"
    raised = experiment.evaluation.raised
    assert (FAILING, question) in raised, (
        f"{FAILING} never raised on {question!r} (it raised on {raised}): the evaluation did not "
        "run the evaluator that was to fail"
    )
    scores = _scores_of(_result_of(experiment, summary, question))
    others = sorted(set(experiment.evaluation.evaluators) - {FAILING})
    assert others and all(scores.get(n) is not None for n in others), (
        f"the results of {question!r} hold the scores {scores}, not those of every evaluator "
        f"that ran ({others}): the run recorded too little to tell what happened to {FAILING}"
    )
    named = set(scores)
    errors = [str(e.get("error")) for e in stored[question].events if e.get("error")]
    assert FAILING in named or any(FAILING in e or "relevance judge" in e for e in errors), (
        f"nothing records that {FAILING} failed on {question!r}: its results name "
        f"{sorted(named)}, its session's errors are {errors}"
    )


def raw_metrics(experiment: Experiment) -> None:
    """`get_run_metrics` documents raw metrics without aggregation: `metrics["events"]`, one
    entry per event with its metrics. The scenario is about that SDK function, so it is called
    through the SDK's own client."""
    project = experiment.project
    from honeyhive import HoneyHive  # the SDK only where the scenario is about it
    from honeyhive.experiments import get_run_metrics

    client = HoneyHive(api_key=project.api_key, server_url=project.url)
    raw = get_run_metrics(client, experiment.run_id)
    attach_json("get_run_metrics (as returned)", raw)
    assert "events" in raw, f"get_run_metrics returned no 'events'; its keys: {sorted(raw)}"
    scored = [e.get("metrics") or {} for e in raw["events"]]
    for question, want in experiment.expected_scores().items():
        assert any({k: m.get(k) for k in want} == want for m in scored), (
            f"no raw event holds the scores of {question!r}: {want}"
        )


def tracers_stopped(experiment: Experiment) -> None:
    """No thread that evaluate() started is still alive now."""
    alive = sorted(t.name for t in experiment.started_threads if t.is_alive())
    assert not alive, (
        f"{len(alive)} of the {len(experiment.started_threads)} threads the evaluation started "
        f"are still running: {alive}"
    )


def nothing_left(reader: BackendReader, experiment: Experiment, removal: ExperimentRemoval) -> None:
    """Run, dataset, datapoints and sessions are gone (sessions polled until removed)."""
    api, left = reader.api, []
    if api.run(experiment.run_id, absent_ok=True) is not None:
        left.append(f"run {experiment.run_id}")
    if api.datasets(experiment.dataset.dataset_id):
        left.append(f"dataset {experiment.dataset.dataset_id}")
    for dp in experiment.dataset.datapoints.values():
        if api.datapoint(dp) is not None:
            left.append(f"datapoint {dp}")
    assert not removal.not_removable, "the backend could not remove these sessions: " + "; ".join(
        f"{sid} ({why})" for sid, why in removal.not_removable
    )
    for sid in removal.sessions:
        reader.wait_until_gone(sid)
    assert not left, f"still in the project after removal: {left}"


def _result_of(experiment: Experiment, summary: RunResult, question: str) -> DatapointScores:
    wanted = experiment.dataset.datapoints[question]
    found = [d for d in summary.datapoints if d.datapoint_id == wanted]
    assert len(found) == 1, f"results list {len(found)} entries for {question!r}"
    return found[0]


def _scores_of(result: DatapointScores) -> dict[str, Any]:
    return dict(result.scores)


def _metric(summary: RunResult, name: str) -> MetricSummary:
    found = [m for m in summary.metrics if m.metric_name == name]
    assert len(found) == 1, f"results summarise {name!r} {len(found)} times: {found}"
    return found[0]
