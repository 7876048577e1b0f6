"""The seed's multi-service integration: a real model call and a tool step in one session."""

from __future__ import annotations

from support.outcome import Outcome, StepOutcome
from support.sdk.tracers import TracedSession, Tracers
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project


def summarise_reply(text: str) -> str:
    words = text.split()
    return f"{len(words)} words; starts with: {' '.join(words[:6])}" if words else "empty reply"


def model_then_tool(tracers: Tracers, project: Project, model: ModelTarget) -> Outcome:
    client = openai_client(model)
    with TracedSession(tracers, project, "multi-service", model) as s:
        with s.tracer.trace("openai-call", event_type="model") as span:
            response = client.chat.completions.create(
                model=model.model,
                messages=[{"role": "user", "content": "Test integration"}],
                max_tokens=10,
            )
            reply = response.choices[0].message.content or ""
            span.set_attribute("model.response", reply)
        with s.tracer.trace("data-processing", event_type="tool") as span:
            processed = summarise_reply(reply)
            span.set_attribute("processing.result", processed)
        s.steps = [
            StepOutcome("openai-call", "model", recorded={"metadata.model.response": reply}),
            StepOutcome(
                "data-processing", "tool", recorded={"metadata.processing.result": processed}
            ),
        ]
    return s.outcome("the application asks the model and post-processes the answer")
