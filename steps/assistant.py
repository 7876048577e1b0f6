"""The production-like assistant: a question, a conversation, feedback on an answer."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import assistant as checks
from support.flows import assistant
from support.flows.assistant import Conversation
from support.outcome import Outcome
from support.readback.stored import Stored
from support.sdk.tracers import Tracers
from support.target.model import ModelTarget
from support.target.projects import Project


@when(parsers.parse('a user asks the assistant "{question}"'), target_fixture="outcome")
def ask(tracers: Tracers, project: Project, model: ModelTarget, question: str) -> Outcome:
    return assistant.ask(tracers, project, model, question)


@when(
    parsers.parse("a user holds a {turns:d}-turn conversation with the assistant"),
    target_fixture="outcome",
)
def conversation(tracers: Tracers, project: Project, model: ModelTarget, turns: int) -> Outcome:
    return assistant.conversation(tracers, project, model, turns)


@when(
    parsers.parse('a user rates the assistant\'s answer {rating:d} of 5 saying "{comment}"'),
    target_fixture="outcome",
)
def rate(
    tracers: Tracers, project: Project, model: ModelTarget, rating: int, comment: str
) -> Outcome:
    return assistant.rated_answer(tracers, project, model, rating, comment)


@then(parsers.parse("the context retrieval found at least {count:d} relevant document"))
@then(parsers.parse("the context retrieval found at least {count:d} relevant documents"))
def documents_found(stored: Stored, outcome: Outcome, count: int) -> None:
    """As many documents as the document store returns for the question, at least `count`."""
    checks.documents_found(stored, outcome.facet(Conversation), count)


@then(
    parsers.parse(
        "each of the {count:d} model calls carries the conversation so far: {lengths} messages"
    )
)
def history_lengths(stored: Stored, count: int, lengths: str) -> None:
    expected = [int(n) for n in lengths.replace(" and ", ", ").split(", ")]
    checks.history_lengths(checks.model_calls_in_order(stored, count), expected)


@then("every answer the user saw is part of the next turn's history")
def answers_carried_forward(stored: Stored, outcome: Outcome) -> None:
    talk = outcome.facet(Conversation)
    checks.answers_carried_forward(checks.model_calls_in_order(stored, len(talk.turns)), talk)


@then(
    parsers.parse(
        'the "{step}" step records the model name, temperature, max tokens and token counts'
    )
)
def generation_settings(stored: Stored, outcome: Outcome, step: str) -> None:
    checks.generation_settings(stored, outcome, outcome.facet(Conversation))


@then(
    parsers.parse('the model call under "{step}" reports the same model, settings and token counts')
)
def call_matches_step(stored: Stored, outcome: Outcome, step: str) -> None:
    checks.call_matches_step(stored, outcome.facet(Conversation))
