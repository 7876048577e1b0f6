"""The seed's end-to-end data flow: three steps in one session, each carrying the request's id."""

from __future__ import annotations

from dataclasses import dataclass

from support.app import data_flow
from support.outcome import Facet, Outcome, StepOutcome
from support.sdk.tracers import TracedSession, Tracers
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project

REQUEST = "  What does   HoneyHive TRACE?  "


@dataclass(frozen=True)
class Link:
    """The value one step produced (at `source_path`) is the one the next consumed."""

    source: str
    source_path: str
    target: str
    target_path: str


@dataclass(frozen=True)
class DataChain(Facet):
    NEEDS = "a When that passes a request through several processing steps"
    request: str  # what the user sent
    links: tuple[Link, ...]
    model_step: str  # the step whose model call the chain goes through
    model_input: str  # where that step recorded what it sent the model
    model_output: str  # and what the model answered


def three_step_request(tracers: Tracers, project: Project, model: ModelTarget) -> Outcome:
    client = openai_client(model)
    with TracedSession(tracers, project, "e2e", model) as s:
        result = data_flow.run(s.tracer, client, model.model, s.unique_id, REQUEST)
        s.steps = [
            StepOutcome(
                "input-processing",
                "tool",
                recorded={
                    "metadata.input.data": REQUEST,
                    "metadata.input.processed": data_flow.process_input(REQUEST),
                },
            ),
            StepOutcome(
                "model-processing",
                "model",
                recorded={"metadata.model.input": result.processed_input},
            ),
            StepOutcome(
                "output-processing",
                "tool",
                recorded={"metadata.output.final": data_flow.process_output(result.model_output)},
            ),
        ]
    chain = DataChain(
        REQUEST,
        (
            Link(
                "input-processing",
                "metadata.input.processed",
                "model-processing",
                "metadata.model.input",
            ),
            Link(
                "model-processing",
                "metadata.model.output",
                "output-processing",
                "metadata.output.raw",
            ),
        ),
        "model-processing",
        "metadata.model.input",
        "metadata.model.output",
    )
    return s.outcome("a request passes through input, model and output processing", facets=[chain])
