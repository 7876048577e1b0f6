"""Your application, described in the feature: its steps (name, kind, what each does, where it
nests), and users sending it requests — one at a time, or many at once."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from support.flows import application as service
from support.flows.application import Application
from support.outcome import Outcome
from support.sdk.settings import TracerSettings
from support.sdk.tracers import Tracers
from support.target.model import ModelTarget
from support.target.projects import Project


@given("an application with these steps:", target_fixture="application")
def described(datatable: list[list[str]]) -> Application:
    """Columns: step, kind (tool, model or chain), does (see the list in docs/steps.md) and,
    optionally, under (the step it nests in)."""
    return Application.from_table(datatable)


@when(parsers.parse('a user sends the request "{text}"'), target_fixture="outcome")
def one_request(
    tracers: Tracers,
    project: Project,
    model: ModelTarget,
    application: Application,
    tracer_settings: TracerSettings,
    text: str,
) -> Outcome:
    return service.serve(tracers, project, model, application, tracer_settings, text=text)


@when(parsers.parse("a user sends a request of {size:d} characters"), target_fixture="outcome")
def sized_request(
    tracers: Tracers,
    project: Project,
    model: ModelTarget,
    application: Application,
    tracer_settings: TracerSettings,
    size: int,
) -> Outcome:
    return service.serve(tracers, project, model, application, tracer_settings, size=size)


@when(parsers.parse("a user sends {requests:d} requests"), target_fixture="outcome")
def several_requests(
    tracers: Tracers,
    project: Project,
    model: ModelTarget,
    application: Application,
    tracer_settings: TracerSettings,
    requests: int,
) -> Outcome:
    return service.serve(tracers, project, model, application, tracer_settings, requests=requests)


@when(
    parsers.parse("{users:d} users each send {requests:d} requests at the same time"),
    target_fixture="outcome",
)
def users_at_once(
    tracers: Tracers,
    project: Project,
    model: ModelTarget,
    application: Application,
    tracer_settings: TracerSettings,
    users: int,
    requests: int,
) -> Outcome:
    return service.serve(
        tracers, project, model, application, tracer_settings, users=users, requests=requests
    )
