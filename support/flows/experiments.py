"""Experiments over a stored dataset: the dataset (created through the SDK, removed at teardown),
the evaluation (`honeyhive.experiments.evaluate` over the question-answering app, each datapoint
a real model call in a session of its own), what the backend holds for it (read back through
the SDK, polling until complete), the checks of the Then steps, and the removal of everything
the experiment created.

The evaluators record what they return, so the checks compare the backend's results with the
scores the evaluators really gave, datapoint by datapoint.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from honeyhive import HoneyHive, HoneyHiveTracer
from honeyhive._generated.api_config import HTTPException
from honeyhive.experiments import evaluate, get_run_metrics, get_run_result
from honeyhive.experiments.models import DatapointResult, ExperimentResultSummary, MetricDetail
from honeyhive.models import AddDatapointsToDatasetRequest, CreateDatasetRequest, DatapointMapping

from support.app import questions
from support.checks import general as checks
from support.ids import unique
from support.readback.polling import wait_for
from support.readback.reader import BackendReader, Event
from support.readback.stored import Stored, value
from support.report.evidence import attach_json, attach_text, span_tree
from support.sdk.tracing import acting_as
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project
from support.target.session_removal import NotRemovable, delete_session
from support.teardown import Teardown

QUESTIONS = (
    ("What is the capital of France?", "Paris"),
    ("How many legs does a spider have?", "eight"),
    ("What colour is the sky on a clear day?", "blue"),
    ("Which planet is closest to the sun?", "Mercury"),
    ("What do bees make?", "honey"),
)
APP_STEP = "answer_question"  # the chain event evaluate() traces around the app function
MAX_TOKENS = 12
FAILING = "relevance_judge"  # the evaluator that fails on one datapoint


def client_of(project: Project) -> HoneyHive:
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

    def question_of(self, datapoint_id: str | None) -> str:
        found = [q for q, dp in self.datapoints.items() if dp == datapoint_id]
        assert found, f"{datapoint_id!r} is not a datapoint of {self.name}"
        return found[0]


def create_dataset(project: Project, teardown: Teardown, count: int) -> Dataset:
    assert 1 <= count <= len(QUESTIONS), f"a dataset of 1 to {len(QUESTIONS)} questions"
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
        try:
            delete(record_id)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise

    return undo


# ---- the evaluation ---------------------------------------------------------------------------


@dataclass
class Scorebook:
    """What each evaluator returned, by question (evaluators run on evaluate()'s threads)."""

    scores: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # question -> evaluator that raised
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, question: str, evaluator: str, score: Any) -> None:
        with self._lock:
            self.scores.setdefault(question, {})[evaluator] = score

    def failed(self, question: str, evaluator: str) -> None:
        with self._lock:
            self.failures[question] = evaluator

    def returned(self, evaluator: str) -> list[Any]:
        return [s[evaluator] for s in self.scores.values() if evaluator in s]

    @property
    def evaluators(self) -> set[str]:
        return {name for s in self.scores.values() for name in s}


Evaluator = Callable[..., Any]


def _evaluator(name: str, score: Callable[[str, str], Any], book: Scorebook) -> Evaluator:
    """An evaluator as evaluate() calls it, `(outputs, inputs, ground_truth)`, scoring the app's
    answer against the expected one and recording what it returns."""

    def evaluator(outputs: dict[str, Any], inputs: dict[str, Any], ground_truth: Any = None) -> Any:
        question = inputs["question"]
        expected = (ground_truth or {}).get("expected", "")
        result = score(outputs["answer"], expected)
        book.record(question, name, result)
        return result

    evaluator.__name__ = name
    return evaluator


def _failing_on(question: str, book: Scorebook) -> Evaluator:
    def relevance_judge(
        outputs: dict[str, Any], inputs: dict[str, Any], ground_truth: Any = None
    ) -> float:
        if inputs["question"] == question:
            book.failed(question, FAILING)
            raise RuntimeError("the relevance judge could not score this answer")
        result = 1.0 if outputs["answer"].strip() else 0.0
        book.record(inputs["question"], FAILING, result)
        return result

    return relevance_judge


def answer_words(answer: str, _: str) -> int:
    return len(answer.split())


def mentions_expected(answer: str, expected: str) -> bool:
    return bool(expected) and expected.lower() in answer.lower()


@dataclass
class Experiment:
    project: Project
    dataset: Dataset
    run_id: str
    name: str
    book: Scorebook
    answers: dict[str, str]  # question -> the app's answer
    failing_question: str | None
    threads_before: set[int] = field(repr=False)
    threads_after: set[int] = field(repr=False)

    def __repr__(self) -> str:
        return f"Experiment(run={self.run_id}, {self.dataset!r})"


