"""The seed's single requests: a request through input, model and output processing, a model
call and a tool step, and a call HoneyHive refuses."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import data_flow
from support.flows import data_flow as data_flow_flow
from support.flows import failures, multi_service
from support.flows.data_flow import DataChain
from support.flows.failures import RefusedCall
from support.outcome import Outcome
from support.readback.stored import Stored
from support.sdk.tracers import Tracers
from support.target.model import ModelTarget
from support.target.projects import Project, Projects


@when(
    "a request tagged with a unique id passes through input, model and output processing",
    target_fixture="outcome",
)
def three_step_request(tracers: Tracers, project: Project, model: ModelTarget) -> Outcome:
    return data_flow_flow.three_step_request(tracers, project, model)


@when(
    "the application asks the model a question and post-processes the answer in one session",
    target_fixture="outcome",
)
def model_then_tool(tracers: Tracers, project: Project, model: ModelTarget) -> Outcome:
    return multi_service.model_then_tool(tracers, project, model)


@when(
    "a traced step calls HoneyHive with an API key that belongs to no project",
    target_fixture="outcome",
)
def call_with_unknown_key(tracers: Tracers, projects: Projects, project: Project) -> Outcome:
    return failures.call_with_unknown_key(tracers, projects, project)


@then("each step's output is the input of the next step")
def data_chain(stored: Stored, outcome: Outcome) -> None:
    """Needs a request through processing steps; anchored on the stored model call."""
    data_flow.chain_holds(stored, outcome.facet(DataChain))


@then("the call was refused as unauthorised")
def refused_as_unauthorised(outcome: Outcome) -> None:
    refused = outcome.facet(RefusedCall)
    assert refused.status == 401, f"the call raised {refused.raised} (status {refused.status})"


@then(
    parsers.parse('the "{step}" step failed with the reason the backend gave for refusing the call')
)
def failed_with_backend_reason(stored: Stored, outcome: Outcome, step: str) -> None:
    """The recorded error carries the backend's own reply to the same request."""
    refused = outcome.facet(RefusedCall)
    error = str(stored.one(step).get("error") or "")
    assert str(refused.backend_status) in error and refused.backend_reason in error, (
        f"the {step!r} step is stored with the error {error!r}; the backend refused the call "
        f"with {refused.backend_status} {refused.backend_reason!r}"
    )
