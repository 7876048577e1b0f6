"""Resource cleanup: what a scenario creates, it can remove."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from support.checks import cleanup as checks
from support.flows import cleanup
from support.flows.cleanup import Created, Removal
from support.outcome import Outcome
from support.readback.readback import Readback
from support.sdk.tracers import Tracers
from support.target.projects import Project


@given(
    parsers.parse("{count:d} traced sessions, each holding one step, stored by the backend"),
    target_fixture="created",
)
def sessions_with_one_step(
    tracers: Tracers, project: Project, readback: Readback, count: int
) -> Created:
    return cleanup.sessions_with_one_step(tracers, project, readback, count)


@when("the sessions are removed", target_fixture="outcome")
def remove(created: Created) -> Outcome:
    return cleanup.remove(created)


@then("none of the sessions or their steps is left in the backend")
def nothing_left(readback: Readback, outcome: Outcome) -> None:
    checks.nothing_left(readback, outcome, outcome.facet(Removal))


@then("no tracer of the scenario is still running")
def tracers_stopped(outcome: Outcome) -> None:
    checks.no_new_threads(outcome.facet(Removal))
