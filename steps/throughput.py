"""High throughput: many steps traced quickly, with the batch settings the application asks
for."""

from __future__ import annotations

from pytest_bdd import parsers, when

from support.flows import throughput
from support.outcome import Outcome
from support.sdk.tracers import Tracers
from support.target.projects import Project


@when(
    parsers.parse(
        "the application traces {count:d} steps in one session, batching {batch_size:d} spans "
        "and flushing every {interval:f} seconds"
    ),
    target_fixture="outcome",
)
def many_spans(
    tracers: Tracers, project: Project, count: int, batch_size: int, interval: float
) -> Outcome:
    return throughput.many_spans(tracers, project, count, batch_size, interval)
