"""SDK behaviours the documentation promises, exercised by their own Whens; the scenarios tagged
@known_defect expect the documented behaviour (see docs/findings.md)."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import sessions
from support.flows import findings
from support.flows.findings import ClientTarget, RefusedExports, ScopedSession
from support.outcome import Outcome
from support.readback.readback import Readback
from support.readback.stored import Stored
from support.sdk.tracers import Tracers
from support.target.projects import Project


@when(
    "a step is traced inside a scoped session block and another step after the block",
    target_fixture="outcome",
)
def scoped_session(tracers: Tracers, project: Project) -> Outcome:
    return findings.span_after_scoped_session(tracers, project)


@then(parsers.parse('the "{step}" step is stored in the scoped session'))
def in_scoped_session(readback: Readback, outcome: Outcome, step: str) -> None:
    scoped = outcome.facet(ScopedSession)
    sessions.stored_in(
        readback.reader(scoped.own.project),
        step,
        scoped.own.name,
        scoped.scoped,
        "the scoped session",
    )


@then(parsers.parse('the "{step}" step is stored in the tracer\'s own session'))
def in_own_session(readback: Readback, outcome: Outcome, step: str) -> None:
    scoped = outcome.facet(ScopedSession)
    sessions.stored_in(
        readback.reader(scoped.own.project),
        step,
        scoped.own.name,
        scoped.own,
        "the tracer's own session",
    )


@when(
    "a tracer is started with its session name given only in HH_SESSION_NAME",
    target_fixture="outcome",
)
def named_by_environment(tracers: Tracers, project: Project) -> Outcome:
    return findings.session_named_by_environment(tracers, project)


@then("the session is stored under the name from HH_SESSION_NAME")
def session_named_from_env(stored: Stored, outcome: Outcome) -> None:
    sessions.named(stored, outcome.session)


@when(
    parsers.parse(
        "the backend refuses every trace export with status {status:d} and the application flushes"
    ),
    target_fixture="outcome",
)
def refused_exports(tracers: Tracers, project: Project, status: int) -> Outcome:
    return findings.flush_against_refusing_backend(tracers, project, status)


@then("the backend refused the export")
def backend_refused(outcome: Outcome) -> None:
    assert outcome.facet(RefusedExports).refusals >= 1, (
        "the fault was never hit: nothing was exported"
    )


@then("the flush reports that the export failed")
def flush_reports_failure(outcome: Outcome) -> None:
    refused = outcome.facet(RefusedExports)
    assert outcome.tracing.flushed is False, (
        f"flush() returned {outcome.tracing.flushed!r} although the backend answered "
        f"{refused.status} to {refused.refusals} export(s)"
    )


@when(
    parsers.parse('the application builds its HoneyHive client with the URL "{url}"'),
    target_fixture="outcome",
)
def client_with_url(url: str) -> Outcome:
    """Builds the client only: no request is sent, to that URL or any other."""
    return findings.client_with_url(url)


@then("the client sends to the URL it was given, or refuses it")
def client_keeps_url(outcome: Outcome) -> None:
    target = outcome.facet(ClientTarget)
    if target.effective is None:
        return  # refused at once: the application learns of its typo
    assert target.effective.rstrip("/") == target.given.rstrip("/"), (
        f"the client was given {target.given!r} and says it will send to {target.effective!r}"
    )
