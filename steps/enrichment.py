"""Decorated applications and enrichment: `@trace`, `@trace_class`, `enrich_span`,
`enrich_session`."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import enrichment as enrichment_checks
from support.flows import enrichment
from support.readback.stored import Stored
from support.sdk.tracers import Run, Tracers
from support.target.model import ModelTarget
from support.target.projects import Project


@when("the decorated ticket desk handles a customer's ticket", target_fixture="run")
def ticket(tracers: Tracers, project: Project, model: ModelTarget) -> Run:
    return enrichment.ticket_handled(tracers, project, model)


@when(
    "a decorated function enriches its step and then fails",
    target_fixture="run",
)
def escalation(tracers: Tracers, project: Project) -> Run:
    return enrichment.escalation_refused(tracers, project)


@then(parsers.parse('the "{parent}" step holds the steps "{first}" and "{second}"'))
def nested(stored: Stored, parent: str, first: str, second: str) -> None:
    enrichment_checks.steps_nested(stored, parent, [first, second])


@then("no step carries enrichment that another step recorded")
def no_leaks(stored: Stored, run: Run) -> None:
    enrichment_checks.enrichment_stays_on_its_event(stored, run)


@then("the session carries the metadata, feedback, metrics and user properties the app gave it")
def session_enrichment(stored: Stored, run: Run) -> None:
    enrichment_checks.session_enrichment(stored, run)


@then("the failure is recorded on that one step, with no extra events")
def one_event(stored: Stored, run: Run) -> None:
    enrichment_checks.one_event_per_failure(stored, run)
