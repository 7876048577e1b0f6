"""Decorated applications and enrichment: `@trace`, `@trace_class`, `enrich_span`,
`enrich_session`."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import delivery, recorded
from support.checks import enrichment as checks
from support.flows import enrichment
from support.outcome import Outcome
from support.readback.reader import BackendReader
from support.readback.stored import Stored
from support.sdk.tracers import Tracers
from support.target.model import ModelTarget
from support.target.projects import Project
from support.target.runtime import Endpoints


@when("the decorated ticket desk handles a customer's ticket", target_fixture="outcome")
def ticket(tracers: Tracers, project: Project, model: ModelTarget) -> Outcome:
    return enrichment.ticket_handled(tracers, project, model)


@when("a decorated function enriches its step and then fails", target_fixture="outcome")
def escalation(tracers: Tracers, project: Project) -> Outcome:
    return enrichment.escalation_refused(tracers, project)


@then(parsers.parse('the "{parent}" step holds the steps "{first}" and "{second}"'))
def nested(stored: Stored, parent: str, first: str, second: str) -> None:
    checks.steps_nested(stored, parent, [first, second])


@then("no step carries enrichment that another step recorded")
def no_leaks(stored: Stored, outcome: Outcome) -> None:
    checks.enrichment_stays_on_its_event(stored, outcome.session)


@then("the failure is recorded on that one step, with no extra events")
def one_event(
    stored: Stored, reader: BackendReader, outcome: Outcome, endpoints: Endpoints
) -> None:
    """The failing step is stored with the error's type and message as raised; then the
    session is watched over the whole absence window for anything else."""
    failed = [s for s in outcome.session.steps if s.error]
    assert len(failed) == 1, f"the application saw {len(failed)} failing steps, not one"
    recorded.error_as_raised(stored, failed[0])
    delivery.nothing_extra_over_window(
        reader,
        outcome.session,
        until=delivery.window_end(outcome, endpoints.absence_window),
        what="the failing function",
        settled=delivery.sent_and_settled(outcome),
    )
