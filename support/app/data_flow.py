"""A three-step request: input processing → model processing → output processing, each step
traced with the request's unique id, as in the seed's end-to-end data flow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import openai
    from honeyhive import HoneyHiveTracer

STEPS = ("input-processing", "model-processing", "output-processing")


@dataclass(frozen=True)
class FlowResult:
    input_data: str
    processed_input: str
    model_output: str
    final_output: str


def process_input(text: str) -> str:
    """Collapse whitespace and lower-case: the model sees a normalised question."""
    return " ".join(text.split()).lower()


def process_output(text: str) -> str:
    cleaned = " ".join(text.split())
    return cleaned[:400] if cleaned else "(the model returned no text)"


def run(
    tracer: HoneyHiveTracer,
    client: openai.OpenAI,
    model: str,
    unique_id: str,
    input_data: str,
) -> FlowResult:
    with tracer.trace("input-processing", event_type="tool") as span:
        span.set_attribute("input.unique_id", unique_id)
        span.set_attribute("input.data", input_data)
        processed = process_input(input_data)
        span.set_attribute("input.processed", processed)

    with tracer.trace("model-processing", event_type="model") as span:
        span.set_attribute("model.unique_id", unique_id)
        span.set_attribute("model.input", processed)
        reply = client.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": processed}],
            max_tokens=16,
            temperature=0,
        )
        output = reply.choices[0].message.content or ""
        span.set_attribute("model.output", output)

    with tracer.trace("output-processing", event_type="tool") as span:
        span.set_attribute("output.unique_id", unique_id)
        span.set_attribute("output.raw", output)
        final = process_output(output)
        span.set_attribute("output.final", final)

    return FlowResult(input_data, processed, output, final)
