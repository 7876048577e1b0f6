"""Agents that call tools: the model asks for a tool, the agent runs it, the model answers."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import agents as checks
from support.flows import agent
from support.flows.agent import AgentRun
from support.outcome import Outcome
from support.readback.stored import Stored
from support.sdk.tracers import Tracers
from support.target.model import ModelTarget
from support.target.projects import Project


@when(
    parsers.parse(
        "the stock desk agent answers a customer's question about a product, "
        "with the model's replies {replies}"
    ),
    target_fixture="outcome",
)
def agent_answers(tracers: Tracers, project: Project, model: ModelTarget, replies: str) -> Outcome:
    """replies: in one go, or streamed."""
    return agent.ask_the_agent(tracers, project, model, stream=agent.streamed(replies))


@then(parsers.parse('the "{loop}" loop holds these steps, in this order:'))
def loop_holds(stored: Stored, loop: str, datatable: list[list[str]]) -> None:
    checks.loop_kinds(stored, loop, [row[0] for row in datatable[1:]])


@then("the tool that ran is the one the model asked for, with exactly the model's arguments")
def asked_tool_ran(stored: Stored, outcome: Outcome) -> None:
    checks.asked_tool_ran(stored, outcome.facet(AgentRun))


@then("the next model call was sent the tool's result")
def result_sent_back(stored: Stored, outcome: Outcome) -> None:
    checks.result_sent_back(stored, outcome, outcome.facet(AgentRun))


@then("the agent's answer is recorded as the app received it")
def final_answer(stored: Stored, outcome: Outcome) -> None:
    checks.final_answer(stored, outcome, outcome.facet(AgentRun))
