"""Experiments over a stored dataset: the dataset (created through the SDK, removed at teardown),
the evaluation (`honeyhive.experiments.evaluate` over the question-answering app, each datapoint
a real model call in a session of its own) and the removal of everything it created. What the
backend holds is read in `support/readback/experiment_reads.py` and checked in
`support/checks/experiments.py`.

The expected scores are computed from the inputs: every configured evaluator's scoring function
applied to the answer the app gave for each datapoint — not what the evaluators happened to
report — so an evaluator that `evaluate()` skipped or whose failure it swallowed shows up.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from support.app import questions
from support.ids import unique
from support.outcome import BadScenario, Facet, Outcome
from support.readback.api_client import HoneyHiveApi
from support.report.evidence import attach_json
from support.sdk.tracing import acting_as
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project
from support.target.session_removal import NotRemovable, delete_session
from support.teardown import Teardown

if TYPE_CHECKING:
    from honeyhive import HoneyHive, HoneyHiveTracer

QUESTIONS = (
    ("What is the capital of France?", "Paris"),
    ("How many legs does a spider have?", "eight"),
    ("What colour is the sky on a clear day?", "blue"),
    ("Which planet is closest to the sun?", "Mercury"),
    ("What do bees make?", "honey"),
)
APP_STEP = "answer_question"  # the chain event evaluate() traces around the app function


def evaluate(*args: Any, **kwargs: Any) -> Any:
    """The SDK's `honeyhive.experiments.evaluate`, imported when an experiment runs (a name of
    this module, so the project's tests can replace it: tests/suite/crash_plugin.py)."""
    from honeyhive.experiments import evaluate as sdk_evaluate

    return sdk_evaluate(*args, **kwargs)


MAX_TOKENS = 12
FAILING = "relevance_judge"  # the evaluator that fails on one datapoint


def client_of(project: Project) -> HoneyHive:
    from honeyhive import HoneyHive

    return HoneyHive(api_key=project.api_key, server_url=project.url)


# ---- the dataset ------------------------------------------------------------------------------


@dataclass
class Dataset:
    project: Project
    dataset_id: str
    name: str
    datapoints: dict[str, str]  # question -> datapoint id
    expected: dict[str, str]  # question -> expected answer

    def __repr__(self) -> str:
        return f"Dataset({self.name}, {len(self.datapoints)} datapoints)"

    def question_of(self, datapoint_id: Any) -> str | None:
        found = [q for q, dp in self.datapoints.items() if dp == datapoint_id]
        return found[0] if found else None


def create_dataset(project: Project, teardown: Teardown, count: int) -> Dataset:
    from honeyhive.models import (
        AddDatapointsToDatasetRequest,
        CreateDatasetRequest,
        DatapointMapping,
    )

    if not 1 <= count <= len(QUESTIONS):
        raise BadScenario(f"a dataset holds 1 to {len(QUESTIONS)} questions, not {count}")
    client, chosen = client_of(project), QUESTIONS[:count]
    name = unique("questions")
    dataset_id = client.datasets.create(
        CreateDatasetRequest(name=name, description="questions with their expected answers")
    ).result.insertedId
    teardown.add(f"delete dataset {dataset_id}", _unless_gone(client.datasets.delete, dataset_id))
    ids = client.datasets.add_datapoints(
        dataset_id,
        AddDatapointsToDatasetRequest(
            data=[{"question": q, "expected": a} for q, a in chosen],
            mapping=DatapointMapping(inputs=["question"], ground_truth=["expected"]),
        ),
    ).datapoint_ids
    for dp in ids:
        teardown.add(f"delete datapoint {dp}", _unless_gone(client.datapoints.delete, dp))
    return Dataset(
        project, dataset_id, name, {q: dp for (q, _), dp in zip(chosen, ids, strict=True)},
        dict(chosen),
    )  # fmt: skip


def _unless_gone(delete: Callable[[str], object], record_id: str) -> Callable[[], None]:
    """A teardown delete that accepts the record being gone already (a scenario removed it)."""

    def undo() -> None:
        from honeyhive._generated.api_config import HTTPException

        try:
            delete(record_id)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise

    return undo


# ---- the evaluation ---------------------------------------------------------------------------


def answer_words(answer: str, _: str) -> int:
    return len(answer.split())


def mentions_expected(answer: str, expected: str) -> bool:
    return bool(expected) and expected.lower() in answer.lower()


def relevance(answer: str, _: str) -> float:
    return 1.0 if answer.strip() else 0.0


SCORERS: dict[str, Callable[[str, str], Any]] = {
    "answer_words": answer_words,
    "mentions_expected": mentions_expected,
    FAILING: relevance,
}


class EvaluatorFailed(RuntimeError):
    pass


@dataclass
class Evaluation:
    """What the application answered per question, and which evaluators were configured."""

    evaluators: tuple[str, ...]
    failing_question: str | None
    answers: dict[str, str] = field(default_factory=dict)  # question -> the app's answer
    raised: list[tuple[str, str]] = field(
        default_factory=list
    )  # (evaluator, question) it raised on
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answered(self, question: str, answer: str) -> None:
        with self._lock:
            self.answers[question] = answer

    def failed(self, evaluator: str, question: str) -> None:
        with self._lock:
            self.raised.append((evaluator, question))


