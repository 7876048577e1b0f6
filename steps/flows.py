"""What the application does: each When runs one real, traced application flow."""

from __future__ import annotations

from pytest_bdd import when

from support import flows
from support.flows import Run, Tracers
from support.llm import ModelTarget
from support.projects import Project


@when(
    "a request tagged with a unique id passes through input, model and output processing",
    target_fixture="run",
)
def three_step_request(tracers: Tracers, project: Project, model: ModelTarget) -> Run:
    return flows.three_step_request(tracers, project, model)
