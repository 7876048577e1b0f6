"""Async and concurrent applications: fan-out in one session, many sessions at once."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, then, when

from support.checks import trees as tree_checks
from support.flows import concurrency
from support.readback.stored import Stored
from support.sdk.tracers import Run, Tracers
from support.target.model import ModelTarget
from support.target.projects import Project
from support.teardown import Teardown


@when(parsers.parse("the service looks up its products at once with {using}"), target_fixture="run")
def fan_out(tracers: Tracers, project: Project, model: ModelTarget, using: str) -> Run:
    return concurrency.fan_out(tracers, project, model, using=using)


@then(parsers.parse('every lookup hangs under the "{request}" step that started it'))
def under_request(stored: Stored, run: Run, request: str) -> None:
    tree_checks.lookups_under_request(stored, run, request)


@then("each lookup holds its own model call, asked about its own product")
def own_calls(stored: Stored, run: Run) -> None:
    tree_checks.own_model_calls(stored, run)


@then("the lookups were in flight at the same time")
def in_flight(stored: Stored, run: Run) -> None:
    tree_checks.lookups_in_flight_together(stored, run)


@when("two users chat with the service at the same time", target_fixture="user_runs")
def users_at_once(
    tracers: Tracers, project: Project, model: ModelTarget, teardown: Teardown
) -> dict[str, Run]:
    return concurrency.users_at_once(tracers, project, model, teardown)


@then(
    "each user's session holds only that user's turns and their model calls",
    target_fixture="user_sessions",
)
def own_sessions(user_runs: dict[str, Run], readers: Any, project: Project) -> list[Stored]:
    return tree_checks.sessions_hold_only_their_own(readers(project), user_runs)


@then("the users' sessions were served at the same time")
def served_together(user_sessions: list[Stored]) -> None:
    tree_checks.sessions_served_together(user_sessions)
