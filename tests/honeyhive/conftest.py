"""One shared emulator per test process (per xdist worker), a project of its own per test, and
tracers that are flushed and shut down after each test. A server-side error in the shared
emulator's log during a test fails that test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from honeyhive import HoneyHiveTracer

from support.ids import unique
from support.sdk.tracing import clean_context, close_tracer, open_tracer

from .api import Emulator, Tenant, start_emulator

MakeTenant = Callable[..., Tenant]
MakeTracer = Callable[..., HoneyHiveTracer]


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    folder = tmp_path_factory.mktemp("honeyhive")
    running = start_emulator(folder, folder / "shared.db")
    try:
        yield running
    finally:
        running.service.stop()


@pytest.fixture(autouse=True)
def _no_server_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    if "emulator" not in request.fixturenames:
        yield
        return
    running: Emulator = request.getfixturevalue("emulator")
    offset = running.service.log_size()
    yield
    errors = [line for line in running.log_since(offset) if " ERROR " in line]
    assert not errors, "the emulator logged errors:\n" + "\n".join(running.log_since(offset))


@pytest.fixture
def make_tenant(emulator: Emulator) -> Iterator[MakeTenant]:
    """Fresh projects with their own keys; their data is reset after the test."""
    made: list[Tenant] = []

    def make(label: str = "t") -> Tenant:
        tenant = emulator.new_tenant(label)
        made.append(tenant)
        return tenant

    yield make
    for tenant in reversed(made):
        emulator.control.reset(tenant.project)


@pytest.fixture
def tenant(make_tenant: MakeTenant) -> Tenant:
    return make_tenant("a")


@pytest.fixture
def make_tracer() -> Iterator[MakeTracer]:
    """HoneyHiveTracers exporting each span as it ends; flushed and stopped after the test, in
    an OpenTelemetry context of the test's own."""
    opened: list[HoneyHiveTracer] = []

    def make(tenant: Tenant, session_name: str | None = None, **options: Any) -> HoneyHiveTracer:
        options.setdefault("disable_batch", True)
        tracer = open_tracer(
            api_key=tenant.api_key,
            server_url=tenant.url,
            session_name=session_name or unique("session"),
            source="contract-tests",
            **options,
        )
        opened.append(tracer)
        return tracer

    with clean_context():
        yield make
        for tracer in reversed(opened):
            close_tracer(tracer)
