"""Experiments and datasets: a dataset stored in the project, the application evaluated over it,
and what the backend holds for the run (its sessions and its results)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from honeyhive.experiments.models import ExperimentResultSummary
from pytest_bdd import given, parsers, then, when

from support.flows import experiments as flow
from support.readback.reader import BackendReader
from support.readback.stored import Stored
from support.target.model import ModelTarget
from support.target.projects import Project
from support.teardown import Teardown

Readers = Callable[[Project], BackendReader]


@pytest.fixture
def experiment_reader(experiment: flow.Experiment, readers: Readers) -> BackendReader:
    return readers(experiment.project)


@pytest.fixture
def run_sessions(
    experiment: flow.Experiment, experiment_reader: BackendReader
) -> dict[str, Stored]:
    return flow.sessions(experiment_reader, experiment)


@pytest.fixture
def run_results(
    experiment: flow.Experiment, experiment_reader: BackendReader
) -> ExperimentResultSummary:
    return flow.results(experiment_reader, experiment)


@given(
    parsers.parse("a dataset of {count:d} questions with their expected answers"),
    target_fixture="dataset",
)
def a_dataset(project: Project, teardown: Teardown, count: int) -> flow.Dataset:
    return flow.create_dataset(project, teardown, count)


@when("the application is evaluated over the dataset", target_fixture="experiment")
def evaluated(
    project: Project,
    dataset: flow.Dataset,
    model: ModelTarget,
    teardown: Teardown,
    otel_context: None,
) -> flow.Experiment:
    return flow.run_evaluation(project, dataset, model, teardown)


@given(
    "an experiment over the dataset whose sessions and results are stored",
    target_fixture="experiment",
)
def evaluated_and_stored(
    project: Project,
    dataset: flow.Dataset,
    model: ModelTarget,
    teardown: Teardown,
    otel_context: None,
    readers: Readers,
) -> flow.Experiment:
    experiment = flow.run_evaluation(project, dataset, model, teardown)
    flow.stored_completely(readers(project), experiment)
    return experiment


@when(
    "the application is evaluated over the dataset with an evaluator that fails on one datapoint",
    target_fixture="experiment",
)
def evaluated_with_failing_evaluator(
    project: Project,
    dataset: flow.Dataset,
    model: ModelTarget,
    teardown: Teardown,
    otel_context: None,
) -> flow.Experiment:
    return flow.run_evaluation(project, dataset, model, teardown, failing_evaluator=True)


@when(
    "the experiment run, its sessions, the dataset and its datapoints are removed",
    target_fixture="removal",
)
def removed(experiment: flow.Experiment) -> flow.Removal:
    return flow.remove(experiment)


@then("the experiment run holds one session for each datapoint of the dataset")
def one_session_per_datapoint(experiment: flow.Experiment, run_sessions: dict[str, Stored]) -> None:
    flow.one_session_per_datapoint(experiment, run_sessions)


@then("each session is linked to the experiment run and to its datapoint")
def linked(experiment: flow.Experiment, run_sessions: dict[str, Stored]) -> None:
    flow.linked(experiment, run_sessions)


@then("each session holds the model call that answered its datapoint's question, with token counts")
def model_call_per_session(run_sessions: dict[str, Stored]) -> None:
    flow.model_call_per_session(run_sessions)


@then("each session records the application's answer and the datapoint's expected answer")
def answers_recorded(experiment: flow.Experiment, run_sessions: dict[str, Stored]) -> None:
    flow.answers_recorded(experiment, run_sessions)


@then("each session holds every evaluator's score for its datapoint")
def scores_per_session(experiment: flow.Experiment, run_sessions: dict[str, Stored]) -> None:
    flow.scores_per_session(experiment, run_sessions)


@then("the run's results list every datapoint of the dataset with its session")
def every_datapoint_listed(
    experiment: flow.Experiment, run_results: ExperimentResultSummary
) -> None:
    flow.every_datapoint_listed(experiment, run_results)


@then("the run's results hold every score the evaluators returned, by datapoint")
def scores_in_results(experiment: flow.Experiment, run_results: ExperimentResultSummary) -> None:
    flow.scores_in_results(experiment, run_results)


@then("the run's results give each evaluator's average over the scores it returned")
def averages(experiment: flow.Experiment, run_results: ExperimentResultSummary) -> None:
    flow.averages(experiment, run_results)


@then("the datapoint the evaluator failed on has no score from that evaluator")
def no_score_where_it_failed(
    experiment: flow.Experiment, run_results: ExperimentResultSummary
) -> None:
    flow.no_score_where_it_failed(experiment, run_results)


@then("the run's results show that the evaluator failed on that datapoint")
def failure_recorded(
    experiment: flow.Experiment,
    run_results: ExperimentResultSummary,
    run_sessions: dict[str, Stored],
) -> None:
    flow.failure_recorded(experiment, run_results, run_sessions)


@then("the run's raw metrics list every evaluator's score for each datapoint")
def raw_metrics(
    experiment: flow.Experiment,
    experiment_reader: BackendReader,
    run_results: ExperimentResultSummary,  # the run is complete before its metrics are read
) -> None:
    flow.raw_metrics(experiment_reader, experiment)


@then("no tracer the evaluation started is still running")
def tracers_stopped(experiment: flow.Experiment) -> None:
    flow.tracers_stopped(experiment)


@then("nothing of the experiment is left in the project")
def nothing_left(
    experiment: flow.Experiment, removal: flow.Removal, experiment_reader: BackendReader
) -> None:
    left = flow.leftovers(experiment_reader, experiment, removal)
    assert not left, f"still in the project after removal: {left}"
    if removal.not_removable:
        pytest.skip(
            "the backend cannot remove sessions; left behind: "
            + "; ".join(f"{sid} ({why})" for sid, why in removal.not_removable.items())
        )
