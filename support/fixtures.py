"""The suite's pytest fixtures (loaded as a plugin from conftest.py): the run's configuration and
services, each scenario's projects, tracers, model, settings, fault plan and readback, and the
views of what the backend holds that the Thens read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from support.flows.application import Application, Service
from support.flows.configurations import StoredConfiguration
from support.flows.experiments import Experiment
from support.flows.faults import Plan
from support.outcome import Outcome
from support.readback import experiment_reads
from support.readback.api_client import RunResult
from support.readback.polling import Poll, set_timeout_multiplier
from support.readback.readback import Readback
from support.readback.reader import BackendReader
from support.readback.stored import Stored
from support.report.evidence import attach_json, attach_text
from support.report.redaction import register_secrets
from support.report.server_errors import LogMarks
from support.sdk.settings import Build, TracerSettings
from support.sdk.tracers import Tracers
from support.sdk.tracing import (
    clean_context,
    instrument_openai,
    pin_global_provider,
    wait_for_closes,
)
from support.target.config import Config, load_config
from support.target.model import ModelTarget, model_target
from support.target.private_backend import PrivateBackend
from support.target.projects import Project, Projects
from support.target.runtime import RUN_DIR, Endpoints
from support.target.runtime import endpoints as find_endpoints
from support.teardown import Teardown

if TYPE_CHECKING:
    pass


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The tracers scenarios closed in the background: every close must have succeeded."""
    problems = wait_for_closes()
    if problems:
        session.config.get_terminal_writer().line("\n".join(["tracer closes failed:", *problems]))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def config() -> Config:
    cfg = load_config()
    set_timeout_multiplier(cfg.timeout_multiplier)
    register_secrets(cfg.secrets)
    pin_global_provider()
    return cfg


@pytest.fixture(scope="session")
def endpoints(config: Config) -> Endpoints:
    return find_endpoints(config)


@pytest.fixture
def teardown() -> Iterator[Teardown]:
    registry = Teardown()
    yield registry
    problems = registry.run()
    if registry.notes:
        attach_text("teardown: what the backend could not undo", "\n".join(registry.notes))
    if problems:
        attach_text("teardown: what could not be undone", "\n".join(problems))
        pytest.fail("teardown failed:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture(autouse=True)
def server_errors_fail_the_scenario(request: pytest.FixtureRequest) -> Iterator[None]:
    """Only for scenarios: an ERROR in a local server's log while one ran fails it."""
    if not str(request.node.path).endswith(".feature") and "features" not in request.node.nodeid:
        yield
        return
    marks = LogMarks.now()
    yield
    errors = marks.errors_since()
    if errors:
        attach_text("server errors during the scenario", "\n".join(errors))
        pytest.fail(
            "a local server logged errors while this scenario ran (under -n they may come "
            "from a scenario running beside it):\n" + "\n".join(errors[:10]),
            pytrace=False,
        )


@pytest.fixture
def otel_context() -> Iterator[None]:
    with clean_context():
        yield


@pytest.fixture
def projects(config: Config, endpoints: Endpoints) -> Projects:
    return Projects(config, endpoints)


@pytest.fixture
def tracer_settings() -> TracerSettings:
    """How the scenario's application configures its tracer; the configuration Givens change it."""
    return TracerSettings()


@pytest.fixture
def build() -> Build:
    """What the application is built with and traced by; the framework Given changes it."""
    return Build()


@pytest.fixture
def tracers(
    config: Config, teardown: Teardown, otel_context: None, tracer_settings: TracerSettings
) -> Tracers:
    return Tracers(config, teardown, tracer_settings)


@pytest.fixture
def plan() -> Plan:
    """The faults the scenario's Givens planned (checked after its When: support/scenario.py)."""
    return Plan()


@pytest.fixture
def polls() -> Iterator[list[Poll[Any]]]:
    done: list[Poll[Any]] = []
    yield done
    if done:
        attach_json(
            "backend polling",
            [
                {"waited for": p.what, "attempts": p.attempts, "seconds": round(p.seconds, 3)}
                for p in done
            ],
        )


@pytest.fixture
def readback(polls: list[Poll[Any]]) -> Iterator[Readback]:
    reads = Readback(on_poll=polls.append)
    yield reads
    reads.close()


@pytest.fixture
def model(config: Config, endpoints: Endpoints) -> Iterator[ModelTarget]:
    instrument_openai()
    target = model_target(config, endpoints)
    yield target
    if target.traffic.exchanges:
        attach_json(
            "model traffic (as sent and received by the application)",
            [
                {
                    "step": x.step,
                    "endpoint": x.endpoint,
                    "status": x.status,
                    "streamed": x.streamed,
                    "messages": list(x.messages),
                    "reply": x.reply,
                    "tool calls": [vars(c) for c in x.tool_calls],
                    "usage": [x.prompt_tokens, x.completion_tokens],
                    "error": x.error,
                }
                for x in target.traffic.exchanges
            ],
        )


@pytest.fixture
def private_backend(teardown: Teardown) -> PrivateBackend:
    """A backend of the scenario's own; stopped after everything else was undone on it."""
    backend = PrivateBackend(RUN_DIR)
    teardown.add(f"stop the private backend {backend.name}", backend.stop)
    return backend


@pytest.fixture
def service(
    tracers: Tracers,
    project: Project,
    model: ModelTarget,
    application: Application,
    tracer_settings: TracerSettings,
    configurations: dict[str, StoredConfiguration],
    build: Build,
) -> Service:
    """The application a Given described, on the scenario's project, tracer and model, built
    with the framework and instrumentor a Given chose."""
    return Service(tracers, project, model, application, tracer_settings, configurations, build)


@pytest.fixture
def configurations() -> dict[str, StoredConfiguration]:
    """The configurations the scenario's Givens stored in the project, by the feature's name."""
    return {}


# ---- what the backend holds for the When's outcome ----------------------------------------------


@pytest.fixture
def reader(outcome: Outcome, readback: Readback) -> BackendReader:
    """The reader of the project the When's session belongs to."""
    return readback.reader(outcome.session.project)


@pytest.fixture
def stored(outcome: Outcome, readback: Readback) -> Stored:
    """The When's one session as stored (polled until every traced step is there)."""
    return readback.session(outcome.session)


# ---- what the backend holds for an experiment ---------------------------------------------------


@pytest.fixture
def experiment(outcome: Outcome) -> Experiment:
    return outcome.facet(Experiment)


@pytest.fixture
def experiment_reader(experiment: Experiment, readback: Readback) -> BackendReader:
    return readback.reader(experiment.project)


@pytest.fixture
def run_sessions(experiment: Experiment, experiment_reader: BackendReader) -> dict[str, Stored]:
    return experiment_reads.sessions(experiment_reader, experiment)


@pytest.fixture
def run_results(experiment: Experiment, experiment_reader: BackendReader) -> RunResult:
    return experiment_reads.results(experiment_reader, experiment)
