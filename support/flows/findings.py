"""Flows behind the SDK findings of `features/sdk_findings.feature`: each exercises a documented
behaviour; the scenarios expect what the SDK documents."""

from __future__ import annotations

from dataclasses import dataclass

from support.ids import unique
from support.outcome import (
    Facet,
    NeedsAnotherWhen,
    Outcome,
    SessionOutcome,
    StepOutcome,
    TracingFacts,
)
from support.sdk.settings import environment
from support.sdk.tracers import TracedSession, Tracers
from support.target.projects import Project

INSIDE, AFTER = "inside-scoped-session", "after-scoped-session"


@dataclass(frozen=True)
class ScopedSession(Facet):
    NEEDS = "a When that traces a step inside a scoped session block and one after it"
    scoped: SessionOutcome  # the session the block opened
    own: SessionOutcome  # the tracer's own session


@dataclass(frozen=True)
class RefusedExports(Facet):
    NEEDS = "a When whose trace exports the backend refuses"
    status: int
    refusals: int  # exports the backend refused


def span_after_scoped_session(tracers: Tracers, project: Project) -> Outcome:
    with TracedSession(tracers, project, "with-session") as s:
        with (
            s.tracer.with_session(f"scoped-{s.unique_id}") as scoped_id,
            s.tracer.trace(INSIDE) as span,
        ):
            span.set_attribute("scenario.unique_id", s.unique_id)
        with s.tracer.trace(AFTER) as span:
            span.set_attribute("scenario.unique_id", s.unique_id)
    scoped = SessionOutcome(
        str(scoped_id), f"scoped-{s.unique_id}", project, [StepOutcome(INSIDE, "tool")]
    )
    own = SessionOutcome(s.session.session_id, s.unique_id, project, [StepOutcome(AFTER, "tool")])
    return Outcome(
        action="a step is traced inside a scoped session block and another after it",
        sessions=[scoped, own],
        tracers=[s.tracer],
        facets=[ScopedSession(scoped, own)],
    )


def session_named_by_environment(tracers: Tracers, project: Project) -> Outcome:
    unique_id = unique("env-session-name")
    with environment({"HH_SESSION_NAME": unique_id, "SESSION_NAME": None}):
        tracer = tracers.open(project, None)
    with tracer.trace("named-by-environment"):
        pass
    flushed = tracer.flush()
    session = SessionOutcome(
        str(tracer.session_id), unique_id, project, [StepOutcome("named-by-environment", "tool")]
    )
    return Outcome(
        action="a tracer is started with its session name only in HH_SESSION_NAME",
        sessions=[session],
        tracing=TracingFacts(flushed=flushed),
        tracers=[tracer],
    )


def flush_against_refusing_backend(tracers: Tracers, project: Project, status: int) -> Outcome:
    if project.control is None:
        raise NeedsAnotherWhen("needs the embedded backend's control plane (tag @emulator_only)")
    control = project.control
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
    return Outcome(
        action=f"the backend refuses every trace export with status {status}",
        sessions=[SessionOutcome(str(tracer.session_id), unique_id, project, [])],
        tracing=TracingFacts(flushed=flushed),
        tracers=[tracer],
        facets=[RefusedExports(status, hits)],
    )


@dataclass(frozen=True)
class ClientTarget(Facet):
    NEEDS = "a When that builds a HoneyHive client with a URL"
    given: str
    effective: str | None  # where the client says it sends; None: it refused the URL
    refusal: str | None


def client_with_url(url: str) -> Outcome:
    """Only builds the SDK's client (no request is made: nothing reaches any host), with a key
    that belongs to nobody, and reads where it says it will send."""
    from honeyhive import HoneyHive

    try:
        client = HoneyHive(api_key="hh_no_such_key_for_a_url_probe", server_url=url)
    except Exception as exc:  # refusing the URL is what the documentation would allow
        return Outcome(
            action=f"the application builds its client with {url!r}",
            facets=[ClientTarget(url, None, f"{type(exc).__name__}: {exc}")],
        )
    return Outcome(
        action=f"the application builds its client with {url!r}",
        facets=[ClientTarget(url, str(client.server_url), None)],
    )
