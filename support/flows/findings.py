"""Flows behind the SDK findings: each exercises a documented behaviour the SDK does not honour
(see features/sdk_findings.feature). The scenarios expect the documented behaviour."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from honeyhive import HoneyHiveTracer

from emulator.honeyhive.control_client import HoneyHiveControl

from ..ids import unique
from ..projects import Project
from ..runs import Run, Tracers, traced


def _set_environment(values: dict[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@contextlib.contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """Set (or, with None, remove) environment variables for the block, then restore them."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        _set_environment(values)
        yield
    finally:
        _set_environment(saved)


def span_after_scoped_session(tracers: Tracers, project: Project) -> Run:
    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        with (
            tracer.with_session(f"scoped-{unique_id}") as scoped,
            tracer.trace("inside-scoped-session") as span,
        ):
            span.set_attribute("scenario.unique_id", unique_id)
        with tracer.trace("after-scoped-session") as span:
            span.set_attribute("scenario.unique_id", unique_id)
        return Run.of(
            project,
            tracer,
            unique_id,
            [],
            extra={"scoped_session": scoped},
        )

    return traced(tracers, project, "with-session", body)


def session_named_by_environment(tracers: Tracers, project: Project) -> Run:
    unique_id = unique("env-session-name")
    with environment(HH_SESSION_NAME=unique_id, SESSION_NAME=None):
        tracer = tracers.open(project, None)
    with tracer.trace("named-by-environment"):
        pass
    tracer.flush()
    return Run.of(
        project,
        tracer,
        unique_id,
        ["named-by-environment"],
    )


def flush_against_refusing_backend(
    tracers: Tracers, project: Project, control: HoneyHiveControl, status: int
) -> Run:
    unique_id = unique("refused-export")
    tracer = tracers.open(project, unique_id)
    control.set_faults(
        project.name, [{"route": "otlp", "action": "status", "status": status, "times": -1}]
    )
    try:
        with tracer.trace("refused-step") as span:
            span.set_attribute("scenario.unique_id", unique_id)
        flushed = tracer.flush()
    finally:
        hits = sum(f["hits"] for f in control.faults(project.name))
        control.clear_faults(project.name)
    return Run.of(
        project,
        tracer,
        unique_id,
        [],
        extra={"flushed": flushed, "refusals": hits, "status": status},
    )
