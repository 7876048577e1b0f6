"""Single requests through an application: the When steps of the data-flow, multi-service and
error-recovery scenarios."""

from __future__ import annotations

from pytest_bdd import then, when

from support.flows import data_flow, failures, multi_service
from support.sdk.tracers import Run, Tracers
from support.target.model import ModelTarget
from support.target.projects import Project, Projects


@when(
    "a request tagged with a unique id passes through input, model and output processing",
    target_fixture="run",
)
def three_step_request(tracers: Tracers, project: Project, model: ModelTarget) -> Run:
    return data_flow.three_step_request(tracers, project, model)


@when(
    "the application asks the model a question and post-processes the answer in one session",
    target_fixture="run",
)
def model_then_tool(tracers: Tracers, project: Project, model: ModelTarget) -> Run:
    return multi_service.model_then_tool(tracers, project, model)


@when(
    "a traced step calls HoneyHive with an API key that belongs to no project",
    target_fixture="run",
)
def call_with_unknown_key(tracers: Tracers, projects: Projects, project: Project) -> Run:
    return failures.call_with_unknown_key(tracers, projects, project)


@then("the call was refused as unauthorised")
def refused_as_unauthorised(run: Run) -> None:
    refused = run.extra["refused"]
    assert refused is not None and refused.status_code == 401, f"the call raised {refused!r}"
