"""Prompt configurations kept in HoneyHive: the model, its settings and the system prompt a
team stores in the project, which the application fetches before it calls the model."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from support.checks import configurations as checks
from support.flows.configurations import StoredConfiguration, fetch_by_id, store
from support.outcome import BadScenario, Outcome
from support.readback.readback import Readback
from support.target.projects import Project
from support.teardown import Teardown
from support.values import table_values


@given(parsers.parse('the project holds the configuration "{name}":'))
def holds(
    project: Project,
    teardown: Teardown,
    configurations: dict[str, StoredConfiguration],
    name: str,
    datatable: list[list[str]],
) -> None:
    """A table of model, temperature, max_tokens, system (model required)."""
    configurations[name] = store(project, teardown, name, table_values(datatable))


@then(parsers.parse('the model call under "{step}" used the configuration "{name}"'))
def used_configuration(
    readback: Readback,
    outcome: Outcome,
    configurations: dict[str, StoredConfiguration],
    step: str,
    name: str,
) -> None:
    """Model, settings and system prompt as the feature stored them, and the step names it."""
    for session, stored in readback.sessions(outcome):
        checks.used(stored, session, step, configurations[name])


@when(
    parsers.parse('the application fetches the configuration "{name}" by its id'),
    target_fixture="outcome",
)
def fetched(project: Project, configurations: dict[str, StoredConfiguration], name: str) -> Outcome:
    if name not in configurations:
        raise BadScenario(f'no Given stored the configuration "{name}" in the project')
    return fetch_by_id(project, configurations[name])


@then("the application gets that configuration and no other")
def got_alone(outcome: Outcome) -> None:
    checks.fetched_alone(outcome)
