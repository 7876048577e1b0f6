"""Tenancy: two projects working side by side, each seeing only its own data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_bdd import parsers, then, when

from support.checks import general as checks
from support.flows import tenants
from support.readback.reader import BackendReader
from support.readback.stored import Stored, fetch
from support.sdk.tracers import Run, Tracers
from support.target.model import ModelTarget
from support.target.projects import Project


@when(
    "both projects trace a session with a model call at the same time",
    target_fixture="tenant_runs",
)
def side_by_side(
    tracers: Tracers, tenant_projects: dict[str, Project], model: ModelTarget
) -> dict[str, Run]:
    return tenants.side_by_side(tracers, tenant_projects, model)


@pytest.fixture
def tenant_stored(
    tenant_runs: dict[str, Run], readers: Callable[[Project], BackendReader]
) -> dict[str, Stored]:
    return {label: fetch(readers(run.project), run) for label, run in tenant_runs.items()}


@then("each project sees its session with only its own events")
def own_events_only(tenant_runs: dict[str, Run], tenant_stored: dict[str, Stored]) -> None:
    a, b = tenant_runs["tenant-a"], tenant_runs["tenant-b"]
    checks.own_events_only(tenant_stored["tenant-a"], a, b)
    checks.own_events_only(tenant_stored["tenant-b"], b, a)


@then(parsers.parse('each project\'s model call is stored under its own "{suffix}" step'))
def model_call_per_tenant(
    tenant_runs: dict[str, Run], tenant_stored: dict[str, Stored], suffix: str
) -> None:
    for label, stored in tenant_stored.items():
        checks.model_call(stored, f"{label}{suffix}")


@then("neither project can read the other's session by its id")
def cannot_cross_read(
    tenant_runs: dict[str, Run],
    tenant_stored: dict[str, Stored],
    readers: Callable[[Project], BackendReader],
) -> None:
    a, b = tenant_runs["tenant-a"], tenant_runs["tenant-b"]
    checks.cannot_read(readers(a.project), b)
    checks.cannot_read(readers(b.project), a)
