"""The seed's production-like application, and conversations and feedback built on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from support.app.assistant import STEPS, Assistant, Turn
from support.app.documents import DocumentStore
from support.outcome import BadScenario, Facet, Outcome, StepOutcome
from support.readback.fields import field
from support.sdk.tracers import TracedSession, Tracers
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project

if TYPE_CHECKING:
    from honeyhive import HoneyHiveTracer

FOLLOW_UPS = (
    "What are the benefits of machine learning?",
    "How do teams keep those models from overfitting?",
    "And how would I trace such an application in production?",
)
KINDS = {"llm-generation": "model"}


@dataclass(frozen=True)
class Conversation(Facet):
    """The assistant's turns as the user saw them, and the settings it called the model with."""

    NEEDS = "a When in which a user talks to the assistant"
    turns: tuple[Turn, ...]
    model: str
    temperature: float
    max_tokens: int
    documents_found: tuple[int, ...]  # per turn, as the document store answered


def _assistant(tracer: HoneyHiveTracer, model: ModelTarget, **options: object) -> Assistant:
    return Assistant(tracer, openai_client(model), model.model, DocumentStore(), **options)  # type: ignore[arg-type]


def _steps(turns: int) -> list[StepOutcome]:
    """Each turn runs every step of the assistant, in order."""
    return [StepOutcome(name, KINDS.get(name, "tool")) for _ in range(turns) for name in STEPS]


def _conversation(bot: Assistant) -> Conversation:
    """The conversation as the user saw it; the documents found per turn as a fresh store
    answers the same questions (what the retrieval step should have recorded)."""
    store = DocumentStore()
    return Conversation(
        tuple(bot.history),
        bot.model,
        bot.temperature,
        bot.max_tokens,
        tuple(len(store.search(t.user)) for t in bot.history),
    )


def ask(tracers: Tracers, project: Project, model: ModelTarget, question: str) -> Outcome:
    with TracedSession(tracers, project, "assistant", model) as s:
        bot = _assistant(s.tracer, model)
        bot.answer(question)
        s.steps = _steps(1)
    return s.outcome(f"a user asks the assistant {question!r}", facets=[_conversation(bot)])


def conversation(tracers: Tracers, project: Project, model: ModelTarget, turns: int) -> Outcome:
    if not 1 <= turns <= len(FOLLOW_UPS):
        raise BadScenario(f"conversations of 1 to {len(FOLLOW_UPS)} turns are scripted")
    with TracedSession(tracers, project, "conversation", model) as s:
        bot = _assistant(s.tracer, model)
        for question in FOLLOW_UPS[:turns]:
            bot.answer(question)
        s.steps = _steps(turns)
    return s.outcome(
        f"a user holds a {turns}-turn conversation with the assistant",
        facets=[_conversation(bot)],
    )


def rated_answer(
    tracers: Tracers, project: Project, model: ModelTarget, rating: int, comment: str
) -> Outcome:
    with TracedSession(tracers, project, "feedback", model) as s:
        bot = _assistant(s.tracer, model)
        bot.answer(FOLLOW_UPS[0])
        user_id = f"user-{s.unique_id}"
        s.tracer.enrich_session(
            feedback={"rating": rating, "comment": comment},
            user_properties={"user_id": user_id},
            metrics={"answer_length": len(bot.history[-1].assistant)},
        )
        s.steps = _steps(1)
        s.recorded = {
            "feedback.rating": rating,
            "feedback.comment": comment,
            "user_properties.user_id": user_id,
            "metrics.answer_length": len(bot.history[-1].assistant),
        }
    session = s.session
    session.ready = lambda events: any(
        field(e, "feedback.rating") == rating for e in events if e.get("event_type") == "session"
    )
    return s.outcome(
        f"a user rates the assistant's answer {rating} of 5",
        session=session,
        facets=[_conversation(bot)],
    )