def _evaluator(name: str, evaluation: Evaluation) -> Callable[..., Any]:
    """An evaluator as evaluate() calls it, `(outputs, inputs, ground_truth)`."""
    score = SCORERS[name]

    def evaluator(outputs: dict[str, Any], inputs: dict[str, Any], ground_truth: Any = None) -> Any:
        if name == FAILING and inputs["question"] == evaluation.failing_question:
            evaluation.failed(name, inputs["question"])
            raise EvaluatorFailed("the relevance judge could not score this answer")
        return score(outputs["answer"], (ground_truth or {}).get("expected", ""))

    evaluator.__name__ = name
    return evaluator


@dataclass(frozen=True)
class Experiment(Facet):
    NEEDS = "a When that evaluates the application over the dataset"
    project: Project
    dataset: Dataset
    run_id: str
    name: str
    evaluation: Evaluation
    started_threads: tuple[threading.Thread, ...] = field(repr=False)

    def __repr__(self) -> str:
        return f"Experiment(run={self.run_id}, {self.dataset!r})"

    def expected_scores(self) -> dict[str, dict[str, Any]]:
        """question -> evaluator -> the score it must have given: every configured evaluator
        over every datapoint, except where the failing evaluator failed."""
        out: dict[str, dict[str, Any]] = {}
        for question in self.dataset.datapoints:
            answer = self.evaluation.answers.get(question)
            if answer is None:
                continue  # the app never answered: the session checks say so
            expected = self.dataset.expected[question]
            out[question] = {
                name: SCORERS[name](answer, expected)
                for name in self.evaluation.evaluators
                if not (name == FAILING and question == self.evaluation.failing_question)
            }
        return out


def run_evaluation(
    project: Project,
    dataset: Dataset,
    model: ModelTarget,
    teardown: Teardown,
    *,
    failing_evaluator: bool = False,
) -> Outcome:
    """evaluate() over the stored dataset: the SDK reads the dataset, creates the run, traces one
    session per datapoint (each with a tracer of its own), runs the evaluators, links the
    sessions to the run and reads the result back."""
    if failing_evaluator and len(dataset.datapoints) < 2:
        raise BadScenario("an evaluator failing on one datapoint needs a dataset of 2 or more")
    client = openai_client(model)
    names = ("answer_words", "mentions_expected") + ((FAILING,) if failing_evaluator else ())
    evaluation = Evaluation(names, list(dataset.datapoints)[1] if failing_evaluator else None)

    def answer_question(datapoint: dict[str, Any], tracer: HoneyHiveTracer) -> dict[str, Any]:
        question = datapoint["inputs"]["question"]
        with acting_as(tracer):  # the instrumented model call belongs to this datapoint's session
            completion = questions.answer(client, model.model, question, max_tokens=MAX_TOKENS)
        evaluation.answered(question, completion.text)
        return {"answer": completion.text}

    name = unique("experiment")
    mark = model.traffic.mark()
    before = set(threading.enumerate())
    summary = evaluate(
        answer_question,
        dataset_id=dataset.dataset_id,
        evaluators=[_evaluator(n, evaluation) for n in names],
        api_key=project.api_key,
        server_url=project.url,
        name=name,
        max_workers=len(dataset.datapoints),
        print_results=False,
    )
    started = tuple(t for t in threading.enumerate() if t not in before)
    hh = client_of(project)
    teardown.add(
        f"delete run {summary.run_id}", _unless_gone(hh.experiments.delete_run, summary.run_id)
    )
    for sid in run_sessions(project, summary.run_id):
        teardown.add(f"delete session {sid}", functools.partial(delete_session, project, sid))
    attach_json("what the application answered", evaluation.answers)
    experiment = Experiment(project, dataset, summary.run_id, name, evaluation, started)
    attach_json("the scores the evaluators must have given", experiment.expected_scores())
    return Outcome(
        action="the application is evaluated over the dataset",
        model_exchanges=model.traffic.since(mark),
        facets=[experiment],
    )


def run_sessions(project: Project, run_id: str) -> list[str]:
    """The sessions the backend links to the run, read with the suite's own client (what is
    removed, and later checked gone, is what the backend holds, not what the SDK reads)."""
    api = HoneyHiveApi(project.url, project.api_key)
    try:
        run = api.run(run_id) or {}
    finally:
        api.close()
    return [str(sid) for sid in run.get("event_ids") or []]


# ---- removal ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExperimentRemoval(Facet):
    NEEDS = "a When that removes an experiment"
    sessions: tuple[str, ...]
    not_removable: tuple[tuple[str, str], ...]


def remove(outcome: Outcome) -> Outcome:
    """Delete the run, its sessions, the dataset and its datapoints, as a user cleaning up."""
    experiment = outcome.facet(Experiment)
    client, project = client_of(experiment.project), experiment.project
    session_ids = run_sessions(project, experiment.run_id)
    client.experiments.delete_run(experiment.run_id)
    refused = []
    for sid in session_ids:
        try:
            delete_session(project, sid)
        except NotRemovable as exc:
            refused.append((sid, str(exc)))
    for datapoint_id in experiment.dataset.datapoints.values():
        client.datapoints.delete(datapoint_id)
    client.datasets.delete(experiment.dataset.dataset_id)
    return Outcome(
        action="the experiment run, its sessions, the dataset and its datapoints are removed",
        facets=[experiment, ExperimentRemoval(tuple(session_ids), tuple(refused))],
    )
