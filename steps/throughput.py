"""Volume: many spans in one session, batching, timing."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import general as checks
from support.flows import throughput
from support.readback.stored import Stored
from support.sdk.tracers import Run, Tracers
from support.target.projects import Project
from support.target.runtime import Endpoints


@when(
    parsers.parse(
        "the application traces {count:d} steps in one session, batching {batch_size:d} spans "
        "and flushing every {interval:f} seconds"
    ),
    target_fixture="run",
)
def many_spans(
    tracers: Tracers, project: Project, count: int, batch_size: int, interval: float
) -> Run:
    return throughput.many_spans(tracers, project, count, batch_size, interval)


@then("the backend holds every step of the session exactly once")
def each_exactly_once(stored: Stored, run: Run) -> None:
    checks.each_exactly_once(stored, run)


@then(parsers.parse("tracing them took less than {seconds:d} seconds"))
def processing_time(run: Run, seconds: int) -> None:
    took = run.extra["processing_seconds"]
    assert took < seconds, f"tracing {len(run.steps)} steps took {took:.2f}s"


@then(parsers.parse("the stored steps start within {seconds:d} seconds of each other"))
def timestamp_spread(stored: Stored, seconds: int) -> None:
    checks.timestamp_spread(stored, seconds)


@then(parsers.parse("the backend received them in exports of at most {size:d} spans each"))
def export_batches(stored: Stored, run: Run, endpoints: Endpoints, size: int) -> None:
    assert endpoints.hh_control is not None, "needs the embedded backend (tag @emulator_only)"
    sizes = [p["span_count"] for p in endpoints.hh_control.payloads(run.project.name)]
    assert sizes and max(sizes) <= size, f"{len(sizes)} export(s) of {sizes} spans"
