"""Your application, described in the feature: its steps (name, kind, what each does, where it
nests), and users sending it requests — one at a time, or many at once."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from support.flows.application import Application, Service, choose
from support.outcome import Outcome
from support.sdk.settings import Build
from support.target.projects import Projects


@given("an application with these steps:", target_fixture="application")
def described(datatable: list[list[str]]) -> Application:
    """Columns: step, kind (tool, model or chain), does (see the list above) and, optionally,
    under (the step it nests in)."""
    return Application.from_table(datatable)


@when(parsers.parse('a user sends the request "{text}"'), target_fixture="outcome")
def one_request(service: Service, text: str) -> Outcome:
    return service.serve(text=text)


@when(parsers.parse("a user sends a request of {size:d} characters"), target_fixture="outcome")
def sized_request(service: Service, size: int) -> Outcome:
    return service.serve(size=size)


@when(parsers.parse("a user sends {requests:d} requests"), target_fixture="outcome")
def several_requests(service: Service, requests: int) -> Outcome:
    return service.serve(requests=requests)


@when(
    parsers.parse("{users:d} users each send {requests:d} requests at the same time"),
    target_fixture="outcome",
)
def users_at_once(service: Service, users: int, requests: int) -> Outcome:
    return service.serve(users=users, requests=requests)


def _name(text: str) -> str:
    return text


_name.pattern = r"[^,]+"  # type: ignore[attr-defined]  # a name holds no comma: parse's type


@given(
    parsers.parse(
        "the application is built with {framework} and traced by {instrumentor:Name}",
        extra_types={"Name": _name},
    )
)
def built_with(build: Build, framework: str, instrumentor: str) -> None:
    """Frameworks: the OpenAI client, LangChain, LangGraph, the OpenAI Agents SDK, LiteLLM, the
    Anthropic SDK. Instrumentors: OpenInference, Traceloop, OpenTelemetry GenAI. The steps of
    the application then run as the framework's own units, traced by that instrumentor alone."""
    choose(build, framework, instrumentor)


@given(
    parsers.parse(
        "the application is built with {framework} and traced by {instrumentor}, "
        "its OpenAI client instrumented too"
    )
)
def built_with_client_too(build: Build, framework: str, instrumentor: str) -> None:
    """As above, with OpenInference's OpenAI instrumentor attached beside the framework's (as
    an application that started from HoneyHive's OpenAI quick start and added a framework)."""
    choose(build, framework, instrumentor, with_client=True)


@when(
    parsers.parse(
        "{users:d} users of each of {count:d} projects send {requests:d} requests at the same time"
    ),
    target_fixture="outcome",
)
def projects_at_once(
    service: Service, projects: Projects, users: int, count: int, requests: int
) -> Outcome:
    """The described application, deployed for N projects with their own API keys, all at once."""
    made = [projects.new(f"tenant-{i}") for i in range(1, count + 1)]
    return service.serve_projects(made, users=users, requests=requests)
