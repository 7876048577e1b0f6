"""Streamed completions: a chat front end streams the model's answer inside one traced step."""

from __future__ import annotations

from honeyhive import HoneyHiveTracer

from support.app.streaming import stream_answer
from support.sdk.tracers import Run, Tracers, traced
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project

STEP = "streamed-answer"
QUESTION = "Explain in two sentences why the sky looks blue."


def streamed_answer(
    tracers: Tracers, project: Project, model: ModelTarget, *, stop_after: int | None = None
) -> Run:
    client = openai_client(model)

    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        with tracer.trace(STEP, event_type="chain") as span:
            answer = stream_answer(
                client, model.model, QUESTION, max_tokens=24, stop_after_chunks=stop_after
            )
            span.set_attribute("stream.chunks", answer.chunks)
            span.set_attribute("stream.finished", answer.finished)
        return Run.of(project, tracer, unique_id, [STEP], extra={"answer": answer})

    return traced(tracers, project, "streaming", body)
