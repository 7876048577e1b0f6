"""Then checks of the production-like assistant: what its steps recorded against what its
document store and its model calls really did."""

from __future__ import annotations

from support.checks.model_calls import history_of, model_call
from support.flows.assistant import Conversation
from support.outcome import Outcome
from support.readback.reader import Event
from support.readback.stored import Stored, value

RETRIEVAL, GENERATION = "context-retrieval", "llm-generation"


def documents_found(stored: Stored, conversation: Conversation, at_least: int) -> None:
    """The retrieval recorded as many documents as the document store returns for the question
    (searched again here), and at least `at_least`."""
    expected = conversation.documents_found[0]
    event = stored.named(RETRIEVAL)[0]
    found = value(event, "metadata.context.documents_found")
    assert found == expected, (
        f"retrieval recorded {found} documents; the document store returns {expected} for "
        f"{conversation.turns[0].user!r}"
    )
    assert found >= at_least, f"retrieval found {found} documents, fewer than {at_least}"
    assert value(event, "metadata.context.relevance_score") > 0


def model_calls_in_order(stored: Stored, count: int) -> list[Event]:
    generations = stored.named(GENERATION)
    assert len(generations) == count, f"{len(generations)} generation steps stored"
    calls = []
    for g in generations:
        under = stored.model_calls_under(g)
        assert len(under) == 1, f"model calls under a generation step: {len(under)}"
        calls.append(under[0])
    return calls


def history_lengths(calls: list[Event], expected: list[int]) -> None:
    lengths = [len(history_of(c)) for c in calls]
    assert lengths == expected, f"messages sent per turn: {lengths}"


def answers_carried_forward(calls: list[Event], conversation: Conversation) -> None:
    for i, turn in enumerate(conversation.turns[:-1]):
        later = history_of(calls[i + 1])
        assert any(m.get("content") == turn.assistant for m in later), f"turn {i + 1} answer lost"


def generation_settings(stored: Stored, outcome: Outcome, conversation: Conversation) -> None:
    """The generation step records the model, settings and token counts it used — the token
    counts being the ones the model answered with on the wire."""
    event = stored.one(GENERATION)
    assert value(event, "metadata.model.name") == conversation.model
    assert value(event, "metadata.model.temperature") == conversation.temperature
    assert value(event, "metadata.model.max_tokens") == conversation.max_tokens
    (answer,) = [x for x in outcome.exchanges_under(GENERATION) if not x.failed][-1:]
    for counter, sent in (
        ("prompt_tokens", answer.prompt_tokens),
        ("completion_tokens", answer.completion_tokens),
    ):
        got = value(event, f"metadata.model.{counter}")
        assert got == sent and got > 0, (
            f"the step records {counter}={got}; the model answered {sent}"
        )


def call_matches_step(stored: Stored, conversation: Conversation) -> None:
    event, call = stored.one(GENERATION), model_call(stored, GENERATION)
    assert value(call, "config.model") == conversation.model
    assert value(call, "config.temperature") == conversation.temperature
    assert value(call, "config.max_tokens") == conversation.max_tokens
    for counter in ("prompt_tokens", "completion_tokens"):
        assert value(call, f"metadata.{counter}") == value(event, f"metadata.model.{counter}"), (
            counter
        )
