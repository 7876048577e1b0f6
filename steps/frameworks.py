"""Your application as its framework ran it: every unit of the framework an event of its type
under its parent, and each model request stored once — whichever framework and instrumentor
the application was built with."""

from __future__ import annotations

from pytest_bdd import then

from support.checks import structure
from support.outcome import Outcome
from support.readback.readback import Readback


@then("the session holds every step as the application ran it, each of its kind under its parent")
def holds_units(readback: Readback, outcome: Outcome) -> None:
    """The tree the framework really ran (its own units included: a LangGraph graph and its
    nodes, an agent, a tool node), compared with the stored events."""
    for session, stored in readback.sessions(outcome):
        structure.holds_units(stored, session)
