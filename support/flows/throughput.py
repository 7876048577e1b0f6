"""The seed's high-throughput run: many spans in one session with the seed's batch settings.
Each span does a little real work (hashing a document) instead of sleeping."""

from __future__ import annotations

import hashlib
import time

from support.ids import unique
from support.sdk.tracers import Run, Tracers
from support.target.projects import Project

_TEXT = "Exporters batch telemetry to reduce network calls. " * 20


def work(i: int) -> str:
    digest = hashlib.sha256(f"{i}:{_TEXT}".encode()).hexdigest()
    for _ in range(200):
        digest = hashlib.sha256(digest.encode()).hexdigest()
    return digest[:16]


def span_name(i: int) -> str:
    return f"high-throughput-span-{i}"


def many_spans(
    tracers: Tracers, project: Project, count: int, batch_size: int, flush_interval: float
) -> Run:
    unique_id = unique("throughput")
    tracer = tracers.open(project, unique_id, batch_size=batch_size, flush_interval=flush_interval)
    started = time.perf_counter()
    for i in range(count):
        with tracer.trace(span_name(i)) as span:
            span.set_attribute("span.index", i)
            span.set_attribute("batch.test", "throughput")
            span.set_attribute("work.digest", work(i))
    processing = time.perf_counter() - started
    flushed = tracer.flush()
    return Run.of(
        project,
        tracer,
        unique_id,
        [span_name(i) for i in range(count)],
        extra={
            "processing_seconds": processing,
            "flushed": flushed,
            "batch_size": batch_size,
            "flush_interval": flush_interval,
        },
    )
