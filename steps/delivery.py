"""Delivery: what the application traced arrives, exactly once, in time, and tracing never got
in the application's way."""

from __future__ import annotations

from pytest_bdd import parsers, then

from support.checks import delivery
from support.flows.faults import BackendFacts
from support.outcome import NeedsAnotherWhen, Outcome
from support.readback.readback import Readback
from support.readback.stored import Stored
from support.target.runtime import Endpoints


def _receipts(outcome: Outcome) -> dict[str, int] | None:
    project = outcome.session.project
    return project.control.receipts(project.name) if project.control else None


@then("the backend holds every step of the session exactly once")
def each_exactly_once(readback: Readback, outcome: Outcome, endpoints: Endpoints) -> None:
    """Counted by what the backend received (a step sent twice fails, even if it kept one),
    and watched over the absence window for a late repeat."""
    for session, stored in readback.sessions(outcome):
        project = session.project
        events = delivery.nothing_extra_over_window(
            readback.reader(project),
            session,
            until=delivery.window_end(outcome, endpoints.absence_window),
            what="the traced steps",
            only_traced_names=True,
            settled=delivery.sent_and_settled(outcome, session),
        )
        receipts = project.control.receipts(project.name) if project.control else None
        # what the window's last read found, after its end: not the read made before it
        delivery.exactly_once(Stored(stored.session_id, events), session, receipts)


@then("every step the application traced arrives exactly once")
def all_arrived(readback: Readback, outcome: Outcome, endpoints: Endpoints) -> None:
    """Looked for over the absence window before anything is called lost."""
    session = outcome.session
    facts = (
        f"the backend refused {f.refused} export(s) and stored {f.exports}"
        if outcome.has(BackendFacts) and (f := outcome.facet(BackendFacts))
        else "no backend counts"
    ) + f"; flush() returned {outcome.tracing.flushed!r}"
    delivery.arrived_over_window(
        readback.reader(session.project),
        session,
        lambda: _receipts(outcome),
        until=delivery.window_end(outcome, endpoints.absence_window),
        facts=facts,
        settled=delivery.sent_and_settled(outcome),
    )


@then("tracing never raised an error into the application")
def not_interrupted(outcome: Outcome) -> None:
    delivery.never_raised(outcome)


@then(parsers.parse("the tracer started within {seconds:d} seconds"))
def started_quickly(outcome: Outcome, seconds: int) -> None:
    delivery.started_within(outcome, seconds)


@then(parsers.parse("tracing them took less than {seconds:d} seconds"))
def processing_time(outcome: Outcome, seconds: int) -> None:
    delivery.traced_within(outcome, seconds)


@then("the session keeps the name the application gave it")
def name_kept(readback: Readback, outcome: Outcome) -> None:
    delivery.name_kept(readback.reader(outcome.session.project), outcome.session)


@then(parsers.parse("the stored steps start within {seconds:d} seconds of each other"))
def timestamp_spread(stored: Stored, seconds: int) -> None:
    delivery.timestamps_within(stored, seconds)


@then(parsers.parse("the backend received them in exports of at most {size:d} spans each"))
def export_batches(stored: Stored, outcome: Outcome, size: int) -> None:
    """Needs the embedded backend (@emulator_only): it counts the spans of every export."""
    project = outcome.session.project
    if project.control is None:
        raise NeedsAnotherWhen("counting exports needs the embedded backend (tag @emulator_only)")
    delivery.export_sizes([p["span_count"] for p in project.control.payloads(project.name)], size)


@then("each step reached the backend in an export of its own")
def one_export_per_step(readback: Readback, outcome: Outcome) -> None:
    """Needs the embedded backend (@emulator_only); with batching off, one span per export."""
    for session, _ in readback.sessions(outcome):
        project = session.project
        if project.control is None:
            raise NeedsAnotherWhen(
                "counting exports needs the embedded backend (tag @emulator_only)"
            )
        sizes = [p["span_count"] for p in project.control.payloads(project.name)]
        delivery.export_sizes(sizes, 1)


@then(parsers.parse("the model server answered {count:d} requests for the scenario"))
def model_requests(outcome: Outcome, count: int) -> None:
    """Counted on the wire: every request the application sent that got an answer."""
    answered = [x for x in outcome.model_exchanges if x.status]
    assert len(answered) == count, (
        f"the model answered {len(answered)} requests: "
        f"{[x.status for x in outcome.model_exchanges]}"
    )
