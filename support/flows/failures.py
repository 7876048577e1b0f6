"""The seed's error recovery: a traced step calls HoneyHive with a key that belongs to no project;
the call fails for real and the failure is recorded on the step."""

from __future__ import annotations

from honeyhive import HoneyHive, HoneyHiveTracer
from honeyhive._generated.api_config import HTTPException
from honeyhive.models import PostEventRequest

from support.sdk.tracers import Run, Tracers, traced
from support.target.projects import Project, Projects


def call_with_unknown_key(tracers: Tracers, projects: Projects, project: Project) -> Run:
    invalid_client = HoneyHive(api_key=projects.wrong_key(), server_url=project.url)

    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        refused: HTTPException | None = None
        try:
            with tracer.trace("failing-operation", event_type="tool") as span:
                span.set_attribute("operation.unique_id", unique_id)
                invalid_client.events.create(
                    PostEventRequest.model_validate(
                        {"event": {"event_type": "model", "inputs": {"test": "data"}}}
                    )
                )
        except HTTPException as exc:
            refused = exc
        return Run.of(
            project,
            tracer,
            unique_id,
            ["failing-operation"],
            extra={"refused": refused},
        )

    return traced(tracers, project, "error-recovery", body)