def run_evaluation(
    project: Project,
    dataset: Dataset,
    model: ModelTarget,
    teardown: Teardown,
    *,
    failing_evaluator: bool = False,
) -> Experiment:
    """evaluate() over the stored dataset: the SDK reads the dataset, creates the run, traces one
    session per datapoint (each with a tracer of its own), runs the evaluators, links the
    sessions to the run and reads the result back."""
    client, book, answers = openai_client(model), Scorebook(), {}
    if failing_evaluator:
        assert len(dataset.datapoints) >= 2, "an evaluator failing on one of several datapoints"
    failing_question = list(dataset.datapoints)[1] if failing_evaluator else None

    def answer_question(datapoint: dict[str, Any], tracer: HoneyHiveTracer) -> dict[str, Any]:
        question = datapoint["inputs"]["question"]
        with acting_as(tracer):  # the instrumented model call belongs to this datapoint's session
            completion = questions.answer(client, model.model, question, max_tokens=MAX_TOKENS)
        answers[question] = completion.text
        return {"answer": completion.text}

    evaluators = [
        _evaluator("answer_words", answer_words, book),
        _evaluator("mentions_expected", mentions_expected, book),
    ]
    if failing_question is not None:
        evaluators.append(_failing_on(failing_question, book))
    name = unique("experiment")
    before = {t.ident or 0 for t in threading.enumerate()}
    summary = evaluate(
        answer_question,
        dataset_id=dataset.dataset_id,
        evaluators=evaluators,
        api_key=project.api_key,
        server_url=project.url,
        name=name,
        max_workers=len(dataset.datapoints),
        print_results=False,
    )
    after = {t.ident or 0 for t in threading.enumerate()}
    hh = client_of(project)
    teardown.add(
        f"delete run {summary.run_id}", _unless_gone(hh.experiments.delete_run, summary.run_id)
    )
    for sid in hh.experiments.get_run(summary.run_id).evaluation.event_ids:
        teardown.add(f"delete session {sid}", functools.partial(delete_session, project, sid))
    attach_json("what the evaluators returned", {"scores": book.scores, "failed": book.failures})
    return Experiment(
        project, dataset, summary.run_id, name, book, answers, failing_question, before, after
    )


# ---- what the backend holds -------------------------------------------------------------------


def results(reader: BackendReader, experiment: Experiment) -> ExperimentResultSummary:
    """The run's result as the SDK reads it, once every datapoint and every score is in."""
    book = experiment.book

    def complete(summary: ExperimentResultSummary) -> bool:
        listed = {d.datapoint_id for d in summary.datapoints}
        metrics = {m.metric_name: m for m in summary.metrics.details}
        return (
            summary.status == "completed"
            and listed >= set(experiment.dataset.datapoints.values())
            and all(
                name in metrics and len(metrics[name].values) >= len(book.returned(name))
                for name in book.evaluators
            )
        )

    found: ExperimentResultSummary = wait_for(
        lambda: get_run_result(reader.client, experiment.run_id),
        complete,
        what=f"the results of run {experiment.run_id}",
        timeout=30.0,
        retry_on=(HTTPException,),
        on_done=reader.on_poll,
    )
    attach_json("the run's results (as read back)", found.model_dump(mode="json"))
    return found


def sessions(reader: BackendReader, experiment: Experiment) -> dict[str, Stored]:
    """Each session of the run as stored, by the question its datapoint asked, once it holds
    the app's step with its scores and the answer the SDK records on the session."""
    run = reader.client.experiments.get_run(experiment.run_id).evaluation
    out: dict[str, Stored] = {}
    for sid in run.event_ids:

        def ready(events: list[Event]) -> bool:
            session = next((e for e in events if e.get("event_type") == "session"), {})
            steps = [e for e in events if e.get("event_name") == APP_STEP]
            datapoint = (session.get("metadata") or {}).get("datapoint_id")
            wanted = _wanted_scores(experiment, datapoint)
            return bool(session.get("outputs")) and any(
                wanted <= set(s.get("metrics") or {}) for s in steps
            )

        events = reader.wait_for_session(sid, names=[APP_STEP], ready=ready, timeout=30.0)
        stored = Stored(sid, events)
        datapoint = (stored.session.get("metadata") or {}).get("datapoint_id")
        question = experiment.dataset.question_of(datapoint)
        assert question not in out, f"two sessions of the run answer {question!r}"
        out[question] = stored
    attach_text(
        "the run's sessions (as stored)",
        "\n\n".join(f"{q}\n{span_tree(s.events)}" for q, s in out.items()),
    )
    attach_json("the run's session events (as stored)", {q: s.events for q, s in out.items()})
    return out


