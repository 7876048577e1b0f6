"""The seed's multi-tenant isolation: two projects (two API keys) trace side by side, each in
its own thread, each with a model call routed to its own tracer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from support.outcome import Facet, Outcome, SessionOutcome, StepOutcome
from support.sdk.tracers import TracedSession, Tracers
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project

TENANTS = {"tenant-a": "data-processing", "tenant-b": "model-inference"}
LABELS = tuple(TENANTS)


@dataclass(frozen=True)
class Tenants(Facet):
    NEEDS = "a When in which two projects trace at the same time"
    sessions: tuple[tuple[str, SessionOutcome], ...]  # (tenant label, its session)

    def of(self, label: str) -> SessionOutcome:
        return dict(self.sessions)[label]


def operation(label: str) -> str:
    return f"{label}-operation"


def side_by_side(tracers: Tracers, projects: dict[str, Project], model: ModelTarget) -> Outcome:
    client = openai_client(model)
    mark = model.traffic.mark()

    def work(label: str) -> TracedSession:
        with TracedSession(tracers, projects[label], label, model) as s:
            with s.tracer.trace(operation(label)) as span:
                span.set_attribute("tenant.id", label)
                span.set_attribute("operation.type", TENANTS[label])
                client.chat.completions.create(
                    model=model.model,
                    messages=[{"role": "user", "content": f"Say hello to {label}."}],
                    max_tokens=8,
                )
            s.steps = [
                StepOutcome(operation(label), "tool", recorded={"metadata.tenant.id": label})
            ]
        return s

    with ThreadPoolExecutor(max_workers=len(projects)) as pool:
        done = dict(zip(projects, pool.map(work, projects), strict=True))
    sessions = {label: s.session for label, s in done.items()}
    return Outcome(
        action="both projects trace a session with a model call at the same time",
        sessions=list(sessions.values()),
        model_exchanges=model.traffic.since(mark),
        tracers=[s.tracer for s in done.values()],
        facets=[Tenants(tuple(sessions.items()))],
    )
