"""Async and concurrent applications: fan-out in one session, many sessions at once."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import concurrency as checks
from support.flows import concurrency
from support.flows.concurrency import FanOut
from support.outcome import Outcome
from support.readback.readback import Readback
from support.readback.stored import Stored
from support.sdk.tracers import Tracers
from support.target.model import ModelTarget
from support.target.projects import Project
from support.teardown import Teardown


@when(
    parsers.parse("the service looks up its products at once with {using}"),
    target_fixture="outcome",
)
def fan_out(tracers: Tracers, project: Project, model: ModelTarget, using: str) -> Outcome:
    """using: asyncio tasks, or worker threads."""
    return concurrency.fan_out(tracers, project, model, using=using)


@then(parsers.parse('every lookup hangs under the "{request}" step that started it'))
def under_request(stored: Stored, outcome: Outcome, request: str) -> None:
    checks.lookups_under_request(stored, outcome.session, outcome.facet(FanOut), request)


@then("each lookup holds its own model call, asked about its own product")
def own_calls(stored: Stored, outcome: Outcome) -> None:
    checks.own_model_calls(stored, outcome, outcome.facet(FanOut))


@then("the lookups were in flight at the same time")
def in_flight(stored: Stored, outcome: Outcome) -> None:
    checks.lookups_in_flight_together(stored, outcome.facet(FanOut))


@when("two users chat with the service at the same time", target_fixture="outcome")
def users_at_once(
    tracers: Tracers, project: Project, model: ModelTarget, teardown: Teardown
) -> Outcome:
    return concurrency.users_at_once(tracers, project, model, teardown)


@then("each user's session holds only that user's turns and their model calls")
def own_sessions(readback: Readback, outcome: Outcome) -> None:
    checks.sessions_hold_only_their_own(readback.sessions(outcome))
