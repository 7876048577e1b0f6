"""Scenario-level actions: open a traced session for a project, run an app in it with model
calls routed to that session, flush, and describe what the backend should now hold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from honeyhive import HoneyHiveTracer

from .app import data_flow
from .config import Config
from .ids import unique
from .llm import ModelTarget, openai_client
from .projects import Project
from .sessions import delete_session
from .teardown import Teardown
from .tracing import acting_as, close_tracer, open_tracer


@dataclass
class Run:
    """What a When step did, for the Then steps to check against the backend."""

    project: Project
    session_id: str
    session_name: str
    unique_id: str
    steps: list[str]
    recorded: dict[str, dict[str, Any]] = field(default_factory=dict)
    chain: list[tuple[str, str, str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    tracer: HoneyHiveTracer | None = field(default=None, repr=False)

    def __repr__(self) -> str:  # shown as an Allure parameter: keep it short and secret-free
        return f"Run(session={self.session_id}, id={self.unique_id})"


class Tracers:
    """Opens tracers for a scenario; teardown flushes and closes them, then deletes their
    sessions where the backend allows it."""

    def __init__(self, config: Config, teardown: Teardown) -> None:
        self.config = config
        self.teardown = teardown

    def open(self, project: Project, session_name: str, **options: Any) -> HoneyHiveTracer:
        tracer = open_tracer(
            api_key=project.api_key,
            server_url=project.url,
            session_name=session_name,
            source=self.config.source,
            **options,
        )
        sid = str(tracer.session_id)
        self.teardown.add(f"delete session {sid}", lambda: delete_session(project, sid))
        self.teardown.add(f"close the tracer of {session_name}", lambda: close_tracer(tracer))
        return tracer


def traced(
    tracers: Tracers, project: Project, prefix: str, body: Callable[[HoneyHiveTracer, str], Run]
) -> Run:
    """Run `body(tracer, unique_id)` in a fresh session named after a unique id, then flush."""
    unique_id = unique(prefix)
    tracer = tracers.open(project, unique_id)
    with acting_as(tracer):
        run = body(tracer, unique_id)
    tracer.flush()
    run.tracer = tracer
    return run


def three_step_request(tracers: Tracers, project: Project, model: ModelTarget) -> Run:
    client = openai_client(model)

    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        result = data_flow.run(
            tracer, client, model.model, unique_id, "  What does   HoneyHive TRACE?  "
        )
        return Run(
            project=project,
            session_id=str(tracer.session_id),
            session_name=str(tracer.session_name),
            unique_id=unique_id,
            steps=list(data_flow.STEPS),
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
