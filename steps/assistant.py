"""The production-like assistant: questions, conversations, feedback."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import general as checks
from support.flows import assistant
from support.readback.stored import Stored
from support.sdk.tracers import Run, Tracers
from support.target.model import ModelTarget
from support.target.projects import Project


@when(parsers.parse('a user asks the assistant "{question}"'), target_fixture="run")
def ask(tracers: Tracers, project: Project, model: ModelTarget, question: str) -> Run:
    return assistant.ask(tracers, project, model, question)


@when(
    parsers.parse("a user holds a {turns:d}-turn conversation with the assistant"),
    target_fixture="run",
)
def conversation(tracers: Tracers, project: Project, model: ModelTarget, turns: int) -> Run:
    return assistant.conversation(tracers, project, model, turns)


@when(
    parsers.parse('a user rates the assistant\'s answer {rating:d} of 5 saying "{comment}"'),
    target_fixture="run",
)
def rate(tracers: Tracers, project: Project, model: ModelTarget, rating: int, comment: str) -> Run:
    return assistant.rated_answer(tracers, project, model, rating, comment)


@then(parsers.parse("the context retrieval found at least {count:d} relevant document"))
@then(parsers.parse("the context retrieval found at least {count:d} relevant documents"))
def documents_found(stored: Stored, count: int) -> None:
    checks.documents_found(stored, count)


@then(
    parsers.parse(
        "each of the {count:d} model calls carries the conversation so far: {lengths} messages"
    )
)
def history_lengths(stored: Stored, count: int, lengths: str) -> None:
    expected = [int(n) for n in lengths.replace(" and ", ", ").split(", ")]
    checks.history_lengths(checks.model_calls_in_order(stored, count), expected)


@then("every answer the user saw is part of the next turn's history")
def answers_carried_forward(stored: Stored, run: Run) -> None:
    checks.answers_carried_forward(
        checks.model_calls_in_order(stored, len(run.extra["turns"])), run
    )


@then("the session carries the user's rating and comment as feedback")
def feedback_on_session(stored: Stored, run: Run) -> None:
    checks.session_field(stored, "feedback.rating", run.extra["rating"])
    checks.session_field(stored, "feedback.comment", run.extra["comment"])


@then("the session carries the user's id in its user properties")
def user_on_session(stored: Stored, run: Run) -> None:
    checks.session_field(stored, "user_properties.user_id", run.extra["user_id"])
