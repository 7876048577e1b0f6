"""Your application as its framework ran it: every unit of the framework an event of its type
under its parent, and each model request stored once — whichever framework and instrumentor
the application was built with."""

from __future__ import annotations

from pytest_bdd import then

from support.checks import frameworks, structure
from support.outcome import Outcome
from support.readback.readback import Readback


@then("the session holds every step as the application ran it, each of its kind under its parent")
def holds_units(readback: Readback, outcome: Outcome) -> None:
    """The tree the framework really ran (its own units included: a LangGraph graph and its
    nodes, an agent, a tool node), compared with the stored events."""
    for session, stored in readback.sessions(outcome):
        structure.holds_units(stored, session)


@then("every tool is stored with the arguments it was called with")
def tools_called_with(readback: Readback, outcome: Outcome) -> None:
    """By their names: a tool called with a query is stored with that query under 'query'."""
    for session, stored in readback.sessions(outcome):
        frameworks.tools_called_with(stored, session)


@then("every agent is stored with the question it was given and the answer it gave")
def agents_given_and_answered(readback: Readback, outcome: Outcome) -> None:
    for session, stored in readback.sessions(outcome):
        frameworks.agents_given_and_answered(stored, session)
