"""The suite's pytest fixtures (loaded as a plugin from conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from honeyhive import HoneyHive

from support.readback.polling import Poll, set_timeout_multiplier
from support.readback.reader import BackendReader
from support.report.evidence import attach_json, attach_text
from support.report.redaction import register_secrets
from support.report.server_errors import LogMarks
from support.sdk.tracers import Tracers
from support.sdk.tracing import clean_context, instrument_openai, pin_global_provider
from support.target.config import Config, load_config
from support.target.model import ModelTarget, model_target
from support.target.projects import Project, Projects
from support.target.runtime import Endpoints
from support.target.runtime import endpoints as find_endpoints
from support.teardown import Teardown


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
    if problems:
        attach_text("teardown: what could not be undone", "\n".join(problems))


@pytest.fixture(autouse=True)
def server_errors_fail_the_scenario(request: pytest.FixtureRequest) -> Iterator[None]:
    """Only for scenarios: an ERROR in a local server's log while one ran fails it."""
    if not request.node.nodeid.startswith("features/"):
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
def tracers(config: Config, teardown: Teardown, otel_context: None) -> Tracers:
    return Tracers(config, teardown)


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
def readers(polls: list[Poll[Any]]) -> Callable[[Project], BackendReader]:
    def reader(project: Project) -> BackendReader:
        client = HoneyHive(api_key=project.api_key, server_url=project.url)
        return BackendReader(client, on_poll=polls.append)

    return reader


@pytest.fixture
def model(config: Config, endpoints: Endpoints) -> ModelTarget:
    instrument_openai()
    return model_target(config, endpoints)
