"""The seed's production-like application, and conversations and feedback built on it."""

from __future__ import annotations

from honeyhive import HoneyHiveTracer

from support.app.assistant import STEPS, Assistant
from support.app.documents import DocumentStore
from support.readback.fields import field
from support.sdk.tracers import Run, Tracers, traced
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project

FOLLOW_UPS = (
    "What are the benefits of machine learning?",
    "How do teams keep those models from overfitting?",
    "And how would I trace such an application in production?",
)


def _assistant(tracer: HoneyHiveTracer, model: ModelTarget) -> Assistant:
    return Assistant(tracer, openai_client(model), model.model, DocumentStore())


def _run(
    project: Project, tracer: HoneyHiveTracer, unique_id: str, bot: Assistant, steps: list[str]
) -> Run:
    return Run.of(
        project,
        tracer,
        unique_id,
        steps,
        extra={
            "turns": list(bot.history),
            "analytics": bot.analytics,
            "model": bot.model,
            "temperature": bot.temperature,
            "max_tokens": bot.max_tokens,
        },
    )


def ask(tracers: Tracers, project: Project, model: ModelTarget, question: str) -> Run:
    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        bot = _assistant(tracer, model)
        bot.answer(question)
        return _run(project, tracer, unique_id, bot, list(STEPS))

    return traced(tracers, project, "assistant", body)


def conversation(tracers: Tracers, project: Project, model: ModelTarget, turns: int) -> Run:
    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        bot = _assistant(tracer, model)
        for question in FOLLOW_UPS[:turns]:
            bot.answer(question)
        return _run(project, tracer, unique_id, bot, list(STEPS))

    if not 1 <= turns <= len(FOLLOW_UPS):
        raise ValueError(f"conversations of 1 to {len(FOLLOW_UPS)} turns are scripted")
    return traced(tracers, project, "conversation", body)


def rated_answer(
    tracers: Tracers, project: Project, model: ModelTarget, rating: int, comment: str
) -> Run:
    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        bot = _assistant(tracer, model)
        bot.answer(FOLLOW_UPS[0])
        user_id = f"user-{unique_id}"
        tracer.enrich_session(
            feedback={"rating": rating, "comment": comment},
            user_properties={"user_id": user_id},
            metrics={"answer_length": len(bot.history[-1].assistant)},
        )
        run = _run(project, tracer, unique_id, bot, list(STEPS))
        run.extra.update({"rating": rating, "comment": comment, "user_id": user_id})
        run.ready = lambda events: any(
            field(e, "feedback.rating") == rating
            for e in events
            if e.get("event_type") == "session"
        )
        return run

    return traced(tracers, project, "feedback", body)