def _wanted_scores(experiment: Experiment, datapoint_id: Any) -> set[str]:
    try:
        question = experiment.dataset.question_of(datapoint_id)
    except AssertionError:
        return set()
    return set(experiment.book.scores.get(question, {}))


def stored_completely(reader: BackendReader, experiment: Experiment) -> None:
    """Wait until the backend holds all of the run: every session and the complete results."""
    sessions(reader, experiment)
    results(reader, experiment)


# ---- the checks of the Then steps --------------------------------------------------------------


def one_session_per_datapoint(experiment: Experiment, stored: dict[str, Stored]) -> None:
    assert sorted(stored) == sorted(experiment.dataset.datapoints), (
        f"the run's sessions answer {sorted(stored)}; "
        f"the dataset asks {sorted(experiment.dataset.datapoints)}"
    )


def linked(experiment: Experiment, stored: dict[str, Stored]) -> None:
    for question, session in stored.items():
        metadata = session.session.get("metadata") or {}
        link = {k: metadata.get(k) for k in ("run_id", "dataset_id", "datapoint_id")}
        assert link == {
            "run_id": experiment.run_id,
            "dataset_id": experiment.dataset.dataset_id,
            "datapoint_id": experiment.dataset.datapoints[question],
        }, f"session of {question!r} is linked to {link}"


def model_call_per_session(stored: dict[str, Stored]) -> None:
    for question, session in stored.items():
        call = checks.model_call(session, APP_STEP)
        sent = " ".join(str(m.get("content")) for m in value(call, "inputs.chat_history"))
        assert question in sent, f"the model call of the {question!r} session was sent {sent!r}"


def answers_recorded(experiment: Experiment, stored: dict[str, Stored]) -> None:
    for question, session in stored.items():
        event = session.session
        assert event.get("outputs") == {"answer": experiment.answers[question]}, (
            f"session of {question!r} holds outputs {event.get('outputs')!r}; the app answered "
            f"{experiment.answers[question]!r}"
        )
        truth = (event.get("feedback") or {}).get("ground_truth")
        assert truth == {"expected": experiment.dataset.expected[question]}, (
            f"session of {question!r} holds ground truth {truth!r}"
        )


def scores_per_session(experiment: Experiment, stored: dict[str, Stored]) -> None:
    for question, session in stored.items():
        held = session.one(APP_STEP).get("metrics") or {}
        returned = experiment.book.scores.get(question, {})
        assert {k: held.get(k) for k in returned} == returned, (
            f"session of {question!r} holds scores {held}; the evaluators returned {returned}"
        )


def every_datapoint_listed(experiment: Experiment, summary: ExperimentResultSummary) -> None:
    listed = {str(d.datapoint_id): d.session_id for d in summary.datapoints}
    assert sorted(listed) == sorted(experiment.dataset.datapoints.values()), (
        f"results list datapoints {sorted(listed)}"
    )
    assert all(listed.values()), f"datapoints without a session: {listed}"


def scores_in_results(experiment: Experiment, summary: ExperimentResultSummary) -> None:
    for question, returned in experiment.book.scores.items():
        listed = _scores_of(_result_of(experiment, summary, question))
        assert {k: listed.get(k) for k in returned} == returned, (
            f"results hold {listed} for {question!r}; the evaluators returned {returned}"
        )


def averages(experiment: Experiment, summary: ExperimentResultSummary) -> None:
    for name in sorted(experiment.book.evaluators):
        returned = [float(v) for v in experiment.book.returned(name)]
        detail = _metric(summary, name)
        assert sorted(float(v) for v in detail.values) == sorted(returned), (
            f"{name}: results hold values {detail.values}; the evaluator returned {returned}"
        )
        expected = sum(returned) / len(returned)
        assert detail.aggregate is not None and math.isclose(
            float(detail.aggregate), expected, rel_tol=1e-9
        ), f"{name}: results give {detail.aggregate}, the average of {returned} is {expected}"


