"""Faults: the backend or the model misbehaves (@fault). Each scenario states what the SDK
promises, then counts what was sent against what arrived."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_bdd import given, parsers, then, when

from support.checks import general as checks
from support.flows import faults
from support.readback.reader import BackendReader
from support.readback.stored import Stored
from support.sdk.tracers import Run, Tracers
from support.target.model import ModelTarget
from support.target.private_backend import PrivateBackend
from support.target.projects import Project
from support.target.runtime import RUN_DIR, Endpoints


@pytest.fixture
def tracer_env() -> dict[str, str | None]:
    return {}


@pytest.fixture
def private_backend() -> Iterator[PrivateBackend]:
    backend = PrivateBackend(RUN_DIR)
    yield backend
    backend.stop()


@given(parsers.parse("the backend will answer the next {count:d} trace exports with {answer}"))
def refuse_exports(endpoints: Endpoints, project: Project, count: int, answer: str) -> None:
    assert endpoints.hh_control is not None, "needs the embedded backend (tag @emulator_only)"
    faults.refuse_exports(endpoints.hh_control, project, count, answer)


@given(
    parsers.parse(
        "the backend answers the next session start later than the application's "
        "{seconds:d}-second API timeout"
    ),
    target_fixture="tracer_env",
)
def slow_session_start(
    endpoints: Endpoints, project: Project, seconds: int
) -> dict[str, str | None]:
    assert endpoints.hh_control is not None, "needs the embedded backend (tag @emulator_only)"
    return faults.slow_session_start(endpoints.hh_control, project, seconds)


@given("the application exports its traces over protobuf", target_fixture="tracer_env")
def over_protobuf() -> dict[str, str | None]:
    return {"HH_OTLP_PROTOCOL": "http/protobuf"}


@given(parsers.parse("the model will answer the next {count:d} requests with status {status:d}"))
def model_fails(model: ModelTarget, count: int, status: int) -> None:
    faults.model_fails(model, status, count)


@given(parsers.parse("the model will cut its next streamed answer after {chunks:d} chunks"))
def model_cuts(model: ModelTarget, chunks: int) -> None:
    faults.model_cuts_stream(model, chunks)


@when(
    parsers.parse("the application traces {count:d} steps in one session and flushes"),
    target_fixture="run",
)
def steps_in_session(
    tracers: Tracers,
    project: Project,
    endpoints: Endpoints,
    tracer_env: dict[str, str | None],
    count: int,
) -> Run:
    return faults.steps_in_session(tracers, project, count, tracer_env, endpoints.hh_control)


@when(
    parsers.parse(
        "the application starts while its backend is down and traces {count:d} steps, "
        "the backend coming up half-way"
    ),
    target_fixture="run",
)
def down_at_start(tracers: Tracers, private_backend: PrivateBackend, count: int) -> Run:
    return faults.around_backend_outage(tracers, private_backend, count, "down at start")


@when(
    parsers.parse(
        "the application traces {count:d} steps while its backend is killed and restarted half-way"
    ),
    target_fixture="run",
)
def restart_mid_run(tracers: Tracers, private_backend: PrivateBackend, count: int) -> Run:
    return faults.around_backend_outage(tracers, private_backend, count, "restart")


@when("the assistant answers a question, retrying failed model calls", target_fixture="run")
def resilient_answer(tracers: Tracers, project: Project, model: ModelTarget) -> Run:
    return faults.resilient_answer(tracers, project, model, stream=False)


@when("the assistant streams its answer, retrying failed model calls", target_fixture="run")
def resilient_stream(tracers: Tracers, project: Project, model: ModelTarget) -> Run:
    return faults.resilient_answer(tracers, project, model, stream=True)


@then("every step the application traced arrives exactly once")
def all_arrived(reader: BackendReader, run: Run, endpoints: Endpoints) -> None:
    checks.all_arrived(reader, run, settle=endpoints.absence_window)


@then("tracing never raised an error into the application")
def not_interrupted(run: Run) -> None:
    checks.not_interrupted(run)


@then(parsers.parse("the tracer started within {seconds:d} seconds"))
def started_quickly(run: Run, seconds: int) -> None:
    assert run.extra["init_seconds"] < seconds, f"tracer init took {run.extra['init_seconds']:.1f}s"


@then("the session keeps the name the application gave it")
def name_kept(reader: BackendReader, run: Run) -> None:
    checks.session_name_kept(reader, run)


@then(parsers.parse('the "{step}" step holds {total:d} model calls, of which {failed:d} failed'))
def attempts(stored: Stored, step: str, total: int, failed: int) -> None:
    checks.attempts_under(stored, step, total, failed)


@then(parsers.parse("the model server answered {count:d} requests for the scenario"))
def model_requests(run: Run, count: int) -> None:
    seen = [r.get("status") for r in run.extra["model_requests"]]
    assert len(seen) == count, f"model server saw {len(seen)} requests: statuses {seen}"
