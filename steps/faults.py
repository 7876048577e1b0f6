"""Faults: the backend or the model misbehaves (@fault). A fault the When never runs into fails
the scenario after the When, saying so; the Thens count what was sent against what arrived."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from support.flows import faults
from support.flows.faults import Plan
from support.outcome import Outcome
from support.sdk.settings import TracerSettings
from support.sdk.tracers import Tracers
from support.target.model import ModelTarget
from support.target.private_backend import PrivateBackend
from support.target.projects import Project


@given(parsers.parse("the backend will answer the next {count:d} trace exports with {answer}"))
def refuse_exports(plan: Plan, project: Project, count: int, answer: str) -> None:
    """answer: status 503, status 429 or a dropped connection."""
    faults.refuse_exports(plan, project, count, answer)


@given(
    parsers.parse(
        "the backend answers the next session start later than the application's "
        "{seconds:d}-second API timeout"
    )
)
def slow_session_start(
    plan: Plan, project: Project, tracer_settings: TracerSettings, seconds: int
) -> None:
    tracer_settings.env.update(faults.slow_session_start(plan, project, seconds))


@given(parsers.parse("the model will answer the next {count:d} requests with status {status:d}"))
def model_fails(plan: Plan, model: ModelTarget, count: int, status: int) -> None:
    faults.model_fails(plan, model, status, count)


@given(parsers.parse("the model will cut its next streamed answer after {chunks:d} chunks"))
def model_cuts(plan: Plan, model: ModelTarget, chunks: int) -> None:
    faults.model_cuts_stream(plan, model, chunks)


@when(
    parsers.parse("the application traces {count:d} steps in one session and flushes"),
    target_fixture="outcome",
)
def steps_in_session(tracers: Tracers, project: Project, count: int) -> Outcome:
    return faults.steps_in_session(tracers, project, count)


@when(
    parsers.parse(
        "the application starts while its backend is down and traces {count:d} steps, "
        "the backend coming up half-way"
    ),
    target_fixture="outcome",
)
def down_at_start(tracers: Tracers, private_backend: PrivateBackend, count: int) -> Outcome:
    return faults.around_backend_outage(tracers, private_backend, count, "down at start")


@when(
    parsers.parse(
        "the application traces {count:d} steps while its backend is killed and restarted half-way"
    ),
    target_fixture="outcome",
)
def restart_mid_run(tracers: Tracers, private_backend: PrivateBackend, count: int) -> Outcome:
    return faults.around_backend_outage(tracers, private_backend, count, "restart")


@when("the assistant answers a question, retrying failed model calls", target_fixture="outcome")
def resilient_answer(tracers: Tracers, project: Project, model: ModelTarget) -> Outcome:
    return faults.resilient_answer(tracers, project, model, stream=False)


@when("the assistant streams its answer, retrying failed model calls", target_fixture="outcome")
def resilient_stream(tracers: Tracers, project: Project, model: ModelTarget) -> Outcome:
    return faults.resilient_answer(tracers, project, model, stream=True)
