"""Experiments and datasets: a dataset stored in the project, the application evaluated over it,
and what the backend holds for the run (its sessions and its results)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_bdd import given, parsers, then, when

from support.checks import experiments as checks
from support.flows import experiments as flow
from support.flows.experiments import Dataset, Experiment, ExperimentRemoval
from support.outcome import Outcome
from support.readback import experiment_reads
from support.readback.readback import Readback
from support.readback.reader import BackendReader
from support.readback.stored import Stored
from support.target.model import ModelTarget
from support.target.projects import Project
from support.teardown import Teardown

if TYPE_CHECKING:
    from honeyhive.experiments.models import ExperimentResultSummary


@given(
    parsers.parse("a dataset of {count:d} questions with their expected answers"),
    target_fixture="dataset",
)
def a_dataset(project: Project, teardown: Teardown, count: int) -> Dataset:
    return flow.create_dataset(project, teardown, count)


@when("the application is evaluated over the dataset", target_fixture="outcome")
def evaluated(
    project: Project, dataset: Dataset, model: ModelTarget, teardown: Teardown, otel_context: None
) -> Outcome:
    return flow.run_evaluation(project, dataset, model, teardown)


@given(
    "an experiment over the dataset whose sessions and results are stored",
    target_fixture="outcome",
)
def evaluated_and_stored(
    project: Project,
    dataset: Dataset,
    model: ModelTarget,
    teardown: Teardown,
    otel_context: None,
    readback: Readback,
) -> Outcome:
    outcome = flow.run_evaluation(project, dataset, model, teardown)
    experiment = outcome.facet(Experiment)
    reader = readback.reader(project)
    checks.one_session_per_datapoint(experiment, experiment_reads.sessions(reader, experiment))
    checks.every_datapoint_listed(experiment, experiment_reads.results(reader, experiment))
    return outcome


@when(
    "the application is evaluated over the dataset with an evaluator that fails on one datapoint",
    target_fixture="outcome",
)
def evaluated_with_failing_evaluator(
    project: Project, dataset: Dataset, model: ModelTarget, teardown: Teardown, otel_context: None
) -> Outcome:
    return flow.run_evaluation(project, dataset, model, teardown, failing_evaluator=True)


@when(
    "the experiment run, its sessions, the dataset and its datapoints are removed",
    target_fixture="outcome",
)
def removed(outcome: Outcome) -> Outcome:
    return flow.remove(outcome)


@then("the experiment run holds one session for each datapoint of the dataset")
def one_session_per_datapoint(experiment: Experiment, run_sessions: dict[str, Stored]) -> None:
    checks.one_session_per_datapoint(experiment, run_sessions)


@then("each session is linked to the experiment run and to its datapoint")
def linked(experiment: Experiment, run_sessions: dict[str, Stored]) -> None:
    checks.linked(experiment, run_sessions)


@then("each session holds the model call that answered its datapoint's question, with token counts")
def model_call_per_session(experiment: Experiment, run_sessions: dict[str, Stored]) -> None:
    checks.model_call_per_session(experiment, run_sessions)


@then("each session records the application's answer and the datapoint's expected answer")
def answers_recorded(experiment: Experiment, run_sessions: dict[str, Stored]) -> None:
    checks.answers_recorded(experiment, run_sessions)


@then("each session holds every evaluator's score for its datapoint")
def scores_per_session(experiment: Experiment, run_sessions: dict[str, Stored]) -> None:
    checks.scores_per_session(experiment, run_sessions)


@then("the run's results list every datapoint of the dataset with its session")
def every_datapoint_listed(experiment: Experiment, run_results: ExperimentResultSummary) -> None:
    checks.every_datapoint_listed(experiment, run_results)


@then("the run's results hold every score the evaluators returned, by datapoint")
def scores_in_results(experiment: Experiment, run_results: ExperimentResultSummary) -> None:
    """Every configured evaluator's score for every datapoint, computed from the app's answer."""
    checks.scores_in_results(experiment, run_results)


@then("the run's results give each evaluator's average over the scores it returned")
def averages(experiment: Experiment, run_results: ExperimentResultSummary) -> None:
    checks.averages(experiment, run_results)


@then("the datapoint the evaluator failed on has no score from that evaluator")
def no_score_where_it_failed(experiment: Experiment, run_results: ExperimentResultSummary) -> None:
    checks.no_score_where_it_failed(experiment, run_results)


@then("the run's results show that the evaluator failed on that datapoint")
def failure_recorded(
    experiment: Experiment,
    run_results: ExperimentResultSummary,
    run_sessions: dict[str, Stored],
) -> None:
    checks.failure_recorded(experiment, run_results, run_sessions)


@then("the run's raw metrics list every evaluator's score for each datapoint")
def raw_metrics(
    experiment: Experiment,
    experiment_reader: BackendReader,
    run_results: ExperimentResultSummary,  # the run is complete before its metrics are read
) -> None:
    checks.raw_metrics(experiment_reader, experiment)


@then("no tracer the evaluation started is still running")
def tracers_stopped(experiment: Experiment) -> None:
    checks.tracers_stopped(experiment)


@then("nothing of the experiment is left in the project")
def nothing_left(
    outcome: Outcome, experiment: Experiment, experiment_reader: BackendReader
) -> None:
    checks.nothing_left(experiment_reader, experiment, outcome.facet(ExperimentRemoval))
