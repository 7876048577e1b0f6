"""The seed's end-to-end data flow: three steps in one session, each carrying the request's id."""

from __future__ import annotations

from honeyhive import HoneyHiveTracer

from support.app import data_flow
from support.sdk.tracers import Run, Tracers, traced
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project


def three_step_request(tracers: Tracers, project: Project, model: ModelTarget) -> Run:
    client = openai_client(model)

    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        result = data_flow.run(
            tracer, client, model.model, unique_id, "  What does   HoneyHive TRACE?  "
        )
        return Run.of(
            project,
            tracer,
            unique_id,
            data_flow.STEPS,
            recorded={
                "input-processing": {
                    "metadata.input.data": result.input_data,
                    "metadata.input.processed": result.processed_input,
                },
                "model-processing": {
                    "metadata.model.input": result.processed_input,
                    "metadata.model.output": result.model_output,
                },
                "output-processing": {
                    "metadata.output.raw": result.model_output,
                    "metadata.output.final": result.final_output,
                },
            },
            chain=[
                (
                    "input-processing",
                    "metadata.input.processed",
                    "model-processing",
                    "metadata.model.input",
                ),
                (
                    "model-processing",
                    "metadata.model.output",
                    "output-processing",
                    "metadata.output.raw",
                ),
            ],
        )

    return traced(tracers, project, "e2e", body)
