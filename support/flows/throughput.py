"""The seed's high-throughput run: many spans in one session with the seed's batch settings.
Each span does a little real work (hashing a document) instead of sleeping."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from support.outcome import Facet, Outcome, StepOutcome
from support.sdk.tracers import TracedSession, Tracers
from support.target.projects import Project

_TEXT = "Exporters batch telemetry to reduce network calls. " * 20


@dataclass(frozen=True)
class Batching(Facet):
    NEEDS = "a When that traces many steps with batch settings"
    batch_size: int
    flush_interval: float


def work(i: int) -> str:
    digest = hashlib.sha256(f"{i}:{_TEXT}".encode()).hexdigest()
    for _ in range(200):
        digest = hashlib.sha256(digest.encode()).hexdigest()
    return digest[:16]


def span_name(i: int) -> str:
    return f"high-throughput-span-{i}"


def many_spans(
    tracers: Tracers, project: Project, count: int, batch_size: int, flush_interval: float
) -> Outcome:
    with TracedSession(
        tracers, project, "throughput", batch_size=batch_size, flush_interval=flush_interval
    ) as s:
        for i in range(count):
            with s.tracer.trace(span_name(i)) as span:
                span.set_attribute("span.index", i)
                span.set_attribute("batch.test", "throughput")
                span.set_attribute("work.digest", work(i))
        s.steps = [StepOutcome(span_name(i), "tool") for i in range(count)]
    return s.outcome(
        f"the application traces {count} steps in batches of {batch_size}",
        facets=[Batching(batch_size, flush_interval)],
    )
