"""Resource cleanup: what a scenario creates, it can remove."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_bdd import given, parsers, then, when

from support.checks import general as checks
from support.flows import cleanup
from support.readback.reader import BackendReader
from support.sdk.tracers import Tracers
from support.target.projects import Project

Readers = Callable[[Project], BackendReader]


@given(
    parsers.parse("{count:d} traced sessions, each holding one step, stored by the backend"),
    target_fixture="created",
)
def sessions_with_one_step(
    tracers: Tracers, project: Project, readers: Readers, count: int
) -> cleanup.Created:
    return cleanup.sessions_with_one_step(tracers, project, readers(project), count)


@when("the sessions are removed", target_fixture="removal")
def remove(created: cleanup.Created) -> cleanup.Removal:
    return cleanup.remove(created)


@then("none of the sessions or their steps is left in the backend")
def nothing_left(created: cleanup.Created, removal: cleanup.Removal, readers: Readers) -> None:
    leftovers = checks.nothing_left(readers(created.project), created, removal)
    if leftovers:
        pytest.skip("the backend cannot remove sessions; left behind: " + "; ".join(leftovers))


@then("no tracer of the scenario is still running")
def tracers_stopped(created: cleanup.Created, removal: cleanup.Removal) -> None:
    checks.no_new_threads(created, removal)
