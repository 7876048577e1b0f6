"""The seed's multi-service integration: a real model call and a tool step in one session."""

from __future__ import annotations

from honeyhive import HoneyHiveTracer

from support.sdk.tracers import Run, Tracers, traced
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project


def summarise_reply(text: str) -> str:
    words = text.split()
    return f"{len(words)} words; starts with: {' '.join(words[:6])}" if words else "empty reply"


def model_then_tool(tracers: Tracers, project: Project, model: ModelTarget) -> Run:
    client = openai_client(model)

    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        with tracer.trace("openai-call", event_type="model") as span:
            response = client.chat.completions.create(
                model=model.model,
                messages=[{"role": "user", "content": "Test integration"}],
                max_tokens=10,
            )
            reply = response.choices[0].message.content or ""
            span.set_attribute("model.response", reply)
        with tracer.trace("data-processing", event_type="tool") as span:
            processed = summarise_reply(reply)
            span.set_attribute("processing.result", processed)
        return Run.of(
            project,
            tracer,
            unique_id,
            ["openai-call", "data-processing"],
            recorded={
                "openai-call": {"metadata.model.response": reply},
                "data-processing": {"metadata.processing.result": processed},
            },
            extra={"reply": reply, "usage": response.usage},
        )

    return traced(tracers, project, "multi-service", body)
