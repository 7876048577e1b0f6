"""Tenancy: two projects working side by side, each seeing only its own data."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import model_calls, tenancy
from support.flows import tenants
from support.flows.application import Tenancy
from support.flows.tenants import LABELS, Tenants
from support.outcome import Outcome
from support.readback.readback import Readback
from support.sdk.tracers import Tracers
from support.target.model import ModelTarget
from support.target.projects import Project


@when(
    "both projects trace a session with a model call at the same time",
    target_fixture="outcome",
)
def side_by_side(
    tracers: Tracers, tenant_projects: dict[str, Project], model: ModelTarget
) -> Outcome:
    return tenants.side_by_side(tracers, tenant_projects, model)


@then("each project sees its session with only its own events")
def own_events_only(readback: Readback, outcome: Outcome) -> None:
    both = outcome.facet(Tenants)
    for label, other in zip(LABELS, reversed(LABELS), strict=True):
        session = both.of(label)
        tenancy.own_events_only(readback.session(session), session, label, both.of(other))


@then(parsers.parse('each project\'s model call is stored under its own "{suffix}" step'))
def model_call_per_tenant(readback: Readback, outcome: Outcome, suffix: str) -> None:
    both = outcome.facet(Tenants)
    for label in LABELS:
        model_calls.model_call(readback.session(both.of(label)), f"{label}{suffix}")


@then("neither project can read the other's session by its id")
def cannot_cross_read(readback: Readback, outcome: Outcome) -> None:
    both = outcome.facet(Tenants)
    for label, other in zip(LABELS, reversed(LABELS), strict=True):
        readback.session(both.of(other))  # the other's data is stored before this one looks
        tenancy.cannot_read(readback.reader(both.of(label).project), both.of(other))


@then("no project can read another project's sessions by their ids")
def no_cross_reads(readback: Readback, outcome: Outcome) -> None:
    """Each session is read back from its own project first (so it is stored), then looked up
    with every other project's key: nothing."""
    projects = outcome.facet(Tenancy).projects
    for session in outcome.sessions:
        readback.session(session)
        for other in projects:
            if other.name != session.project.name:
                tenancy.cannot_read(readback.reader(other), session)