def no_score_where_it_failed(experiment: Experiment, summary: ExperimentResultSummary) -> None:
    assert experiment.failing_question is not None
    assert experiment.book.failures == {experiment.failing_question: FAILING}, (
        f"the evaluator failed on {experiment.book.failures}"
    )
    where = _scores_of(_result_of(experiment, summary, experiment.failing_question))
    assert where.get(FAILING) is None, f"{FAILING} has a score where it failed: {where}"
    others = [q for q in experiment.dataset.datapoints if q != experiment.failing_question]
    for question in others:
        assert FAILING in _scores_of(_result_of(experiment, summary, question)), question


def failure_recorded(
    experiment: Experiment, summary: ExperimentResultSummary, stored: dict[str, Stored]
) -> None:
    """The documented behaviour: a failed evaluator is kept as "ran but returned nothing",
    not dropped; so the datapoint's results name it, or its session records the error."""
    question = experiment.failing_question
    assert question is not None
    named = {m.name for m in _result_of(experiment, summary, question).metrics}
    errors = [str(e.get("error")) for e in stored[question].events if e.get("error")]
    assert FAILING in named or any(FAILING in e or "relevance judge" in e for e in errors), (
        f"nothing records that {FAILING} failed on {question!r}: its results name {named}, "
        f"its session's errors are {errors}"
    )


def raw_metrics(reader: BackendReader, experiment: Experiment) -> None:
    """`get_run_metrics` documents raw metrics without aggregation: `metrics["events"]`, one
    entry per event with its metrics."""
    raw = get_run_metrics(reader.client, experiment.run_id)
    attach_json("get_run_metrics (as returned)", raw)
    assert "events" in raw, f"get_run_metrics returned no 'events'; its keys: {sorted(raw)}"
    scored = [e.get("metrics") or {} for e in raw["events"]]
    for question, returned in experiment.book.scores.items():
        assert any({k: m.get(k) for k in returned} == returned for m in scored), (
            f"no raw event holds the scores of {question!r}: {returned}"
        )


def tracers_stopped(experiment: Experiment) -> None:
    running = experiment.threads_after - experiment.threads_before
    names = sorted(t.name for t in threading.enumerate() if (t.ident or 0) in running)
    assert not running, f"threads the evaluation started are still running: {names}"


def _result_of(
    experiment: Experiment, summary: ExperimentResultSummary, question: str
) -> DatapointResult:
    wanted = experiment.dataset.datapoints[question]
    found = [d for d in summary.datapoints if d.datapoint_id == wanted]
    assert len(found) == 1, f"results list {len(found)} entries for {question!r}"
    return found[0]


def _scores_of(result: DatapointResult) -> dict[str, Any]:
    return {m.name: m.value for m in result.metrics}


def _metric(summary: ExperimentResultSummary, name: str) -> MetricDetail:
    found = [m for m in summary.metrics.details if m.metric_name == name]
    assert len(found) == 1, f"results summarise {name!r} {len(found)} times: {found}"
    return found[0]


# ---- removal ----------------------------------------------------------------------------------


@dataclass
class Removal:
    sessions: list[str]
    not_removable: dict[str, str]


def remove(experiment: Experiment) -> Removal:
    """Delete the run, its sessions, the dataset and its datapoints, as a user cleaning up."""
    client, project = client_of(experiment.project), experiment.project
    session_ids = list(client.experiments.get_run(experiment.run_id).evaluation.event_ids)
    client.experiments.delete_run(experiment.run_id)
    refused = {}
    for sid in session_ids:
        try:
            delete_session(project, sid)
        except NotRemovable as exc:
            refused[sid] = str(exc)
    for datapoint_id in experiment.dataset.datapoints.values():
        client.datapoints.delete(datapoint_id)
    client.datasets.delete(experiment.dataset.dataset_id)
    return Removal(session_ids, refused)


def leftovers(reader: BackendReader, experiment: Experiment, removal: Removal) -> list[str]:
    """What is still there; sessions the backend cannot remove are not counted (the step says
    so), everything else must be gone."""
    client, left = reader.client, []
    if _exists(lambda: client.experiments.get_run(experiment.run_id)):
        left.append(f"run {experiment.run_id}")
    if client.datasets.list(dataset_id=experiment.dataset.dataset_id).datasets:
        left.append(f"dataset {experiment.dataset.dataset_id}")
    for dp in experiment.dataset.datapoints.values():
        if _exists(functools.partial(client.datapoints.get, dp)):
            left.append(f"datapoint {dp}")
    for sid in removal.sessions:
        if sid not in removal.not_removable:
            reader.wait_until_gone(sid)
    return left


def _exists(read: Callable[[], object]) -> bool:
    try:
        read()
    except HTTPException as exc:
        if exc.status_code == 404:
            return False
        raise
    return True
