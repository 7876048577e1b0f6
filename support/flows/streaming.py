"""Streamed completions: a chat front end streams the model's answer inside one traced step."""

from __future__ import annotations

from dataclasses import dataclass

from support.app.streaming import StreamedAnswer, stream_answer
from support.outcome import Facet, Outcome, StepOutcome
from support.sdk.tracers import TracedSession, Tracers
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project

STEP = "streamed-answer"
QUESTION = "Explain in two sentences why the sky looks blue."


@dataclass(frozen=True)
class Streamed(Facet):
    NEEDS = "a When in which the chat front end streams the model's answer to the user"
    answer: StreamedAnswer


def streamed_answer(
    tracers: Tracers, project: Project, model: ModelTarget, *, stop_after: int | None = None
) -> Outcome:
    client = openai_client(model)
    with TracedSession(tracers, project, "streaming", model) as s:
        with s.tracer.trace(STEP, event_type="chain") as span:
            answer = stream_answer(
                client, model.model, QUESTION, max_tokens=24, stop_after_chunks=stop_after
            )
            span.set_attribute("stream.chunks", answer.chunks)
            span.set_attribute("stream.finished", answer.finished)
        s.steps = [StepOutcome(STEP, "chain")]
    what = f"the user stops reading after {stop_after} chunks" if stop_after else "streams"
    return s.outcome(f"the chat front end streams the answer ({what})", facets=[Streamed(answer)])
