"""The seed's multi-tenant isolation: two projects (two API keys) trace side by side, each in
its own thread, each with a model call routed to its own tracer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from honeyhive import HoneyHiveTracer

from support.ids import unique
from support.sdk.tracers import Run, Tracers
from support.sdk.tracing import acting_as
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project

TENANTS = {"tenant-a": "data-processing", "tenant-b": "model-inference"}


def side_by_side(
    tracers: Tracers, projects: dict[str, Project], model: ModelTarget
) -> dict[str, Run]:
    client = openai_client(model)

    def work(label: str) -> Run:
        project, unique_id = projects[label], unique(label)
        tracer = tracers.open(project, unique_id)
        with acting_as(tracer), tracer.trace(f"{label}-operation") as span:
            span.set_attribute("tenant.id", label)
            span.set_attribute("operation.type", TENANTS[label])
            client.chat.completions.create(
                model=model.model,
                messages=[{"role": "user", "content": f"Say hello to {label}."}],
                max_tokens=8,
            )
        tracer.flush()
        return _run(project, tracer, unique_id, label)

    with ThreadPoolExecutor(max_workers=len(projects)) as pool:
        runs = dict(zip(projects, pool.map(work, projects), strict=True))
    return runs


def _run(project: Project, tracer: HoneyHiveTracer, unique_id: str, label: str) -> Run:
    return Run.of(
        project,
        tracer,
        unique_id,
        [f"{label}-operation"],
        recorded={f"{label}-operation": {"metadata.tenant.id": label}},
        extra={"label": label},
    )
