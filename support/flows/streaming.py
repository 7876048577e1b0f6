"""Streamed completions: a chat front end streams the model's answer inside one traced step."""

from __future__ import annotations

from honeyhive import HoneyHiveTracer

from ..app.streaming import stream_answer
from ..llm import ModelTarget, openai_client
from ..projects import Project
from ..runs import Run, Tracers, traced

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
